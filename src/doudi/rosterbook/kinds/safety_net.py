"""S1 梳理对接: the safety-net list the poverty office hands to civil affairs — every member of each card
household marked 兜底保障标识 (PovertyRegistration.safety_net_mark)."""

from __future__ import annotations

from datetime import date
from typing import Any

from doudi.registry import access
from doudi.signing.canonical import Column, ColumnType, Section

from . import KindSpec, register
from .common import SEQ, SEX_LABELS, TOWNSHIP, VILLAGE, division_name, numbered

COLUMNS = (
    SEQ,
    TOWNSHIP,
    VILLAGE,
    Column("household_no", "户编号"),
    Column("name", "姓名"),
    Column("id_number", "身份证号"),
    Column("relation", "与户主关系"),
    Column("sex", "性别"),
    Column("poverty_type", "贫困户属性"),
    Column("exit_status", "脱贫属性"),
    Column("exit_pathway", "脱贫方式"),
    Column("income_per_capita", "家庭年人均纯收入(元)", ColumnType.FEN),
)


def build(user: Any, region_code: str, month: date | None) -> tuple[Section, ...]:
    registrations = (
        access.poverty_registrations_for(user)
        .filter(safety_net_mark=True, household__village_code__startswith=region_code)
        .select_related("household")
        .order_by("household__village_code", "household_no")
    )
    by_household = {r.household_id: r for r in registrations}
    members = (
        access.memberships_for(user)
        .filter(household_id__in=list(by_household), valid_to__isnull=True)
        .select_related("person", "household")
    )
    rows = []
    order = sorted(
        members,
        key=lambda m: (m.household.village_code, m.household.household_no, m.relation != "户主", m.id),
    )
    for m in order:
        reg, person = by_household[m.household_id], m.person
        rows.append(
            (
                division_name(m.household.township_code),
                division_name(m.household.village_code),
                reg.household_no,
                person.name,
                person.id_number,
                m.relation,
                SEX_LABELS.get(person.sex),
                reg.poverty_type,
                reg.status,
                reg.exit_pathway,
                reg.income_per_capita_fen,
            )
        )
    return (Section("members", "兜底保障对象名单", COLUMNS, numbered(rows), ("household_no", "id_number")),)


register(KindSpec("safety_net", "S1兜底保障一批名单", build))
