"""The action plan as a campaign: steps S1-S5, case states, transitions with roles and guards, deadlines.

Pure: no Django. `doudi.casework` stores cases and performs what a transition writes.

    from doudi.campaign import CaseSnapshot, State, apply, allowed_transitions
    result = apply(CaseSnapshot(State.RECEIVED), "start_assessment", "township", {}, date(2020, 4, 1))
"""

from .case import CaseSnapshot, Decision, Event, Result, TransitionError, Write
from .deadlines import due_date, due_step, holder, lateness
from .machine import TRANSITIONS, Transition, allowed_transitions, apply, transition
from .plan import check_deadlines, default_deadlines, steps
from .reasons import NOT_ELIGIBLE_REASONS, reason_text
from .roles import Actor
from .states import Program, State, Step

__all__ = [
    "NOT_ELIGIBLE_REASONS",
    "TRANSITIONS",
    "Actor",
    "CaseSnapshot",
    "Decision",
    "Event",
    "Program",
    "Result",
    "State",
    "Step",
    "Transition",
    "TransitionError",
    "Write",
    "allowed_transitions",
    "apply",
    "check_deadlines",
    "default_deadlines",
    "due_date",
    "due_step",
    "holder",
    "lateness",
    "reason_text",
    "steps",
    "transition",
]
