"""The vectorised path: the same rules over NumPy arrays, for a county or a province at once.

`flatten` turns households into columns (`Columns`: the layout `doudi.rules.columnar` reads from Parquet and a
database query gives directly); `assess_batch` computes composition, countable income, the property tests, D1-D3,
the benefit (补差 or 分档), tekun T1-T3 with care level and amount (also for members already in tekun), P1, P2,
P3 (as the month index into the gradual exit), P4 (the prompt and single-person cover), P5, P6 (the refusal
timeline), M1, M2 (the amount) and M3 with integer arithmetic only: every Fraction of the per-household path
becomes a comparison or a division of exact integers, so both paths give the same results to the fen
(tests/unit/rules/test_batch.py checks this on generated households). With `explain` it also keeps every
household's explanation as columns (`BatchExplain`: the intermediate values as exact integers, the parameters used
as bits of a per-county parameter table, member-level steps as sparse rows), from which
`doudi.rules.batch_explain` renders the same explanation `engine.assess` gives (tests/unit/rules/
test_batch_explain.py).

Only an enrolled household above the standard whose gradual-exit period lies outside the county's range is handed
to the per-household path `doudi.rules.engine.assess` (which reports the error); `BatchResult.fallback` marks it.
docs/rules-dev.md describes the layout.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from doudi.rules.engine import Assessment, assess
from doudi.rules.model import (
    CareMode,
    Household,
    Hukou,
    LaborCapacity,
    PropertyKind,
    RefusalResponse,
    Relation,
)
from doudi.rules.parameters import ParameterSet, ParameterTable, default_table
from doudi.rules.reasons import Outcome, Reason
from doudi.rules.tekun import SEVERE

I64 = NDArray[np.int64]
Households = Sequence[Household] | Mapping[int, Household]
B = NDArray[np.bool_]
OUTCOMES = list(Outcome)
REASONS = list(Reason)
BIT = {r: np.int64(1) << np.int64(i) for i, r in enumerate(REASONS)}
BIG = np.int64(1) << np.int64(50)  # "no cap"
_RELATIONS = {r: i for i, r in enumerate(Relation)}
_LABOR = {LaborCapacity.FULL: 0, LaborCapacity.PARTIAL: 1, LaborCapacity.NONE: 2}
_PROPERTY = {k: i for i, k in enumerate(PropertyKind)}
_PROPERTY_PARAMETERS = (
    "property.max_houses",
    "property.financial_assets_multiple",
    "property.disposable_income_prior_year",
    "property.vehicle_limit",
    "property.company_profit_multiple",
    "property.urban_disposable_income_prior_year",
)
_CARE_PARAMETERS = tuple(
    f"tekun.care_{mode}_{level}" for mode in ("home", "institution") for level in ("self", "partial", "full")
)
_DUTY_DEFAULT = [_RELATIONS[r] for r in (Relation.PARENT, Relation.GRANDPARENT, Relation.GRANDCHILD)]


@dataclass
class Columns:
    """Households as columns. Member, income, deduction, property and supporter rows point to their owner."""

    households: Households  # the full records, needed only for the fallback rows
    counties: list[str]
    kinds: list[str]
    h: dict[str, NDArray[Any]] = field(default_factory=dict)
    m: dict[str, NDArray[Any]] = field(default_factory=dict)
    inc: dict[str, NDArray[Any]] = field(default_factory=dict)
    ded: dict[str, NDArray[Any]] = field(default_factory=dict)
    prop: dict[str, NDArray[Any]] = field(default_factory=dict)
    sup: dict[str, NDArray[Any]] = field(default_factory=dict)
    off: dict[str, NDArray[Any]] = field(default_factory=dict)
    ids: IdSource | None = None  # household and member identifiers, read only to render explanations


class IdSource(Protocol):
    """Identifiers by household row, for rendering (the rules never read them)."""

    def household(self, i: int) -> tuple[str, str]:  # household id, region
        ...

    def members(self, i: int) -> Sequence[str]:  # person ids of household i's member rows, in order
        ...


def _tri(value: bool | None) -> int:
    return -1 if value is None else int(value)


def _member_rows(
    hx: Household,
    i: int,
    first: int,
    rows: list[tuple[Any, ...]],
    sup: list[tuple[Any, ...]],
    off: list[tuple[Any, ...]],
) -> None:
    confirmed = {s.member for s in hx.support if s.confirmed}
    for j, m in enumerate(hx.members):
        d = m.disability
        acts = m.daily_activities
        born = m.birth_date
        rows.append((
            i, born.year, born.month, born.day, _RELATIONS[m.relation],
            m.in_prison or m.missing or m.clergy_years >= 3, m.lives_with_family,
            _tri(m.can_live_independently), _tri(m.support_duty), _LABOR[m.labor_capacity], m.in_school,
            m.in_school and (m.school_level is None or m.school_level in _SCHOOLS),
            int(d.category) if d else 0, d.grade if d else 0, m.major_illness_assistance, m.dependent_on_family,
            m.applies_single_person, m.employed, -1 if acts is None or len(acts) != 6 else 6 - sum(acts.values()),
            m.care_mode == CareMode.INSTITUTION, m.supporters is not None, m.person_id in confirmed,
            bool(m.offers), m.person_id in hx.enrolment.tekun,
        ))  # fmt: skip
        for s in m.supporters or ():
            sup.append((first + j, s.age, s.tekun, s.dibao, s.low_income, s.severe_disability))
        for o in sorted(m.offers, key=lambda o: o.on):
            off.append((first + j, o.on.year * 12 + o.on.month - 1, _RESPONSES[o.response]))


_SCHOOLS = frozenset(("primary", "junior", "senior", "vocational", "college", "bachelor"))
_MEMBER_KEYS = (
    "hh", "by", "bm", "bd", "rel", "excl", "lives", "cli", "duty", "labor", "school", "school_counted", "dcat",
    "dgrade", "assist", "dependent", "applies", "employed", "failed", "institution", "sup_known", "confirmed",
    "offers", "tekun_in",
)  # fmt: skip
_SUP_KEYS = ("member", "age", "tekun", "dibao", "low_income", "severe")
_OFFER_KEYS = ("member", "month", "response")  # month = year x 12 + month - 1
_RESPONSES = {RefusalResponse.ACCEPTED: 0, RefusalResponse.REFUSED: 1, RefusalResponse.REFUSED_VALID: 2}
_HARDSHIP = {"general": 1, "severe": 2, "extreme": 3}
_HOUSEHOLD_KEYS = (
    "county", "hukou", "urban", "prop_known", "dibao", "card", "exited", "irregular", "hardship", "tekun_enrolled",
    "current", "above", "exit_months",
)  # fmt: skip
_INCOME_KEYS = ("hh", "member", "kind", "yearly", "override", "wage")
_DEDUCTION_KEYS = ("hh", "member", "paid", "reimbursed")
_PROPERTY_KEYS = ("hh", "kind", "value", "count", "bought", "mobility", "profit")


# Narrow integer types per column (int64 for money): a province's 7.6 M member rows fit in about 200 MB.
_WIDE = {"current", "yearly", "paid", "reimbursed", "value", "profit"}
_INT32 = {"hh", "member", "above", "bought", "count", "month"}
_INT16 = {"by", "county", "kind", "age"}


def money_column(key: str) -> bool:
    """Money columns are int64 in memory from `flatten`; Parquet stores them as int32 when every value fits
    (`columnar.write_parquet`), and `assess_batch` widens them slice by slice."""
    return key in _WIDE


def _widened(cols: Columns) -> Columns:
    """The columns with int64 money (a shallow copy when some are narrower; the input is not changed)."""
    narrow = [
        (name, key)
        for name in TABLES
        for key in _WIDE.intersection(getattr(cols, name))
        if getattr(cols, name)[key].dtype != np.int64
    ]
    if not narrow:
        return cols
    out = copy.copy(cols)
    for name in {name for name, _ in narrow}:
        setattr(out, name, dict(getattr(cols, name)))
    for name, key in narrow:
        getattr(out, name)[key] = getattr(cols, name)[key].astype(np.int64)
    return out


def column_dtype(key: str) -> type[np.signedinteger[Any]]:
    if key in _WIDE:
        return np.int64
    if key in _INT32:
        return np.int32
    return np.int16 if key in _INT16 else np.int8


TABLES = {
    "h": _HOUSEHOLD_KEYS,
    "m": _MEMBER_KEYS,
    "sup": _SUP_KEYS,
    "off": _OFFER_KEYS,
    "inc": _INCOME_KEYS,
    "ded": _DEDUCTION_KEYS,
    "prop": _PROPERTY_KEYS,
}


def _columns(keys: tuple[str, ...], rows: list[tuple[Any, ...]]) -> dict[str, NDArray[Any]]:
    table = np.array(rows, dtype=np.int64).reshape(len(rows), len(keys))
    return {key: np.ascontiguousarray(table[:, k], dtype=column_dtype(key)) for k, key in enumerate(keys)}


def _household_row(hx: Household, county: int) -> tuple[Any, ...]:
    if hx.hukou_county is None or hx.hukou_type is None:
        hukou = 0
    else:
        hukou = 1 if hx.hukou_county == hx.region[:6] else 2
    e = hx.enrolment
    above = e.income_above_since
    return (
        county, hukou, hx.hukou_type == Hukou.URBAN, hx.property is not None, e.dibao, hx.poverty.card_household,
        hx.poverty.exited, hx.irregular_income,
        0 if hx.hardship is None else _HARDSHIP.get(hx.hardship.severity, 1), bool(e.tekun), e.dibao_benefit,
        -1 if above is None else above.year * 12 + above.month - 1, e.gradual_exit_months or 0,
    )  # fmt: skip


def flatten(households: Sequence[Household]) -> Columns:
    counties: dict[str, int] = {}
    kinds: dict[str, int] = {}
    hrows: list[tuple[Any, ...]] = []
    mrows: list[tuple[Any, ...]] = []
    srows: list[tuple[Any, ...]] = []
    orows: list[tuple[Any, ...]] = []
    irows: list[tuple[Any, ...]] = []
    drows: list[tuple[Any, ...]] = []
    prows: list[tuple[Any, ...]] = []
    first = 0
    for i, hx in enumerate(households):
        hrows.append(_household_row(hx, counties.setdefault(hx.region[:6], len(counties))))
        index = {m.person_id: first + j for j, m in enumerate(hx.members)}
        _member_rows(hx, i, first, mrows, srows, orows)
        for item in hx.income:
            member = index.get(item.member, -2) if item.member else -1
            kind = kinds.setdefault(item.kind, len(kinds))
            irows.append((i, member, kind, item.yearly, _tri(item.countable), item.kind == "wage"))
        for dd in hx.deductions:
            drows.append((i, index.get(dd.member, -2) if dd.member else -1, dd.paid, dd.reimbursed))
        for p in hx.property or ():
            bought = p.bought_on.toordinal() if p.bought_on else -1
            prows.append(
                (i, _PROPERTY[p.kind], p.value, p.count, bought, p.mobility_vehicle, p.net_profit_yearly)
            )
        first += len(hx.members)
    cols = Columns(households, list(counties), list(kinds))
    cols.h = _columns(_HOUSEHOLD_KEYS, hrows)
    cols.m = _columns(_MEMBER_KEYS, mrows)
    cols.sup = _columns(_SUP_KEYS, srows)
    cols.off = _columns(_OFFER_KEYS, orows)
    cols.inc = _columns(_INCOME_KEYS, irows)
    cols.ded = _columns(_DEDUCTION_KEYS, drows)
    cols.prop = _columns(_PROPERTY_KEYS, prows)
    return cols


@dataclass
class CountyParameters:
    """The parameters of each county as arrays indexed by county; ratios as numerator and denominator."""

    values: dict[str, NDArray[Any]]
    tiers: list[list[tuple[Fraction, int]]]
    excluded: NDArray[np.bool_]  # [county, income kind]
    care: I64  # [county, care mode (home 0, institution 1) x 3 + care level (self 0, partial 1, full 2)]
    sets: list[ParameterSet] = field(default_factory=list)  # [county]: the parameter table of explanations
    names: list[str] = field(default_factory=list)  # bit k of `BatchExplain.parameters` = names[k]
    in_force: NDArray[np.uint64] = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))  # [county]

    def bit(self, *names: str) -> np.uint64:
        return np.uint64(sum(1 << self.names.index(n) for n in names))


def _ratio(f: Fraction) -> tuple[int, int]:
    return f.numerator, f.denominator


def county_parameters(
    table: ParameterTable, on: date, counties: list[str], kinds: list[str]
) -> CountyParameters:
    rows: dict[str, list[int]] = {}
    tiers: list[list[tuple[Fraction, int]]] = []
    excluded = np.zeros((len(counties), max(len(kinds), 1)), dtype=bool)
    sets: list[ParameterSet] = []
    names = list(table.definitions)
    if len(names) > 64:  # `BatchExplain.parameters` holds one bit per parameter in a uint64
        raise ValueError(f"{len(names)} parameters are defined; the explanation columns hold at most 64")
    in_force = np.zeros(len(counties), dtype=np.uint64)
    for c, county in enumerate(counties):
        p = table.at(on, county)
        sets.append(p)
        in_force[c] = sum(1 << k for k, name in enumerate(names) if p.has(name))

        def put(key: str, value: int) -> None:
            rows.setdefault(key, []).append(value)

        put("std_rural", p.fen("dibao.rural_standard_yearly"))
        put("std_urban", p.fen("dibao.urban_standard_monthly") * 12)
        put("tiers", int(p.text("dibao.benefit_method") == "tiers"))
        tiers.append([(t.income_below_share, t.amount) for t in p.tiers("dibao.tiers")])
        check = "dibao.newly_covered_exit_line_check"
        put("exit_check", int(p.has(check) and p.flag(check)))
        put("exit_line", p.fen("poverty.exit_line_yearly") if p.has("poverty.exit_line_yearly") else 0)
        has_rigid = p.has("deduction.rigid_cap_yearly")
        cap = p.optional_fen("deduction.rigid_cap_yearly") if has_rigid else None
        put("rigid_on", int(has_rigid))
        put("rigid_cap", int(BIG) if cap is None else cap)
        share = (
            p.ratio("deduction.employment_cost_share")
            if p.has("deduction.employment_cost_share")
            else Fraction(0)
        )
        put("share_on", int(p.has("deduction.employment_cost_share")))
        put("s_num", share.numerator)
        put("s_den", share.denominator)
        ecap = p.optional_fen("deduction.employment_cost_monthly_cap") if share else None
        put("e_cap12", int(BIG) if ecap is None else ecap * 12)
        put("houses", p.count("property.max_houses"))
        fin = p.ratio("property.financial_assets_multiple") * p.fen("property.disposable_income_prior_year")
        put("fin_num", fin.numerator)
        put("fin_den", fin.denominator)
        put("vehicle", p.fen("property.vehicle_limit"))
        profit = p.ratio("property.company_profit_multiple") * p.fen(
            "property.urban_disposable_income_prior_year"
        )
        put("profit_num", profit.numerator)
        put("profit_den", profit.denominator)
        edge = p.ratio("edge.ratio") if p.has("edge.ratio") else None
        put("edge_on", int(edge is not None))
        put("edge_num", edge.numerator if edge else 0)
        put("edge_den", edge.denominator if edge else 1)
        put("basic", p.fen("tekun.basic_living_monthly"))
        for mode in ("home", "institution"):
            for level in ("self", "partial", "full"):
                name = f"tekun.care_{mode}_{level}"
                put(f"care_{mode}_{level}", p.fen(name) if p.has(name) else 0)
        has_exit = p.has("gradual_exit.months_default")
        put("exit_on", int(has_exit))
        put("exit_default", p.count("gradual_exit.months_default") if has_exit else 0)
        put("exit_min", p.count("gradual_exit.months_min") if has_exit else 0)
        put("exit_max", p.count("gradual_exit.months_max") if has_exit else 0)
        for key, name in (("t_general", "general"), ("t_severe", "severe"), ("t_max", "max")):
            multiple = (
                p.ratio(f"temporary.multiple_{name}") if p.has("temporary.multiple_max") else Fraction(0)
            )
            put(f"{key}_num", multiple.numerator)
            put(f"{key}_den", multiple.denominator)
        put("temp_on", int(p.has("temporary.multiple_max")))
        has_sanction = p.has("sanction.refusal_threshold")
        reduction = p.ratio("sanction.share_reduction") if has_sanction else Fraction(0)
        put("sanction_on", int(has_sanction))
        put("threshold", p.count("sanction.refusal_threshold") if has_sanction else 0)
        put("red_num", reduction.numerator)
        put("red_den", reduction.denominator)
        has_review = p.has("review.months_stable")
        put("review_stable", p.count("review.months_stable") if has_review else -1)
        put("review_irregular", p.count("review.months_irregular") if has_review else -1)
        excluded_kinds = p.names("income.excluded_types")
        for k, kind in enumerate(kinds):
            excluded[c, k] = kind in excluded_kinds
    values = {k: np.array(v, dtype=np.int64) for k, v in rows.items()}
    care = np.stack(
        [
            values[f"care_{mode}_{level}"]
            for mode in ("home", "institution")
            for level in ("self", "partial", "full")
        ],
        axis=1,
    ).reshape(len(counties), 6)
    return CountyParameters(values, tiers, excluded, care, sets, names, in_force)


_EXACT = 2**53  # float64 adds integers exactly while every partial sum stays below this


def _isum(index: NDArray[Any], values: NDArray[Any], size: int) -> I64:
    """Exact integer group sums. np.bincount adds in float64, which is exact while |each value| x rows < 2**53
    (checked: fen amounts are far below); it is one pass and ~4x faster than np.add.reduceat over 100,000 small
    groups. Past the bound: differences of a running int64 sum (rows sorted by owner, as `flatten` and
    `doudi.rules.columnar` give them) or np.add.at."""
    if index.size == 0:
        return np.zeros(size, dtype=np.int64)
    bound = max(int(values.max()), -int(values.min())) * index.size
    if bound < _EXACT:
        out: I64 = np.bincount(index, weights=values, minlength=size).astype(np.int64)
        return out
    values = values.astype(np.int64, copy=False)
    if bool(np.all(index[1:] >= index[:-1])):
        counts = np.bincount(index, minlength=size)
        ends = np.cumsum(counts)
        running = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(values)])
        out = running[ends] - running[ends - counts]
        return out
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, index, values)
    return out


class _Sums:
    """Exact per-owner sums (`_isum`)."""

    def __call__(self, index: NDArray[Any], values: NDArray[Any], size: int) -> I64:
        return _isum(index, values, size)


class _PerRow(dict[str, I64]):
    """County parameters spread to households, gathered on first use (a 0-d array when all counties agree)."""

    def __init__(self, values: dict[str, NDArray[Any]], county: NDArray[Any]) -> None:
        super().__init__()
        self._values, self._county = values, county

    def __missing__(self, key: str) -> I64:
        values = self._values[key]
        # a value shared by every county (most are provincial) stays a scalar: no gather, no memory
        v: I64 = (
            values[:1].reshape(())
            if len(values) and bool(np.all(values == values[0]))
            else values[self._county]
        )
        self[key] = v
        return v


def _mark(index: NDArray[Any], size: int) -> B:
    """A mask of `size` with the given rows set."""
    out = np.zeros(size, dtype=bool)
    out[index] = True
    return out


_SEVERE_CODES = np.zeros(128, dtype=bool)  # disability category x 8 + grade -> severe (T1)
for _cat, _grade in SEVERE:
    _SEVERE_CODES[int(_cat) * 8 + _grade] = True


def _any(index: I64, mask: B, size: int) -> B:
    out = np.zeros(size, dtype=bool)
    out[index[mask]] = True
    return out


@dataclass
class BatchResult:
    outcome: NDArray[np.int8]  # index into Outcome
    benefit: I64
    tekun: I64
    single: I64
    temporary: I64  # M2 amount, fen once
    edge: B
    review: I64  # -1 = none
    reasons: I64  # bit i = Reason i
    fallback: B
    assessments: dict[int, Assessment]  # the fallback households' full assessments
    explain: BatchExplain | None = (
        None  # every household's explanation as columns (doudi.rules.batch_explain)
    )

    def reason_set(self, i: int) -> set[Reason]:
        bits = int(self.reasons[i])
        return {r for k, r in enumerate(REASONS) if bits >> k & 1}


# D3 failures in the order `assets.property_failures` lists them (bit k of `BatchExplain.property`)
D3 = (
    Reason.D3_HOUSES,
    Reason.D3_FINANCIAL,
    Reason.D3_VEHICLE,
    Reason.D3_NON_RESIDENTIAL,
    Reason.D3_COMPANY,
)
STEP_BENEFIT, STEP_EXIT = 1, 2  # bits of `BatchExplain.steps`


@dataclass
class BatchExplain:
    """The explanation of every household as columns: the intermediate values of `engine.assess`'s explanation
    as exact integers, the parameters used as bits, and the few member-level steps as sparse rows.
    `doudi.rules.batch_explain.explanation` renders one household's `Explanation` from them.

    Values marked x D are scaled by the county's employment-share denominator (`values["s_den"]`), x R by the
    denominator of the sanction reduction (`values["red_den"]`); money is fen. The parameter set of household i
    is `sets[county[i]]` (the county column of the input): its values carry their date, region and reference."""

    sets: list[ParameterSet]  # the small parameter table, one set per county of the input
    names: list[str]  # bit k of `parameters` = the parameter names[k]
    scale: dict[str, I64]  # "D" and "R" per county
    persons: NDArray[np.signedinteger[Any]]  # counted members
    gross: NDArray[np.signedinteger[Any]]  # countable income, yearly
    excluded: NDArray[np.signedinteger[Any]]  # income not counted (exempt kinds), yearly
    rigid: NDArray[np.signedinteger[Any]]  # rigid-spending deduction after the cap
    employment: NDArray[np.signedinteger[Any]]  # employment-cost deduction, x D
    net: NDArray[np.signedinteger[Any]]  # countable income after deductions, x D (per capita: / persons)
    property: NDArray[np.int8]  # bit k = D3[k] failed; -1 = property not checked
    units: NDArray[np.signedinteger[Any]]  # covered persons less sanctioned shares, x R (benefit steps only)
    tier: NDArray[np.int8]  # index into the county's tiers of the tier paid (tiers method), -1 = none
    months: NDArray[np.int8]  # the gradual-exit period (gradual-exit step only)
    steps: NDArray[np.int8]  # STEP_BENEFIT: the benefit steps; STEP_EXIT: the gradual-exit step
    parameters: NDArray[np.uint64]  # bit k: parameter names[k] was used
    tekun_member: I64  # member rows in tekun (sorted), with the T1 ground (tekun.T1_GROUNDS), care level
    tekun_ground: NDArray[np.int8]  # (0 self, 1 partial, 2 full) and monthly amount
    tekun_level: NDArray[np.int8]
    tekun_amount: I64
    single_member: I64  # member rows with P4 single-person cover (sorted), own income x D and amount
    single_net: I64
    single_amount: I64
    columns: Columns | None = (
        None  # the input columns (to render: `batch_explain.explanation(result, columns, i)`)
    )

    def parameter_set(self, county: int) -> ParameterSet:
        return self.sets[county]

    def standard(self, county: int, urban: bool) -> int:
        """The yearly standard applied (a parameter of the set; not stored per household)."""
        p = self.sets[county]
        if urban:
            return p.fen("dibao.urban_standard_monthly") * 12
        return p.fen("dibao.rural_standard_yearly")


def _ages(m: dict[str, I64], on: date) -> I64:
    later = (m["bm"] > on.month) | ((m["bm"] == on.month) & (m["bd"] > on.day))
    ages: I64 = on.year - m["by"] - later.astype(np.int64)
    return ages


_HEAD = np.zeros(256, dtype=bool)  # relation code -> head or spouse
_HEAD[[_RELATIONS[Relation.HEAD], _RELATIONS[Relation.SPOUSE]]] = True
_DUTY = np.zeros(256, dtype=bool)  # relation code -> support duty by default
_DUTY[_DUTY_DEFAULT] = True


def _counted(m: dict[str, I64], age: I64) -> B:
    rel = m["rel"].astype(np.uint8, copy=False)
    head = _HEAD[rel]
    cli = m["cli"]
    independent = (cli == 1) | ((cli < 0) & (m["labor"] == 0))
    is_child = rel == _RELATIONS[Relation.CHILD]
    child = is_child & ((age < 18) | (m["school_counted"] == 1) | ~independent)
    duty_ = m["duty"]
    duty = (duty_ == 1) | ((duty_ < 0) & _DUTY[rel])
    other = ~head & ~is_child & duty & (m["lives"] == 1)
    counted: B = (m["excl"] == 0) & (head | child | other)
    return counted


def _sanctioned(off: dict[str, NDArray[Any]], threshold: I64, this_month: int, n_m: int) -> B:
    """P6 month by month (as `timelines.sanctions`), one offer position at a time across all members: whether
    each member's share is withheld in `this_month`. Offers of this month only act from the next one."""
    out = np.zeros(n_m, dtype=bool)
    rows = np.flatnonzero(off["month"] < this_month)
    if rows.size == 0:
        return out
    member, month, response = off["member"][rows], off["month"][rows], off["response"][rows]
    first = np.flatnonzero(np.concatenate([[True], member[1:] != member[:-1]]))
    group = np.cumsum(np.concatenate([[True], member[1:] != member[:-1]])) - 1
    position = np.arange(len(rows)) - first[group]
    members = member[first]
    limit = threshold[members]
    streak = np.zeros(len(members), dtype=np.int64)
    active = np.zeros(len(members), dtype=bool)
    pending = np.zeros(len(members), dtype=np.int8)  # decision for next month: 0 none, 1 sanction, 2 lift
    current = np.full(len(members), -1, dtype=np.int64)
    for k in range(int(position.max()) + 1):
        at = np.flatnonzero(position == k)
        g, mo, r = group[at], month[at], response[at]
        turn = mo != current[g]  # a new month: last month's decision takes effect
        a = np.where(turn & (pending[g] == 1), True, np.where(turn & (pending[g] == 2), False, active[g]))
        p = np.where(turn, 0, pending[g])
        st = np.where(r == 1, streak[g] + 1, 0)
        decision = np.where(r == 0, 2, np.where((r == 1) & (st == limit[g]), 1, 0))
        streak[g], active[g], pending[g], current[g] = st, a, np.where(decision > 0, decision, p), mo
    active = np.where(pending == 1, True, np.where(pending == 2, False, active))
    out[members[active]] = True
    return out


