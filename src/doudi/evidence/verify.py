"""Verification (家庭经济状况核对): income and property computed from the departments' evidence, beside what the
household declared, with the discrepancies and the property tests of the rules on the evidence."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from doudi.evidence.model import Household, Limits
from doudi.evidence.records import Evidence
from doudi.rules.assets import bought_in_last_12_months


@dataclass(frozen=True)
class Declared:
    """What the household declared (money in fen, yearly; counts of items)."""

    wage_yearly: int = 0
    pension_yearly: int = 0
    houses: int = 0
    vehicles: int = 0
    financial: int = 0
    businesses: int = 0


@dataclass(frozen=True)
class Line:
    item: str  # Chinese label
    unit: str  # "fen" or "count"
    declared: int
    evidence: int
    sources: tuple[str, ...] = ()

    @property
    def discrepancy(self) -> int:
        """How much more the evidence shows than was declared (never negative)."""
        return max(self.evidence - self.declared, 0)


@dataclass(frozen=True)
class Verification:
    household: str
    lines: tuple[Line, ...]
    property_failures: tuple[str, ...] = ()  # Chinese, one per failed property test on the evidence
    used: bool = True  # False: no authorisation, the evidence was not used
    notes: tuple[str, ...] = field(default=())

    @property
    def discrepancies(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.discrepancy)


def _person_income(evidence: Evidence, person_id: str) -> dict[str, tuple[int, str]]:
    """Yearly income by kind for one person: the largest figure any one source shows (sources overlap: the same
    wage is taxed, insured and paid into the housing fund), with the source that showed it."""
    best: dict[str, tuple[int, str]] = {}
    for item in evidence.incomes.get(person_id, ()):
        if item.yearly > best.get(item.kind, (-1, ""))[0]:
            best[item.kind] = (item.yearly, item.source.value)
    return best


def _income_lines(h: Household, evidence: Evidence, declared: Declared) -> list[Line]:
    totals: dict[str, int] = defaultdict(int)
    sources: dict[str, set[str]] = defaultdict(set)
    for m in h.members:
        for kind, (amount, source) in _person_income(evidence, m.person_id).items():
            key = "pension" if kind == "pension" else "wage"
            totals[key] += amount
            sources[key].add(source)
    return [
        Line("工资性收入(年)", "fen", declared.wage_yearly, totals["wage"], tuple(sorted(sources["wage"]))),
        Line(
            "养老金收入(年)",
            "fen",
            declared.pension_yearly,
            totals["pension"],
            tuple(sorted(sources["pension"])),
        ),
    ]


def verify(h: Household, evidence: Evidence, declared: Declared, limits: Limits) -> Verification:
    """The evidence beside the declaration; refuses (used=False, no lines) without authorisation."""
    if not h.authorised:
        return Verification(
            h.key, (), used=False, notes=("该户未签署家庭经济状况核对授权书, 不得使用部门数据",)
        )
    ids = [m.person_id for m in h.members]
    flats = [f for i in ids for f in evidence.flats.get(i, ()) if f.residential]
    vehicles = [v for i in ids for v in evidence.vehicles.get(i, ())]
    financial = sum(d.balance for i in ids for d in evidence.deposits.get(i, ()))
    businesses = [b for i in ids for b in evidence.businesses.get(i, ()) if b.active]
    lines = [
        *_income_lines(h, evidence, declared),
        Line("住房(套)", "count", declared.houses, len(flats), ("real_estate",)),
        Line("机动车(辆)", "count", declared.vehicles, len(vehicles), ("vehicles",)),
        Line("存款及金融资产", "fen", declared.financial, financial, ("bank",)),
        Line("经营主体(个)", "count", declared.businesses, len(businesses), ("business",)),
    ]
    return Verification(h.key, tuple(lines), tuple(_failures(h, evidence, limits, limits.on)))


def _failures(h: Household, evidence: Evidence, limits: Limits, on: date) -> list[str]:
    ids = [m.person_id for m in h.members]
    out = []
    houses = sum(1 for i in ids for f in evidence.flats.get(i, ()) if f.residential)
    if houses > limits.max_houses:
        out.append(f"住房 {houses} 套, 超过 {limits.max_houses} 套")
    financial = sum(d.balance for i in ids for d in evidence.deposits.get(i, ()))
    limit = limits.financial_limit(len(h.members))
    if financial > limit:
        out.append(f"金融资产 {financial / 100:.2f} 元, 超过限额 {limit / 100:.2f} 元")
    for i in ids:
        for v in evidence.vehicles.get(i, ()):
            if not v.mobility and v.price >= limits.vehicle and bought_in_last_12_months(v.registered_on, on):
                out.append(f"近12个月购置机动车 {v.plate}, 价格 {v.price / 100:.2f} 元")
    if any(f.use != "住宅" for i in ids for f in evidence.flats.get(i, ())):
        out.append("有非居住类房屋")
    return out
