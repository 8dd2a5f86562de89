"""Households as Parquet columns for the vectorised path (`doudi.rules.batch`).

A directory holds one Parquet file per table of `batch.Columns` (`h`, `m`, `sup`, `off`, `inc`, `ded`, `prop`:
the households, members, supporters, offers, income items, deductions and property items; child rows point to
their owner by row number and are sorted by it), the county and income-kind dictionaries in the household table's
metadata, `ids.parquet` and `member_ids.parquet` (household id and region per household row, person id per member
row: read only to render explanations), and `full.parquet`: the household JSON (docs/rules.md) of the few
households the vectorised path hands to the per-household one or whose explanation cites evidence (see
`full_record_needed`). `read_parquet` gives the columns back without building a Python object per household; the
identifiers and the full records are read only when asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from doudi.rules.batch import TABLES, Columns, column_dtype, money_column
from doudi.rules.io import household_from_json, household_to_json
from doudi.rules.model import Household

FORMAT = 4  # the layout's version: bump when `batch.TABLES` or the files change
FULL = "full.parquet"
FULL_GROUP = 256  # rows per row group of full.parquet: one record is read without decoding the others
IDS = "ids.parquet"
MEMBER_IDS = "member_ids.parquet"
# lz4 without dictionaries: decoding is several times cheaper than zstd's (docs/benchmarks.md), files ~2x larger
COMPRESSION = "lz4"
META = b"doudi.rules.columns"


def full_record_needed(h: Household) -> bool:
    """Whether the batch may hand this household to the per-household path (see `batch.assess_batch`): its
    full record is stored beside the columns. Gradual-exit periods outside the province's 6-12 months count too."""
    months = h.enrolment.gradual_exit_months
    return (
        h.hardship is not None
        or bool(h.evidence_notes)
        or any(i.source for i in h.income)
        or any(p.source for p in h.property or ())
        or bool(h.enrolment.tekun)
        or (months is not None and not 6 <= months <= 12)
        or any(m.offers or m.applies_single_person for m in h.members)
    )


