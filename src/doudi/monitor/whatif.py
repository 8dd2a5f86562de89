"""What-if (测算): the rules' parameters with one value replaced, e.g. a county raising its dibao standard, and
the comparison of two assessments of the same household; `province_what_if` does it for a whole province over
the columns of the vectorised rules (doudi.rules.columnar.read_parquet), county by county."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from doudi.rules.batch import OUTCOMES, BatchResult, Columns, Households, assess_batch
from doudi.rules.engine import Assessment
from doudi.rules.model import Household
from doudi.rules.parameters import ParameterSet, ParameterTable, default_table
from doudi.rules.reasons import Outcome

RURAL_STANDARD = "dibao.rural_standard_yearly"
PAID = (Outcome.ALREADY_COVERED, Outcome.ELIGIBLE_DIBAO, Outcome.MEMBERS_ELIGIBLE)


def replaced(params: ParameterSet, name: str, value: int) -> ParameterSet:
    """A copy of `params` where `name` takes `value` (fen for money), marked as a what-if version."""
    old = params.get(name)
    values = {n: params.get(n) for n in params._values}
    values[name] = dataclasses.replace(
        old, reference=None, note=f"what-if: {old.value} -> {value}", value=value
    )
    return ParameterSet(params.on, params.region, f"{params.version}+what-if", values)


@dataclass
class WhatIf:
    households: int = 0
    gained: int = 0  # paid under the new value, not under the old
    lost: int = 0
    monthly_cost_before: int = 0  # fen
    monthly_cost_after: int = 0

    @property
    def monthly_difference(self) -> int:
        return self.monthly_cost_after - self.monthly_cost_before

    def add(self, before: Assessment, after: Assessment) -> None:
        self.households += 1
        was, now = before.outcome in PAID and before.total > 0, after.outcome in PAID and after.total > 0
        self.gained += int(now and not was)
        self.lost += int(was and not now)
        self.monthly_cost_before += before.total if was else 0
        self.monthly_cost_after += after.total if now else 0


# A province at once: the vectorised rules over columns, twice ----------------------------------------------


@dataclass(frozen=True)
class RaisedTable(ParameterTable):
    """The rules' parameter table where, in `counties` and from `since`, the parameter `name` takes `value`
    (a county raising its dibao standard from a date). Everything else is the base table's."""

    counties: frozenset[str] = frozenset()
    name: str = RURAL_STANDARD
    value: int = 0
    since: date = date.min

    @classmethod
    def of(cls, base: ParameterTable, counties: set[str], name: str, value: int, since: date) -> RaisedTable:
        if name not in base.definitions:
            raise ValueError(f"政策参数 {name} 不存在")
        return cls(
            base.definitions, base.series, f"{base.version}+what-if", frozenset(counties), name, value, since
        )

    def at(self, on: date, region: str) -> ParameterSet:
        params = super().at(on, region)
        if region[:6] in self.counties and on >= self.since:
            return replaced(params, self.name, self.value)
        return params


@dataclass
class ProvinceWhatIf:
    """The what-if of a province, county by county (six-digit code -> WhatIf), for the month of `on`."""

    on: date
    since: date
    counties: dict[str, WhatIf]

    @property
    def total(self) -> WhatIf:
        out = WhatIf()
        for w in self.counties.values():
            out.households += w.households
            out.gained += w.gained
            out.lost += w.lost
            out.monthly_cost_before += w.monthly_cost_before
            out.monthly_cost_after += w.monthly_cost_after
        return out

    @property
    def months_this_year(self) -> int:
        """Months from the raise to the end of its year (the year's extra cost = difference x months)."""
        return 12 - self.since.month + 1


def _paid(result: BatchResult) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    total = result.benefit + result.tekun + result.single
    paid = np.isin(result.outcome, [OUTCOMES.index(o) for o in PAID]) & (total > 0)
    return paid, np.where(paid, total, 0)


