"""Writers that stream rows to disk: rosters as xlsx (xlsxwriter, constant memory) and csv, truth and facts.

A cell is str, int, `Amount` (fen, written as yuan), `ExcelNumber` (an ID that lost digits), date or None.
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Protocol

import xlsxwriter
import xlsxwriter.workbook

from doudi.synth.cells import Amount, Cell, ExcelNumber
from doudi.synth.xlsx import FastSheet

# Fixed workbook creation date and zip timestamps (xlsxwriter's own): the same seed gives the same bytes.
CREATED = datetime(2020, 7, 1, 8, 0, 0)


class RowWriter(Protocol):
    def write(self, cells: Sequence[Any]) -> None: ...

    def close(self) -> None: ...


class FastZipWorkbook(xlsxwriter.Workbook):  # type: ignore[misc]
    """A workbook zipped at deflate level 1: 3.5x faster than zlib's default on sheet XML, files 16 % larger.

    xlsxwriter has no option for the level; its `_store_workbook` is the one place that opens the zip file, so
    the module's `ZipFile` is swapped for the duration of that call (each writer process closes one at a time).
    """

    def _store_workbook(self) -> None:
        original = xlsxwriter.workbook.ZipFile
        xlsxwriter.workbook.ZipFile = functools.partial(original, compresslevel=1)
        try:
            super()._store_workbook()
        finally:
            xlsxwriter.workbook.ZipFile = original


class XlsxRoster:
    """One sheet; an optional merged title row above the header and a column order (the 'messy' variant)."""

    def __init__(
        self, path: Path, headers: Sequence[str], title: str = "", order: Sequence[int] | None = None
    ) -> None:
        self._book = FastZipWorkbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent)})
        self._book.set_properties({"created": CREATED, "author": "doudi synth", "title": title or path.stem})
        self._sheet: FastSheet = self._book.add_worksheet("Sheet1", worksheet_class=FastSheet)
        self._date = self._book.add_format({"num_format": "yyyy-mm-dd"})
        self._money = self._book.add_format({"num_format": "0.00"})
        self._order = list(order) if order is not None else list(range(len(headers)))
        self._identity = self._order == list(range(len(headers)))
        self._row = 0
        if title:
            title_format = self._book.add_format({"bold": True, "align": "center", "font_size": 14})
            self._sheet.merge_range(0, 0, 0, len(headers) - 1, title, title_format)
            self._row = 1
        bold = self._book.add_format({"bold": True})
        for col, source in enumerate(self._order):
            self._sheet.write_string(self._row, col, headers[source], bold)
        self._row += 1

    def write(self, cells: Sequence[Cell]) -> None:
        ordered = cells if self._identity else [cells[i] for i in self._order]
        self._sheet.append(self._row, ordered, self._money, self._date)
        self._row += 1

    def close(self) -> None:
        self._book.close()


def csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Amount):
        return value.text()
    if isinstance(value, ExcelNumber):
        return value.excel_text()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class CsvRoster:
    def __init__(self, path: Path, headers: Sequence[str], encoding: str = "utf-8") -> None:
        self._file: IO[str] = path.open("w", encoding=encoding, newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow(headers)

    def write(self, cells: Sequence[Cell]) -> None:
        self._csv.writerow([v if type(v) is str else csv_text(v) for v in cells])

    def close(self) -> None:
        self._file.close()


class Roster:
    """All the files of one roster; counts data rows (the row number the truth refers to)."""

    def __init__(self, writers: list[RowWriter], paths: list[Path]) -> None:
        self.writers = writers
        self.paths = paths
        self.rows = 0

    def write(self, cells: Sequence[Any]) -> int:
        for writer in self.writers:
            writer.write(cells)
        self.rows += 1
        return self.rows

    def close(self) -> None:
        for writer in self.writers:
            writer.close()


class JsonLines:
    """One JSON object per line (household facts); a row is a one-element sequence holding the object."""

    def __init__(self, path: Path) -> None:
        self._file: IO[str] = path.open("w", encoding="utf-8", newline="\n")

    def write(self, cells: Sequence[object]) -> None:
        self._file.write(json.dumps(cells[0], ensure_ascii=False, separators=(",", ":")))
        self._file.write("\n")

    def close(self) -> None:
        self._file.close()
