"""Month-by-month timelines as explicit lists of states, each with the transition that led to it
(no recursion).

- P3 救助渐退 (gradual exit): the benefit continues for N months (6-12) counted from the first month in which
  per-capita income is not below the standard; in month N+1 the household leaves dibao.
- P6 sanction: after the threshold-th consecutive refusal without valid reason, the person's own share
  is reduced or stopped from the next month; an acceptance lifts it from the next month. A refusal with a
  valid reason does not count and breaks the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from doudi.rules.model import Offer, RefusalResponse


class TimelineError(ValueError):
    pass


def month_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """Whole months from start's month to end's month (same month = 0)."""
    return (end.year - start.year) * 12 + end.month - start.month


@dataclass(frozen=True)
class ExitMonth:
    month: date  # first day of the month
    state: str  # "gradual_exit" | "exited"
    index: int  # 1..N in the gradual exit, N+1 when exited
    benefit: int  # fen paid this month
    transition: str | None  # Chinese text of the transition into this state, None when the state continues


def gradual_exit(first_above: date, months: int, benefit: int, minimum: int, maximum: int) -> list[ExitMonth]:
    if not minimum <= months <= maximum:
        raise TimelineError(
            f"救助渐退期 {months} 个月超出本县规定范围 {minimum}-{maximum} 个月; 请在范围内设定"
        )
    start = month_of(first_above)
    timeline = [
        ExitMonth(
            add_months(start, k - 1),
            "gradual_exit",
            k,
            benefit,
            "收入超过低保标准, 进入救助渐退期" if k == 1 else None,
        )
        for k in range(1, months + 1)
    ]
    timeline.append(
        ExitMonth(
            add_months(start, months), "exited", months + 1, 0, f"渐退期 {months} 个月期满, 停发, 退出低保"
        )
    )
    return timeline


def exit_state_on(timeline: list[ExitMonth], on: date) -> ExitMonth | None:
    k = months_between(timeline[0].month, on)
    if k < 0:
        return None
    return timeline[min(k, len(timeline) - 1)]


@dataclass(frozen=True)
class SanctionMonth:
    month: date
    refusals_in_a_row: int  # at the end of the month
    sanctioned: bool  # the person's share is reduced or stopped in this month
    transition: str | None


def _after(offer: Offer, streak: int, threshold: int) -> tuple[int, str | None]:
    """One offer: the new run of refusals, and the decision it triggers for next month."""
    if offer.response == RefusalResponse.ACCEPTED:
        return 0, "lift"
    if offer.response == RefusalResponse.REFUSED_VALID:
        return 0, None
    streak += 1
    return streak, "sanction" if streak == threshold else None


def sanctions(offers: tuple[Offer, ...], threshold: int, until: date) -> list[SanctionMonth]:
    if not offers:
        return []
    ordered = sorted(offers, key=lambda o: o.on)
    month, last = month_of(ordered[0].on), month_of(until)
    streak, active, pending, out = 0, False, None, []
    while month <= last:
        transition = None
        if pending == "sanction" and not active:
            active, transition = True, f"连续第 {threshold} 次无正当理由拒绝, 本月起减发或停发本人份额"
        elif pending == "lift" and active:
            active, transition = False, "已参加扶贫项目, 本月起恢复本人份额"
        pending = None
        for offer in (o for o in ordered if month_of(o.on) == month):
            streak, decision = _after(offer, streak, threshold)
            pending = decision or pending
        out.append(SanctionMonth(month, streak, active, transition))
        month = add_months(month, 1)
    return out