class LazyRecords(Mapping[int, Household]):
    """Row number -> household, parsed from its stored JSON on first access. Only the row numbers are read up
    front (on first use); a record's text is read from its small row group when asked for."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._index: NDArray[np.int32] | None = None
        self._parsed: dict[int, Household] = {}

    @property
    def _rows(self) -> NDArray[np.int32]:
        if self._index is None:
            self._index = np.zeros(0, dtype=np.int32)
            if self._path.exists():
                column = pq.read_table(self._path, columns=["row"]).column("row")
                self._index = column.to_numpy().astype(np.int32, copy=False)
        return self._index

    def __getitem__(self, row: int) -> Household:
        if row not in self._parsed:
            rows = self._rows
            at = int(np.searchsorted(rows, row))
            if at >= len(rows) or int(rows[at]) != row:
                raise KeyError(row)
            group = pq.ParquetFile(self._path).read_row_group(at // FULL_GROUP, columns=["household"])
            text = group.column("household")[at % FULL_GROUP].as_py()
            self._parsed[row] = household_from_json(json.loads(text), f"{FULL} row {row}")
        return self._parsed[row]

    def __iter__(self) -> Iterator[int]:
        return iter(int(r) for r in self._rows)

    def __len__(self) -> int:
        return len(self._rows)


class ParquetIds:
    """`batch.IdSource` over `ids.parquet` and `member_ids.parquet`, read on first use (kept as Arrow arrays)."""

    def __init__(self, directory: Path, member_owner: NDArray[Any]) -> None:
        self._directory = directory
        self._owner = member_owner
        self._tables: tuple[pa.Table, pa.Table] | None = None

    def _read(self) -> tuple[pa.Table, pa.Table]:
        if self._tables is None:
            paths = [self._directory / IDS, self._directory / MEMBER_IDS]
            for path in paths:
                if not path.exists():
                    raise FileNotFoundError(f"{path}: missing; rewrite the directory with write_parquet")
            self._tables = (pq.read_table(paths[0]), pq.read_table(paths[1]))
        return self._tables

    def household(self, i: int) -> tuple[str, str]:
        t = self._read()[0]
        return str(t.column("household_id")[i].as_py()), str(t.column("region")[i].as_py())

    def members(self, i: int) -> list[str]:
        lo, hi = np.searchsorted(self._owner, np.array([i, i + 1], dtype=self._owner.dtype))
        column = self._read()[1].column("person_id")
        return [str(column[k].as_py()) for k in range(int(lo), int(hi))]


def _ids_of(records: Sequence[Household]) -> tuple[list[str], list[str], list[str]]:
    return (
        [h.household_id for h in records],
        [h.region for h in records],
        [m.person_id for h in records for m in h.members],
    )


def _full_rows(records: Mapping[int, Household] | Sequence[Household]) -> dict[int, str]:
    items = records.items() if isinstance(records, Mapping) else enumerate(records)
    return {
        row: json.dumps(household_to_json(h), ensure_ascii=False) for row, h in items if full_record_needed(h)
    }


def _narrow(key: str, values: NDArray[Any]) -> NDArray[Any]:
    """Money as int32 when every value fits (exact; half the bytes to decode), else int64."""
    if money_column(key) and values.size:
        info = np.iinfo(np.int32)
        if info.min <= int(values.min()) and int(values.max()) <= info.max:
            return values.astype(np.int32)
    return values


def _dtype(key: str, values: NDArray[Any]) -> NDArray[Any]:
    if money_column(key) and values.dtype in (np.int32, np.int64):
        return values  # int32 money stays narrow in memory; assess_batch widens each slice
    return values.astype(column_dtype(key), copy=False)


def write_parquet(
    cols: Columns,
    directory: Path,
    full: Mapping[int, str] | None = None,
    ids: tuple[list[str], list[str], list[str]] | None = None,
) -> None:
    """Write the columns; `full` maps rows to household JSON text and `ids` gives the household ids, regions
    and person ids (default: both from `cols.households`)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, keys in TABLES.items():
        table_cols: dict[str, NDArray[Any]] = getattr(cols, name)
        table = pa.table({key: _narrow(key, table_cols[key]) for key in keys})
        if name == "h":
            meta = json.dumps({"format": FORMAT, "counties": cols.counties, "kinds": cols.kinds}).encode()
            table = table.replace_schema_metadata({META: meta})
        pq.write_table(table, directory / f"{name}.parquet", compression=COMPRESSION, use_dictionary=False)
    if ids is None:
        given = cols.households
        ids = _ids_of(list(given.values()) if isinstance(given, Mapping) else given)
    household_ids, regions, person_ids = ids
    pq.write_table(
        pa.table(
            {"household_id": pa.array(household_ids, pa.string()), "region": pa.array(regions, pa.string())}
        ),
        directory / IDS,
    )
    pq.write_table(pa.table({"person_id": pa.array(person_ids, pa.string())}), directory / MEMBER_IDS)
    records = _full_rows(cols.households) if full is None else full
    rows = sorted(records)
    pq.write_table(
        pa.table(
            {
                "row": pa.array(rows, pa.int32()),
                "household": pa.array([records[k] for k in rows], pa.string()),
            }
        ),
        directory / FULL,
        row_group_size=FULL_GROUP,
    )


def _numpy(column: pa.ChunkedArray) -> NDArray[Any]:
    if column.num_chunks == 1:
        array: NDArray[Any] = column.chunk(0).to_numpy(zero_copy_only=False)
    else:
        array = column.to_numpy()
    return array


