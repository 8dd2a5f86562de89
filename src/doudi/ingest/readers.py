"""Read a roster file row by row: .xlsx and .xls through python-calamine, .csv with its encoding detected.

The format is told by the file's first bytes, not by its name, so a CSV saved as .xls or a text file renamed .xlsx
gets a clear message instead of a traceback. Rows come with their row number as the spreadsheet shows it (1-based).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count, islice
from pathlib import Path
from typing import cast

import python_calamine as calamine

from doudi.ingest.cells import CellValue
from doudi.ingest.problems import FileProblem

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CSV_ENCODINGS = ("utf-8", "gb18030")
_CHUNK = 1 << 20

Row = tuple[int, list[CellValue]]
Chunk = tuple[list[int], list[list[CellValue]]]  # consecutive rows: their numbers, and their cells


@dataclass
class Table:
    """One sheet (or a CSV file): its name, its row count when known up front, and its rows."""

    path: Path
    sheet: str
    rows: Iterator[Row]
    total: int | None = None
    encoding: str | None = None
    first_column: int = 0  # 0-based index of the first column the reader returns (calamine skips empty ones)
    # The iterator of cells that `rows` numbers, when the rows can be read from it directly (Excel sheets).
    cells: Iterator[list[CellValue]] | None = None


def sheet_names(path: Path) -> list[str]:
    """The worksheet names of an Excel file; a CSV file has one unnamed sheet."""
    if _format(path) == "csv":
        return [path.stem]
    return [m.name for m in _workbook(path).sheets_metadata if str(m.typ).endswith("WorkSheet")]


def open_tables(path: Path, sheet: str | None = None) -> Iterator[Table]:
    """The sheet asked for, or every worksheet in order (the caller picks the first with a roster header)."""
    kind = _format(path)
    if kind == "csv":
        if sheet is not None and sheet != path.stem:
            raise FileProblem(
                "sheet_not_found", f"{path.name} 是CSV文件,没有名为“{sheet}”的工作表;请去掉 --sheet 参数"
            )
        yield _csv_table(path)
        return
    book = _workbook(path)
    names = [m.name for m in book.sheets_metadata if str(m.typ).endswith("WorkSheet")]
    if sheet is not None and sheet not in names:
        listed = "、".join(f"“{n}”" for n in names)
        raise FileProblem("sheet_not_found", f"{path.name} 中没有名为“{sheet}”的工作表;现有工作表:{listed}")
    for name in [sheet] if sheet is not None else names:
        yield _excel_table(path, book, name)


def _format(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise FileProblem("file_not_found", f"找不到文件 {path}") from None
    except OSError as exc:
        raise FileProblem("file_unreadable", f"无法打开文件 {path}:{exc.strerror}") from None
    if not head:
        raise FileProblem("file_empty", f"{path.name} 是空文件(0字节),请确认导出时已保存内容")
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head == OLE2_MAGIC:
        return "xls"
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise FileProblem(
            "not_excel",
            f"{path.name} 的扩展名是{path.suffix},但内容不是Excel工作簿;请用Excel打开后“另存为”.xlsx文件再导入",
        )
    return "csv"


def _workbook(path: Path) -> calamine.CalamineWorkbook:
    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise FileProblem("encrypted", f"{path.name} 设置了打开密码;请去掉密码后另存再导入") from None
    except (calamine.CalamineError, OSError, ValueError) as exc:
        raise FileProblem(
            "excel_damaged",
            f"{path.name} 无法作为Excel工作簿读取(文件可能不完整或已损坏:{exc});请在Excel中打开确认后重新保存再导入",
        ) from None


def _excel_table(path: Path, book: calamine.CalamineWorkbook, name: str) -> Table:
    try:
        sheet = book.get_sheet_by_name(name)
    except (calamine.CalamineError, OSError, ValueError) as exc:
        raise FileProblem(
            "excel_damaged", f"{path.name} 的工作表“{name}”无法读取(文件可能已损坏:{exc});请重新保存后再导入"
        ) from None
    start = sheet.start
    cells = cast(Iterator[list[CellValue]], sheet.iter_rows())
    first_column = start[1] if start else 0
    return Table(path, name, _numbered(cells), total=sheet.height, first_column=first_column, cells=cells)


def _numbered(cells: Iterator[list[CellValue]]) -> Iterator[Row]:
    """(row number, cells) at C speed; `reading` turns a failure while iterating into a FileProblem."""
    return zip(count(1), cells, strict=False)


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """Rows of a damaged workbook can fail while they are iterated: say so in the roster keeper's terms."""
    try:
        yield
    except FileProblem:
        raise
    except (calamine.CalamineError, ValueError) as exc:
        raise FileProblem("excel_damaged", f"{path.name} 读到中途出错(文件可能已损坏:{exc})") from None


def batches(table: Table, size: int, number: int) -> Iterator[Chunk]:
    """The table's rows not read yet, `size` at a time; `number` is the row number of the next one.

    An Excel sheet's cells are taken straight from calamine's iterator (the numbers are consecutive), without a
    (number, cells) pair per row.
    """
    with reading(table.path):
        if table.cells is not None:
            cells = table.cells
            while batch := list(islice(cells, size)):
                yield list(range(number, number + len(batch))), batch
                number += len(batch)
            return
        rows = table.rows
        while pairs := list(islice(rows, size)):
            yield [n for n, _ in pairs], [c for _, c in pairs]


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, otherwise GB18030 (a superset of GBK).

    Decodes in chunks, keeping nothing, so a large file is not held in memory.
    """
    with path.open("rb") as fh:
        if fh.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
    for encoding in CSV_ENCODINGS:
        if _decodes(path, encoding):
            return encoding
    raise FileProblem(
        "csv_encoding", f"{path.name} 的文字编码无法识别;请用Excel或WPS另存为“CSV UTF-8”格式后再导入"
    )


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_table(path: Path) -> Table:
    encoding = detect_encoding(path)
    return Table(path, path.stem, _csv_rows(path, encoding), encoding=encoding)


def _csv_rows(path: Path, encoding: str) -> Iterator[Row]:
    with path.open(encoding=encoding, newline="") as fh:
        sample = fh.read(8192)
        fh.seek(0)
        dialect = _dialect(sample)
        number = 0
        try:
            for cells in csv.reader(fh, dialect):
                number += 1
                yield number, list[CellValue](cells)
        except csv.Error as exc:
            raise FileProblem(
                "csv_damaged", f"{path.name} 第{number + 1}行无法按CSV读取({exc});请检查引号是否成对"
            ) from None


def _dialect(sample: str) -> type[csv.Dialect]:
    first = sample.split("\n", 1)[0]
    if first.count("\t") > first.count(","):
        return csv.excel_tab
    return csv.excel
