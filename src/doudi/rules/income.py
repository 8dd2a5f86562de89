"""Countable household income over the last 12 months, with the exclusions and deductions of RULES.md §3.

All values are yearly fen; the employment-cost share makes a Fraction. Deductions never make income negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from doudi.rules.model import Deduction, Income
from doudi.rules.parameters import ParameterSet

WAGE = "wage"


@dataclass(frozen=True)
class IncomeResult:
    gross: int  # countable income, fen/year
    excluded: int  # income not counted (exempt types)
    rigid: int  # illness/disability/schooling spending net of reimbursement, after any cap
    employment: Fraction  # employment-cost deduction
    net: Fraction  # max(0, gross - rigid - employment)

    @property
    def deductions_exceed(self) -> bool:
        return self.rigid + self.employment > self.gross


def is_countable(item: Income, excluded_kinds: frozenset[str]) -> bool:
    if item.countable is not None:
        return item.countable
    return item.kind not in excluded_kinds


def rigid_spending(deductions: tuple[Deduction, ...], members: set[str], cap: int | None) -> int:
    total = sum(max(0, d.paid - d.reimbursed) for d in deductions if d.member is None or d.member in members)
    return total if cap is None else min(total, cap)


def employment_cost(items: list[Income], share: Fraction, monthly_cap: int | None) -> Fraction:
    wages: dict[str | None, int] = {}
    for item in items:
        if item.kind == WAGE:
            wages[item.member] = wages.get(item.member, 0) + item.yearly
    total = Fraction(0)
    for wage in wages.values():
        cost = share * wage
        total += cost if monthly_cap is None else min(cost, Fraction(monthly_cap * 12))
    return total


def countable_income(
    income: tuple[Income, ...], deductions: tuple[Deduction, ...], members: set[str], params: ParameterSet
) -> IncomeResult:
    """Countable income of the given members (and household-level items)."""
    own = [i for i in income if i.member is None or i.member in members]
    excluded_kinds = params.names("income.excluded_types")
    countable = [i for i in own if is_countable(i, excluded_kinds)]
    gross = sum(i.yearly for i in countable)
    excluded = sum(i.yearly for i in own) - gross
    rigid = 0
    if params.has("deduction.rigid_cap_yearly"):  # deductions apply from the date their parameters start
        rigid = rigid_spending(deductions, members, params.optional_fen("deduction.rigid_cap_yearly"))
    share = (
        params.ratio("deduction.employment_cost_share")
        if params.has("deduction.employment_cost_share")
        else 0
    )
    employment = Fraction(0)
    if share:
        employment = employment_cost(
            countable, Fraction(share), params.optional_fen("deduction.employment_cost_monthly_cap")
        )
    net = max(Fraction(0), gross - rigid - employment)
    return IncomeResult(gross, excluded, rigid, employment, net)