def province_what_if(
    cols: Columns,
    counties: set[str],
    since: date,
    value: int,
    name: str = RURAL_STANDARD,
    on: date | None = None,
    table: ParameterTable | None = None,
) -> ProvinceWhatIf:
    """Every household of the columns assessed twice by the vectorised rules (`doudi.rules.batch`): with the
    base parameters and with `name` = `value` in `counties` from `since`; the households gained or lost and the
    monthly cost, by county, in the month of `on` (default: the month of `since`). Only the chosen counties'
    households are assessed the second time (the others' parameters do not change)."""
    base = table or default_table()
    on = on or since
    if on < since:
        raise ValueError(f"测算日期 {on} 早于提标日期 {since}")
    present = {c[:6] for c in cols.counties}
    unknown = sorted(c for c in counties if c not in present)
    if unknown:
        raise ValueError(
            f"县 {', '.join(unknown)} 在输入中没有家庭户; 请写输入中有的 6 位县级区划代码 ({', '.join(sorted(present))})"
        )
    raised = RaisedTable.of(base, counties, name, value, since)
    before = assess_batch(None, on, base, cols=cols)
    index = [i for i, c in enumerate(cols.counties) if c[:6] in counties]
    rows = np.flatnonzero(np.isin(cols.h["county"], index))
    after_paid, after_total = _paid(before)
    after_paid, after_total = after_paid.copy(), after_total.copy()
    was_paid, was_total = _paid(before)
    if len(rows):
        part = _take(cols, rows)
        again = assess_batch(None, on, raised, cols=part)
        p, t = _paid(again)
        after_paid[rows], after_total[rows] = p, t
    county = cols.h["county"]
    out: dict[str, WhatIf] = {}
    for c, code in enumerate(cols.counties):
        mask = county == c
        n = int(mask.sum())
        if not n:
            continue
        w, a = was_paid[mask], after_paid[mask]
        out[code] = WhatIf(
            households=n,
            gained=int((a & ~w).sum()),
            lost=int((w & ~a).sum()),
            monthly_cost_before=int(was_total[mask].sum()),
            monthly_cost_after=int(after_total[mask].sum()),
        )
    return ProvinceWhatIf(on, since, dict(sorted(out.items())))


def _take(cols: Columns, rows: NDArray[np.int64]) -> Columns:
    """The households `rows` (ascending) of the columns with their member, item and offer rows, rebased."""
    n_h = len(cols.h["county"])
    keep_h = np.zeros(n_h, dtype=bool)
    keep_h[rows] = True
    new_h = np.cumsum(keep_h) - 1
    part = Columns(_Rows(cols.households, rows), cols.counties, cols.kinds)
    part.h = {k: v[rows] for k, v in cols.h.items()}
    mh = cols.m["hh"].astype(np.int64)
    keep_m = keep_h[mh]
    new_m = np.cumsum(keep_m) - 1
    part.m = {k: v[keep_m] for k, v in cols.m.items()}
    part.m["hh"] = new_h[mh[keep_m]].astype(cols.m["hh"].dtype)
    for table_name in ("inc", "ded", "prop"):
        table = getattr(cols, table_name)
        keep = keep_h[table["hh"].astype(np.int64)]
        out = {k: v[keep] for k, v in table.items()}
        out["hh"] = new_h[table["hh"][keep].astype(np.int64)].astype(table["hh"].dtype)
        if "member" in out:
            member = out["member"].astype(np.int64)
            out["member"] = np.where(member >= 0, new_m[np.maximum(member, 0)], member).astype(
                table["member"].dtype
            )
        setattr(part, table_name, out)
    for table_name in ("sup", "off"):
        table = getattr(cols, table_name)
        member = table["member"].astype(np.int64)
        keep = keep_m[member]
        out = {k: v[keep] for k, v in table.items()}
        out["member"] = new_m[member[keep]].astype(table["member"].dtype)
        setattr(part, table_name, out)
    return part


class _Rows(Mapping[int, Household]):
    """Row i of a subset -> the full record of row rows[i] of the whole input (for the fallback rows)."""

    def __init__(self, households: Households, rows: NDArray[np.int64]) -> None:
        self._households, self._rows = households, rows

    def __getitem__(self, row: int) -> Household:
        return self._households[int(self._rows[row])]

    def __iter__(self) -> Iterator[int]:
        return iter(())

    def __len__(self) -> int:
        return 0
