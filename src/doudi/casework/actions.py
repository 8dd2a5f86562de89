"""The one write path of the campaign (in the style of Zulip's actions/): every function here checks the
actor's role and region through the access layer, changes state, and writes the case history (CaseEvent) and
the audit record (registry.audit.record) in one transaction. Views, the API and the CLI call only these.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.base import File
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.campaign import (
    CaseSnapshot,
    Event,
    State,
    Step,
    TransitionError,
    apply,
    check_deadlines,
    default_deadlines,
)
from doudi.core.divisions import Level, UnknownDivision, yunnan
from doudi.registry import audit
from doudi.registry.models import Household, PovertyRegistration, Role

from .access import cases_for, covers, get_case_for_user, role_of
from .effects import PERFORM
from .models import Campaign, Case, CaseEvent, CommitteeMeeting
from .snapshots import due_fields, snapshot, store

CAMPAIGN_ROLES = frozenset({Role.COUNTY_CIVIL, Role.COUNTY_POVERTY, Role.ADMIN})
MUTABLE = (
    "state",
    "due_step",
    "due_date",
    "decision",
    "program",
    "benefit_fen",
    "person_id",
    "reason_code",
    "note",
    "disputed",
    "approved_by",
    "enrolled",
    "reopen_count",
    "meeting_id",
    "dibao_enrolment_id",
    "tekun_enrolment_id",
)


class CaseworkError(Exception):
    """An action refused. `kind`: forbidden (role or scope), conflict (someone else changed the case first, or
    the state does not allow it), invalid (bad input), not_found. The message is Chinese and says what to do."""

    def __init__(self, message: str, kind: str = "invalid") -> None:
        super().__init__(message)
        self.kind = kind


KIND_OF_TRANSITION_ERROR = {"role": "forbidden", "state": "conflict", "payload": "invalid"}


def _require_role(user: Any, roles: Iterable[str], what: str) -> str:
    role = role_of(user)
    if role not in roles:
        names = "、".join(str(Role(r).label) for r in roles)
        raise CaseworkError(
            _("您的角色不能%(what)s; 可执行的角色: %(names)s") % {"what": what, "names": names}, "forbidden"
        )
    return role


def _require_region(user: Any, region_code: str) -> None:
    if not covers(user, region_code):
        raise CaseworkError(_("区划 %(code)s 不在您的管辖范围内") % {"code": region_code}, "forbidden")


def _county(code: str) -> str:
    try:
        division = yunnan().get(code)
    except UnknownDivision:
        division = None
    if division is None or division.level is not Level.COUNTY:
        raise CaseworkError(
            _("%(code)s 不是县级区划代码; 请用 6 位县级统计区划代码, 如 532923") % {"code": code}
        )
    return division.name


# Campaigns -----------------------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    user: Any, year: int, county_code: str, deadlines: dict[Step, date] | None = None
) -> Campaign:
    """A county's campaign for a year, with the plan's default deadlines unless given."""
    _require_role(user, CAMPAIGN_ROLES, _("创建兜底保障行动"))
    name = _county(county_code)
    _require_region(user, county_code)
    if Campaign.objects.filter(year=year, county_code=county_code).exists():
        raise CaseworkError(
            _("%(name)s %(year)d 年的兜底保障行动已存在") % {"name": name, "year": year}, "conflict"
        )
    try:
        chosen = {**default_deadlines(year), **(deadlines or {})}
        check_deadlines(chosen)
    except ValueError as exc:
        raise CaseworkError(str(exc)) from None
    campaign = Campaign(
        year=year, county_code=county_code, name=f"{name}{year}年兜底保障行动", created_by=_who(user)
    )
    campaign.set_deadlines(chosen)
    campaign.save()
    audit.record(user, "campaign.create", campaign, region_code=county_code, deadlines=_iso(chosen))
    return campaign


@transaction.atomic
def set_deadlines(user: Any, campaign: Campaign, changes: dict[Step, date]) -> Campaign:
    """Edit step deadlines; every open case's due date follows."""
    _require_role(user, CAMPAIGN_ROLES, _("修改步骤截止日期"))
    _require_region(user, campaign.county_code)
    before = campaign.deadlines()
    try:
        check_deadlines({**before, **changes})
    except ValueError as exc:
        raise CaseworkError(str(exc)) from None
    campaign.set_deadlines(changes)
    campaign.save()
    for step, day in changes.items():
        Case.objects.filter(campaign=campaign, due_step=step.value).update(due_date=day)
    audit.record(
        user,
        "campaign.deadlines",
        campaign,
        region_code=campaign.county_code,
        before=_iso(before),
        after=_iso(campaign.deadlines()),
    )
    return campaign


