"""JSON shapes of campaigns and cases. Resident IDs are always masked here (doudi.registry.privacy)."""

from __future__ import annotations

from datetime import date
from typing import Any

from doudi.campaign import State, allowed_transitions, reason_text
from doudi.casework.access import role_of
from doudi.casework.models import Campaign, Case, CaseEvent
from doudi.casework.queries import place_name
from doudi.registry.privacy import display_id, mask


def campaign_json(campaign: Campaign, cases_in_scope: int) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "year": campaign.year,
        "county_code": campaign.county_code,
        "name": campaign.name,
        "deadlines": {step.value: day.isoformat() for step, day in campaign.deadlines().items()},
        "cases": cases_in_scope,
    }


# The columns case_json reads: a case list loads only these (fewer fields to build per row, and the big JSON of
# the match evidence stays in the database). Reading any other field in case_json would cost a query per row.
CASE_LIST_FIELDS = (
    "id",
    "campaign_id",
    "township_code",
    "village_code",
    "state",
    "due_step",
    "due_date",
    "safety_net",
    "assessment_outcome",
    "assessment_reasons",
    "coverage_class",
    "decision",
    "program",
    "benefit_fen",
    "reason_code",
    "note",
    "disputed",
    "reopen_count",
    "version",
    "household__household_no",
    "household__head__name",
    "household__head__id_number",
)


def case_json(user: Any, case: Case, today: date) -> dict[str, Any]:
    head = case.household.head
    return {
        "id": case.pk,
        "campaign": case.campaign_id,
        "household_no": case.household.household_no or "",
        "head_name": head.name if head else "",
        "head_id": display_id(user, head) if head else "",
        "township_code": case.township_code,
        "township": place_name(case.township_code),
        "village_code": case.village_code,
        "village": place_name(case.village_code),
        "state": case.state,
        "state_name": State(case.state).text,
        "due_step": case.due_step,
        "due_date": case.due_date.isoformat() if case.due_date else None,
        "overdue": bool(case.due_date and case.due_date < today),
        "safety_net": case.safety_net,
        "assessment_outcome": case.assessment_outcome,
        "assessment_reasons": case.assessment_reasons,
        "coverage_class": case.coverage_class,
        "decision": case.decision,
        "program": case.program,
        "benefit_fen": case.benefit_fen,
        "reason_code": case.reason_code,
        "reason_text": reason_text(case.reason_code) if case.reason_code else "",
        "note": case.note,
        "disputed": case.disputed,
        "reopen_count": case.reopen_count,
        "version": case.version,
    }


# The list path reads plain rows (QuerySet.values), not model instances: building 50 Case, Household and Person
# objects per page was most of a page's cost. The same JSON as case_json, IDs masked the same way (a list never
# shows a full ID, so no audit record is due).
CASE_LIST_VALUES = tuple(f for f in CASE_LIST_FIELDS if "__" not in f)
CASE_LIST_JOINED = ("household__household_no", "household__head__name", "household__head__id_number")


def case_row_json(row: dict[str, Any], today: date) -> dict[str, Any]:
    due, code, head_id = row["due_date"], row["reason_code"], row["household__head__id_number"]
    return {
        "id": row["id"],
        "campaign": row["campaign_id"],
        "household_no": row["household__household_no"] or "",
        "head_name": row["household__head__name"] or "",
        "head_id": mask(head_id) if head_id else "",
        "township_code": row["township_code"],
        "township": place_name(row["township_code"]),
        "village_code": row["village_code"],
        "village": place_name(row["village_code"]),
        "state": row["state"],
        "state_name": State(row["state"]).text,
        "due_step": row["due_step"],
        "due_date": due.isoformat() if due else None,
        "overdue": bool(due and due < today),
        "safety_net": row["safety_net"],
        "assessment_outcome": row["assessment_outcome"],
        "assessment_reasons": row["assessment_reasons"],
        "coverage_class": row["coverage_class"],
        "decision": row["decision"],
        "program": row["program"],
        "benefit_fen": row["benefit_fen"],
        "reason_code": code,
        "reason_text": reason_text(code) if code else "",
        "note": row["note"],
        "disputed": row["disputed"],
        "reopen_count": row["reopen_count"],
        "version": row["version"],
    }


def event_json(event: CaseEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "on": event.on.isoformat(),
        "user": event.user.get_username() if event.user_id and event.user else "",
        "role": event.role,
        "transition": event.transition,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "payload": event.payload,
        "writes": event.writes,
    }


def case_detail_json(user: Any, case: Case, events: list[CaseEvent], today: date) -> dict[str, Any]:
    role = role_of(user)
    allowed = allowed_transitions(State(case.state), role) if role else []
    return {
        **case_json(user, case, today),
        "match_run": case.match_run_id,
        "coverage": case.coverage,
        "allowed_transitions": [{"name": t.name, "text": t.text} for t in allowed],
        "events": [event_json(e) for e in events],
    }
