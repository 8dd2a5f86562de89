"""The public-notice roster (公示名单): who receives dibao and tekun support in the month, with names and IDs
masked (张*明, 530102********1238) as the privacy rules require for anything posted in public."""

from __future__ import annotations

from datetime import date
from typing import Any

from doudi.signing.canonical import Column, ColumnType, Section

from ..masking import mask_id, mask_name
from . import KindSpec, register
from .common import SEQ, TOWNSHIP, VILLAGE, division_name, month_range, numbered
from .payment import CATEGORY_ORDER, dibao_payments, tekun_payments

COLUMNS = (
    SEQ,
    TOWNSHIP,
    VILLAGE,
    Column("category", "救助类别"),
    Column("name", "姓名"),
    Column("id_number", "身份证号"),
    Column("persons", "保障人数", ColumnType.INT),
    Column("monthly", "月救助金额(元)", ColumnType.FEN),
)


def build(user: Any, region_code: str, month: date | None) -> tuple[Section, ...]:
    assert month is not None, "the public notice needs a month"
    first, last = month_range(month)
    found = [*dibao_payments(user, region_code, first, last), *tekun_payments(user, region_code, first, last)]
    found.sort(key=lambda p: (p.village_code, CATEGORY_ORDER[p.category], p.id_number or "", p.name))
    rows = [
        (
            division_name(p.village_code[:9]),
            division_name(p.village_code),
            p.category,
            mask_name(p.name),
            mask_id(p.id_number),
            p.persons,
            p.total,
        )
        for p in found
    ]
    return (Section("notice", "公示名单", COLUMNS, numbered(rows), ("category", "id_number", "name")),)


register(KindSpec("notice", "低保特困公示名单", build, monthly=True, full_ids=False))