def _iso(deadlines: dict[Step, date]) -> dict[str, str]:
    return {step.value: day.isoformat() for step, day in deadlines.items()}


def _who(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


# Opening cases (S1/S2 inputs) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseInput:
    """One household's inputs to the campaign: the S1 safety-net mark and/or the assessment (rules engine)."""

    household_id: int
    outcome: str = ""  # doudi.rules.reasons.Outcome value, '' if not assessed
    reasons: tuple[str, ...] = ()
    benefit_fen: int | None = None  # per month, from the assessment
    program: str = ""  # doudi.campaign.Program value suggested by the assessment
    person_id: int | None = None  # the person for single-person dibao or tekun
    safety_net: bool = False
    match_run_id: int | None = None  # the match run the coverage comes from (doudi.matching)
    coverage_class: str = ""  # matching.CoverageClass value, '' if not matched
    coverage: dict[str, Any] = field(default_factory=dict, compare=False)  # which roll, with the evidence


@dataclass
class OpenReport:
    created: int = 0
    refreshed: int = 0
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)


def safety_net_inputs(campaign: Campaign) -> list[CaseInput]:
    """The S1 list: card households of the county marked for the safety-net pathway by the poverty office."""
    marked = PovertyRegistration.objects.filter(
        safety_net_mark=True, household__county_code=campaign.county_code
    )
    return [CaseInput(household_id=h, safety_net=True) for h in marked.values_list("household_id", flat=True)]


def merge_inputs(inputs: Iterable[CaseInput]) -> dict[int, CaseInput]:
    """One input per household: the safety-net mark of any, the assessment of the last one that has one, the
    match coverage of the last one that has one."""
    merged: dict[int, CaseInput] = {}
    for item in inputs:
        old = merged.get(item.household_id)
        if old is None:
            merged[item.household_id] = item
            continue
        base = item if item.outcome else old
        matched = item if item.match_run_id else old
        merged[item.household_id] = CaseInput(
            item.household_id,
            base.outcome,
            base.reasons,
            base.benefit_fen,
            base.program,
            base.person_id,
            old.safety_net or item.safety_net,
            matched.match_run_id,
            matched.coverage_class,
            matched.coverage,
        )
    return merged


INPUT_FIELDS = (
    "assessment_outcome",
    "assessment_reasons",
    "benefit_fen",
    "program",
    "person_id",
    "safety_net",
    "match_run_id",
    "coverage_class",
    "coverage",
)
ASSESSMENT_FIELDS = INPUT_FIELDS[:5]
MATCH_FIELDS = INPUT_FIELDS[6:]


def _input_values(item: CaseInput) -> dict[str, Any]:
    return {
        "assessment_outcome": item.outcome,
        "assessment_reasons": list(item.reasons),
        "benefit_fen": item.benefit_fen,
        "program": item.program,
        "person_id": item.person_id,
        "safety_net": item.safety_net,
        "match_run_id": item.match_run_id,
        "coverage_class": item.coverage_class,
        "coverage": item.coverage,
    }


def _event_inputs(item: CaseInput) -> dict[str, Any]:
    """The inputs as the history records them: the evidence itself stays on the case."""
    values = _input_values(item)
    del values["coverage"]
    return values


def _refresh(case: Case, item: CaseInput) -> bool:
    """A case not yet past assessment takes the newest inputs; later states keep what was decided."""
    if case.state not in (State.RECEIVED, State.ASSESSING):
        return False
    values = _input_values(item)
    values["safety_net"] = case.safety_net or item.safety_net
    if not item.outcome:
        values = {k: v for k, v in values.items() if k not in ASSESSMENT_FIELDS}
    if not item.match_run_id:
        values = {k: v for k, v in values.items() if k not in MATCH_FIELDS}
    changed = {k: v for k, v in values.items() if getattr(case, k) != v}
    for name, value in changed.items():
        setattr(case, name, value)
    return bool(changed)


