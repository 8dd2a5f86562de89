"""Roster files -> canonical records, through the importer's parser (doudi.ingest), more leniently than import.

Import rejects a row whose ID fails validation; matching must not: such a row is read again field by field, keeps
its ID as written (cleaned), and takes part in matching. Rows rejected as duplicates within the file are reported
as within-roster duplicates and left out of linking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from doudi.core.rosters import RosterKind
from doudi.ingest.cells import CellValue, cell_text
from doudi.ingest.pipeline import ParseResult, parse_file
from doudi.ingest.places import PlaceError, PlaceResolver
from doudi.ingest.problems import FieldError
from doudi.ingest.rows import ParsedRow, RejectedRow
from doudi.ingest.schema import field_specs
from doudi.ingest.values import sex as parse_sex

DUPLICATE_CODE = "duplicate_in_file"


@dataclass
class RosterRecords:
    kind: RosterKind
    path: Path
    entries: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(
        default_factory=list
    )  # rows the importer found twice in the file
    recovered: int = 0  # rejected rows read leniently (bad ID, place, ...) that take part in matching
    unusable: int = 0  # rows with neither a name nor an ID


def read_roster(path: Path | str, kind: RosterKind | str, today: date | None = None) -> RosterRecords:
    path, kind = Path(path), RosterKind(kind)
    parsed = parse_file(path, kind, today=today)
    out = RosterRecords(kind, path)
    for row in parsed.accepted:
        out.entries.append(_entry(kind, row.row, row.fields, _raw_ids(parsed, row)))
    lenient = _Lenient(parsed, today or date.today())
    for rejected in parsed.rejected:
        if any(p.code == DUPLICATE_CODE for p in rejected.problems):
            out.duplicates.append(_duplicate(kind, rejected))
            continue
        fields = lenient.fields(rejected.cells)
        if not fields.get("name") and not fields.get("id_number"):
            out.unusable += 1
            continue
        out.entries.append(_entry(kind, rejected.row, fields, _raw_ids(parsed, rejected)))
        out.recovered += 1
    _head_ids(out.entries)
    return out


def _raw_ids(parsed: ParseResult, row: ParsedRow | RejectedRow) -> dict[str, str]:
    """The ID cells as written (a number cell has lost digits: it becomes '' and is never guessed)."""
    out: dict[str, str] = {}
    for key in ("id_number", "head_id_number"):
        position = parsed.header.index.get(key)
        if position is None:
            continue
        value: CellValue = row.cells[position] if position < len(row.cells) else None
        if isinstance(row, ParsedRow) and row.fields.get(key):
            out[key] = str(row.fields[key])
        else:
            out[key] = value if isinstance(value, str) else ""
    return out


class _Lenient:
    """Reads a rejected row field by field; a field that cannot be read is left blank."""

    def __init__(self, parsed: ParseResult, today: date) -> None:
        self.index = parsed.header.index
        self.specs = field_specs(parsed.kind, today)
        self.places = PlaceResolver()

    def fields(self, cells: Sequence[CellValue]) -> dict[str, object]:
        def cell(key: str) -> CellValue:
            position = self.index.get(key)
            return cells[position] if position is not None and position < len(cells) else None

        out: dict[str, object] = {}
        for key, spec in self.specs.items():
            try:
                out[key] = spec.parse(cell(key))
            except FieldError:
                out[key] = None
        place = self.places.resolve(cell("county"), cell("township"), cell("village"))
        if not isinstance(place, PlaceError):
            out["county"], out["township"], out["village"] = place
        try:
            out["sex"] = parse_sex(cell("sex"))
        except FieldError:
            out["sex"] = None
        cert = cell_text(cell("disability_cert")).strip()
        out["disability_cert"] = cert if len(cert) == 20 and cert[18:].isdigit() else None
        return out


def _entry(kind: RosterKind, row: int, f: dict[str, object], raw: dict[str, str]) -> dict[str, Any]:
    uid = f"{kind.value}:{row}"
    county = str(f.get("county") or "")
    entry: dict[str, Any] = {
        "uid": uid,
        "roster": kind.value,
        "source_row": row,
        "name": str(f.get("name") or ""),
        "id_raw": raw.get("id_number", ""),
        "relation": str(f.get("relation") or ("户主" if kind is RosterKind.TEKUN else "")),
        "sex_written": str(f.get("sex") or ""),
        "county": county,
        "township": str(f.get("township") or ""),
        "village": str(f.get("village") or ""),
    }
    if kind is RosterKind.POVERTY:
        entry["household"] = f"P:{county}:{f.get('household_no') or uid}"
        entry.update(_priority(f))
    elif kind is RosterKind.DIBAO:
        head = raw.get("head_id_number", "")
        entry["head_id_raw"] = head
        entry["household"] = f"D:{county}:{head or uid}"
    else:
        entry["head_id_raw"] = entry["id_raw"]
        entry["household"] = f"T:{uid}"
    return entry


def _priority(f: dict[str, object]) -> dict[str, Any]:
    cert = str(f.get("disability_cert") or "")
    return {
        "id_alt": cert[:18] if len(cert) == 20 else "",
        "disability_category": cert[18] if len(cert) == 20 else "",
        "disability_grade": int(cert[19]) if len(cert) == 20 else None,
        "major_illness": f.get("health") == "患有大病",
        "labor": str(f.get("labor") or ""),
    }


def _head_ids(entries: list[dict[str, Any]]) -> None:
    """Poverty rows carry no head-ID column: take the ID written on the household's 户主 row."""
    heads = {
        e["household"]: e["id_raw"] for e in entries if e["roster"] == "poverty" and e["relation"] == "户主"
    }
    for entry in entries:
        if entry["roster"] == "poverty":
            entry["head_id_raw"] = heads.get(entry["household"], "")


def _duplicate(kind: RosterKind, rejected: RejectedRow) -> dict[str, Any]:
    problem = next(p for p in rejected.problems if p.code == DUPLICATE_CODE)
    return {
        "roster": kind.value,
        "source_row": rejected.row,
        "value": problem.value,
        "reason": problem.reason,
        "fix": problem.fix,
    }
