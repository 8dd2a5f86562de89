"""Cell values of the written rosters."""

from __future__ import annotations

from datetime import date


class Amount(int):
    """Money in fen, written as yuan (a number with two decimals in xlsx, '375.00' in csv)."""

    def text(self) -> str:
        sign = "-" if self < 0 else ""
        whole, cents = divmod(abs(int(self)), 100)
        return f"{sign}{whole}.{cents:02d}"


class ExcelNumber(float):
    """An ID that Excel stored as a number: a numeric cell in xlsx, Excel's printed form in csv."""

    def excel_text(self) -> str:
        return f"{self:.5E}"


# str, int (counts, years), Amount, ExcelNumber, date, or None for an empty cell.
Cell = str | int | float | date | None
