"""Policy and management links (RULES.md §2, §5, §6): priority groups, P4 single-person cover, P5 只兜不扶,
M1 review periods, M2 temporary assistance and M3 the dibao edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from doudi.core.money import round_half_up
from doudi.rules.composition import age
from doudi.rules.model import Hardship, Household, LaborCapacity, Member
from doudi.rules.parameters import ParameterSet


def priority_group(member: Member) -> bool:
    """§2: disability grade 1-2 (any category); intellectual or mental grade 3-4; major-illness assistance and
    fully or partly lost labor capacity."""
    d = member.disability
    if d is not None and (d.grade <= 2 or (d.category in ("5", "6") and d.grade in (3, 4))):
        return True
    return member.major_illness_assistance and member.labor_capacity != LaborCapacity.FULL


def labor_capable(member: Member, on: date) -> bool:
    """Of working age (16-59), with full labor capacity and not in school."""
    return 16 <= age(member, on) < 60 and member.labor_capacity == LaborCapacity.FULL and not member.in_school


def lost_labor_capacity(member: Member) -> bool:
    return member.labor_capacity != LaborCapacity.FULL


def without_support(household: Household, members: list[Member], on: date) -> list[str]:
    """P5: labor-capable members without industry/employment support confirmed by village, township and
    county."""
    confirmed = {s.member for s in household.support if s.confirmed}
    return [m.person_id for m in members if labor_capable(m, on) and m.person_id not in confirmed]


def review_months(household: Household, members: list[Member], on: date, params: ParameterSet) -> int | None:
    """M1: every 6 months when income is irregular and members can work, otherwise yearly."""
    if not params.has("review.months_stable"):
        return None
    if household.irregular_income and any(labor_capable(m, on) for m in members):
        return params.count("review.months_irregular")
    return params.count("review.months_stable")


def edge(net_yearly: Fraction, persons: int, standard: int, params: ParameterSet) -> bool:
    """M3: per-capita income not below the standard but at most `edge.ratio` times it."""
    if persons == 0 or not params.has("edge.ratio"):
        return False
    return standard * persons <= net_yearly <= params.ratio("edge.ratio") * standard * persons


@dataclass(frozen=True)
class TemporaryAssistance:
    amount: int  # fen, once
    multiple: Fraction
    route: str  # "direct" (救助对象直接给予) or "township_first" (乡镇备用金先行救助)
    township_may_pay: bool  # small amount the township pays directly
    same_month: bool  # 当月审批当月发放 in an emergency

    def as_json(self) -> dict[str, object]:
        return {
            "amount_fen": self.amount,
            "multiple": str(self.multiple),
            "route": self.route,
            "township_may_pay": self.township_may_pay,
            "same_month": self.same_month,
        }


SEVERITY_PARAMETER = {
    "general": "temporary.multiple_general",
    "severe": "temporary.multiple_severe",
    "extreme": "temporary.multiple_max",
}


def temporary_assistance(
    hardship: Hardship, standard_yearly: int, covered: bool, card: bool, params: ParameterSet
) -> TemporaryAssistance:
    """M2: a multiple of the monthly dibao standard; dibao and tekun recipients, and card-household members who
    are epidemic patients, get it directly; others through the township's reserve fund first (先行救助)."""
    multiple = params.ratio(SEVERITY_PARAMETER.get(hardship.severity, "temporary.multiple_general"))
    multiple = min(multiple, params.ratio("temporary.multiple_max"))
    amount = round_half_up(multiple * Fraction(standard_yearly, 12))
    route = "direct" if covered or (card and hardship.epidemic_patient) else "township_first"
    small = amount <= params.fen("temporary.township_direct_limit")
    return TemporaryAssistance(amount, multiple, route, small, hardship.emergency)
