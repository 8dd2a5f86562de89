"""Incomes, deductions and property of a household, steered to a planned outcome, and the truth computed
from them with the provincial rules (RULES.md §3-§4, simplified; parameters in config.Parameters).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from doudi.core.money import round_half_up
from doudi.synth.config import Parameters
from doudi.synth.people import Person, counted, no_labor_capacity


class Target(StrEnum):
    ELIGIBLE = "eligible"
    INCOME_ABOVE = "income_above"
    PROPERTY_OVER = "property_over"


@dataclass(frozen=True, slots=True)
class Income:
    kind: str  # wage, agriculture, family_support, basic_rural_pension, social_assistance, ...
    amount: int  # fen over the last 12 months
    member: str | None = None  # person key; None = household income


@dataclass(frozen=True, slots=True)
class Deduction:
    kind: str  # illness, disability, schooling (因病、因残、因学刚性支出)
    paid: int
    reimbursed: int
    member: str


@dataclass(frozen=True, slots=True)
class PropertyItem:
    kind: str  # house, financial, vehicle, non_residential, company
    value: int = 0
    count: int = 1
    bought_on: date | None = None
    mobility_vehicle: bool = False
    net_profit_yearly: int = 0


@dataclass(frozen=True, slots=True)
class Supporter:
    """A person with a legal support duty living elsewhere (T3); able unless one of the four exceptions."""

    age: int
    tekun: bool = False
    dibao: bool = False
    low_income: bool = False
    severe_disability: bool = False

    @property
    def able(self) -> bool:
        unable = self.tekun or (self.dibao and self.age >= 60) or (self.age >= 70 and self.low_income)
        return not (unable or self.severe_disability)


@dataclass(frozen=True, slots=True)
class Economy:
    incomes: tuple[Income, ...]
    deductions: tuple[Deduction, ...]
    property: tuple[PropertyItem, ...]


@dataclass(frozen=True, slots=True)
class Eligibility:
    dibao: bool
    tekun: bool
    reasons: tuple[str, ...]  # why not eligible for dibao
    countable_yearly: int  # household countable income, fen

    def per_capita_yearly(self, size: int) -> Fraction:
        return Fraction(self.countable_yearly, size)


_SCHOOL_COSTS = {
    "高中": (2000, 6000),
    "中职": (2000, 5000),
    "高职": (4000, 9000),
    "大专": (4000, 9000),
    "本科": (5000, 12000),
}
_WAGE_WEIGHT = {"省外务工": 3.0, "省内县外务工": 2.5, "县内务工": 2.0}


def yuan(rng: random.Random, low: int, high: int) -> int:
    """A random whole-yuan amount in fen."""
    return rng.randint(low, high) * 100


def _deductions(rng: random.Random, members: list[Person]) -> list[Deduction]:
    out: list[Deduction] = []
    for p in members:
        if p.major_illness:
            paid = yuan(rng, 5_000, 40_000)
            out.append(Deduction("illness", paid, paid * rng.randint(40, 70) // 10_000 * 100, p.key))
        elif p.chronic and rng.random() < 0.3:
            paid = yuan(rng, 800, 4_000)
            out.append(Deduction("illness", paid, paid * 30 // 10_000 * 100, p.key))
        if p.disability is not None and rng.random() < 0.6:
            out.append(Deduction("disability", yuan(rng, 300, 3_000), 0, p.key))
        if p.schooling in _SCHOOL_COSTS:
            out.append(Deduction("schooling", yuan(rng, *_SCHOOL_COSTS[p.schooling]), 0, p.key))
    return out


def _target_total(rng: random.Random, target: Target, size: int, params: Parameters) -> int:
    """Household countable income to aim at, fen, whole yuan; strictly below or above the standard."""
    line = params.dibao_standard_yearly * size
    if target is Target.INCOME_ABOVE:
        factor = rng.uniform(1.03, 1.5) if rng.random() < 0.4 else rng.uniform(1.5, 4.0)
        return (int(line * factor) // 100 + 1) * 100
    return int(line * rng.uniform(0.15, 0.97)) // 100 * 100


def _earned(rng: random.Random, members: list[Person], amount: int) -> list[Income]:
    """Split `amount` (fen, whole yuan) over wages of those who work away and the household's farming."""
    weights: list[tuple[str, str | None, float]] = [
        ("wage", p.key, _WAGE_WEIGHT[p.employment]) for p in members if p.employment
    ]
    farmers = sum(
        1 for p in members if p.labor != "无劳动力" and p.labor != "丧失劳动力" and not p.employment
    )
    if farmers:
        weights.append(("agriculture", None, float(farmers)))
    if not weights:
        weights.append(("family_support", None, 1.0))  # 赡养费 from children living elsewhere
    total_weight = sum(w for _, _, w in weights)
    units = amount // 100
    out: list[Income] = []
    given = 0
    for i, (kind, member, weight) in enumerate(weights):
        share = (
            units - given
            if i == len(weights) - 1
            else int(units * weight * rng.uniform(0.8, 1.2) / total_weight)
        )
        share = min(share, units - given)
        given += share
        if share > 0:
            out.append(Income(kind, share * 100, member))
    return out


