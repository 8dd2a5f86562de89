"""The monthly payment roster (月发放名册): dibao enrolments' monthly amounts, tekun basic living and care
standards, and temporary assistance paid in the month; with totals by township."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from doudi.registry import access
from doudi.registry.models import DibaoStatus, Household, Person
from doudi.signing.canonical import Column, ColumnType, Section

from . import KindSpec, register
from .common import SEQ, TOWNSHIP, VILLAGE, division_name, month_range, numbered

DIBAO, TEKUN, TEMPORARY = "低保", "特困供养", "临时救助"
CATEGORY_ORDER = {DIBAO: 0, TEKUN: 1, TEMPORARY: 2}

DETAIL_COLUMNS = (
    SEQ,
    TOWNSHIP,
    VILLAGE,
    Column("category", "救助类别"),
    Column("name", "姓名"),
    Column("id_number", "身份证号"),
    Column("persons", "保障人数", ColumnType.INT),
    Column("dibao", "低保金(元)", ColumnType.FEN),
    Column("tekun_basic", "特困基本生活费(元)", ColumnType.FEN),
    Column("tekun_care", "特困照料护理费(元)", ColumnType.FEN),
    Column("temporary", "临时救助金(元)", ColumnType.FEN),
    Column("total", "合计(元)", ColumnType.FEN),
)

TOTAL_COLUMNS = (
    TOWNSHIP,
    Column("dibao_households", "低保户数", ColumnType.INT),
    Column("dibao_persons", "低保人数", ColumnType.INT),
    Column("dibao", "低保金(元)", ColumnType.FEN),
    Column("tekun_persons", "特困人数", ColumnType.INT),
    Column("tekun_basic", "特困基本生活费(元)", ColumnType.FEN),
    Column("tekun_care", "特困照料护理费(元)", ColumnType.FEN),
    Column("temporary_count", "临时救助人次", ColumnType.INT),
    Column("temporary", "临时救助金(元)", ColumnType.FEN),
    Column("total", "合计(元)", ColumnType.FEN),
)


@dataclass(frozen=True)
class Payment:
    village_code: str
    category: str
    name: str
    id_number: str | None
    persons: int
    dibao: int = 0
    tekun_basic: int = 0
    tekun_care: int = 0
    temporary: int = 0

    @property
    def total(self) -> int:
        return self.dibao + self.tekun_basic + self.tekun_care + self.temporary


def _active(first: date, last: date) -> Q:
    return (Q(start_date__isnull=True) | Q(start_date__lte=last)) & (
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )


def _who(person: Person | None, household: Household | None) -> tuple[str, str | None, str]:
    """(name, id, village) of the recipient: the person, else the household head."""
    if person is None and household is not None:
        person = household.head
    if person is None:
        return ("", None, household.village_code if household else "")
    return person.name, person.id_number, (household.village_code if household else person.village_code)


def dibao_payments(user: Any, region: str, first: date, last: date) -> list[Payment]:
    enrolments = (
        access.dibao_enrolments_for(user)
        .filter(_active(first, last), household__village_code__startswith=region)
        .filter(status__in=[DibaoStatus.ACTIVE, DibaoStatus.GRADUAL_EXIT])
        .select_related("household__head", "person")
    )
    payments = []
    for e in enrolments:
        name, id_number, _village = _who(e.person if e.single_person else None, e.household)
        payments.append(
            Payment(
                e.household.village_code,
                DIBAO,
                name,
                id_number,
                e.covered_members,
                dibao=e.monthly_amount_fen,
            )
        )
    return payments


def tekun_payments(user: Any, region: str, first: date, last: date) -> list[Payment]:
    enrolments = (
        access.tekun_enrolments_for(user)
        .filter(_active(first, last), person__village_code__startswith=region)
        .select_related("person")
    )
    return [
        Payment(
            e.person.village_code,
            TEKUN,
            e.person.name,
            e.person.id_number,
            1,
            tekun_basic=e.basic_standard_fen or 0,
            tekun_care=e.care_standard_fen or 0,
        )
        for e in enrolments
    ]


def temporary_payments(user: Any, region: str, first: date, last: date) -> list[Payment]:
    paid = (
        access.temporary_assistance_for(user)
        .filter(paid_on__gte=first, paid_on__lte=last)
        .filter(Q(person__village_code__startswith=region) | Q(household__village_code__startswith=region))
        .select_related("person", "household__head")
    )
    payments = []
    for p in paid:
        name, id_number, village = _who(p.person, p.household)
        if village.startswith(region):
            payments.append(Payment(village, TEMPORARY, name, id_number, 1, temporary=p.amount_fen))
    return payments


def payments(user: Any, region: str, month: date) -> list[Payment]:
    first, last = month_range(month)
    found = [*dibao_payments(user, region, first, last), *tekun_payments(user, region, first, last)]
    found += temporary_payments(user, region, first, last)
    return sorted(
        found, key=lambda p: (p.village_code, CATEGORY_ORDER[p.category], p.id_number or "", p.name)
    )


def _detail_row(p: Payment) -> tuple[object, ...]:
    township = division_name(p.village_code[:9])
    amounts = (p.dibao or None, p.tekun_basic or None, p.tekun_care or None, p.temporary or None)
    return (
        township,
        division_name(p.village_code),
        p.category,
        p.name,
        p.id_number,
        p.persons,
        *amounts,
        p.total,
    )


def township_totals(found: list[Payment]) -> list[tuple[object, ...]]:
    sums: dict[str, list[int]] = defaultdict(lambda: [0] * 9)
    for p in found:
        for key in (p.village_code[:9], "合计"):
            s = sums[key]
            if p.category == DIBAO:
                s[0], s[1], s[2] = s[0] + 1, s[1] + p.persons, s[2] + p.dibao
            elif p.category == TEKUN:
                s[3], s[4], s[5] = s[3] + 1, s[4] + p.tekun_basic, s[5] + p.tekun_care
            else:
                s[6], s[7] = s[6] + 1, s[7] + p.temporary
            s[8] += p.total
    grand = sums.pop("合计", [0] * 9)
    rows = [(division_name(code), *values) for code, values in sorted(sums.items())]
    return [*rows, ("合计", *grand)]


def build(user: Any, region_code: str, month: date | None) -> tuple[Section, ...]:
    assert month is not None, "the payment roster needs a month"
    found = payments(user, region_code, month)
    return (
        Section(
            "detail",
            "发放明细",
            DETAIL_COLUMNS,
            numbered([_detail_row(p) for p in found]),
            ("category", "id_number"),
        ),
        Section("townships", "乡镇合计", TOTAL_COLUMNS, tuple(township_totals(found)), ("township",)),
    )


register(KindSpec("payment", "低保特困临时救助月发放名册", build, monthly=True))