@transaction.atomic
def open_cases(user: Any, campaign: Campaign, inputs: Iterable[CaseInput], today: date) -> OpenReport:
    """Open one case per household of the inputs (idempotent: an existing case is refreshed or left alone)."""
    role = _require_role(user, {Role.COUNTY_CIVIL, Role.COUNTY_POVERTY}, _("建立个案"))
    _require_region(user, campaign.county_code)
    merged = merge_inputs(inputs)
    households = Household.objects.in_bulk(list(merged))
    report = OpenReport()
    existing = {
        c.household_id: c for c in Case.objects.filter(campaign=campaign, household_id__in=list(merged))
    }
    new_cases, events, refreshed = [], [], []
    for household_id, item in merged.items():
        household = households.get(household_id)
        if household is None or household.county_code != campaign.county_code:
            report.rejected.append(_("家庭户 %(id)s 不存在或不属于本县, 未立案") % {"id": household_id})
        elif household_id in existing:
            case = existing[household_id]
            if _refresh(case, item):
                refreshed.append(case)
                events.append(
                    _event(
                        case,
                        user,
                        role,
                        "refresh_inputs",
                        today,
                        State(case.state),
                        State(case.state),
                        _event_inputs(item),
                    )
                )
            else:
                report.unchanged += 1
        else:
            new_cases.append(_new_case(campaign, household, item, today))
    Case.objects.bulk_create(new_cases, batch_size=2000)
    for case in new_cases:
        events.append(
            _event(
                case, user, role, "open", today, None, State.RECEIVED, _event_inputs(item_of(merged, case))
            )
        )
    Case.objects.bulk_update(refreshed, [*INPUT_FIELDS, "updated_at"], batch_size=2000)
    CaseEvent.objects.bulk_create(events, batch_size=2000)
    report.created, report.refreshed = len(new_cases), len(refreshed)
    audit.record(
        user,
        "campaign.open_cases",
        campaign,
        region_code=campaign.county_code,
        created=report.created,
        refreshed=report.refreshed,
        unchanged=report.unchanged,
        rejected=len(report.rejected),
    )
    return report


def item_of(merged: dict[int, CaseInput], case: Case) -> CaseInput:
    return merged[case.household_id]


def _new_case(campaign: Campaign, household: Household, item: CaseInput, today: date) -> Case:
    case = Case(campaign=campaign, household=household, opened_on=today, **_input_values(item))
    case.set_village(household.village_code)
    for name, value in due_fields(State.RECEIVED, 0, campaign).items():
        setattr(case, name, value)
    return case


def _event(
    case: Case,
    user: Any,
    role: str,
    name: str,
    today: date,
    before: State | None,
    after: State,
    payload: dict[str, Any],
    writes: Sequence[str] = (),
) -> CaseEvent:
    return CaseEvent(
        case=case,
        on=today,
        user=_who(user),
        role=role,
        transition=name,
        from_state=before.value if before else "",
        to_state=after.value,
        payload=payload,
        writes=list(writes),
    )


# Transitions ---------------------------------------------------------------------------------------------


def _machine(
    case: Case, name: str, role: str, payload: dict[str, Any] | None, today: date, user: Any
) -> Event:
    """Run the pure state machine and copy its result onto the row (not saved)."""
    if not role:
        raise CaseworkError(_("您的账号没有角色, 不能办理个案; 请联系管理员设置角色和管辖区划"), "forbidden")
    try:
        result = apply(
            snapshot(case), name, role, payload, today, actor_id=str(getattr(user, "pk", "") or "")
        )
    except TransitionError as exc:
        raise CaseworkError(str(exc), KIND_OF_TRANSITION_ERROR[exc.kind]) from None
    if result.case.person_id and result.case.person_id != str(case.person_id or ""):
        _check_member(case, int(result.case.person_id))
    store(case, result.case, case.campaign)
    return result.events[0]


def _check_member(case: Case, person_id: int) -> None:
    """A single-person or tekun cover names a current member of the case's own household."""
    if not case.household.memberships.filter(person_id=person_id, valid_to__isnull=True).exists():
        raise CaseworkError(_("保障对象 %(id)s 不是本户的在册成员; 请选择本户成员") % {"id": person_id})


