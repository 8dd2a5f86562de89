"""Roster files -> a frame of canonical records, a column at a time (the fast path of `doudi match` over files).

The file is opened and its header found by the importer (doudi.ingest: format told by the first bytes, CSV encoding
detected, the header row found by column names and aliases, the same FileProblem messages naming the file); then the
rows are read whole and every column is parsed leniently, each distinct value once, with the importer's cell parsers
(names, relations and other closed lists, places by name or code, sex, the disability certificate). A cell that does
not parse is left blank, as `doudi.linkage.files.read_roster` does for rows the importer rejects: matching keeps every
row. IDs are kept as written and cleaned by `doudi.linkage.clean`. Rows written twice are not dropped here: the
linkage's within-roster duplicate step (doudi.linkage.duplicates) reports them with the row they repeat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from doudi.core.rosters import RosterKind
from doudi.ingest.cells import CellValue, cell_text
from doudi.ingest.headers import HeaderMap
from doudi.ingest.pipeline import locate
from doudi.ingest.places import PlaceError, PlaceResolver
from doudi.ingest.problems import FieldError
from doudi.ingest.readers import Row, reading
from doudi.ingest.schema import field_specs
from doudi.ingest.values import sex as parse_sex
from doudi.linkage.clean import clean_ids
from doudi.linkage.records import DEFAULTS, FIELDS, TEXT


@dataclass
class RosterFrame:
    kind: RosterKind
    path: Path
    records: pd.DataFrame  # canonical records (doudi.linkage.records.FIELDS), one per usable row
    unusable: int = 0  # rows with neither a name nor an ID


def read_frame(path: Path | str, kind: RosterKind | str, today: date | None = None) -> RosterFrame:
    """Read a roster file into canonical records. Raises FileProblem when the file as a whole cannot be read."""
    path, kind = Path(path), RosterKind(kind)
    table, header, rest = locate(path, kind)
    source: _Source | None = _arrow_csv(path, table.encoding, header, rest) if table.encoding else None
    if source is None:
        with reading(path):
            rows = [*rest, *table.rows]
        source = _RowSource(header, [(n, c) for n, c in rows if any(not _blank(v) for v in c)])
    return _records(kind, path, source, today or date.today())


def _blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


Values = npt.NDArray[np.object_]


class _Source:
    """A roster's columns by canonical key, and the spreadsheet row number of each record."""

    numbers: list[int]
    index: dict[str, int]

    def column(self, key: str) -> Values:
        """The cells of a column as written (None where the file has no such column)."""
        raise NotImplementedError

    def parsed(self, key: str, parse: Callable[[CellValue], object]) -> Values:
        """The column through a parser, once per distinct value; a cell that fails becomes None."""
        raw = self.column(key)
        table: dict[Any, object] = {}
        typed = any(type(v) is bool for v in raw)  # True == 1 as a dict key: keep the type apart
        keys = [(type(v), v) for v in raw] if typed else raw.tolist()
        for k, value in zip(keys, raw.tolist(), strict=True):
            if k not in table:
                table[k] = _attempt(parse, value)
        return _objects([table[k] for k in keys])

    def places(self) -> tuple[Values, Values, Values]:
        resolver = PlaceResolver()
        triples = list(
            zip(self.column("county"), self.column("township"), self.column("village"), strict=True)
        )
        found: dict[tuple[CellValue, ...], tuple[str, str, str]] = {}
        for triple in set(triples):
            place = resolver.resolve(*triple)
            found[triple] = ("", "", "") if isinstance(place, PlaceError) else place
        codes = [found[t] for t in triples]
        return (
            _objects([c[0] for c in codes]),
            _objects([c[1] for c in codes]),
            _objects([c[2] for c in codes]),
        )


class _RowSource(_Source):
    """Rows from the importer's reader (Excel, or a CSV file Arrow cannot read as a plain table)."""

    def __init__(self, header: HeaderMap, rows: list[Row]) -> None:
        self.index, self.numbers = header.index, [n for n, _ in rows]
        self.width = len(header.headers)
        self.rows = [c for _, c in rows]

    def column(self, key: str) -> Values:
        position = self.index.get(key)
        if position is None:
            return _objects([None] * len(self.numbers))
        return _objects([c[position] if position < len(c) else None for c in self.rows])


class _ArrowSource(_Source):
    """A CSV file read by Arrow's reader: every cell text, each column parsed per distinct value in Arrow."""

    def __init__(self, header: HeaderMap, table: pa.Table, numbers: list[int]) -> None:
        self.index, self.table, self.numbers = header.index, table, numbers

    def column(self, key: str) -> Values:
        position = self.index.get(key)
        if position is None or position >= self.table.num_columns:
            return _objects([None] * len(self.numbers))
        return cast(Values, self.table.column(position).to_numpy(zero_copy_only=False).astype(object))

    def parsed(self, key: str, parse: Callable[[CellValue], object]) -> Values:
        position = self.index.get(key)
        if position is None or position >= self.table.num_columns:
            return super().parsed(key, parse)
        encoded = pc.dictionary_encode(self.table.column(position)).combine_chunks()
        values = _objects([_attempt(parse, v) for v in encoded.dictionary.to_pylist()])
        return cast(Values, values[encoded.indices.to_numpy(zero_copy_only=False)])


