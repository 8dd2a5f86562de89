"""The vectorised path: the same rules over NumPy arrays, for a county or a province at once.

`flatten` turns households into columns (the layout a Parquet file or a database query would give directly);
`assess_batch` computes composition, countable income, the property tests, D1-D3, the benefit (补差 or 分档),
tekun T1-T3 with care level and amount, P1, P2, P4 (the prompt), P5, M1 and M3 with integer arithmetic only:
every Fraction of the per-household path becomes a comparison or a division of exact integers, so both paths
give the same results to the fen (tests/unit/rules/test_batch.py checks this on generated households).

The gradual exit (P3) is computed as the month index into its timeline. Households that need a per-person
timeline or recomputation (refusals, a single-person application, a current tekun enrolment, temporary
assistance, an out-of-range exit period) are handed to the per-household path `doudi.rules.engine.assess`;
`BatchResult.fallback` marks them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from doudi.rules.engine import Assessment, assess
from doudi.rules.model import CareMode, Household, Hukou, LaborCapacity, PropertyKind, Relation
from doudi.rules.parameters import ParameterSet, ParameterTable, default_table
from doudi.rules.reasons import Outcome, Reason
from doudi.rules.tekun import SEVERE

I64 = NDArray[np.int64]
B = NDArray[np.bool_]
OUTCOMES = list(Outcome)
REASONS = list(Reason)
BIT = {r: np.int64(1) << np.int64(i) for i, r in enumerate(REASONS)}
BIG = np.int64(1) << np.int64(50)  # "no cap"
_RELATIONS = {r: i for i, r in enumerate(Relation)}
_LABOR = {LaborCapacity.FULL: 0, LaborCapacity.PARTIAL: 1, LaborCapacity.NONE: 2}
_PROPERTY = {k: i for i, k in enumerate(PropertyKind)}
_DUTY_DEFAULT = [_RELATIONS[r] for r in (Relation.PARENT, Relation.GRANDPARENT, Relation.GRANDCHILD)]


@dataclass
class Columns:
    """Households as columns. Member, income, deduction, property and supporter rows point to their owner."""

    households: list[Household]
    counties: list[str]
    kinds: list[str]
    h: dict[str, NDArray[Any]] = field(default_factory=dict)
    m: dict[str, NDArray[Any]] = field(default_factory=dict)
    inc: dict[str, NDArray[Any]] = field(default_factory=dict)
    ded: dict[str, NDArray[Any]] = field(default_factory=dict)
    prop: dict[str, NDArray[Any]] = field(default_factory=dict)
    sup: dict[str, NDArray[Any]] = field(default_factory=dict)


def _tri(value: bool | None) -> int:
    return -1 if value is None else int(value)


def _member_rows(
    hx: Household, i: int, first: int, rows: list[tuple[Any, ...]], sup: list[tuple[Any, ...]]
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
            bool(m.offers),
        ))  # fmt: skip
        for s in m.supporters or ():
            sup.append((first + j, s.age, s.tekun, s.dibao, s.low_income, s.severe_disability))


_SCHOOLS = frozenset(("primary", "junior", "senior", "vocational", "college", "bachelor"))
_MEMBER_KEYS = (
    "hh", "by", "bm", "bd", "rel", "excl", "lives", "cli", "duty", "labor", "school", "school_counted", "dcat",
    "dgrade", "assist", "dependent", "applies", "employed", "failed", "institution", "sup_known", "confirmed",
    "offers",
)  # fmt: skip
_SUP_KEYS = ("member", "age", "tekun", "dibao", "low_income", "severe")
_HOUSEHOLD_KEYS = (
    "county", "hukou", "urban", "prop_known", "dibao", "card", "exited", "irregular", "special", "tekun_enrolled",
    "current", "above", "exit_months",
)  # fmt: skip
_INCOME_KEYS = ("hh", "member", "kind", "yearly", "override", "wage")
_DEDUCTION_KEYS = ("hh", "member", "paid", "reimbursed")
_PROPERTY_KEYS = ("hh", "kind", "value", "count", "bought", "mobility", "profit")


def _columns(keys: tuple[str, ...], rows: list[tuple[Any, ...]]) -> dict[str, NDArray[Any]]:
    table = np.array(rows, dtype=np.int64).reshape(len(rows), len(keys))
    return {key: np.ascontiguousarray(table[:, k]) for k, key in enumerate(keys)}


def _household_row(hx: Household, county: int) -> tuple[Any, ...]:
    if hx.hukou_county is None or hx.hukou_type is None:
        hukou = 0
    else:
        hukou = 1 if hx.hukou_county == hx.region[:6] else 2
    e = hx.enrolment
    above = e.income_above_since
    return (
        county, hukou, hx.hukou_type == Hukou.URBAN, hx.property is not None, e.dibao, hx.poverty.card_household,
        hx.poverty.exited, hx.irregular_income, hx.hardship is not None, bool(e.tekun), e.dibao_benefit,
        -1 if above is None else above.year * 12 + above.month - 1, e.gradual_exit_months or 0,
    )  # fmt: skip


def flatten(households: list[Household]) -> Columns:
    counties: dict[str, int] = {}
    kinds: dict[str, int] = {}
    hrows: list[tuple[Any, ...]] = []
    mrows: list[tuple[Any, ...]] = []
    srows: list[tuple[Any, ...]] = []
    irows: list[tuple[Any, ...]] = []
    drows: list[tuple[Any, ...]] = []
    prows: list[tuple[Any, ...]] = []
    first = 0
    for i, hx in enumerate(households):
        hrows.append(_household_row(hx, counties.setdefault(hx.region[:6], len(counties))))
        index = {m.person_id: first + j for j, m in enumerate(hx.members)}
        _member_rows(hx, i, first, mrows, srows)
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


def _ratio(f: Fraction) -> tuple[int, int]:
    return f.numerator, f.denominator


def county_parameters(
    table: ParameterTable, on: date, counties: list[str], kinds: list[str]
) -> CountyParameters:
    rows: dict[str, list[int]] = {}
    tiers: list[list[tuple[Fraction, int]]] = []
    excluded = np.zeros((len(counties), max(len(kinds), 1)), dtype=bool)
    for c, county in enumerate(counties):
        p = table.at(on, county)

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
        has_review = p.has("review.months_stable")
        put("review_stable", p.count("review.months_stable") if has_review else -1)
        put("review_irregular", p.count("review.months_irregular") if has_review else -1)
        excluded_kinds = p.names("income.excluded_types")
        for k, kind in enumerate(kinds):
            excluded[c, k] = kind in excluded_kinds
    values = {k: np.array(v, dtype=np.int64) for k, v in rows.items()}
    return CountyParameters(values, tiers, excluded)


def _isum(index: I64, values: I64, size: int) -> I64:
    """Exact integer group sums (np.bincount works in float64)."""
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, index, values)
    return out


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
    edge: B
    review: I64  # -1 = none
    reasons: I64  # bit i = Reason i
    fallback: B
    assessments: dict[int, Assessment]  # the fallback households' full assessments

    def reason_set(self, i: int) -> set[Reason]:
        bits = int(self.reasons[i])
        return {r for k, r in enumerate(REASONS) if bits >> k & 1}


def _ages(m: dict[str, I64], on: date) -> I64:
    later = (m["bm"] > on.month) | ((m["bm"] == on.month) & (m["bd"] > on.day))
    ages: I64 = on.year - m["by"] - later.astype(np.int64)
    return ages


def _counted(m: dict[str, I64], age: I64) -> B:
    rel = m["rel"]
    head = (rel == _RELATIONS[Relation.HEAD]) | (rel == _RELATIONS[Relation.SPOUSE])
    independent = np.where(m["cli"] >= 0, m["cli"] == 1, m["labor"] == 0)
    child = (rel == _RELATIONS[Relation.CHILD]) & ((age < 18) | (m["school_counted"] == 1) | ~independent)
    duty = np.where(m["duty"] >= 0, m["duty"] == 1, np.isin(rel, _DUTY_DEFAULT))
    other = ~head & (rel != _RELATIONS[Relation.CHILD]) & duty & (m["lives"] == 1)
    counted: B = (m["excl"] == 0) & (head | child | other)
    return counted


def assess_batch(
    households: list[Household],
    on: date,
    table: ParameterTable | None = None,
    cols: Columns | None = None,
    run_fallback: bool = True,
) -> BatchResult:
    """Assess all households; with run_fallback=False the fallback rows keep their vectorised values (for timing)."""
    table = table or default_table()
    cols = cols or flatten(households)
    cp = county_parameters(table, on, cols.counties, cols.kinds)
    n_h = len(households)
    h, m, P = cols.h, cols.m, cp.values
    county = h["county"]
    pv = {k: v[county] for k, v in P.items()}  # per-household parameter values
    reasons = np.zeros(n_h, dtype=np.int64)

    def flag(mask: B, reason: Reason) -> None:
        nonlocal reasons
        reasons = reasons | np.where(mask, BIT[reason], np.int64(0))

    # Composition
    age = _ages(m, on)
    counted = _counted(m, age)
    mh = m["hh"]
    persons = _isum(mh, counted.astype(np.int64), n_h)
    flag(_any(mh, ~counted, n_h), Reason.MEMBER_NOT_COUNTED)

    # Countable income, deductions (scaled by the employment-share denominator D)
    inc = cols.inc
    ih = inc["hh"]
    in_hh = (inc["member"] == -1) | ((inc["member"] >= 0) & counted[np.maximum(inc["member"], 0)])
    countable = np.where(inc["override"] >= 0, inc["override"] == 1, ~cp.excluded[county[ih], inc["kind"]])
    use = in_hh & countable
    gross = _isum(ih, np.where(use, inc["yearly"], 0), n_h)
    ded = cols.ded
    dh = ded["hh"]
    ded_in = (ded["member"] == -1) | ((ded["member"] >= 0) & counted[np.maximum(ded["member"], 0)])
    rigid = _isum(dh, np.where(ded_in, np.maximum(ded["paid"] - ded["reimbursed"], 0), 0), n_h)
    rigid = np.minimum(rigid, pv["rigid_cap"]) * pv["rigid_on"]
    D = pv["s_den"]
    bucket = np.where(inc["member"] >= 0, inc["member"], len(mh) + ih)
    wage_sum = _isum(bucket, np.where(use & (inc["wage"] == 1), inc["yearly"], 0), len(mh) + n_h)
    owner = np.concatenate([mh, np.arange(n_h)])
    bucket_cost = np.minimum(
        P["s_num"][county[owner]] * wage_sum, P["e_cap12"][county[owner]] * P["s_den"][county[owner]]
    )
    employment = _isum(owner, bucket_cost, n_h)
    flag((rigid * D + employment > gross * D) & ((gross > 0) | (rigid > 0)), Reason.DEDUCTIONS_EXCEED_INCOME)
    net = np.maximum(gross * D - rigid * D - employment, 0)  # x D
    std = np.where(h["urban"] == 1, pv["std_urban"], pv["std_rural"])
    below = (persons > 0) & (net < std * persons * D)

    # Property (D3) and registration (D1)
    pr = cols.prop
    ph = pr["hh"]
    houses = _isum(ph, np.where(pr["kind"] == _PROPERTY[PropertyKind.HOUSE], pr["count"], 0), n_h)
    fin = _isum(ph, np.where(pr["kind"] == _PROPERTY[PropertyKind.FINANCIAL], pr["value"], 0), n_h)
    try:
        year_ago = on.replace(year=on.year - 1).toordinal()
    except ValueError:
        year_ago = date(on.year - 1, 3, 1).toordinal()
    pc = county[ph]
    vehicle = (
        (pr["kind"] == _PROPERTY[PropertyKind.VEHICLE])
        & (pr["mobility"] == 0)
        & (pr["value"] >= P["vehicle"][pc])
        & ((pr["bought"] < 0) | (pr["bought"] > year_ago))
    )
    company = (pr["kind"] == _PROPERTY[PropertyKind.COMPANY]) & (
        pr["profit"] * P["profit_den"][pc] >= P["profit_num"][pc]
    )
    fails = {
        Reason.D3_HOUSES: houses > pv["houses"],
        Reason.D3_FINANCIAL: fin * pv["fin_den"] > pv["fin_num"] * np.maximum(persons, 1),
        Reason.D3_VEHICLE: _any(ph, vehicle, n_h),
        Reason.D3_NON_RESIDENTIAL: _any(ph, pr["kind"] == _PROPERTY[PropertyKind.NON_RESIDENTIAL], n_h),
        Reason.D3_COMPANY: _any(ph, company, n_h),
    }
    known = h["prop_known"] == 1
    prop_fail = np.zeros(n_h, dtype=bool)
    for mask in fails.values():
        prop_fail |= mask & known
    prop_ok = known & ~prop_fail
    hukou_ok = h["hukou"] == 1

    # Tekun T1-T3, care level and amount (members not currently in tekun)
    means = below & hukou_ok & prop_ok
    severe = np.zeros(len(mh), dtype=bool)
    for cat, grade in SEVERE:
        severe |= (m["dcat"] == int(cat)) & (m["dgrade"] == grade)
    ground = counted & ((age >= 60) | (age < 16) | severe) & means[mh]
    sup = cols.sup
    unable = (
        (sup["tekun"] == 1)
        | ((sup["dibao"] == 1) & (sup["age"] >= 60))
        | ((sup["age"] >= 70) & (sup["low_income"] == 1))
        | (sup["severe"] == 1)
    )
    has_able = _any(sup["member"], ~unable, len(mh))
    missing = ground & ((m["sup_known"] == 0) | (m["failed"] < 0))
    tekun = ground & ~missing & ~has_able
    level = np.where(m["failed"] >= 4, 2, np.where(m["failed"] >= 1, 1, 0))
    care = np.zeros(len(mh), dtype=np.int64)
    for mode_i, mode in enumerate(("home", "institution")):
        for level_i, lvl in enumerate(("self", "partial", "full")):
            pick = (m["institution"] == mode_i) & (level == level_i)
            care = np.where(pick, P[f"care_{mode}_{lvl}"][county[mh]], care)
    tekun_amount = np.where(tekun, P["basic"][county[mh]] + care, 0)
    in_tekun = _isum(mh, tekun.astype(np.int64), n_h)
    tekun_total = _isum(mh, tekun_amount, n_h)
    flag(_any(mh, missing, n_h), Reason.T_DATA_MISSING)
    flag(in_tekun > 0, Reason.T_ELIGIBLE)

    # Benefit for the covered units (gap or tiers)
    units = np.maximum(persons - in_tekun, 0)
    nz = np.maximum(persons, 1)
    gap_num = (std * persons * D - net) * units
    gap_den = 12 * nz * D
    gap = (2 * gap_num + gap_den) // (2 * gap_den)
    tier_pp = np.zeros(n_h, dtype=np.int64)
    tier_set = np.zeros(n_h, dtype=bool)
    for c, tiers in enumerate(cp.tiers):
        for share, amount in reversed(tiers):
            hit = (county == c) & (net * share.denominator < share.numerator * std * persons * D)
            tier_pp = np.where(hit, amount, tier_pp)
            tier_set |= hit
    use_tiers = pv["tiers"] == 1
    amount = np.where(use_tiers, tier_pp * units, gap)
    after_low = np.where(
        use_tiers, net + tier_pp * 12 * persons * D < pv["exit_line"] * persons * D, std < pv["exit_line"]
    )
    method_bit = np.where(use_tiers, BIT[Reason.BENEFIT_TIERS], BIT[Reason.BENEFIT_GAP])

    # Outcomes: households already in dibao (P2 when below the standard, P3 gradual exit when not) and new ones
    enrolled = h["dibao"] == 1
    months = np.where(h["exit_months"] > 0, h["exit_months"], pv["exit_default"])
    bad_months = (
        enrolled & ~below & (pv["exit_on"] == 1) & ((months < pv["exit_min"]) | (months > pv["exit_max"]))
    )
    this_month = on.year * 12 + on.month - 1
    elapsed = np.where(h["above"] >= 0, this_month - h["above"], 0)  # months since the first month above
    exiting = enrolled & ~below & (pv["exit_on"] == 1) & (elapsed < months)
    exited = enrolled & ~below & ~exiting
    card = h["card"] == 1
    failures = (h["hukou"] == 2) | ((persons > 0) & ~below) | prop_fail
    unknown = (persons == 0) | (h["hukou"] == 0) | ~known
    eligible = ~enrolled & ~failures & ~unknown & (units > 0)
    outcome = np.full(n_h, OUTCOMES.index(Outcome.NOT_ELIGIBLE), dtype=np.int8)
    outcome[~enrolled & ~eligible & (in_tekun > 0)] = OUTCOMES.index(Outcome.MEMBERS_ELIGIBLE)
    needs = ~enrolled & ~eligible & (in_tekun == 0) & ~failures & (unknown | _any(mh, missing, n_h))
    outcome[needs] = OUTCOMES.index(Outcome.NEEDS_DATA)
    outcome[eligible] = OUTCOMES.index(Outcome.ELIGIBLE_DIBAO)
    outcome[enrolled & ~exited] = OUTCOMES.index(Outcome.ALREADY_COVERED)
    paying = eligible | (enrolled & below)
    benefit = np.where(paying, amount, np.where(exiting, h["current"], 0))
    reasons |= np.where(paying, method_bit, 0)
    flag(exiting, Reason.P3_GRADUAL_EXIT)
    flag(exited, Reason.P3_EXIT_ENDED)
    flag(eligible & card & (pv["exit_check"] == 1) & after_low, Reason.BELOW_EXIT_LINE)
    flag(enrolled, Reason.COVERED_DIBAO)
    flag(
        enrolled & below & card & (h["exited"] == 1) & (net > pv["exit_line"] * persons * D),
        Reason.P2_KEEP_DIBAO,
    )
    new = ~enrolled
    flag(new & (h["hukou"] == 1), Reason.D1_HUKOU_OK)
    flag(new & (h["hukou"] == 2), Reason.D1_HUKOU_OUTSIDE)
    flag(new & (h["hukou"] == 0), Reason.D1_HUKOU_MISSING)
    flag(new & (persons > 0) & below, Reason.D2_INCOME_BELOW)
    flag(new & (persons > 0) & ~below, Reason.D2_INCOME_NOT_BELOW)
    flag(new & (persons == 0), Reason.NO_COUNTED_MEMBERS)
    flag(new & ~known, Reason.D3_PROPERTY_MISSING)
    flag(new & prop_ok, Reason.D3_PROPERTY_OK)
    for reason, mask in fails.items():
        flag(new & known & mask, reason)

    # P4 prompt, P1, P5, M1, M3
    d = m["dgrade"]
    priority = (
        ((d >= 1) & (d <= 2))
        | (np.isin(m["dcat"], [5, 6]) & np.isin(d, [3, 4]))
        | ((m["assist"] == 1) & (m["labor"] != 0))
    )
    not_whole = new & ~eligible & card & hukou_ok
    can_apply = counted & ~tekun & priority & (m["dependent"] == 1) & not_whole[mh]
    flag(_any(mh, can_apply, n_h), Reason.P4_CAN_APPLY)
    covered = (eligible & (benefit > 0)) | (enrolled & ~exited)
    lost = counted & (m["labor"] != 0) & ~tekun & ~covered[mh]
    flag(card & _any(mh, lost, n_h), Reason.P1_UNCOVERED)
    capable = counted & (age >= 16) & (age < 60) & (m["labor"] == 0) & (m["school"] == 0)
    flag(card & covered & _any(mh, capable & (m["confirmed"] == 0), n_h), Reason.P5_NO_SUPPORT)
    irregular = (h["irregular"] == 1) & _any(mh, capable, n_h)
    review = np.where(covered, np.where(irregular, pv["review_irregular"], pv["review_stable"]), -1)
    edge = (
        (pv["edge_on"] == 1)
        & (persons > 0)
        & (std * persons * D <= net)
        & (net * pv["edge_den"] <= pv["edge_num"] * std * persons * D)
    )
    flag(edge, Reason.M3_EDGE)

    # Households the per-household path assesses (timelines, per-person recomputation)
    fallback = (h["special"] == 1) | (h["tekun_enrolled"] == 1) | bad_months
    fallback |= _any(mh, (m["offers"] == 1) | (m["applies"] == 1), n_h)
    result = BatchResult(
        outcome, benefit, tekun_total, np.zeros(n_h, dtype=np.int64), edge, review, reasons, fallback, {}
    )
    if run_fallback:
        _fill_fallback(result, households, on, table)
    return result


def _fill_fallback(result: BatchResult, households: list[Household], on: date, table: ParameterTable) -> None:
    sets: dict[str, ParameterSet] = {}
    for i in np.flatnonzero(result.fallback):
        hx = households[int(i)]
        county = hx.region[:6]
        if county not in sets:
            sets[county] = table.at(on, county)
        a = assess(hx, on, sets[county])
        result.assessments[int(i)] = a
        result.outcome[i] = OUTCOMES.index(a.outcome)
        result.benefit[i], result.tekun[i], result.single[i] = a.benefit, a.tekun_total, a.single_person_total
        result.edge[i] = a.edge
        result.review[i] = -1 if a.review_months is None else a.review_months
        result.reasons[i] = sum(int(BIT[r]) for r in a.reasons)