def incomes_for(
    rng: random.Random, members: list[Person], target: Target, params: Parameters, as_of: date
) -> tuple[list[Income], list[Deduction]]:
    """Incomes steered so that the counted members' countable income hits the target; members who do not
    count (adult children who live on their own wage) earn their own, uncounted, wage."""
    family = [p for p in members if counted(p)]
    deductions = _deductions(rng, family)
    net_deducted = sum(d.paid - d.reimbursed for d in deductions)
    pensions = [
        Income("basic_rural_pension", params.basic_pension_monthly * 12, p.key)
        for p in family
        if p.years >= 60
    ]
    wanted = _target_total(rng, target, len(family), params)
    rest = max(0, wanted + net_deducted - sum(i.amount for i in pensions))
    incomes = pensions + _earned(rng, family, rest)
    incomes += [
        Income("wage", yuan(rng, 15_000, 45_000), p.key) for p in members if not counted(p) and p.employment
    ]
    if any(p.years >= 60 for p in family) and rng.random() < 0.15:
        incomes.append(Income("family_planning_reward", 96_000))
    if rng.random() < 0.01:
        incomes.append(Income("military_allowance", yuan(rng, 3_000, 9_000)))
    return incomes, deductions


def property_for(
    rng: random.Random, members: list[Person], target: Target, params: Parameters, as_of: date
) -> list[PropertyItem]:
    size = sum(1 for p in members if counted(p))
    u = rng.random()
    houses = 1 if u < 0.88 else 2 if u < 0.97 else 0
    items = [PropertyItem("house", count=houses)] if houses else []
    limit = params.disposable_income_prior_year * params.financial_assets_multiple
    items.append(PropertyItem("financial", value=int(limit * rng.uniform(0, 0.4)) // 100 * 100 * size))
    if rng.random() < 0.15:
        items.append(
            PropertyItem(
                "vehicle", yuan(rng, 3_000, 8_000), bought_on=as_of - timedelta(rng.randint(400, 3000))
            )
        )
    elif rng.random() < 0.03:
        items.append(
            PropertyItem(
                "vehicle", yuan(rng, 30_000, 60_000), bought_on=as_of - timedelta(rng.randint(400, 2500))
            )
        )
    if (
        any(p.disability is not None and p.disability.category.value == "4" for p in members)
        and rng.random() < 0.2
    ):
        items.append(
            PropertyItem(
                "vehicle", yuan(rng, 8_000, 15_000), bought_on=as_of - timedelta(100), mobility_vehicle=True
            )
        )
    if target is Target.PROPERTY_OVER:
        items.append(_excess(rng, size, params, as_of))
    return items


def _excess(rng: random.Random, size: int, params: Parameters, as_of: date) -> PropertyItem:
    """One item that breaks a property limit."""
    kind = rng.choice(("house", "financial", "vehicle", "company", "non_residential"))
    if kind == "house":
        return PropertyItem("house", count=params.max_houses + 1)
    if kind == "financial":
        limit = params.disposable_income_prior_year * params.financial_assets_multiple
        return PropertyItem("financial", value=int(limit * size * rng.uniform(1.2, 4)) // 100 * 100)
    if kind == "vehicle":
        return PropertyItem(
            "vehicle", yuan(rng, 60_000, 150_000), bought_on=as_of - timedelta(rng.randint(20, 330))
        )
    if kind == "company":
        return PropertyItem(
            "company", yuan(rng, 100_000, 500_000), net_profit_yearly=yuan(rng, 150_000, 400_000)
        )
    return PropertyItem("non_residential", yuan(rng, 200_000, 600_000))


def countable(
    incomes: Sequence[Income], deductions: Sequence[Deduction], params: Parameters, family: set[str]
) -> int:
    """Countable income of the members in `family` (person keys) and of the household as a whole."""
    total = sum(
        i.amount
        for i in incomes
        if i.kind not in params.excluded_income and (i.member is None or i.member in family)
    )
    return max(0, total - sum(d.paid - d.reimbursed for d in deductions if d.member in family))


def property_problems(
    items: list[PropertyItem] | tuple[PropertyItem, ...], size: int, params: Parameters, as_of: date
) -> list[str]:
    problems: list[str] = []
    if sum(i.count for i in items if i.kind == "house") > params.max_houses:
        problems.append("too_many_houses")
    limit = params.disposable_income_prior_year * params.financial_assets_multiple * size
    if sum(i.value for i in items if i.kind == "financial") > limit:
        problems.append("financial_assets_above_limit")
    recent = as_of - timedelta(days=365)
    if any(
        i.kind == "vehicle"
        and not i.mobility_vehicle
        and i.value >= params.vehicle_limit
        and i.bought_on is not None
        and i.bought_on > recent
        for i in items
    ):
        problems.append("vehicle_bought_recently")
    if any(i.kind == "non_residential" for i in items):
        problems.append("non_residential_property")
    if any(i.kind == "company" and i.net_profit_yearly >= params.company_profit_limit for i in items):
        problems.append("company_profit_above_limit")
    return problems


def assess(
    members: list[Person],
    economy: Economy,
    supporters: tuple[Supporter, ...],
    params: Parameters,
    as_of: date,
) -> Eligibility:
    """The truth: dibao (D2, D3) and tekun (T1-T3) for the counted members; D1 (hukou) always holds here."""
    family = {p.key for p in members if counted(p)}
    size = len(family)
    income = countable(economy.incomes, economy.deductions, params, family)
    reasons = property_problems(economy.property, size, params, as_of)
    if income >= params.dibao_standard_yearly * size:
        reasons.insert(0, "income_above_standard")
    dibao = not reasons
    tekun = (
        dibao
        and len(members) == 1
        and no_labor_capacity(members[0], members[0].years)
        and not any(s.able for s in supporters)
    )
    return Eligibility(dibao, tekun, tuple(reasons), income)


def dibao_monthly(countable_yearly: int, size: int, covered: int, params: Parameters) -> tuple[int, str]:
    """补差: (monthly standard - monthly per-capita countable income) x covered members, rounded once; and the
    tier the gap falls in (A: gap of 250 yuan or more per person, B: 150 or more, C: less)."""
    gap = Fraction(params.dibao_standard_yearly, 12) - Fraction(countable_yearly, 12 * size)
    gap = max(gap, Fraction(0))
    tier = "A类" if gap >= 25_000 else "B类" if gap >= 15_000 else "C类"
    return round_half_up(gap * covered), tier


def tekun_monthly(self_care: str, institution: bool, params: Parameters) -> tuple[int, int]:
    """(basic living, care) in fen per month for a tekun person."""
    care = params.care_institution if institution else params.care_home
    level = {"全护理": 0, "半自理": 1}.get(self_care, 2)
    return params.tekun_basic_monthly, care[level]
