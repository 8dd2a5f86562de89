"""Households as Parquet columns for the vectorised path (`doudi.rules.batch`).

A directory holds one Parquet file per table of `batch.Columns` (`h`, `m`, `sup`, `inc`, `ded`, `prop`: the
households, members, supporters, income items, deductions and property items; child rows point to their owner by
row number and are sorted by it), the county and income-kind dictionaries in the household table's metadata, and
`full.parquet`: the household JSON (docs/rules.md) of the few households the vectorised path hands to the
per-household one (see `full_record_needed`). `read_parquet` gives the columns back without building a Python
object per household; the full records are parsed only when the batch asks for them.
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

from doudi.rules.batch import TABLES, Columns, column_dtype
from doudi.rules.io import household_from_json, household_to_json
from doudi.rules.model import Household

FORMAT = 2  # the layout's version: bump when `batch.TABLES` changes
FULL = "full.parquet"
META = b"doudi.rules.columns"


def full_record_needed(h: Household) -> bool:
    """Whether the batch may hand this household to the per-household path (see `batch.assess_batch`): its
    full record is stored beside the columns. Gradual-exit periods outside the province's 6-12 months count too."""
    months = h.enrolment.gradual_exit_months
    return (
        h.hardship is not None
        or bool(h.enrolment.tekun)
        or (months is not None and not 6 <= months <= 12)
        or any(m.offers or m.applies_single_person for m in h.members)
    )


class LazyRecords(Mapping[int, Household]):
    """Row number -> household, parsed from its stored JSON on first access."""

    def __init__(self, rows: Mapping[int, str]) -> None:
        self._rows = rows
        self._parsed: dict[int, Household] = {}

    def __getitem__(self, row: int) -> Household:
        if row not in self._parsed:
            self._parsed[row] = household_from_json(json.loads(self._rows[row]), f"{FULL} row {row}")
        return self._parsed[row]

    def __iter__(self) -> Iterator[int]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def _full_rows(records: Mapping[int, Household] | Sequence[Household]) -> dict[int, str]:
    items = records.items() if isinstance(records, Mapping) else enumerate(records)
    return {
        row: json.dumps(household_to_json(h), ensure_ascii=False) for row, h in items if full_record_needed(h)
    }


def write_parquet(cols: Columns, directory: Path, full: Mapping[int, str] | None = None) -> None:
    """Write the columns; `full` maps rows to household JSON text (default: from `cols.households`)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, keys in TABLES.items():
        table_cols: dict[str, NDArray[Any]] = getattr(cols, name)
        table = pa.table({key: table_cols[key] for key in keys})
        if name == "h":
            meta = json.dumps({"format": FORMAT, "counties": cols.counties, "kinds": cols.kinds}).encode()
            table = table.replace_schema_metadata({META: meta})
        pq.write_table(table, directory / f"{name}.parquet", compression="zstd")
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
    )


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
        # one column at a time: decoding a whole table at once doubles the peak memory
        tables[name] = {
            k: parquet.read(columns=[k]).column(0).to_numpy().astype(column_dtype(k), copy=False)
            for k in keys
        }
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
    full = pq.read_table(directory / FULL) if (directory / FULL).exists() else None
    rows = (
        dict(zip(full.column("row").to_pylist(), full.column("household").to_pylist(), strict=True))
        if full is not None
        else {}
    )
    cols = Columns(LazyRecords(rows), meta["counties"], meta["kinds"])
    for name, table_cols in tables.items():
        setattr(cols, name, table_cols)
    return cols


def tile(cols: Columns, households: int) -> tuple[Columns, dict[int, str]]:
    """Repeat the columns' households until there are `households` rows (a province from a sample), with the
    full-record JSON of the repeated rows that need one. Row references are shifted per copy."""
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
    return big, full