def _perform(
    case: Case, event: Event, user: Any, today: date, meeting: CommitteeMeeting | None = None
) -> dict[str, Any]:
    notes = {}
    for write in event.writes:
        try:
            notes[write.value] = PERFORM[write](
                case, today, user=_who(user), measures=event.payload.get("measures", ""), meeting=meeting
            )
        except TransitionError as exc:
            raise CaseworkError(str(exc), KIND_OF_TRANSITION_ERROR[exc.kind]) from None
    return notes


def _save(case: Case) -> None:
    """Write the case only if nobody changed it since it was read (optimistic lock on `version`)."""
    values = {name: getattr(case, name) for name in MUTABLE}
    now = timezone.now()
    saved = Case.objects.filter(pk=case.pk, version=case.version).update(
        **values, version=F("version") + 1, updated_at=now
    )
    if not saved:
        raise CaseworkError(_("该个案刚被其他人修改, 请刷新后重试"), "conflict")
    case.version += 1
    case.updated_at = now


def _take(user: Any, case: Case, name: str, payload: dict[str, Any] | None, today: date, role: str) -> Case:
    _refuse_related_official(user, case)
    before = State(case.state)
    event = _machine(case, name, role, payload, today, user)
    notes = _perform(case, event, user, today)
    _save(case)
    _event(
        case,
        user,
        role,
        name,
        today,
        before,
        event.to_state,
        {**event.payload, **notes},
        [w.value for w in event.writes],
    ).save()
    audit.record(
        user,
        f"case.{name}",
        case,
        region_code=case.village_code,
        from_state=before.value,
        to_state=event.to_state.value,
        writes=[w.value for w in event.writes],
    )
    return case


def _refuse_related_official(user: Any, case: Case) -> None:
    """Recusal (回避, 民发〔2021〕57号): an official with a filed near relative in the household may not act."""
    from doudi.feeds.conflicts import ConflictOfInterest, check_may_act

    try:
        check_may_act(user, case)
    except ConflictOfInterest as exc:
        raise CaseworkError(str(exc), "forbidden") from None


def take(
    user: Any,
    case_id: object,
    name: str,
    payload: dict[str, Any] | None,
    today: date,
    version: int | None = None,
) -> Case:
    """Take transition `name` on a case in the user's scope. With `version`, refuse if the case changed since."""
    if name == "committee_confirm":
        raise CaseworkError(
            _(
                "领导小组审定须记录会议并批量办理: 请用 doudi campaign committee 或 POST /api/campaigns/{id}/committee-meetings"
            )
        )
    try:
        get_case_for_user(user, case_id)  # NotInScope (404) before any lock
        with transaction.atomic():
            case = _locked(user, case_id)
            if version is not None and version != case.version:
                raise CaseworkError(
                    _("该个案已被其他人修改(您看到的是第 %(mine)d 版, 现为第 %(now)d 版), 请刷新后重试")
                    % {"mine": version, "now": case.version},
                    "conflict",
                )
            return _take(user, case, name, payload, today, role_of(user))
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        # SQLite: another writer holds the database; PostgreSQL waits on the row lock instead.
        raise CaseworkError(_("该个案正由其他人办理, 请稍后刷新重试"), "conflict") from None


def _locked(user: Any, case_id: object) -> Case:
    """The case, locked for this transaction. PostgreSQL locks the row (a second writer waits, then sees the new
    state); SQLite has no row locks, so the transaction takes the database write lock first with a no-op write,
    before reading, and a second writer is refused instead of both deadlocking."""
    if connection.vendor == "sqlite":
        Case.objects.filter(pk=case_id).update(version=F("version"))
    return cases_for(user).select_for_update().select_related("campaign", "household").get(pk=case_id)


# Committee meeting (S4) ----------------------------------------------------------------------------------