def read_parquet(directory: Path) -> Columns:
    """Read the columns written by `write_parquet` (errors name the file and what is missing)."""
    tables: dict[str, dict[str, NDArray[Any]]] = {}
    meta: dict[str, Any] = {}
    for name, keys in TABLES.items():
        path = directory / f"{name}.parquet"
        if not path.exists():
            raise FileNotFoundError(
                f"{path}: missing; write the directory with doudi.rules.columnar.write_parquet"
            )
        parquet = pq.ParquetFile(path)
        schema = parquet.schema_arrow
        missing = [k for k in keys if k not in schema.names]
        if missing:
            raise ValueError(
                f"{path}: columns {', '.join(missing)} are missing; rewrite it with write_parquet"
            )
        # the table's columns decoded by Arrow's threads; each column is one chunk in the dtype of
        # `column_dtype`, so NumPy gets the Arrow buffers without a copy
        table = parquet.read(columns=list(keys), use_threads=True)
        tables[name] = {k: _dtype(k, _numpy(table.column(k))) for k in keys}
        del table
        if name == "h":
            raw = (schema.metadata or {}).get(META)
            if raw is None:
                raise ValueError(
                    f"{path}: the county and income-kind dictionaries are missing from its metadata"
                )
            meta = json.loads(raw)
            if meta.get("format") != FORMAT:
                raise ValueError(
                    f"{path}: layout version {meta.get('format')}, expected {FORMAT}; rewrite it"
                )
    cols = Columns(LazyRecords(directory / FULL), meta["counties"], meta["kinds"])
    for name, table_cols in tables.items():
        setattr(cols, name, table_cols)
    cols.ids = ParquetIds(directory, cols.m["hh"])
    return cols


def tile(
    cols: Columns, households: int
) -> tuple[Columns, dict[int, str], tuple[list[str], list[str], list[str]]]:
    """Repeat the columns' households until there are `households` rows (a province from a sample), with the
    full-record JSON of the repeated rows that need one and the identifiers (copy k of household H1 is H1.k
    for k > 0). Row references are shifted per copy."""
    n = len(cols.h["county"])
    copies = -(-households // n)
    n_members = len(cols.m["hh"])

    def repeat(table: dict[str, NDArray[Any]], owner: str, shift: int) -> dict[str, NDArray[Any]]:
        out: dict[str, NDArray[Any]] = {}
        offsets = np.repeat(np.arange(copies, dtype=np.int64), len(table[owner]))
        for key, values in table.items():
            tiled = np.tile(values, copies)
            if key == owner or (key == "member" and owner == "hh"):
                step = shift if key == owner else n_members
                tiled = np.where(tiled >= 0, tiled + offsets * step, tiled)
            out[key] = tiled.astype(column_dtype(key), copy=False)
        return out

    big = Columns([], cols.counties, cols.kinds)
    big.h = {k: np.tile(v, copies)[:households] for k, v in cols.h.items()}
    big.m = repeat(cols.m, "hh", n)
    big.sup = repeat(cols.sup, "member", n_members)
    big.off = repeat(cols.off, "member", n_members)
    big.inc = repeat(cols.inc, "hh", n)
    big.ded = repeat(cols.ded, "hh", n)
    big.prop = repeat(cols.prop, "hh", n)
    m_keep = big.m["hh"] < households
    big.m = {k: v[m_keep] for k, v in big.m.items()}
    members_kept = int(m_keep.sum())
    big.sup = {k: v[big.sup["member"] < members_kept] for k, v in big.sup.items()}
    big.off = {k: v[big.off["member"] < members_kept] for k, v in big.off.items()}
    for name in ("inc", "ded", "prop"):
        table = getattr(big, name)
        setattr(big, name, {k: v[table["hh"] < households] for k, v in table.items()})
    base = _full_rows(cols.households)
    full = {
        c * n + row: text for c in range(copies) for row, text in base.items() if c * n + row < households
    }
    records = cols.households
    sample = list(records.values()) if isinstance(records, Mapping) else list(records)
    hids, regions, _ = _ids_of(sample)
    household_ids: list[str] = []
    person_ids: list[str] = []
    for c in range(copies):
        suffix = f".{c}" if c else ""
        for row, h in enumerate(sample):
            if c * n + row >= households:
                break
            household_ids.append(hids[row] + suffix)
            person_ids.extend(m.person_id + suffix for m in h.members)
    return big, full, (household_ids, (regions * copies)[:households], person_ids)
