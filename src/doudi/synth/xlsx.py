"""A constant-memory xlsxwriter worksheet with a fast path for whole data rows.

xlsxwriter's public `write_*` calls cost about 12 µs a cell on the project machine (84,000 cells/s), so a
300,000-person county (about 8 million cells) would spend 100 s in them alone. `FastSheet.append` writes the
same `<row>` XML that constant-memory mode writes (inline strings, numbers with a style index), straight into the
worksheet's row-data file, and keeps xlsxwriter's dimension bookkeeping; the workbook, styles, packaging and
the zip are xlsxwriter's own. Header and title rows go through the public API. Tested against calamine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from doudi.synth.cells import Amount, Cell

_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f]")


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"[\x00-\x08\x0b-\x1f]", lambda m: f"_x{ord(m.group()):04X}_", text)


class FastSheet(Worksheet):  # type: ignore[misc]
    """Use with `Workbook(..., {"constant_memory": True}).add_worksheet(worksheet_class=FastSheet)`."""

    previous_row: int
    constant_memory: int

    def append(self, row: int, cells: Sequence[Cell], money: Format, day: Format) -> None:
        """Write data row `row` (0-based); `money` and `day` are the number formats of amounts and dates."""
        if not self.constant_memory:
            raise RuntimeError("FastSheet needs constant_memory mode")
        if row <= self.previous_row:
            raise ValueError(f"rows must be appended in order: {row} after {self.previous_row}")
        if self.table:
            self._write_single_row(row)  # flush the header row written through the public API
        number = str(row + 1)
        parts = [f'<row r="{number}">']
        letters = _letters(len(cells))
        texts = [v for v in cells if type(v) is str]
        clean = not _NEEDS_ESCAPE.search("".join(texts))  # one search per row: escaping is rare
        last = -1
        for col, value in enumerate(cells):
            if value is None or value == "":
                continue
            last = col
            if type(value) is str:
                if not clean:
                    value = _escape(value)
                if value[0] in _SPACE or value[-1] in _SPACE:
                    parts.append(f'<c r="{letters[col]}{number}" t="inlineStr"><is><t xml:space="preserve">')
                    parts.append(f"{value}</t></is></c>")
                else:
                    parts.append(f'<c r="{letters[col]}{number}" t="inlineStr"><is><t>{value}</t></is></c>')
            elif isinstance(value, date):
                serial = value.toordinal() - _EXCEL_EPOCH
                parts.append(f'<c r="{letters[col]}{number}" s="{day._get_xf_index()}"><v>{serial}</v></c>')
            elif isinstance(value, Amount):
                parts.append(
                    f'<c r="{letters[col]}{number}" s="{money._get_xf_index()}"><v>{value / 100:.16G}</v></c>'
                )
            elif isinstance(value, int | float):
                parts.append(f'<c r="{letters[col]}{number}"><v>{value:.16G}</v></c>')
            else:
                raise TypeError(f"cannot write {type(value).__name__} in column {col}")
        parts.append("</row>")
        self.fh.write("".join(parts))
        self.previous_row = row
        self._check_dimensions(row, max(last, 0))


_LETTERS: list[str] = []
_SPACE = " \t\n"


def _letters(count: int) -> list[str]:
    """Column letters A, B, ... for the first `count` columns."""
    while len(_LETTERS) < count:
        _LETTERS.append(xl_col_to_name(len(_LETTERS)))
    return _LETTERS
