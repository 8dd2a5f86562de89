"""Read, map, validate a whole roster file: every non-blank row below the header is accepted or rejected."""

from __future__ import annotations

import gc
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import compress
from operator import attrgetter
from pathlib import Path

from doudi.core.rosters import COLUMNS, RosterKind
from doudi.ingest.cells import CellValue, cell_text, is_blank
from doudi.ingest.checks import Duplicates, Heads
from doudi.ingest.headers import HeaderMap, find_header
from doudi.ingest.problems import FileProblem, Problem
from doudi.ingest.readers import Chunk, Row, Table, batches, open_tables, reading
from doudi.ingest.rows import ParsedRow, RejectedRow, RowParser

Progress = Callable[[int, int | None], None]  # (rows done, rows in the sheet when known)
CHUNK_ROWS = 1000  # rows parsed together, column by column (small enough to stay in the CPU caches)


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
    table, header, rest = locate(path, kind, sheet)
    result = ParseResult(path, kind, table.sheet, header, table.encoding)
    parser = RowParser(kind, header, today or date.today())
    first: Chunk = ([n for n, _ in rest], [c for _, c in rest])
    following = batches(table, CHUNK_ROWS, (rest[-1][0] if rest else header.row) + 1)
    with collector_paused():
        _consume(result, parser, _chain(first, following), table.total, progress)
    result.check_counts()
    return result


@contextmanager
def collector_paused() -> Iterator[None]:
    """Millions of long-lived row objects make the cyclic garbage collector rescan them over and over; the parse
    creates no reference cycles, so the collector is paused while it runs (about a third of the parse time).
    The loader (doudi.registry.imports) keeps it paused until the batch is written, for the same reason.

    On the way out, the objects made meanwhile are moved to the oldest generation unscanned (`gc.freeze` then
    `gc.unfreeze`): otherwise the first allocation after `gc.enable` scans all of them as young objects (0.2 s
    for a 300,000-row roster). Cycles among them, if any, are still found by the next full collection."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def locate(path: Path, kind: RosterKind, sheet: str | None = None) -> tuple[Table, HeaderMap, list[Row]]:
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


def _chain(first: Chunk, rest: Iterator[Chunk]) -> Iterator[Chunk]:
    yield first
    yield from rest


def _consume(
    result: ParseResult,
    parser: RowParser,
    chunks: Iterator[Chunk],
    total: int | None,
    progress: Progress | None,
) -> None:
    duplicates = Duplicates(result.header, result.kind)
    heads = Heads() if result.kind is RosterKind.POVERTY else None
    last = 0
    for numbers, cells in chunks:
        if not numbers:
            continue
        last = numbers[-1]
        _take(result, parser, *_not_blank(numbers, cells), duplicates, heads)
        if progress is not None:
            progress(last, total)
    if heads is not None:
        _reject_headless(result, heads)
    result.rejected.sort(key=attrgetter("row"))
    if progress is not None:
        progress(total or last, total)


def _not_blank(numbers: list[int], cells: list[list[CellValue]]) -> Chunk:
    """Rows with at least one cell that is not empty (a row of spaces only is dropped later, once parsed)."""
    filled = list(map(any, cells))
    if all(filled):
        return numbers, cells
    keep = [f or not all(c is None or c == "" for c in row) for f, row in zip(filled, cells, strict=True)]
    return list(compress(numbers, keep)), list(compress(cells, keep))


def _take(
    result: ParseResult,
    parser: RowParser,
    numbers: list[int],
    cells: list[list[CellValue]],
    duplicates: Duplicates,
    heads: Heads | None,
) -> None:
    """Parse a chunk column by column, reject what is wrong or repeated, and build the accepted rows."""
    chunk = parser.parse_cells(numbers, cells)
    headers, problems = parser.header.headers, chunk.problems
    keep = bytearray(b"\x01") * len(numbers)  # the rows still to be accepted
    for index in sorted(problems):
        keep[index] = 0
        row = chunk.cells[index]
        if all(is_blank(c) for c in row):
            continue  # a row of spaces only: not a row read
        rejected = RejectedRow(chunk.numbers[index], headers, row, problems[index])
        result.rejected.append(rejected)
        if heads is not None:
            household, relation = _folded(parser, row, "household_no"), _folded(parser, row, "relation")
            heads.rejected(rejected, household, relation)
    repeated = duplicates.check(chunk, keep)
    for index, problem in repeated.items():
        keep[index] = 0
        result.rejected.append(RejectedRow(chunk.numbers[index], headers, chunk.cells[index], [problem]))
    accepted = parser.rows(chunk, keep)
    result.accepted.extend(accepted)
    result.rows_read = len(result.accepted) + len(result.rejected)
    if heads is not None:
        columns = chunk.columns
        heads.accepted(
            accepted, *(list(compress(columns[key], keep)) for key in ("household_no", "relation"))
        )


def _folded(parser: RowParser, cells: Sequence[CellValue], key: str) -> str:
    position = parser.header.index.get(key)
    value = cells[position] if position is not None and position < len(cells) else None
    return "".join(unicodedata.normalize("NFKC", cell_text(value)).split())


def _reject_headless(result: ParseResult, heads: Heads) -> None:
    failures = heads.failures()
    if not failures:
        return
    kept = heads.kept()  # the accepted rows in order (the check saw each of them), less the failing ones
    if len(result.accepted) != len(kept) + len(failures):
        raise AssertionError("the household-head check lost track of the accepted rows")
    result.accepted = kept
    for row, problem in failures:
        result.rejected.append(RejectedRow(row.row, row.headers, row.cells, [problem]))
