"""Read-side questions about a campaign, always through the access layer: status, overdue, notifications."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Min, QuerySet

from doudi.campaign import State, Step, holder
from doudi.core.divisions import UnknownDivision, yunnan

from .access import cases_for
from .models import Campaign, Case


def campaign_cases(user: Any, campaign: Campaign) -> QuerySet[Case]:
    return cases_for(user).filter(campaign=campaign)


def status(user: Any, campaign: Campaign) -> dict[str, int]:
    """Cases per state, within the user's scope (states without cases omitted)."""
    rows = campaign_cases(user, campaign).values_list("state").annotate(n=Count("id"))
    return {state: n for state, n in rows}


def step_counts(user: Any, campaign: Campaign) -> dict[str, int]:
    """Open cases per step whose deadline they work towards, plus 'settled'."""
    counts: Counter[str] = Counter()
    for due_step, n in campaign_cases(user, campaign).values_list("due_step").annotate(n=Count("id")):
        counts[due_step or "settled"] += n
    return dict(counts)


def place_name(code: str) -> str:
    try:
        return yunnan().get(code).name
    except UnknownDivision:
        return code


@dataclass(frozen=True)
class OverdueGroup:
    """Overdue cases of one step, in one village, in one state: how many, since when, with whom."""

    step: Step
    due: date
    township_code: str
    township: str
    village_code: str
    village: str
    state: State
    holder: str
    cases: int
    days_late: int

    def as_json(self) -> dict[str, Any]:
        return {
            "step": self.step.value,
            "step_name": self.step.text,
            "due": self.due.isoformat(),
            "township_code": self.township_code,
            "township": self.township,
            "village_code": self.village_code,
            "village": self.village,
            "state": self.state.value,
            "state_name": self.state.text,
            "holder": self.holder,
            "cases": self.cases,
            "days_late": self.days_late,
        }


def overdue_cases(user: Any, campaign: Campaign, today: date) -> QuerySet[Case]:
    return campaign_cases(user, campaign).filter(due_date__lt=today)


def overdue(user: Any, campaign: Campaign, today: date) -> list[OverdueGroup]:
    """For every step: which cases are late, in which township and village, and with whom."""
    rows = (
        overdue_cases(user, campaign, today)
        .values("due_step", "township_code", "village_code", "state")
        .annotate(n=Count("id"), due=Min("due_date"))
        .order_by("due_step", "township_code", "village_code", "state")
    )
    return [
        OverdueGroup(
            step=Step(r["due_step"]),
            due=r["due"],
            township_code=r["township_code"],
            township=place_name(r["township_code"]),
            village_code=r["village_code"],
            village=place_name(r["village_code"]),
            state=State(r["state"]),
            holder=holder(State(r["state"])),
            cases=r["n"],
            days_late=(today - r["due"]).days,
        )
        for r in rows
    ]


def notifications_for_poverty_office(user: Any, campaign: Campaign) -> QuerySet[Case]:
    """Not-eligible cases with their reasons, which the county poverty office must be told about (S3)."""
    return campaign_cases(user, campaign).filter(decision="not_eligible").exclude(reason_code="")