def _single_person(
    cols: Columns,
    cp: CountyParameters,
    members: NDArray[Any],
    std: I64,
    countable: B,
    county: NDArray[Any],
) -> tuple[I64, B, I64]:
    """P4 for applicants: each one's own countable income (own items and deductions, own employment cost),
    the income test for one person and the one-person benefit. Returns (amount, below the standard, own
    countable income x the county's employment-share denominator)."""
    k = len(members)
    if k == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64)
    m, inc, ded, P = cols.m, cols.inc, cols.ded, cp.values
    slot = np.full(len(m["hh"]), -1, dtype=np.int64)
    slot[members] = np.arange(k)
    imem = inc["member"]
    r = np.flatnonzero((imem >= 0) & countable)
    r = r[slot[imem[r]] >= 0]
    own = slot[imem[r]]
    gross = np.zeros(k, dtype=np.int64)
    np.add.at(gross, own, inc["yearly"][r])
    wage = np.zeros(k, dtype=np.int64)
    w = inc["wage"][r] == 1
    np.add.at(wage, own[w], inc["yearly"][r][w])
    dm = ded["member"]
    q = np.flatnonzero(dm >= 0)
    q = q[slot[dm[q]] >= 0]
    rigid = np.zeros(k, dtype=np.int64)
    np.add.at(rigid, slot[dm[q]], np.maximum(ded["paid"][q] - ded["reimbursed"][q], 0))
    hh = m["hh"][members]
    c = county[hh]
    rigid = np.minimum(rigid, P["rigid_cap"][c]) * P["rigid_on"][c]
    D = P["s_den"][c]
    net = np.maximum(gross * D - rigid * D - np.minimum(P["s_num"][c] * wage, P["e_cap12"][c] * D), 0)
    st = std[hh]
    ok = net < st * D
    amount = (2 * (st * D - net) + 12 * D) // (24 * D)
    use_tiers = P["tiers"][c] == 1
    for cc in np.unique(c[use_tiers]):
        rows = np.flatnonzero((c == cc) & use_tiers)
        tier = np.zeros(len(rows), dtype=np.int64)
        for share, value in reversed(cp.tiers[int(cc)]):
            tier[net[rows] * share.denominator < share.numerator * st[rows] * D[rows]] = value
        amount[rows] = tier
    return amount, ok, net


