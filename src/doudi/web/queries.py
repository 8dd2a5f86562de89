"""Read-side questions of the pages, always over the access layer (registry.access, casework.access)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from doudi.campaign import TRANSITIONS, State, Step
from doudi.casework.access import campaigns_for, cases_for, role_of
from doudi.casework.models import Campaign, Case
from doudi.core.divisions import UnknownDivision, yunnan
from doudi.matching.queries import covered_households, latest_run_for
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


def covered_by_latest_match(region: str) -> Any:
    """Household ids the latest match run covering the region found covered by dibao or tekun (or None)."""
    run = latest_run_for(region)
    return None if run is None else covered_households(run)


def coverage(user: Any, region: str) -> list[tuple[str, int]]:
    """Card households and how they are covered, in the region, through the access layer.

    A card household counts as covered when the latest match run found members on the dibao or tekun roll, or when
    it has an active dibao enrolment of its own (e.g. approved in the campaign since that run)."""
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


# --- funds per month (the watch app's payroll, summed) -------------------------------------------------------------

FUND_KINDS = ("dibao", "tekun", "temporary")
FUND_OF = {  # doudi.monitor.payroll.PayKind -> the dashboard's three funds
    "dibao": "dibao",
    "gradual_exit": "dibao",
    "tekun_basic": "tekun",
    "tekun_care": "tekun",
    "temporary": "temporary",
}
CHILD_LENGTH = {2: 6, 4: 6, 6: 9, 9: 12}  # a region's code length -> its children's, for the funds table


@dataclass(frozen=True)
class FundRow:
    key: str  # "2020-05" for a month, a division code for an area
    label: str
    fen: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.fen.values())


def funds(user: Any, region: str, last: date, months: int = 6) -> tuple[list[FundRow], list[FundRow]]:
    """Dibao, tekun and temporary assistance due per month (the `months` months ending with `last`), and per
    child area of `region` in the last month, in fen, region-scoped.

    The same rules as the payroll of doudi.watch (watch.queries.payroll: dated amount changes, gradual exit,
    suspension, no payment after the month of death), read as plain columns in five queries for all the months
    at once, so the dashboard stays fast on a large county; tests/functional/web/test_funds.py holds the two
    equal."""
    from doudi.rules.timelines import add_months, month_of

    first = add_months(month_of(last), 1 - months)
    window = [add_months(first, n) for n in range(months)]
    length = CHILD_LENGTH.get(len(region), len(region))
    lines = [*_dibao_due(user, region, window), *_tekun_due(user, region, window)]
    lines += _temporary_due(user, region, window)
    zero = dict.fromkeys(FUND_KINDS, 0)
    per_month = {m: dict(zero) for m in window}
    per_area: dict[str, dict[str, int]] = {}
    for month, village, kind, fen in lines:
        per_month[month][kind] += fen
        if month == window[-1]:
            per_area.setdefault(village[:length], dict(zero))[kind] += fen
    by_month = [FundRow(f"{m:%Y-%m}", f"{m:%Y-%m}", per_month[m]) for m in window]
    return by_month, [FundRow(code, place_name(code), per_area[code]) for code in sorted(per_area)]


Due = tuple[date, str, str, int]  # (month, village code, fund kind, fen)


def _end_of(month: date) -> date:
    from doudi.rules.timelines import add_months

    return add_months(month, 1) - timedelta(days=1)


def _dead_before(alive: bool, died: date | None, month: date) -> bool:
    return not alive and died is not None and died < month


def _dibao_due(user: Any, region: str, window: list[date]) -> list[Due]:
    from collections import defaultdict

    from doudi.registry.models import DibaoMember
    from doudi.watch.models import BenefitChange

    enrolments = (
        access.dibao_enrolments_for(user)
        .filter(household__village_code__startswith=region)
        .exclude(end_date__lt=window[0])
        .exclude(start_date__gt=_end_of(window[-1]))
        .exclude(status="suspended")
    )
    changes: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
    for row in BenefitChange.objects.filter(enrolment__in=enrolments.values("pk")).values_list(
        "enrolment_id", "effective_month", "amount_before_fen", "amount_after_fen"
    ):
        changes[row[0]].append(row[1:])
    deaths: dict[int, list[tuple[bool, date | None]]] = defaultdict(list)
    for pk, alive, died in DibaoMember.objects.filter(enrolment__in=enrolments.values("pk")).values_list(
        "enrolment_id", "person__alive", "person__death_date"
    ):
        deaths[pk].append((alive, died))
    months = [(month, _end_of(month)) for month in window]
    out: list[Due] = []
    for pk, village, start, end, gradual_end, amount, alive, died in enrolments.values_list(
        "pk", "household__village_code", "start_date", "end_date", "gradual_exit_end", "monthly_amount_fen",
        "person__alive", "person__death_date",
    ):  # fmt: skip
        members = deaths.get(pk) or ([(alive, died)] if alive is not None else [])
        # every member dead (with a date): nothing is due after the month of the last death
        last_death = _last_death(members)
        ordered = sorted(changes[pk]) if pk in changes else None
        for month, month_end in months:
            if (end is not None and end < month) or (start is not None and start > month_end):
                continue
            if gradual_end is not None and gradual_end < month:
                continue
            if last_death is not None and last_death < month:
                continue
            due = _amount_due(amount, ordered, month) if ordered else amount
            if due > 0:
                out.append((month, village, "dibao", due))
    return out


def _last_death(members: list[tuple[bool, date | None]]) -> date | None:
    """The latest death date when every member is dead with a known date (so that `_dead_before` holds for all
    of them in a month exactly when it holds for this date); else None (someone lives: always due)."""
    if not members or any(alive or died is None for alive, died in members):
        return None
    return max(died for _alive, died in members if died is not None)


def _amount_due(amount: int, changes: list[tuple[date, int, int]], month: date) -> int:
    past = [after for effective, _before, after in changes if effective <= month]
    if past:
        return past[-1]
    return changes[0][1] if changes else amount


def _tekun_due(user: Any, region: str, window: list[date]) -> list[Due]:
    enrolments = (
        access.tekun_enrolments_for(user)
        .filter(person__village_code__startswith=region)
        .exclude(end_date__lt=window[0])
        .exclude(start_date__gt=_end_of(window[-1]))
    )
    months = [(month, _end_of(month)) for month in window]
    out: list[Due] = []
    for village, start, end, basic, care, alive, died in enrolments.values_list(
        "person__village_code", "start_date", "end_date", "basic_standard_fen", "care_standard_fen",
        "person__alive", "person__death_date",
    ):  # fmt: skip
        for month, month_end in months:
            if (end is not None and end < month) or (start is not None and start > month_end):
                continue
            if not _dead_before(alive, died, month) and (basic or care):
                out.append((month, village, "tekun", (basic or 0) + (care or 0)))
    return out


def _temporary_due(user: Any, region: str, window: list[date]) -> list[Due]:
    from doudi.rules.timelines import month_of

    payments = access.temporary_assistance_for(user).filter(
        paid_on__gte=window[0], paid_on__lte=_end_of(window[-1])
    )
    if region:
        payments = payments.filter(
            Q(person__village_code__startswith=region) | Q(household__village_code__startswith=region)
        )
    return [
        (month_of(paid), household_village or person_village or "", "temporary", fen)
        for paid, household_village, person_village, fen in payments.values_list(
            "paid_on", "household__village_code", "person__village_code", "amount_fen"
        )
    ]


# --- match evidence of a household (doudi.matching) ----------------------------------------------------------------


@dataclass(frozen=True)
class LinkEvidence:
    member: str
    roll: str  # 低保 / 特困
    roll_person: str  # name and masked ID, or a note that the record lies outside the user's scope
    roll_village: str
    stage: str
    band: str
    probability: float
    weight: float
    fields: list[tuple[str, str]]  # (compared field, how it agreed), in Chinese
    review: str  # the clerical review's decision, if the pair went to review

    @property
    def percent(self) -> str:
        return f"{self.probability * 100:.1f}%"


@dataclass(frozen=True)
class MatchEvidence:
    run: Any  # matching.MatchRun
    coverage: str  # the household's coverage class, in Chinese
    rolls: list[str]
    uncovered: list[str]  # members found on no roll
    conflicts: list[str]
    links: list[LinkEvidence]


def match_evidence(user: Any, household: Any) -> MatchEvidence | None:
    """Which roll covers the household in the latest match run, and each matched record with its scores and the
    fields that agreed. Roll persons are read through the access layer: one outside the user's scope is named
    only as such."""
    from doudi.core.ids import mask
    from doudi.linkage.labels import FIELD, LEVEL, ROSTER
    from doudi.matching.models import HouseholdCoverage, PersonLink

    run = latest_run_for(household.village_code)
    if run is None:
        return None
    coverage = HouseholdCoverage.objects.filter(run=run, household=household).first()
    links = list(
        PersonLink.objects.filter(run=run, poverty_household=household)
        .select_related("poverty_person", "review")
        .order_by("poverty_person_id", "-match_probability")
    )
    visible = access.persons_for(user).in_bulk([link.roll_person_id for link in links])

    def roll_person(link: Any) -> tuple[str, str]:
        person = visible.get(link.roll_person_id)
        if person is None:
            return _("(不在您的管辖范围内)"), ""
        return (
            f"{person.name} {mask(person.id_number) if person.id_number else ''}".strip(),
            person.village_code,
        )

    rows = []
    for link in links:
        shown, village = roll_person(link)
        review = getattr(link, "review", None)
        rows.append(
            LinkEvidence(
                member=link.poverty_person.name,
                roll=ROSTER.get(link.roll, link.roll),
                roll_person=shown,
                roll_village=place_name(village) if village else "",
                stage=link.get_stage_display(),
                band=link.get_band_display(),
                probability=link.match_probability,
                weight=link.match_weight,
                fields=[
                    (FIELD.get(k, k), LEVEL.get(str(v), str(v)))
                    for k, v in (link.evidence or {}).get("fields", {}).items()
                ],
                review=review.get_decision_display() if review is not None else "",
            )
        )
    detail = coverage.detail if coverage is not None else {}
    return MatchEvidence(
        run=run,
        coverage=coverage.get_coverage_class_display() if coverage is not None else _("本次比对未涉及该户"),
        rolls=[ROSTER.get(r, r) for r in detail.get("rosters", [])],
        uncovered=[str(name) for name in detail.get("uncovered_names", [])],
        conflicts=list(detail.get("conflicts", [])),
        links=rows,
    )


# --- the campaign's outcome, written back per person in the poverty registry's roster form ------------------------

# ROSTERS.md §1's header names first (so the poverty office's own tools map them), then the outcome.
FEN_COLUMN = 15  # 月保障金(元): written as a number of yuan
OUTCOME_COLUMNS = (
    "序号", "县(市、区)", "乡(镇)", "行政村", "户编号", "姓名", "证件号码", "与户主关系", "兜底保障标识",
    "比对结果", "研判结论", "办理状态", "认定结论", "纳入方式", "保障对象", "月保障金(元)", "未纳入原因",
    "审定日期",
)  # fmt: skip


def _outcome_text(code: str) -> str:
    from doudi.registry.models.assessments import OUTCOME_CHOICES

    return dict(OUTCOME_CHOICES).get(code, code)


def _case_reasons(case: Case) -> str:
    from doudi.campaign import reason_text

    codes = [case.reason_code] if case.reason_code else []
    return ";".join(reason_text(c) for c in codes)


def _case_columns(case: Case, coverage: str) -> list[Any]:
    state = State(case.state)
    decided = "纳入" if case.decision == "eligible" else "不纳入" if case.decision == "not_eligible" else ""
    return [
        coverage,
        _outcome_text(case.assessment_outcome),
        state.text,
        _(decided) if decided else "",
        case.get_program_display() if case.program else "",
    ]


def outcome_rows(user: Any, campaign: Campaign, region: str, full_ids: bool) -> list[list[Any]]:
    """One row per current member of each case's household in `region`, the case's outcome beside the roster
    columns. The monthly amount (fen) stands on the row of the person it is paid to (single-person and tekun) or of
    the head (whole-household dibao), so the column sums to the money. IDs are masked unless `full_ids`."""
    from doudi.core.ids import mask
    from doudi.matching.models import HouseholdCoverage

    cases = list(
        region_cases(user, campaign, region)
        .select_related("household", "meeting")
        .order_by("village_code", "household__household_no", "id")
    )
    households = [c.household_id for c in cases]
    members: dict[int, list[Any]] = {}
    for m in (
        access.memberships_for(user)
        .filter(household__in=households, valid_to__isnull=True)
        .select_related("person")
        .order_by("household_id", "id")
    ):
        members.setdefault(m.household_id, []).append(m)
    run = latest_run_for(region)
    classes = dict(
        HouseholdCoverage.objects.filter(run=run, household__in=households).values_list(
            "household_id", "coverage_class"
        )
        if run is not None
        else []
    )
    labels = dict(HouseholdCoverage._meta.get_field("coverage_class").choices or [])
    rows: list[list[Any]] = []
    for case in cases:
        household = case.household
        common = _case_columns(case, str(labels.get(classes.get(case.household_id, ""), "")))
        paid_to = case.person_id or household.head_id
        for m in members.get(case.household_id, []):
            person = m.person
            number = person.id_number or ""
            rows.append([
                len(rows) + 1, place_name(household.county_code), place_name(household.township_code),
                place_name(household.village_code), household.household_no, person.name,
                number if full_ids else (mask(number) if number else ""), m.get_relation_display(),
                _("是") if case.safety_net else _("否"), *common,
                _("是") if person.pk == case.person_id else "",
                case.benefit_fen if case.benefit_fen and person.pk == paid_to else None,
                _case_reasons(case),
                case.meeting.held_on.isoformat() if case.meeting else "",
            ])  # fmt: skip
    return rows
