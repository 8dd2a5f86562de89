"""M1 reviews (定期核查): when a review is due and what a reassessment means for the benefit (增发/减发/停发)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from doudi.rules.timelines import add_months, month_of


class Decision(StrEnum):
    INCREASE = "increase"  # 增发
    DECREASE = "decrease"  # 减发
    STOP = "stop"  # 停发
    GRADUAL_EXIT = "gradual_exit"  # 救助渐退
    UNCHANGED = "unchanged"  # 维持

    @property
    def text(self) -> str:
        return DECISION_TEXT[self]


DECISION_TEXT = {
    Decision.INCREASE: "增发",
    Decision.DECREASE: "减发",
    Decision.STOP: "停发",
    Decision.GRADUAL_EXIT: "进入救助渐退",
    Decision.UNCHANGED: "维持原保障金",
}


def next_due(last: date, months: int) -> date:
    """The first day of the month in which the next review falls."""
    return add_months(month_of(last), months)


def is_due(last: date, months: int, on: date) -> bool:
    return next_due(last, months) <= on


def decide(old_amount: int, new_amount: int, still_covered: bool, gradual_exit: bool) -> Decision:
    """The decision a reassessment implies for a household's dibao (amounts in fen per month)."""
    if not still_covered:
        return Decision.STOP
    if gradual_exit:
        return Decision.GRADUAL_EXIT
    if new_amount > old_amount:
        return Decision.INCREASE
    if new_amount < old_amount:
        return Decision.DECREASE
    return Decision.UNCHANGED
