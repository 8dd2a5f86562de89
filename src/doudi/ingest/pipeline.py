"""Read, map, validate a whole roster file: every non-blank row below the header is accepted or rejected."""

from __future__ import annotations

import gc
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import compress, filterfalse
from operator import attrgetter, itemgetter
from pathlib import Path

from doudi.core.rosters import COLUMNS, RosterKind
from doudi.ingest.cells import CellValue, cell_text, is_blank
from doudi.ingest.checks import Duplicates, Heads
from doudi.ingest.headers import HeaderMap, find_header
from doudi.ingest.problems import FileProblem, Problem
from doudi.ingest.readers import Row, Table, batches, open_tables, reading
from doudi.ingest.rows import ParsedRow, RejectedRow, RowParser

Progress = Callable[[int, int | None], None]  # (rows done, rows in the sheet when known)
CHUNK_ROWS = 5000  # rows parsed together, column by column; also how often progress is reported


@dataclass
class ParseResult:
    path: Path
    kind: RosterKind
    sheet: str
    header: HeaderMap
    encoding: str | None
    accepted: list[ParsedRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    rows_read: int = 0

    @property
    def warnings(self) -> list[Problem]:
        return [w for row in self.accepted for w in row.warnings]

    @property
    def problems(self) -> list[Problem]:
        return [p for row in self.rejected for p in row.problems]

    def check_counts(self) -> None:
        """rows read = accepted + rejected, always."""
        if self.rows_read != len(self.accepted) + len(self.rejected):
            raise AssertionError(
                f"rows read {self.rows_read} != accepted {len(self.accepted)} + rejected {len(self.rejected)}"
            )


def parse_file(
    path: Path | str,
    kind: RosterKind | str,
    *,
    sheet: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ParseResult:
    """Parse a roster file. Raises FileProblem (with a Chinese message) when the file as a whole cannot be read."""
    path, kind = Path(path), RosterKind(kind)
    table, header, rest = _locate(path, kind, sheet)
    result = ParseResult(path, kind, table.sheet, header, table.encoding)
    parser = RowParser(kind, header, today or date.today())
    with collector_paused():
        _consume(result, parser, _chain([rest], batches(table, CHUNK_ROWS)), table.total, progress)
    result.check_counts()
    return result


@contextmanager
def collector_paused() -> Iterator[None]:
    """Millions of long-lived row objects make the cyclic garbage collector rescan them over and over; the parse
    creates no reference cycles, so the collector is paused while it runs (about a third of the parse time).
    The loader (doudi.registry.imports) keeps it paused until the batch is written, for the same reason."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _locate(path: Path, kind: RosterKind, sheet: str | None) -> tuple[Table, HeaderMap, list[Row]]:
    """The sheet to read: the one named, or the first whose header names this roster's columns."""
    tried: list[str] = []
    first_problem: FileProblem | None = None
    for table in open_tables(path, sheet):
        source = f"{path.name}" + ("" if table.encoding else f" 工作表“{table.sheet}”")
        try:
            with reading(path):
                header, rest = find_header(
                    table.rows, COLUMNS[kind], source=source, first_column=table.first_column
                )
        except FileProblem as exc:
            if exc.code != "header_not_found":
                raise
            tried.append(table.sheet)
            first_problem = first_problem or exc
            continue
        return table, header, rest
    if first_problem is None:
        raise FileProblem("no_sheets", f"{path.name} 中没有工作表")
    if len(tried) > 1:
        sheets = "、".join(f"“{s}”" for s in tried)
        raise FileProblem(
            "header_not_found",
            f"{path.name} 的所有工作表({sheets})中都找不到{kind.label}的表头;请确认名册类型和文件",
        )
    raise first_problem


def _chain(first: list[list[Row]], rest: Iterator[list[Row]]) -> Iterator[list[Row]]:
    yield from first
    yield from rest


def _consume(
    result: ParseResult,
    parser: RowParser,
    chunks: Iterator[list[Row]],
    total: int | None,
    progress: Progress | None,
) -> None:
    duplicates = Duplicates(result.header, result.kind)
    heads = Heads() if result.kind is RosterKind.POVERTY else None
    last = 0
    for chunk in chunks:
        if not chunk:
            continue
        last = chunk[-1][0]
        _take(result, parser, _not_blank(chunk), duplicates, heads)
        if progress is not None:
            progress(last, total)
    if heads is not None:
        _reject_headless(result, heads)
    result.rejected.sort(key=attrgetter("row"))
    if progress is not None:
        progress(total or last, total)


def _not_blank(rows: list[Row]) -> list[Row]:
    """Rows with at least one cell that is not empty (a row of spaces only is dropped later, once parsed)."""
    kept = list(compress(rows, map(any, map(itemgetter(1), rows))))
    if len(kept) == len(rows):
        return kept
    return [(n, cells) for n, cells in rows if any(cells) or not all(c is None or c == "" for c in cells)]


def _take(
    result: ParseResult, parser: RowParser, rows: list[Row], duplicates: Duplicates, heads: Heads | None
) -> None:
    """Parse a chunk column by column, reject what is wrong or repeated, and build the accepted rows."""
    chunk = parser.parse_columns(rows)
    headers, problems = parser.header.headers, chunk.problems
    for index in sorted(problems):
        cells = chunk.cells[index]
        if all(is_blank(c) for c in cells):
            continue  # a row of spaces only: not a row read
        rejected = RejectedRow(chunk.numbers[index], headers, cells, problems[index])
        result.rejected.append(rejected)
        if heads is not None:
            household, relation = _folded(parser, cells, "household_no"), _folded(parser, cells, "relation")
            heads.rejected(rejected, household, relation)
    candidates = list(filterfalse(problems.__contains__, range(len(rows))))
    repeated = duplicates.check(chunk, candidates)
    for index, problem in repeated.items():
        result.rejected.append(RejectedRow(chunk.numbers[index], headers, chunk.cells[index], [problem]))
    if repeated:
        candidates = list(filterfalse(repeated.__contains__, candidates))
    accepted = parser.rows(chunk, candidates)
    result.accepted.extend(accepted)
    result.rows_read = len(result.accepted) + len(result.rejected)
    if heads is not None:
        columns = chunk.columns
        pick = [list(map(columns[key].__getitem__, candidates)) for key in ("household_no", "relation")]
        heads.accepted(accepted, *pick)


def _folded(parser: RowParser, cells: Sequence[CellValue], key: str) -> str:
    position = parser.header.index.get(key)
    value = cells[position] if position is not None and position < len(cells) else None
    return "".join(unicodedata.normalize("NFKC", cell_text(value)).split())


def _reject_headless(result: ParseResult, heads: Heads) -> None:
    failures = heads.failures()
    if not failures:
        return
    dropped = {id(row) for row, _ in failures}
    result.accepted = [row for row in result.accepted if id(row) not in dropped]
    for row, problem in failures:
        result.rejected.append(RejectedRow(row.row, row.headers, row.cells, [problem]))
