"""Between a Case row and the pure state machine's CaseSnapshot."""

from __future__ import annotations

from doudi.campaign import CaseSnapshot, Decision, Program, State, due_date, due_step

from .models import Campaign, Case


def snapshot(case: Case) -> CaseSnapshot:
    return CaseSnapshot(
        state=State(case.state),
        assessment=case.assessment_outcome,
        decision=Decision(case.decision) if case.decision else None,
        program=Program(case.program) if case.program else None,
        benefit_fen=case.benefit_fen,
        person_id=str(case.person_id or ""),
        reason_code=case.reason_code,
        note=case.note,
        disputed=case.disputed,
        approved_by=tuple(case.approved_by),
        enrolled=case.enrolled,
        reopen_count=case.reopen_count,
        meeting=str(case.meeting_id or ""),
        coverage=case.coverage_class,
    )


def store(case: Case, snap: CaseSnapshot, campaign: Campaign) -> list[str]:
    """Copy the snapshot onto the row (not saved); returns the changed field names."""
    values = {
        "state": snap.state.value,
        "decision": snap.decision.value if snap.decision else "",
        "program": snap.program.value if snap.program else "",
        "benefit_fen": snap.benefit_fen,
        "person_id": int(snap.person_id) if snap.person_id else None,
        "reason_code": snap.reason_code,
        "note": snap.note,
        "disputed": snap.disputed,
        "approved_by": list(snap.approved_by),
        "enrolled": snap.enrolled,
        "reopen_count": snap.reopen_count,
        "meeting_id": int(snap.meeting) if snap.meeting else None,
        **due_fields(snap.state, snap.reopen_count, campaign),
    }
    changed = [name for name, value in values.items() if getattr(case, name) != value]
    for name in changed:
        setattr(case, name, values[name])
    return [name.removesuffix("_id") for name in changed]


def due_fields(state: State, reopen_count: int, campaign: Campaign) -> dict[str, object]:
    step = due_step(state, reopen_count)
    return {
        "due_step": step.value if step else "",
        "due_date": due_date(state, campaign.deadlines(), reopen_count),
    }