def assess_batch(
    households: Households | None,
    on: date,
    table: ParameterTable | None = None,
    cols: Columns | None = None,
    run_fallback: bool = True,
    parameters: CountyParameters | None = None,
    explain: bool = True,
    workers: int = 1,
) -> BatchResult:
    """Assess all households; with run_fallback=False the fallback rows keep their vectorised values (for timing).
    With `explain` (the default) the result carries every household's explanation as columns (`BatchExplain`);
    `doudi.rules.batch_explain` renders any household's explanation from them. A batch of more than `CHUNK`
    households runs in slices, on `workers` threads when more than 1 (shorter wall time on an idle machine, a
    little more CPU and memory: docs/benchmarks.md).

    With `cols` given (from `doudi.rules.columnar.read_parquet` or a database read), `households` may be None
    (the columns' own records are used) or any mapping from row to record that holds at least the fallback rows."""
    table = table or default_table()
    if cols is None:
        if households is None:
            raise ValueError("assess_batch needs households or columns")
        cols = flatten(list(households.values()) if isinstance(households, Mapping) else households)
    households = cols.households if households is None else households
    n_h = len(cols.h["county"])
    if n_h and parameters is None:
        parameters = county_parameters(table, on, cols.counties, cols.kinds)
    if n_h > CHUNK:  # a province: in slices of households, so that temporaries stay small
        out: BatchResult | None = None
        columns: dict[str, NDArray[Any]] = {}
        members: dict[str, list[NDArray[Any]]] = {name: [] for name in _EXPLAIN_MEMBERS}

        whole = cols

        def run(start: int) -> tuple[int, int, int, BatchResult]:
            stop = min(start + CHUNK, n_h)
            chunk, m_lo = _slice(whole, start, stop)
            part = assess_batch(
                _Shifted(households, start), on, table, chunk, run_fallback, parameters, explain, 1
            )
            return start, stop, m_lo, part

        # slices run on `workers` threads (NumPy releases the GIL in its loops) and are merged in order
        for start, stop, m_lo, part in _ordered(run, range(0, n_h, CHUNK), workers):
            out = out or _empty(part, n_h)
            for name in _ARRAYS:
                getattr(out, name)[start:stop] = getattr(part, name)
            out.assessments.update({i + start: a for i, a in part.assessments.items()})
            if part.explain is not None:
                for name in _EXPLAIN_ROWS:
                    _put(columns, name, start, stop, getattr(part.explain, name), n_h)
                for name in _EXPLAIN_MEMBERS:
                    values = getattr(part.explain, name)
                    members[name].append(values + m_lo if name.endswith("_member") else values)
                first = part.explain
        assert out is not None
        if explain:
            out.explain = BatchExplain(
                first.sets,
                first.names,
                first.scale,
                **columns,
                **{name: np.concatenate(parts) for name, parts in members.items()},
                columns=cols,
            )
        return out
    if n_h == 0:
        none = np.zeros(0, dtype=np.int64)
        return BatchResult(
            np.zeros(0, dtype=np.int8),
            none,
            none,
            none,
            none,
            none.astype(bool),
            none,
            none,
            none.astype(bool),
            {},
        )
    assert parameters is not None
    cp = parameters
    given = cols
    cols = _widened(cols)  # int32 money columns (from Parquet) become int64 for this slice's arithmetic
    h, m, P = cols.h, cols.m, cp.values
    county = h["county"]
    pv = _PerRow(P, county)  # per-household parameter values, gathered on first use
    reasons = np.zeros(n_h, dtype=np.int64)
    sums = _Sums()

    def flag(mask: B, reason: Reason) -> None:
        np.bitwise_or(reasons, BIT[reason], out=reasons, where=mask)

    # Composition
    age = _ages(m, on)
    counted = _counted(m, age)
    mh = m["hh"]
    n_m = len(mh)
    persons = np.bincount(mh[counted], minlength=n_h).astype(np.int64, copy=False)
    flag(_mark(mh[~counted], n_h), Reason.MEMBER_NOT_COUNTED)

    # Countable income, deductions (scaled by the employment-share denominator D)
    inc = cols.inc
    ih, imem = inc["hh"], inc["member"]
    in_hh = (imem == -1) | ((imem >= 0) & counted[np.maximum(imem, 0)])
    countable = np.where(inc["override"] >= 0, inc["override"] == 1, ~cp.excluded[county[ih], inc["kind"]])
    use = in_hh & countable
    if explain:  # countable and excluded income in one pass: owner x 2 + countable
        both = _isum(ih.astype(np.int64) * 2 + countable, np.where(in_hh, inc["yearly"], 0), 2 * n_h)
        gross, excluded = both[1::2], both[0::2]
    else:
        gross = sums(ih, np.where(use, inc["yearly"], 0), n_h)
    ded = cols.ded
    dh, dmem = ded["hh"], ded["member"]
    ded_in = (dmem == -1) | ((dmem >= 0) & counted[np.maximum(dmem, 0)])
    rigid = sums(dh, np.where(ded_in, np.maximum(ded["paid"] - ded["reimbursed"], 0), 0), n_h)
    rigid = np.minimum(rigid, pv["rigid_cap"]) * pv["rigid_on"]
    D = pv["s_den"]
    # employment cost: per earner (or per household for household wage items), capped, then summed
    wage_rows = np.flatnonzero(use & (inc["wage"] == 1))
    wmem = imem[wage_rows]
    # buckets: member rows, then n_m + household rows for household wage items; a zero sum costs nothing
    wage_by = _isum(np.where(wmem >= 0, wmem, n_m + ih[wage_rows]), inc["yearly"][wage_rows], n_m + n_h)
    buckets = np.flatnonzero(wage_by)
    wage_sum = wage_by[buckets]
    owner = buckets - n_m
    of_member = buckets < n_m
    owner[of_member] = mh[buckets[of_member]]
    oc = county[owner]
    bucket_cost = np.minimum(P["s_num"][oc] * wage_sum, P["e_cap12"][oc] * P["s_den"][oc])
    employment = _isum(owner, bucket_cost, n_h)
    flag((rigid * D + employment > gross * D) & ((gross > 0) | (rigid > 0)), Reason.DEDUCTIONS_EXCEED_INCOME)
    net = np.maximum(gross * D - rigid * D - employment, 0)  # x D
    std = np.where(h["urban"] == 1, pv["std_urban"], pv["std_rural"])
    std_total = std * persons * D  # the yearly standard of the household, x D
    below = (persons > 0) & (net < std_total)

    # Property (D3) and registration (D1)
    pr = cols.prop
    ph, kind = pr["hh"], pr["kind"]
    houses = sums(ph, np.where(kind == _PROPERTY[PropertyKind.HOUSE], pr["count"], 0), n_h)
    fin = sums(ph, np.where(kind == _PROPERTY[PropertyKind.FINANCIAL], pr["value"], 0), n_h)
    try:
        year_ago = on.replace(year=on.year - 1).toordinal()
    except ValueError:
        year_ago = date(on.year - 1, 3, 1).toordinal()
    v = np.flatnonzero(kind == _PROPERTY[PropertyKind.VEHICLE])
    bought = pr["bought"][v]
    v = v[
        (pr["mobility"][v] == 0)
        & (pr["value"][v] >= P["vehicle"][county[ph[v]]])
        & ((bought < 0) | (bought > year_ago))
    ]
    co = np.flatnonzero(kind == _PROPERTY[PropertyKind.COMPANY])
    pc = county[ph[co]]
    co = co[pr["profit"][co] * P["profit_den"][pc] >= P["profit_num"][pc]]
    fails = {
        Reason.D3_HOUSES: houses > pv["houses"],
        Reason.D3_FINANCIAL: fin * pv["fin_den"] > pv["fin_num"] * np.maximum(persons, 1),
        Reason.D3_VEHICLE: _mark(ph[v], n_h),
        Reason.D3_NON_RESIDENTIAL: _mark(ph[kind == _PROPERTY[PropertyKind.NON_RESIDENTIAL]], n_h),
        Reason.D3_COMPANY: _mark(ph[co], n_h),
    }
    known = h["prop_known"] == 1
    prop_fail = np.zeros(n_h, dtype=bool)
    for mask in fails.values():
        prop_fail |= mask
    prop_fail &= known
    prop_ok = known & ~prop_fail
    hukou_ok = h["hukou"] == 1

    # Tekun T1-T3, care level and amount, on the few candidates only; members already in tekun keep it
    # (minors to 18, and beyond while in school) or it ends (T_ENDS)
    means = below & hukou_ok & prop_ok
    severe = _SEVERE_CODES[m["dcat"].astype(np.int16) * 8 + m["dgrade"]]
    tekun_in = counted & (m["tekun_in"] == 1)
    t1 = (age >= 60) | (age < 16) | severe | (tekun_in & ((age < 18) | (m["school_counted"] == 1)))
    ends = tekun_in & ~(t1 & means[mh])
    flag(_mark(mh[ends], n_h), Reason.T_ENDS)
    cand = np.flatnonzero(counted & t1 & means[mh])
    sup = cols.sup
    unable = (
        (sup["tekun"] == 1)
        | ((sup["dibao"] == 1) & (sup["age"] >= 60))
        | ((sup["age"] >= 70) & (sup["low_income"] == 1))
        | (sup["severe"] == 1)
    )
    has_able = _mark(sup["member"][~unable], n_m)
    failed = m["failed"][cand]
    missing_c = (m["sup_known"][cand] == 0) | (failed < 0)
    tekun_c = ~missing_c & ~has_able[cand]
    level = np.where(failed >= 4, 2, np.where(failed >= 1, 1, 0))
    ch = mh[cand]
    cc = county[ch]
    amount_c = np.where(
        tekun_c, P["basic"][cc] + cp.care[cc, m["institution"][cand].astype(np.int64) * 3 + level], 0
    )
    tekun = np.zeros(n_m, dtype=bool)
    tekun[cand[tekun_c]] = True
    any_tekun = _mark(ch[tekun_c], n_h)
    in_tekun = np.bincount(mh[tekun | (tekun_in & ~ends)], minlength=n_h).astype(np.int64, copy=False)
    tekun_total = _isum(ch, amount_c, n_h)
    tekun_missing = _mark(ch[missing_c], n_h)
    flag(tekun_missing, Reason.T_DATA_MISSING)
    newly = _mark(mh[tekun & ~tekun_in], n_h)
    flag(newly, Reason.T_ELIGIBLE)
    flag(any_tekun & ~newly, Reason.COVERED_TEKUN)

    # P6: counted, labor-capable members of a card household sanctioned this month withhold their share
    card = h["card"] == 1
    age_ok = (age >= 16) & (age < 60)
    capable = counted & age_ok & (m["labor"] == 0) & (m["school"] == 0)
    sanctioned = _sanctioned(cols.off, P["threshold"][county[mh]], on.year * 12 + on.month - 1, n_m)
    sanctioned &= capable & (m["employed"] == 0) & ~tekun & card[mh] & (P["sanction_on"][county[mh]] == 1)
    withheld = np.bincount(mh[sanctioned], minlength=n_h).astype(np.int64, copy=False)

    # Benefit for the covered units (gap or tiers); units are scaled by R, the denominator of the P6 reduction
    R = pv["red_den"]
    units = (persons - in_tekun) * R - withheld * pv["red_num"]  # x R
    nz = np.maximum(persons, 1)
    gap_num = (std_total - net) * units
    gap_den = 12 * nz * D * R
    gap = (2 * gap_num + gap_den) // (2 * gap_den)
    use_tiers = pv["tiers"] == 1
    tier_pp = np.zeros(n_h, dtype=np.int64)
    tier_index = np.full(n_h, -1, dtype=np.int8)
    tier_counties = [c for c, tiers in enumerate(cp.tiers) if tiers and P["tiers"][c] == 1]
    if tier_counties:
        rows = np.flatnonzero(np.isin(county, tier_counties))
        for c in tier_counties:
            in_c = rows[county[rows] == c]
            for k, (share, amount_) in reversed(list(enumerate(cp.tiers[c]))):
                hit = in_c[net[in_c] * share.denominator < share.numerator * std_total[in_c]]
                tier_pp[hit] = amount_
                tier_index[hit] = k
    amount = np.where(use_tiers, (2 * tier_pp * units + R) // (2 * R), gap)
    after_low = np.where(
        use_tiers, net + tier_pp * 12 * persons * D < pv["exit_line"] * persons * D, std < pv["exit_line"]
    )

    # Outcomes: households already in dibao (P2 when below the standard, P3 gradual exit when not) and new ones
    enrolled = h["dibao"] == 1
    exit_on = pv["exit_on"] == 1
    months = np.where(h["exit_months"] > 0, h["exit_months"], pv["exit_default"])
    bad_months = enrolled & ~below & exit_on & ((months < pv["exit_min"]) | (months > pv["exit_max"]))
    this_month = on.year * 12 + on.month - 1
    elapsed = np.where(h["above"] >= 0, this_month - h["above"], 0)  # months since the first month above
    exiting = enrolled & ~below & exit_on & (elapsed < months)
    exited = enrolled & ~below & ~exiting
    failures = (h["hukou"] == 2) | ((persons > 0) & ~below) | prop_fail
    unknown = (persons == 0) | (h["hukou"] == 0) | ~known
    all_in_tekun = ~enrolled & (h["tekun_enrolled"] == 1) & (in_tekun == persons) & (persons > 0)
    flag(all_in_tekun, Reason.COVERED_TEKUN)
    new = ~enrolled & ~all_in_tekun
    eligible = new & ~failures & ~unknown & (units > 0)

    # P4: priority-group members of a card household not covered as a whole: the prompt, or on application
    # single-person cover on their own income
    not_whole = new & ~eligible & card & hukou_ok
    j = np.flatnonzero(counted & not_whole[mh] & (m["dependent"] == 1) & ~tekun & ~tekun_in)
    d, dc = m["dgrade"][j], m["dcat"][j]
    priority = (
        ((d >= 1) & (d <= 2))
        | (((dc == 5) | (dc == 6)) & ((d == 3) | (d == 4)))
        | ((m["assist"][j] == 1) & (m["labor"][j] != 0))
    )
    j = j[priority]
    applies = m["applies"][j] == 1
    flag(_mark(mh[j[~applies]], n_h), Reason.P4_CAN_APPLY)
    single_amount, single_ok, single_net = _single_person(cols, cp, j[applies], std, countable, county)
    single_members = j[applies][single_ok]
    flag(_mark(mh[j[applies][~single_ok]], n_h), Reason.P4_NOT_ELIGIBLE)
    single = _isum(mh[single_members], single_amount[single_ok], n_h)
    has_single = _mark(mh[single_members], n_h)
    flag(has_single, Reason.P4_SINGLE_PERSON)
    single_member = _mark(single_members, n_m)

    outcome = np.full(n_h, OUTCOMES.index(Outcome.NOT_ELIGIBLE), dtype=np.int8)
    members_covered = any_tekun | has_single
    outcome[new & ~eligible & members_covered] = OUTCOMES.index(Outcome.MEMBERS_ELIGIBLE)
    needs = new & ~eligible & ~members_covered & ~failures & (unknown | tekun_missing)
    outcome[needs] = OUTCOMES.index(Outcome.NEEDS_DATA)
    outcome[eligible] = OUTCOMES.index(Outcome.ELIGIBLE_DIBAO)
    outcome[(enrolled & ~exited) | all_in_tekun] = OUTCOMES.index(Outcome.ALREADY_COVERED)
    paying = eligible | (enrolled & below)
    benefit = np.where(paying, amount, np.where(exiting, h["current"], 0))
    flag(paying & use_tiers, Reason.BENEFIT_TIERS)
    flag(paying & ~use_tiers, Reason.BENEFIT_GAP)
    flag(exiting, Reason.P3_GRADUAL_EXIT)
    flag(exited, Reason.P3_EXIT_ENDED)
    flag(eligible & card & (pv["exit_check"] == 1) & after_low, Reason.BELOW_EXIT_LINE)
    flag(enrolled, Reason.COVERED_DIBAO)
    flag(
        enrolled & below & card & (h["exited"] == 1) & (net > pv["exit_line"] * persons * D),
        Reason.P2_KEEP_DIBAO,
    )
    flag(new & hukou_ok, Reason.D1_HUKOU_OK)
    flag(new & (h["hukou"] == 2), Reason.D1_HUKOU_OUTSIDE)
    flag(new & (h["hukou"] == 0), Reason.D1_HUKOU_MISSING)
    flag(new & (persons > 0) & below, Reason.D2_INCOME_BELOW)
    flag(new & (persons > 0) & ~below, Reason.D2_INCOME_NOT_BELOW)
    flag(new & (persons == 0), Reason.NO_COUNTED_MEMBERS)
    flag(new & ~known, Reason.D3_PROPERTY_MISSING)
    flag(new & prop_ok, Reason.D3_PROPERTY_OK)
    for reason, mask in fails.items():
        flag(new & known & mask, reason)

    # P1, P5, P6 (a sanction only bites on a paid household), M1, M2, M3
    covered = (eligible & (benefit > 0)) | (enrolled & ~exited)
    lost = counted & (m["labor"] != 0) & ~tekun & ~single_member & ~(m["tekun_in"] == 1)
    flag(card & _mark(mh[lost], n_h) & ~covered, Reason.P1_UNCOVERED)
    flag(card & covered & _mark(mh[capable & (m["confirmed"] == 0)], n_h), Reason.P5_NO_SUPPORT)
    flag(covered & (withheld > 0), Reason.P6_SANCTION)
    irregular = (h["irregular"] == 1) & _mark(mh[capable], n_h)
    review = np.where(covered, np.where(irregular, pv["review_irregular"], pv["review_stable"]), -1)
    hard = h["hardship"]
    has_hardship = (hard > 0) & (pv["temp_on"] == 1)
    num = np.where(hard == 3, pv["t_max_num"], np.where(hard == 2, pv["t_severe_num"], pv["t_general_num"]))
    den = np.where(hard == 3, pv["t_max_den"], np.where(hard == 2, pv["t_severe_den"], pv["t_general_den"]))
    over = num * pv["t_max_den"] > pv["t_max_num"] * den
    num, den = np.where(over, pv["t_max_num"], num), np.where(over, pv["t_max_den"], den)
    temporary = np.where(has_hardship, (2 * num * std + 12 * den) // (24 * den), 0)
    flag(has_hardship, Reason.M2_TEMPORARY)
    edge = (
        (pv["edge_on"] == 1)
        & (persons > 0)
        & (std_total <= net)
        & (net * pv["edge_den"] <= pv["edge_num"] * std_total)
    )
    flag(edge, Reason.M3_EDGE)

    # The explanation: which parameters each household used (as `engine.assess` reads them), the steps
    ex: BatchExplain | None = None
    if explain:
        urban = h["urban"] == 1
        used = np.where(urban, cp.bit("dibao.urban_standard_monthly"), cp.bit("dibao.rural_standard_yearly"))
        shared = [0]  # bits of conditions that hold for the whole slice: one pass at the end

        def use(mask: Any, *names: str) -> None:
            if np.ndim(mask) == 0:
                shared[0] |= int(cp.bit(*names)) if bool(mask) else 0
            else:
                np.bitwise_or(used, cp.bit(*names), out=used, where=mask)

        use(True, "income.excluded_types")
        use(pv["rigid_on"] == 1, "deduction.rigid_cap_yearly")
        use(pv["share_on"] == 1, "deduction.employment_cost_share")
        use(pv["s_num"] > 0, "deduction.employment_cost_monthly_cap")
        use(known, *_PROPERTY_PARAMETERS)
        tekun_rows = cand[tekun_c]
        use(any_tekun, "tekun.basic_living_monthly")
        care_bits = np.array([cp.bit(name) for name in _CARE_PARAMETERS], dtype=np.uint64)
        member_bits = care_bits[m["institution"][tekun_rows].astype(np.int64) * 3 + level[tekun_c]]
        np.bitwise_or.at(used, mh[tekun_rows], member_bits)
        offered = capable & (m["offers"] == 1) & (m["employed"] == 0) & card[mh]
        use(_mark(mh[offered], n_h) & (pv["sanction_on"] == 1), "sanction.refusal_threshold")
        use(withheld > 0, "sanction.share_reduction")
        priced = paying | has_single
        use(priced, "dibao.benefit_method")
        use(priced & use_tiers, "dibao.tiers")
        use(enrolled & below & card & (h["exited"] == 1), "poverty.exit_line_yearly")
        leaving = enrolled & ~below & exit_on
        use(leaving & (h["exit_months"] == 0), "gradual_exit.months_default")
        use(leaving, "gradual_exit.months_min", "gradual_exit.months_max")
        use(eligible & card, "dibao.newly_covered_exit_line_check")
        use(eligible & card & (pv["exit_check"] == 1), "poverty.exit_line_yearly")
        use(covered & irregular, "review.months_irregular")
        use(covered & ~irregular, "review.months_stable")
        use((persons > 0) & (std_total <= net), "edge.ratio")  # `links.edge` reads it past the standard only
        use(has_hardship & (hard == 2), "temporary.multiple_severe")
        use(has_hardship & (hard == 3), "temporary.multiple_max")
        use(has_hardship & (hard != 2) & (hard != 3), "temporary.multiple_general")
        use(has_hardship, "temporary.multiple_max", "temporary.township_direct_limit")
        used |= np.uint64(shared[0])
        used &= cp.in_force[county]  # rules guarded by `has` in the engine
        prop_bits = np.zeros(n_h, dtype=np.int8)
        for k, mask in enumerate(fails.values()):
            prop_bits |= mask.view(np.int8) << np.int8(k)
        prop_bits[~known] = -1
        t_age = age[tekun_rows]
        t_in = tekun_in[tekun_rows]
        ground = np.select(
            [t_age >= 60, t_age < 16, t_in & (t_age < 18), t_in & (m["school_counted"][tekun_rows] == 1)],
            [0, 1, 2, 3],
            4,
        ).astype(np.int8)
        order = np.argsort(single_members, kind="stable")
        ex = BatchExplain(
            cp.sets,
            cp.names,
            {"D": P["s_den"], "R": P["red_den"]},
            persons,
            gross,
            excluded,
            rigid,
            employment,
            net,
            prop_bits,
            np.where(paying, units, 0),
            np.where(paying & use_tiers, tier_index, -1).astype(np.int8),
            np.where(leaving, months, 0).astype(np.int8),
            (paying * STEP_BENEFIT | leaving * STEP_EXIT).astype(np.int8),
            used,
            tekun_rows.astype(np.int64),
            ground,
            level[tekun_c].astype(np.int8),
            amount_c[tekun_c].astype(np.int64),
            single_members[order].astype(np.int64),
            single_net[single_ok][order],
            single_amount[single_ok][order],
            given,
        )

    # Households the per-household path assesses (timelines, per-person recomputation)
    fallback = bad_months
    result = BatchResult(
        outcome, benefit, tekun_total, single, temporary, edge, review, reasons, fallback, {}, ex
    )
    if run_fallback:
        _fill_fallback(result, households, on, table)
    return result


def _ordered(fn: Any, items: range, workers: int) -> Iterator[Any]:
    """fn over items on `workers` threads, results in order, at most workers + 1 slices in flight (memory)."""
    if workers <= 1:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: list[Any] = []
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) > workers:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


CHUNK = 100_000  # households per slice of a large batch (temporaries stay under 100 MB)


class _Shifted(Mapping[int, Household]):
    """Rows of a slice -> the records of the whole input."""

    def __init__(self, households: Households, start: int) -> None:
        self._households, self._start = households, start

    def __getitem__(self, row: int) -> Household:
        return self._households[row + self._start]

    def __iter__(self) -> Iterator[int]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _bounds(owner: NDArray[Any], start: int, stop: int) -> tuple[int, int]:
    # the bounds in the owner's dtype: searching with Python ints would convert the whole column to int64
    lo, hi = np.searchsorted(owner, np.array([start, stop], dtype=owner.dtype))
    return int(lo), int(hi)


def _slice(cols: Columns, start: int, stop: int) -> tuple[Columns, int]:
    """Households [start, stop) with their rows; row references rebased to the slice. Also the slice's first
    member row."""
    part = Columns(cols.households, cols.counties, cols.kinds)
    part.h = {k: v[start:stop] for k, v in cols.h.items()}
    m_lo, m_hi = _bounds(cols.m["hh"], start, stop)
    part.m = {k: v[m_lo:m_hi] for k, v in cols.m.items()}
    part.m["hh"] = part.m["hh"] - start
    for name in ("inc", "ded", "prop"):
        table = getattr(cols, name)
        lo, hi = _bounds(table["hh"], start, stop)
        rows = {k: v[lo:hi] for k, v in table.items()}
        rows["hh"] = rows["hh"] - start
        if "member" in rows:
            rows["member"] = np.where(rows["member"] >= 0, rows["member"] - m_lo, rows["member"])
        setattr(part, name, rows)
    for name in ("sup", "off"):
        table = getattr(cols, name)
        lo, hi = _bounds(table["member"], m_lo, m_hi)
        rows = {k: v[lo:hi] for k, v in table.items()}
        rows["member"] = rows["member"] - m_lo
        setattr(part, name, rows)
    return part, m_lo


_EXPLAIN_ROWS = (
    "persons", "gross", "excluded", "rigid", "employment", "net", "property", "units", "tier", "months", "steps",
    "parameters",
)  # fmt: skip
_EXPLAIN_NARROW = {
    "persons": np.int8,
    "gross": np.int32,
    "excluded": np.int32,
    "rigid": np.int32,
    "employment": np.int32,
    "net": np.int32,
    "units": np.int16,
}
_EXPLAIN_MEMBERS = (
    "tekun_member", "tekun_ground", "tekun_level", "tekun_amount", "single_member", "single_net", "single_amount",
)  # fmt: skip


def _put(
    rows: dict[str, NDArray[Any]], name: str, start: int, stop: int, values: NDArray[Any], n: int
) -> None:
    """Copy a slice's column into the whole batch's; counts and money columns are narrow (int8 / int16 /
    int32) while every value fits (checked per slice, exact), int64 from the first slice that needs more."""
    out = rows.get(name)
    if out is None:
        out = rows[name] = np.empty(n, dtype=_EXPLAIN_NARROW.get(name, values.dtype))
    if out.dtype != values.dtype and values.size:
        info = np.iinfo(out.dtype)
        if int(values.min()) < info.min or int(values.max()) > info.max:
            out = rows[name] = out.astype(np.int64)
    out[start:stop] = values


_ARRAYS = ("outcome", "benefit", "tekun", "single", "temporary", "edge", "review", "reasons", "fallback")


def _empty(like: BatchResult, n: int) -> BatchResult:
    out = copy.copy(like)
    for name in _ARRAYS:
        setattr(out, name, np.zeros(n, dtype=getattr(like, name).dtype))
    out.assessments, out.explain = {}, None
    return out


def _fill_fallback(result: BatchResult, households: Households, on: date, table: ParameterTable) -> None:
    sets: dict[str, ParameterSet] = {}
    for i in np.flatnonzero(result.fallback):
        try:
            hx = households[int(i)]
        except (KeyError, IndexError):
            raise ValueError(
                f"row {int(i)} needs the per-household path but its full record is missing from the input "
                "(write the Parquet input with doudi.rules.columnar.write_parquet, which keeps these records)"
            ) from None
        county = hx.region[:6]
        if county not in sets:
            sets[county] = table.at(on, county)
        a = assess(hx, on, sets[county])
        result.assessments[int(i)] = a
        result.outcome[i] = OUTCOMES.index(a.outcome)
        result.benefit[i], result.tekun[i], result.single[i] = a.benefit, a.tekun_total, a.single_person_total
        result.temporary[i] = a.temporary.amount if a.temporary else 0
        result.edge[i] = a.edge
        result.review[i] = -1 if a.review_months is None else a.review_months
        result.reasons[i] = sum(int(BIT[r]) for r in a.reasons)
