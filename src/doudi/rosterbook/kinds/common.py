"""Helpers shared by the roster kinds: region names, the month's date range, labels."""

from __future__ import annotations

import calendar
from datetime import date
from functools import cache

from doudi.core.divisions import UnknownDivision, yunnan
from doudi.signing.canonical import Column, ColumnType

SEQ = Column("seq", "序号", ColumnType.INT)
TOWNSHIP = Column("township", "乡(镇)")
VILLAGE = Column("village", "行政村")
SEX_LABELS = {"M": "男", "F": "女"}


@cache
def division_name(code: str) -> str:
    try:
        return yunnan().get(code).name
    except UnknownDivision:
        return code


def month_range(month: date) -> tuple[date, date]:
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=1), month.replace(day=last)


def numbered(rows: list[tuple[object, ...]]) -> tuple[tuple[object, ...], ...]:
    """Prefix 序号 1..n."""
    return tuple((i, *row) for i, row in enumerate(rows, start=1))
