"""P6 sanctions in the payroll (pure): whether a member's own share of a household's dibao is cut in a month,
by how much, and why.

The month-by-month state is the rules' own timeline (doudi.rules.timelines.sanctions: the threshold-th refusal
in a row without valid reason cuts the share from the next month, an acceptance lifts it from the next month);
the threshold and the share reduction are the rules' parameters (sanction.refusal_threshold,
sanction.share_reduction). Only a labor-capable, unemployed member of a card household is sanctioned
(doudi.rules.links.labor_capable), never the household's other members.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from doudi.core.money import round_half_up, yuan
from doudi.rules.links import labor_capable
from doudi.rules.model import LaborCapacity, Member, Offer, Relation
from doudi.rules.timelines import SanctionMonth, month_of, sanctions


@dataclass(frozen=True)
class Person:
    """What P6 needs to know of a member."""

    name: str
    birth_date: date
    labor_capacity: str  # doudi.registry LaborCapacity value ("" = not recorded: full, as the rules assume)
    in_school: bool
    employed: bool
    card_household: bool


@dataclass(frozen=True)
class Cut:
    name: str
    amount: int  # fen withheld this month
    since: date  # first month of the current cut
    note: str  # Chinese, with the figures


def subject_to_sanction(p: Person, on: date) -> bool:
    """A labor-capable, unemployed member of a card household (RULES.md §5 P6)."""
    capacity = LaborCapacity(p.labor_capacity or LaborCapacity.FULL)
    member = Member("p6", p.birth_date, Relation.OTHER, labor_capacity=capacity, in_school=p.in_school)
    return p.card_household and not p.employed and labor_capable(member, on)


def state_in(offers: tuple[Offer, ...], threshold: int, month: date) -> list[SanctionMonth]:
    """The rules' timeline from the first offer up to `month` (empty when there is no offer yet)."""
    earlier = tuple(o for o in offers if month_of(o.on) <= month_of(month))
    return sanctions(earlier, threshold, month) if earlier else []


def share(amount: int, covered: int, reduction: Fraction) -> int:
    """One covered person's share of the household's monthly amount, times the reduction (1 = all of it)."""
    return round_half_up(Fraction(amount, max(covered, 1)) * reduction) if amount > 0 else 0


def cut_in(
    p: Person,
    offers: tuple[Offer, ...],
    month: date,
    amount: int,
    covered: int,
    threshold: int,
    reduction: Fraction,
) -> Cut | None:
    """The cut of `p`'s own share of `amount` (fen, the household's dibao this month), or None."""
    month = month_of(month)
    if not offers or not subject_to_sanction(p, month):
        return None
    timeline = state_in(offers, threshold, month)
    if not timeline or not timeline[-1].sanctioned:
        return None
    since = month
    for s in reversed(timeline):
        if not s.sanctioned:
            break
        since = s.month
    withheld = share(amount, covered, reduction)
    what = "停发" if reduction >= 1 else f"减发 {float(reduction) * 100:g}%"
    note = (
        f"P6 {p.name} 本人份额{what} {yuan(withheld)} 元: 连续 {threshold} 次无正当理由拒绝, "
        f"自 {since:%Y-%m} 起, 参加后次月恢复"
    )
    return Cut(p.name, withheld, since, note)
