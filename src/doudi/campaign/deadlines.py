"""Due dates and overdue cases, computed from a campaign's deadlines (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .states import State, Step


@dataclass(frozen=True)
class Lateness:
    step: Step
    due: date
    days: int  # days past due (> 0)


def due_step(state: State, reopen_count: int = 0) -> Step | None:
    """The step whose deadline the open work on a case counts against; None once settled.

    A case reopened in S5 (巩固衔接) works against the S5 deadline whatever state it is in."""
    if state.settled:
        return None
    return Step.S5 if reopen_count else state.step


def due_date(state: State, deadlines: dict[Step, date], reopen_count: int = 0) -> date | None:
    step = due_step(state, reopen_count)
    return deadlines[step] if step else None


def lateness(
    state: State, deadlines: dict[Step, date], today: date, reopen_count: int = 0
) -> Lateness | None:
    """How late a case is on `today`, or None when it is on time or settled."""
    step = due_step(state, reopen_count)
    if step is None or today <= deadlines[step]:
        return None
    return Lateness(step, deadlines[step], (today - deadlines[step]).days)


def states_due_at(step: Step) -> frozenset[State]:
    """The open (not reopened) states whose work is due at `step`'s deadline."""
    return frozenset(s for s in State if not s.settled and s.step is step)


# Who holds a case in each open state: the roles expected to take its next transition.
HOLDERS: dict[State, str] = {
    State.RECEIVED: "乡镇、村(驻村工作队)",
    State.ASSESSING: "乡镇、村(驻村工作队)",
    State.PROPOSED_ELIGIBLE: "县民政局(审批)",
    State.PROPOSED_NOT_ELIGIBLE: "县民政局(复核)",
    State.DISPUTED: "乡镇、村(驻村工作队)(核查)",
    State.REVERIFIED: "县民政局(再次审批)",
    State.APPROVED: "县领导小组(审定)",
    State.NOT_ELIGIBLE: "县领导小组(审定)",
    State.CONFIRMED_NOT_COVERED: "县扶贫办、县民政局(转介)",
}


def holder(state: State) -> str:
    return HOLDERS.get(state, "")