@transaction.atomic
def confirm_in_committee(
    user: Any,
    campaign: Campaign,
    held_on: date,
    attendees: str,
    case_ids: Sequence[int],
    today: date,
    minutes: File[Any] | None = None,
    note: str = "",
) -> CommitteeMeeting:
    """Record a leading-group meeting and confirm the listed cases in one batch; all or none."""
    role = _require_role(user, {Role.COUNTY_COMMITTEE}, _("记录领导小组审定"))
    _require_region(user, campaign.county_code)
    if not attendees.strip():
        raise CaseworkError(_("请填写参会人员"))
    meeting = CommitteeMeeting(
        campaign=campaign, held_on=held_on, attendees=attendees.strip(), note=note, created_by=_who(user)
    )
    if minutes is not None:
        meeting.minutes.save(getattr(minutes, "name", "minutes"), minutes, save=False)
    meeting.save()
    cases = list(cases_for(user).filter(campaign=campaign, pk__in=list(case_ids)).select_for_update())
    _check_all_found(case_ids, cases)
    events, failures, changes = _confirm_each(cases, campaign, meeting, role, today, user)
    if failures:
        shown = ";".join(failures[:10])
        more = _("等 %(n)d 户") % {"n": len(failures)} if len(failures) > 10 else ""
        raise CaseworkError(
            _("以下个案不能审定, 本次会议未记录: %(list)s%(more)s") % {"list": shown, "more": more},
            "conflict",
        )
    _save_many(changes)
    CaseEvent.objects.bulk_create(events, batch_size=2000)
    audit.record(
        user,
        "campaign.committee",
        meeting,
        region_code=campaign.county_code,
        held_on=held_on.isoformat(),
        cases=len(cases),
    )
    return meeting


def _check_all_found(case_ids: Sequence[int], cases: list[Case]) -> None:
    missing = sorted(set(case_ids) - {c.pk for c in cases})
    if missing:
        shown = "、".join(str(pk) for pk in missing[:20])
        raise CaseworkError(
            _("个案 %(ids)s 不存在、不属于本行动或不在您的管辖范围内") % {"ids": shown}, "not_found"
        )


def _confirm_each(
    cases: list[Case], campaign: Campaign, meeting: CommitteeMeeting, role: str, today: date, user: Any
) -> tuple[list[CaseEvent], list[str], list[tuple[Case, State, dict[str, Any]]]]:
    events, failures, changes = [], [], []
    for case in cases:
        case.campaign = campaign
        before, old = State(case.state), _values(case)
        try:
            event = _machine(case, "committee_confirm", role, {"meeting": meeting.pk}, today, user)
            notes = _perform(case, event, user, today, meeting)
        except CaseworkError as exc:
            failures.append(f"{case.pk}: {exc}")
            continue
        new = _values(case)
        changes.append((case, before, {k: v for k, v in new.items() if v != old[k]}))
        events.append(
            _event(
                case,
                user,
                role,
                "committee_confirm",
                today,
                before,
                event.to_state,
                {**event.payload, **notes},
                [w.value for w in event.writes],
            )
        )
    return events, failures, changes


def _values(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in MUTABLE}


def _save_many(changes: list[tuple[Case, State, dict[str, Any]]]) -> None:
    """Batch save: one UPDATE per distinct change (a committee batch has two or three), each guarded by the
    state the cases were read in; any case changed meanwhile makes the whole batch a conflict."""
    groups: dict[tuple[str, str], tuple[dict[str, Any], list[int]]] = {}
    for case, before, values in changes:
        key = (before.value, json.dumps(values, sort_keys=True, default=str))
        groups.setdefault(key, (values, []))[1].append(case.pk)
    now = timezone.now()
    for (before, _key), (values, pks) in groups.items():
        for start in range(0, len(pks), 900):
            chunk = pks[start : start + 900]
            saved = Case.objects.filter(pk__in=chunk, state=before).update(
                **values, version=F("version") + 1, updated_at=now
            )
            if saved != len(chunk):
                raise CaseworkError(
                    _("本批个案中有的刚被其他人修改, 本次会议未记录, 请刷新后重试"), "conflict"
                )


# S5: reopen on change ------------------------------------------------------------------------------------


def reopen_on_change(household: Household, cause: str, today: date, user: Any = None) -> list[Case]:
    """Called by whatever changes a card household, its members or its poverty pathway (importers, forms):
    every settled case of the household in a campaign whose S5 period is still running goes back to
    assessment. Acts as the `system` role; `user`, if given, is recorded as who caused it."""
    reopened = []
    with transaction.atomic():
        cases = (
            Case.objects.select_for_update()
            .select_related("campaign")
            .filter(
                household=household,
                state__in=[s.value for s in State if s.settled],
                campaign__s5_deadline__gte=today,
            )
        )
        for case in cases:
            reopened.append(_take(user, case, "reopen", {"cause": cause}, today, "system"))
    return reopened


def snapshot_of(case: Case) -> CaseSnapshot:
    return snapshot(case)