def _arrow_csv(path: Path, encoding: str | None, header: HeaderMap, rest: list[Row]) -> _ArrowSource | None:
    """The CSV file below its header as text columns; None when Arrow cannot read it as one plain table (empty
    lines, rows of other lengths, ...): the importer's reader then reads it row by row."""
    width = len(header.headers)
    delimiter = "\t" if _tabbed(path, encoding) else ","
    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                skip_rows=header.row, column_names=names, encoding=encoding or "utf-8", block_size=1 << 24
            ),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, LookupError):
        return None
    numbers = np.arange(header.row + 1, header.row + 1 + table.num_rows)
    filled = None
    for column in table.columns:
        cell = pc.not_equal(pc.utf8_trim_whitespace(column), "")
        filled = cell if filled is None else pc.or_(filled, cell)
    if filled is not None and not pc.all(filled).as_py():
        keep = filled.to_numpy(zero_copy_only=False)
        table, numbers = table.filter(filled), numbers[keep]
    return _ArrowSource(header, table, numbers.tolist())


def _tabbed(path: Path, encoding: str | None) -> bool:
    """The importer's rule: a first line with more tabs than commas is tab-separated."""
    with path.open(encoding=encoding or "utf-8", errors="replace") as fh:
        first = fh.readline()
    return first.count("\t") > first.count(",")


def _attempt(parse: Callable[[CellValue], object], value: CellValue) -> object:
    try:
        return parse(value)
    except FieldError:
        return None


def _objects(values: list[Any]) -> Values:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _certificate(value: CellValue) -> str | None:
    cert = cell_text(value).strip()
    return cert if len(cert) == 20 and cert[18:].isdigit() else None


def _records(kind: RosterKind, path: Path, c: _Source, today: date) -> RosterFrame:
    specs = field_specs(kind, today)
    numbers = c.numbers
    n = len(numbers)
    names = _text(c.parsed("name", specs["name"].parse))
    id_raw = _id_cells(c.column("id_number"))
    usable = (names != "") | (id_raw != "")
    county, township, village = c.places()
    relation = (
        _text(c.parsed("relation", specs["relation"].parse)) if "relation" in specs else _objects([""] * n)
    )
    if kind is RosterKind.TEKUN:
        relation[relation == ""] = "户主"
    uid = _objects([f"{kind.value}:{row}" for row in numbers])
    columns: dict[str, Any] = {
        "uid": uid,
        "roster": _objects([kind.value] * n),
        "source_row": numbers,
        "name": names,
        "id_raw": id_raw,
        "relation": relation,
        "sex_written": _text(c.parsed("sex", parse_sex)),
        "county": county,
        "township": township,
        "village": village,
    }
    if kind is RosterKind.POVERTY:
        household_no = _text(c.parsed("household_no", specs["household_no"].parse))
        household_no = np.where(household_no == "", uid, household_no)
        columns["household"] = _objects([f"P:{a}:{h}" for a, h in zip(county, household_no, strict=True)])
        cert = c.parsed("disability_cert", _certificate).tolist()
        columns["id_alt"] = _objects([x[:18] if x else "" for x in cert])
        columns["disability_category"] = _objects([x[18] if x else "" for x in cert])
        columns["disability_grade"] = [int(x[19]) if x else None for x in cert]
        columns["major_illness"] = c.parsed("health", specs["health"].parse) == "患有大病"
        columns["labor"] = _text(c.parsed("labor", specs["labor"].parse))
        heads = relation == "户主"
        head_of = dict(zip(columns["household"][heads].tolist(), id_raw[heads].tolist(), strict=True))
        columns["head_id_raw"] = _objects([head_of.get(h, "") for h in columns["household"].tolist()])
    elif kind is RosterKind.DIBAO:
        head = _id_cells(c.column("head_id_number"))
        cleaned = clean_ids(pd.Series(head, dtype=object))[0]  # the household key: the head's cleaned ID
        columns["head_id_raw"] = head
        columns["household"] = _objects(
            [f"D:{a}:{h or w or u}" for a, h, w, u in zip(county, cleaned, head, uid, strict=True)]
        )
    else:
        columns["head_id_raw"] = id_raw
        columns["household"] = _objects([f"T:{u}" for u in uid])
    records = pd.DataFrame(columns)
    if not usable.all():
        records = records.loc[usable].reset_index(drop=True)
    return RosterFrame(kind, path, _complete(records), unusable=int((~usable).sum()))


def _text(values: Values) -> Values:
    """Parsed values as text, '' for None."""
    return _objects(["" if v is None else str(v) for v in values.tolist()])


def _id_cells(values: Values) -> Values:
    """ID cells as written; a cell that is not text (an Excel number: digits lost) becomes ''."""
    return _objects([v if isinstance(v, str) else "" for v in values.tolist()])


def _complete(records: pd.DataFrame) -> pd.DataFrame:
    """Every column of FIELDS, in order, with its default (as `doudi.linkage.records.frame` builds them)."""
    for key in FIELDS:
        if key not in records.columns:
            records[key] = DEFAULTS.get(key, "")
    return records[list(FIELDS)].astype({k: object for k in TEXT} | {"alive": bool, "major_illness": bool})
