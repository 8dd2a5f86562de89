"""Dibao (低保): standards, the income test D2 and the monthly benefit (补差 or 分档), RULES.md §3."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from doudi.core.money import round_half_up
from doudi.rules.model import Hukou
from doudi.rules.parameters import ParameterSet


def standard_yearly(hukou: Hukou | None, params: ParameterSet) -> int:
    """The yearly dibao standard in fen: rural hukou uses the rural standard, urban 12x the monthly."""
    if hukou == Hukou.URBAN:
        return params.fen("dibao.urban_standard_monthly") * 12
    return params.fen("dibao.rural_standard_yearly")


def income_below(net_yearly: Fraction, persons: int, standard: int) -> bool:
    """D2: per-capita countable income strictly below the standard (income equal to it is not below)."""
    return persons > 0 and net_yearly < standard * persons


@dataclass(frozen=True)
class Benefit:
    method: str  # "gap" or "tiers"
    per_person: Fraction  # fen per covered person per month, exact
    units: Fraction  # covered persons, less sanctioned shares
    amount: int  # fen per month, rounded half up once
    tier: str | None = None


def tier_amount(
    pc_monthly: Fraction, standard_monthly: Fraction, params: ParameterSet
) -> tuple[str | None, int]:
    for tier in params.tiers("dibao.tiers"):
        if pc_monthly < tier.income_below_share * standard_monthly:
            return tier.tier, tier.amount
    return None, 0


def benefit(pc_monthly: Fraction, standard: int, units: Fraction, params: ParameterSet) -> Benefit:
    """Monthly benefit for `units` covered persons (a sanctioned member counts as 1 - reduction)."""
    standard_monthly = Fraction(standard, 12)
    method = params.text("dibao.benefit_method")
    if method == "tiers":
        tier, amount = tier_amount(pc_monthly, standard_monthly, params)
        per_person = Fraction(amount)
    else:
        tier, per_person = None, max(Fraction(0), standard_monthly - pc_monthly)
    return Benefit(method, per_person, units, round_half_up(per_person * units), tier)


def below_exit_line(pc_yearly: Fraction, benefit: Benefit, params: ParameterSet) -> bool:
    """Would per-capita income after the benefit stay under the poverty-exit line (根据脱贫标准补足保障金)?"""
    check = "dibao.newly_covered_exit_line_check"
    if not params.has(check) or not params.flag(check) or benefit.units <= 0:
        return False
    after = pc_yearly + benefit.per_person * 12
    return after < params.fen("poverty.exit_line_yearly")
