"""Cell values as the readers give them, and their text as the roster keeper saw it."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import TypeAlias

CellValue: TypeAlias = str | float | int | bool | date | datetime | time | timedelta | None


def cell_text(value: CellValue) -> str:
    """The cell as text, close to what a spreadsheet shows: whole numbers without '.0', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return _general(value)
    if isinstance(value, datetime):
        return (
            value.isoformat(sep=" ")
            if (value.hour, value.minute, value.second) != (0, 0, 0)
            else f"{value:%Y-%m-%d}"
        )
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _general(value: float) -> str:
    """Excel's 'General' format for large or fractional numbers: 15 significant digits, E notation when large."""
    if abs(value) >= 1e11:
        mantissa, exponent = f"{value:.5E}".split("E")
        return f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent):02d}"
    return f"{value:.15g}"


def is_blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
