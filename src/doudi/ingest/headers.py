"""Find the header row of a roster and map its columns to the canonical fields, by name or alias, in any order."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from doudi.core.rosters import Column
from doudi.ingest.cells import CellValue, cell_text
from doudi.ingest.problems import FileProblem

SCAN_ROWS = 30  # a header lies within the first rows; above it: titles, units, dates, blank rows
_SPACES = re.compile(r"[\s\u3000*＊:：]+")
_BRACKETS = str.maketrans(
    {"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"}
)


def normalise_header(text: str) -> str:
    """Comparable header text: full-width to half-width, no spaces or line breaks, no required-marks (*)."""
    folded = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return _SPACES.sub("", folded)


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class HeaderMap:
    """Where the header is and which file column holds each canonical field."""

    row: int  # as Excel shows it
    headers: tuple[str, ...]  # per file column, as written (blank headers become "第X列")
    index: dict[str, int]  # canonical key -> 0-based position in the row
    extras: tuple[int, ...] = field(default=())  # positions of columns that are kept only in the raw row

    def header_of(self, key: str) -> str:
        return self.headers[self.index[key]]


def _lookup(columns: Sequence[Column]) -> dict[str, Column]:
    table: dict[str, Column] = {}
    for column in columns:
        for name in column.names:
            table.setdefault(normalise_header(name), column)
    return table


def _matches(cells: Sequence[CellValue], lookup: dict[str, Column]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for position, value in enumerate(cells):
        if isinstance(value, str) and value:
            column = lookup.get(normalise_header(value))
            if column is not None:
                found.setdefault(column.key, []).append(position)
    return found


def find_header(
    rows: Iterable[tuple[int, list[CellValue]]],
    columns: Sequence[Column],
    *,
    source: str,
    first_column: int = 0,
) -> tuple[HeaderMap, list[tuple[int, list[CellValue]]]]:
    """Scan the first rows for the one that names the most known columns; return its map and the rows read past it.

    Raises FileProblem when no row looks like this roster's header, when a required column is missing (naming the
    column and every alias it may go under) or when a column appears twice.
    """
    lookup = _lookup(columns)
    seen: list[tuple[int, list[CellValue]]] = []
    best: tuple[int, int, list[CellValue], dict[str, list[int]]] | None = None
    required = {c.key for c in columns if c.required}
    for number, cells in rows:
        seen.append((number, cells))
        found = _matches(cells, lookup)
        if best is None or len(found) > len(best[3]):
            best = (len(seen), number, cells, found)
        if required <= found.keys() or len(seen) >= SCAN_ROWS:
            break
    if best is None or len(best[3]) < 2:
        raise FileProblem("header_not_found", _not_found_message(source, columns))
    position, number, cells, found = best
    header = _build(number, cells, found, columns, source, first_column)
    return header, seen[position:]


def _build(
    number: int,
    cells: Sequence[CellValue],
    found: dict[str, list[int]],
    columns: Sequence[Column],
    source: str,
    first_column: int,
) -> HeaderMap:
    missing = [c for c in columns if c.required and c.key not in found]
    if missing:
        raise FileProblem("column_missing", _missing_message(source, number, missing))
    texts = [cell_text(v).strip() or f"第{column_letter(i + first_column)}列" for i, v in enumerate(cells)]
    for positions in found.values():
        if len(positions) > 1:
            where = "、".join(f"{column_letter(p + first_column)}列“{texts[p]}”" for p in positions)
            raise FileProblem(
                "column_duplicated",
                f"{source} 第{number}行表头中同一列出现了{len(positions)}次:{where};请删除多余的列或改成其他列名后再导入",
            )
    index = {key: positions[0] for key, positions in found.items()}
    used = set(index.values())
    extras = tuple(i for i, v in enumerate(cells) if i not in used and cell_text(v).strip())
    return HeaderMap(number, tuple(_unique(texts)), index, extras)


def _unique(texts: list[str]) -> list[str]:
    """Extra columns with the same header keep both values in the raw row: the second becomes 'name#2'."""
    seen: dict[str, int] = {}
    out = []
    for text in texts:
        seen[text] = seen.get(text, 0) + 1
        out.append(text if seen[text] == 1 else f"{text}#{seen[text]}")
    return out


def _aliases(column: Column) -> str:
    return "、".join(f"“{n}”" for n in column.names)


def _missing_message(source: str, number: int, missing: list[Column]) -> str:
    parts = [f"“{c.header}”(可用列名:{_aliases(c)})" for c in missing]
    return (
        f"{source} 第{number}行的表头缺少必填列:{';'.join(parts)}。请在表头中补上这些列(列的顺序不限)后再导入"
    )


def _not_found_message(source: str, columns: Sequence[Column]) -> str:
    wanted = "、".join(f"“{c.header}”" for c in columns if c.required)
    return (
        f"{source} 前{SCAN_ROWS}行中找不到名册表头。应有一行写着列名,至少包括:{wanted}。"
        "请确认选择了正确的工作表和名册类型"
    )
