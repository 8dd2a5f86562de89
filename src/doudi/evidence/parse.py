"""Read one feed file with the roster readers: every data row is accepted or rejected (rows read = accepted +
rejected), and every problem names the file, the row, the column and how to fix it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from doudi.evidence.feeds import FeedColumn, FeedKind, FeedSpec, FieldType, spec_of
from doudi.ingest import values
from doudi.ingest.cells import CellValue, cell_text, is_blank
from doudi.ingest.headers import HeaderMap, find_header
from doudi.ingest.problems import FieldError, FileProblem, Problem
from doudi.ingest.readers import open_tables
from doudi.linkage.clean import clean_id as _clean_id

# The same person appears in many feeds (household registration, payments every month, the assistance roll).
clean_id = lru_cache(maxsize=1 << 20)(_clean_id)
_MONTH = re.compile(r"(\d{4})[-/.年](\d{1,2})月?")


@dataclass(frozen=True)
class FeedRow:
    """One accepted row: its row number as the spreadsheet shows it, the cleaned ID and the typed fields."""

    row: int
    id_number: str
    id_valid: bool
    fields: dict[str, Any]


@dataclass
class FeedParse:
    path: Path
    kind: FeedKind
    header: HeaderMap
    accepted: list[FeedRow] = field(default_factory=list)
    rejected: list[tuple[int, list[Problem]]] = field(default_factory=list)
    rows_read: int = 0

    @property
    def problems(self) -> list[Problem]:
        return [p for _, problems in self.rejected for p in problems]

    def check_counts(self) -> None:
        if self.rows_read != len(self.accepted) + len(self.rejected):
            raise AssertionError(
                f"rows read {self.rows_read} != accepted {len(self.accepted)} + rejected {len(self.rejected)}"
            )


def _count(value: CellValue) -> int | None:
    folded = unicodedata.normalize("NFKC", cell_text(value)).strip().removesuffix(".0")
    if not folded:
        return None
    if not folded.isdigit():
        raise FieldError("count_invalid", "应为不小于0的整数", "请填写整数, 如 12")
    return int(folded)


def _month(today: date) -> Callable[[CellValue], date | None]:
    parse_date = values.parse_date(today)

    def parse(value: CellValue) -> date | None:
        folded = unicodedata.normalize("NFKC", cell_text(value)).strip()
        match = _MONTH.fullmatch(folded)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if not 1 <= month <= 12:
                raise FieldError("month_invalid", "月份超出1-12", "请写成 2020-05 或 2020年5月")
            return date(year, month, 1)
        day = parse_date(value)
        return day.replace(day=1) if isinstance(day, date) else None

    return parse


def _choice(column: FeedColumn) -> Callable[[CellValue], object]:
    return values.choice(column.choices)


def _memo(parse: Callable[[CellValue], object]) -> Callable[[CellValue], object]:
    """Feeds repeat the same dates, amounts and categories many times: parse each distinct cell once."""
    cache: dict[tuple[type, CellValue], object] = {}

    def parse_once(value: CellValue) -> object:
        key = (value.__class__, value)
        try:
            found = cache[key]
        except KeyError:
            try:
                found = parse(value)
            except FieldError as exc:
                found = exc
            if len(cache) < 100_000:
                cache[key] = found
        if isinstance(found, FieldError):
            raise found
        return found

    return parse_once


def _parser(column: FeedColumn, today: date) -> Callable[[CellValue], object]:
    parse = _plain_parser(column, today)
    return parse if column.type in (FieldType.NAME, FieldType.TEXT) else _memo(parse)


def _plain_parser(column: FeedColumn, today: date) -> Callable[[CellValue], object]:
    kinds: dict[FieldType, Callable[[CellValue], object]] = {
        FieldType.NAME: values.name,
        FieldType.TEXT: values.text,
        FieldType.CODE: values.code,
        FieldType.DATE: values.parse_date(today),
        FieldType.MONTH: _month(today),
        FieldType.MONEY: values.amount,
        FieldType.COUNT: _count,
        FieldType.YES_NO: values.yes_no,
    }
    if column.type is FieldType.CHOICE:
        return _choice(column)
    return kinds[column.type]


class RowReader:
    """Turns the cells of one row into a FeedRow or a list of problems."""

    def __init__(self, spec: FeedSpec, header: HeaderMap, today: date) -> None:
        self.spec = spec
        self.header = header
        self.columns = [c for c in spec.columns if c.key in header.index and c.type is not FieldType.ID]
        self.parsers = {c.key: _parser(c, today) for c in self.columns}

    def cell(self, cells: list[CellValue], key: str) -> CellValue:
        position = self.header.index[key]
        return cells[position] if position < len(cells) else None

    def read(self, number: int, cells: list[CellValue]) -> FeedRow | list[Problem]:
        problems: list[Problem] = []
        fields: dict[str, Any] = {}
        raw_id = cell_text(self.cell(cells, "id_number"))
        id_number, valid, problem = clean_id(raw_id.strip())
        if not id_number:
            problems.append(self._id_problem(number, raw_id, problem))
        for column in self.columns:
            value = self.cell(cells, column.key)
            try:
                fields[column.key] = self.parsers[column.key](value)
            except FieldError as exc:
                problems.append(self._problem(number, column, value, exc.code, exc.reason, exc.fix))
                continue
            if fields[column.key] is None and column.required:
                problems.append(
                    self._problem(
                        number, column, value, "required_blank", "必填项为空", "请补填该项后重新报送"
                    )
                )
        return problems if problems else FeedRow(number, id_number, valid, fields)

    def _problem(
        self, number: int, column: FeedColumn, value: CellValue, code: str, reason: str, fix: str
    ) -> Problem:
        return Problem(number, self.header.header_of(column.key), cell_text(value), code, reason, fix)

    def _id_problem(self, number: int, raw: str, problem: str) -> Problem:
        column = self.spec.column("id_number")
        if problem == "id_stored_as_number":
            reason, fix = (
                "身份证号被Excel存成了数字, 末几位已丢失",
                "请把该列设为文本格式, 从原始数据重新导出",
            )
        else:
            reason, fix = "身份证号为空或无法识别", "请填写18位公民身份号码"
        return self._problem(number, column, raw, problem or "id_unreadable", reason, fix)


def parse_feed(path: Path | str, kind: FeedKind | str, today: date) -> FeedParse:
    """Parse a feed file. Raises FileProblem (Chinese message naming the file) when it cannot be read at all."""
    path, spec = Path(path), spec_of(kind)
    columns = [c.as_column() for c in spec.columns]
    for table in open_tables(path):
        header, seen = find_header(table.rows, columns, source=path.name, first_column=table.first_column)
        result = FeedParse(path, spec.kind, header)
        reader = RowReader(spec, header, today)
        for rows in (seen, table.rows):
            for number, cells in rows:
                _take(result, reader, number, cells)
        result.check_counts()
        return result
    raise FileProblem("no_sheets", f"{path.name} 中没有工作表")


def _blank(cells: list[CellValue]) -> bool:
    for cell in cells:
        if cell.__class__ is str:
            if cell and not cell.isspace():
                return False
        elif not is_blank(cell):
            return False
    return True


def _take(result: FeedParse, reader: RowReader, number: int, cells: list[CellValue]) -> None:
    if _blank(cells):
        return
    result.rows_read += 1
    outcome = reader.read(number, cells)
    if isinstance(outcome, FeedRow):
        result.accepted.append(outcome)
    else:
        result.rejected.append((number, outcome))


def describe(problem: Problem, file_name: str) -> str:
    """One line for a person: file, row, column, what is wrong, how to fix it."""
    return (
        f"{file_name} 第{problem.row}行 “{problem.column}”列: {problem.reason}"
        f"(原值“{problem.value}”); {problem.fix}"
    )
