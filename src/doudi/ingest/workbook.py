"""The error workbook (错误清单): every rejected row as read, with row, column, original value, reason and fix.

Sheets: 汇总 (counts: read = accepted + rejected, and rejected rows per reason), 退回明细 (one line per problem of a
rejected row, followed by the whole original row) and 提示 (warnings on accepted rows). Every cell is written as
text, so IDs and codes show exactly as they were read. Problem lines go through doudi.synth.xlsx.FastSheet (one XML
string per row): a 300,000-row roster has tens of thousands of problem and warning lines of ~25 cells each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format

from doudi.ingest.cells import CellValue, cell_text
from doudi.ingest.pipeline import ParseResult
from doudi.ingest.problems import Problem
from doudi.ingest.rows import ParsedRow, RejectedRow
from doudi.synth.xlsx import FastSheet  # whole rows as XML: xlsxwriter's write_* cost ~12 µs a cell

PROBLEM_HEADERS = ("行号", "列", "原值", "问题", "如何修改")
SUMMARY_SHEET, REJECTED_SHEET, WARNING_SHEET = "汇总", "退回明细", "提示"


def write_error_workbook(result: ParseResult, out: Path | str) -> Path:
    """Write the workbook for a parsed file; returns its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    _summary(book.add_worksheet(SUMMARY_SHEET), result, bold)
    plain = book.add_format()
    for name, lines in (
        (REJECTED_SHEET, _rejected_lines(result.rejected)),
        (WARNING_SHEET, _warning_lines(result.accepted)),
    ):
        sheet = book.add_worksheet(name, worksheet_class=FastSheet)
        _problems(sheet, result.header.headers, lines, bold, plain)
    book.close()
    return out


def _rejected_lines(rows: Sequence[RejectedRow]) -> Iterable[tuple[Problem, Sequence[CellValue]]]:
    for row in rows:
        for problem in row.problems:
            yield problem, row.cells


def _warning_lines(rows: Sequence[ParsedRow]) -> Iterable[tuple[Problem, Sequence[CellValue]]]:
    for row in rows:
        for problem in row.warnings:
            yield problem, row.cells


def _summary(sheet: xlsxwriter.worksheet.Worksheet, result: ParseResult, bold: object) -> None:
    by_row = Counter(_row_reason(r) for r in result.rejected)
    lines: list[tuple[str, object]] = [
        ("文件", result.path.name),
        ("名册类型", result.kind.label),
        ("工作表", result.sheet),
        ("表头所在行", result.header.row),
        ("读取行数", result.rows_read),
        ("接收行数", len(result.accepted)),
        ("退回行数", len(result.rejected)),
        ("提示条数(已接收,请核对)", len(result.warnings)),
        ("核对", "读取行数 = 接收行数 + 退回行数"),
    ]
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 60)
    for index, (label, value) in enumerate(lines):
        sheet.write_string(index, 0, label, bold)
        sheet.write(index, 1, value)
    start = len(lines) + 1
    sheet.write_string(start, 0, "退回原因(每行按第一个问题计)", bold)
    sheet.write_string(start, 1, "行数", bold)
    for offset, (reason, count) in enumerate(by_row.most_common(), start=start + 1):
        sheet.write_string(offset, 0, reason)
        sheet.write_number(offset, 1, count)


def _row_reason(row: RejectedRow) -> str:
    first = row.problems[0]
    return "与前面的行重复" if first.code == "duplicate_in_file" else first.reason


def _problems(
    sheet: FastSheet,
    headers: Sequence[str],
    lines: Iterable[tuple[Problem, Sequence[CellValue]]],
    bold: object,
    plain: Format,
) -> None:
    """Header row through xlsxwriter's API, then one line per problem through FastSheet (whole rows as XML)."""
    for column, title in enumerate((*PROBLEM_HEADERS, *headers)):
        sheet.write_string(0, column, title, bold)
    sheet.set_column(0, 0, 7)
    sheet.set_column(1, 2, 16)
    sheet.set_column(3, 4, 40)
    sheet.set_column(5, 5 + len(headers), 14)
    sheet.freeze_panes(1, 0)
    for index, (problem, cells) in enumerate(lines, start=1):
        line: list[int | str] = [problem.row, problem.column or "(整行)", problem.value, problem.reason]
        line.append(problem.fix)
        line.extend(map(cell_text, cells))
        sheet.append(index, line, plain, plain)
