"""The canonical form of a roster version: the exact bytes that are digested (SM3) and signed (SM2).

A roster is metadata plus sections (a sheet of the workbook, a table of the PDF); a section has typed columns and
rows. The canonical bytes are UTF-8 JSON with sorted keys, no whitespace and no ASCII escaping:

    {"format":"doudi-roster/1","meta":{...},"sections":[{"columns":[[key,header,type],...],"key":...,
     "row_key":[...],"rows":[[...],...],"title":...}]}

Values by column type: text -> string (never empty: "" is null), int and fen (money, integer 分) -> integer,
date -> "YYYY-MM-DD"; a missing value is null. Nothing is normalised beyond that, so any changed character of
content changes the bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum

FORMAT = "doudi-roster/1"

Value = str | int | None


class ColumnType(StrEnum):
    TEXT = "text"
    INT = "int"
    FEN = "fen"  # integer fen; shown as yuan with two decimals
    DATE = "date"


class CanonicalError(ValueError):
    """Content that cannot be put in canonical form; the message says where."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    type: ColumnType = ColumnType.TEXT


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    row_key: tuple[str, ...] = ()  # columns that identify a row across versions (used by the diff)

    def column_index(self, key: str) -> int:
        return [c.key for c in self.columns].index(key)


@dataclass(frozen=True)
class Meta:
    kind: str
    title: str
    region_code: str
    region_name: str
    number: int
    period: str = ""
    signer: str = ""
    signer_name: str = ""
    reviewer: str = ""
    reviewer_name: str = ""
    signed_at: str = ""  # ISO 8601 with offset, seconds
    key_id: str = ""  # SM3 fingerprint of the signer's public key

    def as_dict(self) -> dict[str, Value]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Roster:
    meta: Meta
    sections: tuple[Section, ...] = field(default=())

    @property
    def row_count(self) -> int:
        return len(self.sections[0].rows) if self.sections else 0


def canonical_value(column: Column, value: object, where: str = "") -> Value:
    """The canonical value of a cell for its column type; raises CanonicalError naming `where`."""
    if value is None or value == "":
        return None
    if column.type is ColumnType.TEXT:
        if not isinstance(value, str):
            raise CanonicalError(f"{where}{column.header}: 应为文字,实为 {value!r}")
        return value
    if column.type is ColumnType.DATE:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value).isoformat()
        raise CanonicalError(f"{where}{column.header}: 应为日期,实为 {value!r}")
    if isinstance(value, bool) or not isinstance(value, int):
        raise CanonicalError(f"{where}{column.header}: 应为整数,实为 {value!r}")
    return value


def canonical_rows(section: Section) -> tuple[tuple[Value, ...], ...]:
    width = len(section.columns)
    rows = []
    for number, row in enumerate(section.rows, start=1):
        if len(row) != width:
            raise CanonicalError(f"{section.title} 第{number}行: 应有{width}列,实有{len(row)}列")
        where = f"{section.title} 第{number}行 "
        rows.append(tuple(canonical_value(c, v, where) for c, v in zip(section.columns, row, strict=True)))
    return tuple(rows)


def to_document(roster: Roster) -> dict[str, object]:
    return {
        "format": FORMAT,
        "meta": roster.meta.as_dict(),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "columns": [[c.key, c.header, c.type.value] for c in s.columns],
                "rows": [list(r) for r in canonical_rows(s)],
                "row_key": list(s.row_key),
            }
            for s in roster.sections
        ],
    }


def canonical_bytes(roster: Roster) -> bytes:
    text = json.dumps(to_document(roster), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def from_bytes(data: bytes) -> Roster:
    """Parse canonical bytes back into a roster."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CanonicalError(f"规范化名册内容无法解析: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CanonicalError(f"不是 {FORMAT} 格式的名册内容")
    meta = Meta(**document["meta"])
    sections = tuple(
        Section(
            key=s["key"],
            title=s["title"],
            columns=tuple(Column(k, h, ColumnType(t)) for k, h, t in s["columns"]),
            rows=tuple(tuple(r) for r in s["rows"]),
            row_key=tuple(s.get("row_key", ())),
        )
        for s in document["sections"]
    )
    return Roster(meta, sections)
