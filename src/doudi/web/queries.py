"""Read-side questions of the pages, always over the access layer (registry.access, casework.access)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from doudi.campaign import TRANSITIONS, State, Step
from doudi.casework.access import campaigns_for, cases_for, role_of
from doudi.casework.models import Campaign, Case
from doudi.core.divisions import UnknownDivision, yunnan
from doudi.registry import access
from doudi.registry.models import HouseholdOrigin

# Transitions that are not work waiting: allowed in any state (comments, spot checks), on settled cases
# (reopen), or raised only when someone objects (dispute).
NOT_WAITING = frozenset({"reopen", "comment", "spot_check", "dispute"})  # optional, not waiting work
# Region code length -> the case field that names its children, for the dashboard's drill-down.
CHILD_FIELD = {2: "county_code", 4: "county_code", 6: "township_code", 9: "village_code"}


def waiting_states(role: str) -> frozenset[State]:
    """States in which a case waits for this role: some transition with a source state allows the role."""
    states: set[State] = set()
    for t in TRANSITIONS.values():
        if t.name not in NOT_WAITING and t.sources and role in {a.value for a in t.roles}:
            states |= t.sources
    return frozenset(states)


def current_campaign(user: Any) -> Campaign | None:
    return campaigns_for(user).order_by("-year", "county_code").first()


@dataclass(frozen=True)
class WorklistFilter:
    state: str = ""
    step: str = ""
    township: str = ""


def worklist(user: Any, chosen: WorklistFilter | None = None) -> QuerySet[Case]:
    """Cases in scope waiting for the user's role, earliest deadline first."""
    chosen = chosen or WorklistFilter()
    states = [s.value for s in waiting_states(role_of(user))]
    cases = cases_for(user).filter(state__in=states)
    if chosen.state:
        cases = cases.filter(state=chosen.state)
    if chosen.step:
        cases = cases.filter(due_step=chosen.step)
    if chosen.township:
        cases = cases.filter(township_code=chosen.township)
    return cases.select_related("household__head", "campaign").order_by("due_date", "id")


def township_choices(user: Any) -> list[tuple[str, str]]:
    codes = cases_for(user).values_list("township_code", flat=True).distinct().order_by("township_code")
    return [(code, place_name(code)) for code in codes]


def place_name(code: str) -> str:
    try:
        return yunnan().get(code).name
    except UnknownDivision:
        return code


def region_cases(user: Any, campaign: Campaign, region: str) -> QuerySet[Case]:
    return cases_for(user).filter(campaign=campaign, village_code__startswith=region)


@dataclass(frozen=True)
class StepProgress:
    step: Step
    deadline: date
    open: int  # cases working towards this step's deadline (S5: also the settled cases it watches)
    overdue: int


def step_progress(cases: QuerySet[Case], campaign: Campaign, today: date) -> list[StepProgress]:
    rows = {
        r["due_step"]: r
        for r in cases.values("due_step").annotate(
            n=Count("id"), late=Count("id", filter=Q(due_date__lt=today))
        )
    }
    settled = rows.get("", {}).get("n", 0)  # settled cases have no due step: they are watched in S5

    def count(step: Step, key: str) -> int:
        return int(rows.get(step.value, {}).get(key, 0))

    return [
        StepProgress(step, day, count(step, "n") + (settled if step is Step.S5 else 0), count(step, "late"))
        for step, day in campaign.deadlines().items()
    ]


def state_counts(cases: QuerySet[Case]) -> list[tuple[State, int]]:
    counts = dict(cases.values_list("state").annotate(n=Count("id")))
    return [(state, counts.get(state.value, 0)) for state in State]


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    cases: int
    overdue: int
    settled: int


def by_area(cases: QuerySet[Case], region: str, today: date) -> list[AreaRow]:
    """Cases, overdue and settled per child region of `region` (none below a village)."""
    field = CHILD_FIELD.get(len(region))
    if field is None:
        return []
    settled = [s.value for s in State if s.settled]
    rows = (
        cases.values(field)
        .annotate(
            n=Count("id"),
            late=Count("id", filter=Q(due_date__lt=today)),
            done=Count("id", filter=Q(state__in=settled)),
        )
        .order_by(field)
    )
    return [AreaRow(r[field], place_name(r[field]), r["n"], r["late"], r["done"]) for r in rows]


COVERED_CLASSES = ("covered_dibao", "covered_tekun", "covered_both", "partly_covered")


def covered_by_latest_match(region: str) -> Any:
    """Household ids the latest match run covering the region found covered by dibao or tekun (or None)."""
    from doudi.matching.models import HouseholdCoverage, MatchRun

    runs = MatchRun.objects.order_by("-started_at").values_list("pk", "region_code")[:50]
    run = next((pk for pk, code in runs if region.startswith(code)), None)
    if run is None:
        return None
    return HouseholdCoverage.objects.filter(
        run_id=run, coverage_class__in=COVERED_CLASSES, household__isnull=False
    ).values("household_id")


def coverage(user: Any, region: str) -> list[tuple[str, int]]:
    """Card households and how they are covered, in the region, through the access layer.

    A card household counts as covered when the latest match run found members on the dibao or tekun roll, or when
    it has an active dibao enrolment of its own (e.g. approved in the campaign since that run)."""
    from django.utils.translation import gettext as _

    card = access.households_for(user).filter(origin=HouseholdOrigin.CARD, village_code__startswith=region)
    tekun = access.tekun_enrolments_for(user).filter(
        end_date__isnull=True, person__village_code__startswith=region
    )
    marked = access.poverty_registrations_for(user).filter(
        safety_net_mark=True, household__village_code__startswith=region
    )
    covered = Q(dibao_enrolments__end_date__isnull=True, dibao_enrolments__isnull=False)
    matched = covered_by_latest_match(region)
    if matched is not None:
        covered |= Q(pk__in=matched)
    return [
        (_("建档立卡户"), card.count()),
        (_("兜底保障标识户"), marked.count()),
        (_("已纳入低保或特困的建档立卡户"), card.filter(covered).distinct().count()),
        (_("特困供养人员"), tekun.count()),
    ]
