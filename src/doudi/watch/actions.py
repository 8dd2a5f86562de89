"""The write paths of 动态管理: `change_benefit` (the one action that changes a dibao enrolment's amount,
end date or gradual exit), `record_review`, `record_change` and `import_deaths`.

Every action runs in one transaction and leaves an AuditEvent (doudi.registry.audit.record); the enrolment's
own history (django-simple-history) keeps the before and after of each change.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from doudi.monitor.reviews import Decision, decide, next_due
from doudi.registry import models as m
from doudi.registry.access import in_scope
from doudi.registry.audit import record
from doudi.rules.engine import Assessment
from doudi.rules.reasons import Outcome, Reason
from doudi.rules.timelines import month_of

from .assess import reassess
from .models import BenefitChange, ChangeEvent, ChangeKind, Review, ReviewFlag, VisitResult, WarningVisit


class WatchError(Exception):
    """A refused action, with a Chinese message saying why and what to do."""


def _check_scope(user: Any, household: m.Household) -> None:
    if user is not None and not in_scope(user, household.village_code):
        raise WatchError(_("家庭户 %(h)s 不在您的管辖范围内") % {"h": household})


def current_dibao(household: m.Household, on: date) -> m.DibaoEnrolment | None:
    """The household's whole-household dibao in force on `on` (active or in gradual exit)."""
    return (
        household.dibao_enrolments.filter(single_person=False, status__in=["active", "gradual_exit"])
        .exclude(end_date__lt=on)
        .exclude(start_date__gt=on)
        .order_by("-start_date", "-pk")
        .first()
    )


def _last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _still_covered(a: Assessment) -> bool:
    return a.outcome == Outcome.ALREADY_COVERED and (a.benefit > 0 or Reason.P3_GRADUAL_EXIT in a.reasons)


def change_benefit(
    user: Any, enrolment: m.DibaoEnrolment, a: Assessment, effective_month: date, cause: str
) -> Decision:
    """增发/减发/停发 or 救助渐退 from `effective_month`, as the assessment `a` says. The one write path."""
    month = month_of(effective_month)
    if _exit_over(
        enrolment, month
    ):  # left dibao when the gradual exit ended: coming back is a new application
        _end_gradual_exit(user, enrolment, cause)
        return Decision.STOP
    gradual = Reason.P3_GRADUAL_EXIT in a.reasons and enrolment.status != "gradual_exit"
    before = enrolment.monthly_amount_fen
    decision = decide(before, a.benefit, _still_covered(a), gradual)
    # income fell back below the standard during a gradual exit: the household stays in dibao (active again)
    resume = (
        enrolment.status == "gradual_exit" and _still_covered(a) and Reason.P3_GRADUAL_EXIT not in a.reasons
    )
    if decision == Decision.UNCHANGED and not resume:
        return decision
    with transaction.atomic():
        if decision == Decision.STOP:
            enrolment.end_date, enrolment.status = month - timedelta(days=1), "ended"
        elif decision == Decision.GRADUAL_EXIT:
            last = [s for s in a.gradual_exit if s.state == "gradual_exit"][-1]
            enrolment.status, enrolment.gradual_exit_end = "gradual_exit", _last_day(last.month)
        else:
            enrolment.monthly_amount_fen = a.benefit
        if resume:
            enrolment.status, enrolment.gradual_exit_end = "active", None
        enrolment.save()
        after = 0 if decision == Decision.STOP else enrolment.monthly_amount_fen
        BenefitChange.objects.create(
            enrolment=enrolment,
            effective_month=month,
            decision=decision.value,
            amount_before_fen=before,
            amount_after_fen=after,
            cause=cause[:200],
        )
        record(
            user,
            "benefit_change",
            enrolment,
            enrolment.household.village_code,
            decision=decision.value,
            effective_month=month.isoformat(),
            amount_before_fen=before,
            amount_after_fen=after,
            gradual_exit_end=enrolment.gradual_exit_end.isoformat() if enrolment.gradual_exit_end else None,
            cause=cause,
        )
    return decision


@dataclass
class NewIncome:
    kind: str  # doudi.registry IncomeKind value
    amount_fen: int  # over the last 12 months
    person: m.Person | None = None


@dataclass
class NewProperty:
    kind: str  # doudi.registry PropertyKind value
    value_fen: int
    description: str = ""
    person: m.Person | None = None


@dataclass
class ReviewInput:
    reviewed_on: date
    effective_month: date
    irregular_income: bool = False
    income: list[NewIncome] = field(default_factory=list)
    replace_income: bool = True  # the review's figures replace the household's earlier income items
    property: list[NewProperty] = field(default_factory=list)


def _write_circumstances(household: m.Household, r: ReviewInput) -> None:
    if r.replace_income and r.income:
        members = [ms.person_id for ms in household.memberships.filter(valid_to__isnull=True)]
        counted = Q(period_end__isnull=True) | Q(period_end__gt=r.reviewed_on - timedelta(days=365))
        old = m.IncomeItem.objects.filter(Q(household=household) | Q(person__in=members)).filter(counted)
        for item in old:  # one save each, so the registry's history keeps the before and after
            item.period_end = r.reviewed_on - timedelta(days=366)
            item.save(update_fields=["period_end"])
    for i in r.income:
        m.IncomeItem.objects.create(
            household=None if i.person else household,
            person=i.person,
            kind=i.kind,
            amount_fen=i.amount_fen,
            period_start=r.reviewed_on - timedelta(days=365),
            period_end=r.reviewed_on,
        )
    for p in r.property:
        m.PropertyItem.objects.create(
            household=None if p.person else household,
            person=p.person,
            kind=p.kind,
            value_fen=p.value_fen,
            description=p.description,
        )


def record_review(user: Any, household: m.Household, r: ReviewInput) -> Review:
    """Record a periodic review: new income and property, the rules' reassessment, and the benefit change
    it implies from `effective_month`, all in one transaction."""
    _check_scope(user, household)
    if month_of(r.effective_month) < month_of(r.reviewed_on):
        raise WatchError(
            _("生效月份 %(m)s 早于核查日期 %(d)s; 核查结果只能从核查当月或以后生效")
            % {"m": r.effective_month.isoformat()[:7], "d": r.reviewed_on.isoformat()}
        )
    with transaction.atomic():
        _write_circumstances(household, r)
        a = reassess(household, r.reviewed_on, r.irregular_income)
        enrolment = current_dibao(household, r.reviewed_on)
        before = enrolment.monthly_amount_fen if enrolment else 0
        decision = Decision.UNCHANGED
        if enrolment is not None:
            decision = change_benefit(user, enrolment, a, r.effective_month, _("定期核查"))
        after = 0 if decision == Decision.STOP else (enrolment.monthly_amount_fen if enrolment else 0)
        months = a.review_months
        review = Review.objects.create(
            household=household,
            reviewed_on=r.reviewed_on,
            effective_month=month_of(r.effective_month),
            irregular_income=r.irregular_income,
            outcome=a.outcome.value,
            decision=decision.value,
            amount_before_fen=before,
            amount_after_fen=after,
            next_due=next_due(r.reviewed_on, months) if months else None,
            result=a.as_json(explanation=False),
            reviewed_by=user if getattr(user, "pk", None) else None,
        )
        record(
            user, "review", review, household.village_code, decision=decision.value, outcome=a.outcome.value
        )
    return review


# Change events -----------------------------------------------------------------------------------------


def _apply(kind: str, household: m.Household, person: m.Person | None, on: date) -> None:
    """What a change does to the registry before the household is reassessed."""
    if kind == ChangeKind.DEATH and person is not None:
        person.alive, person.death_date = False, on
        person.save()
    elif kind == ChangeKind.MOVE and person is not None:
        m.Membership.objects.filter(person=person, household=household, valid_to__isnull=True).update(
            valid_to=on
        )


def _reopen(household: m.Household, cause: str, on: date, user: Any) -> int:
    from doudi.casework.actions import reopen_on_change

    return len(reopen_on_change(household, cause, on, user))


def record_change(
    user: Any,
    household: m.Household,
    kind: str,
    occurred_on: date,
    person: m.Person | None = None,
    detail: dict[str, Any] | None = None,
    source: str = "",
    *,
    registry_changed: bool = False,
) -> ChangeEvent:
    """Record a change (birth, death, move, income, disability, illness, new roster) and reassess the
    household: when the rules' outcome or monthly total changes, the event is marked for action and any
    settled campaign case of the household is reopened (doudi.casework.actions.reopen_on_change).

    `registry_changed`: the registry already holds the change (a newer roster changed the card household's
    members, enrolment or status; doudi.watch.hooks). S5 then reassesses the household in any case: the
    event is marked for action and settled cases reopen; the "before" figures are the household's latest
    stored assessment (doudi.registry AssessmentResult), when there is one."""
    _check_scope(user, household)
    if kind not in ChangeKind.values:
        raise WatchError(
            _("变化类型 %(k)s 无效; 可选: %(c)s") % {"k": kind, "c": "、".join(ChangeKind.values)}
        )
    if kind in (ChangeKind.DEATH, ChangeKind.MOVE) and person is None:
        raise WatchError(_("死亡或迁出须指明是哪一位家庭成员"))
    with transaction.atomic():
        if registry_changed:
            after = _figures(_safe_assess(household, occurred_on))
            before = _stored(household) or after
            changed = True
        else:
            before = _figures(_safe_assess(household, occurred_on))
            _apply(kind, household, person, occurred_on)
            after = _figures(_safe_assess(household, occurred_on))
            changed = before != after
        label = ChangeKind(kind).label
        reopened = (
            _reopen(household, f"{label}: {occurred_on.isoformat()}", occurred_on, user) if changed else 0
        )
        event = ChangeEvent.objects.create(
            kind=kind,
            household=household,
            person=person,
            occurred_on=occurred_on,
            detail=detail or {},
            source=source[:200],
            outcome_before=before[0],
            outcome_after=after[0],
            total_before_fen=before[1],
            total_after_fen=after[1],
            needs_action=changed,
            cases_reopened=reopened,
            recorded_by=user if getattr(user, "pk", None) else None,
        )
        record(user, "change_event", event, household.village_code, kind=kind, needs_action=changed)
    return event


def _figures(a: Assessment | None) -> tuple[str, int]:
    """(outcome, monthly total in fen); ("", 0) when the record is incomplete."""
    return (a.outcome.value, a.total) if a is not None else ("", 0)


def _stored(household: m.Household) -> tuple[str, int] | None:
    last = household.assessments.order_by("-assessed_on", "-created_at", "-pk").first()
    return (last.outcome, last.total_fen) if last is not None else None


def _safe_assess(household: m.Household, on: date) -> Assessment | None:
    from doudi.registry.assessment import IncompleteRecord

    try:
        return reassess(household, on)
    except (IncompleteRecord, ValueError):
        return None


__all__ = [
    "NewIncome",
    "NewProperty",
    "ReviewInput",
    "WatchError",
    "change_benefit",
    "close_gradual_exits",
    "current_dibao",
    "record_change",
    "record_review",
    "record_visit",
    "resolve_flag",
]


def record_visit(
    user: Any, household: m.Household, visited_on: date, result: str, signals: list[str], note: str = ""
) -> WarningVisit:
    """Record a visit to a household on an early-warning list and its result."""
    _check_scope(user, household)
    if result not in VisitResult.values:
        raise WatchError(
            _("走访结果 %(r)s 无效; 可选: %(c)s") % {"r": result, "c": "、".join(VisitResult.values)}
        )
    with transaction.atomic():
        visit = WarningVisit.objects.create(
            household=household,
            visited_on=visited_on,
            signals=signals,
            result=result,
            note=note,
            visited_by=user if getattr(user, "pk", None) else None,
        )
        record(user, "warning_visit", visit, household.village_code, result=result, signals=signals)
    return visit


def resolve_flag(user: Any, flag: ReviewFlag, on: date, resolution: str) -> ReviewFlag:
    """Close a review flag (a person missing from a newer roster) with what the caseworker found."""
    if not in_scope(user, flag.village_code):
        raise WatchError(_("该待核查事项不在您的管辖范围内"))
    if not resolution.strip():
        raise WatchError(_("请写明核查结果, 如: 已死亡, 已迁出, 名册漏报"))
    if flag.resolved_on is not None:
        raise WatchError(_("该事项已于 %(d)s 处理") % {"d": flag.resolved_on.isoformat()})
    with transaction.atomic():
        flag.resolved_on, flag.resolution = on, resolution.strip()[:200]
        flag.resolved_by = user if getattr(user, "pk", None) else None
        flag.save(update_fields=["resolved_on", "resolution", "resolved_by"])
        record(user, "review_flag_resolved", flag, flag.village_code, resolution=flag.resolution)
    return flag


def _exit_over(e: m.DibaoEnrolment, month: date) -> bool:
    return e.status == "gradual_exit" and e.gradual_exit_end is not None and e.gradual_exit_end < month


def _end_gradual_exit(user: Any, e: m.DibaoEnrolment, cause: str) -> None:
    """渐退期满: the enrolment ends on the gradual exit's last day, with a dated 停发 from the month after."""
    end = e.gradual_exit_end
    assert end is not None
    month = end + timedelta(days=1)
    with transaction.atomic():
        e.status, e.end_date = "ended", end
        e.save()
        BenefitChange.objects.create(
            enrolment=e,
            effective_month=month,
            decision=Decision.STOP.value,
            amount_before_fen=e.monthly_amount_fen,
            amount_after_fen=0,
            cause=cause[:200],
        )
        record(
            user,
            "benefit_change",
            e,
            e.household.village_code,
            decision=Decision.STOP.value,
            effective_month=month.isoformat(),
            amount_before_fen=e.monthly_amount_fen,
            amount_after_fen=0,
            cause=cause,
        )


def close_gradual_exits(user: Any, on: date, region: str = "") -> list[m.DibaoEnrolment]:
    """End every dibao enrolment whose gradual exit (P3) was over before `on` (渐退期满, 退出低保)."""
    from doudi.registry.access import dibao_enrolments_for

    expired = (
        dibao_enrolments_for(user)
        .filter(status="gradual_exit", gradual_exit_end__lt=on, household__village_code__startswith=region)
        .select_related("household")
        .order_by("pk")
    )
    closed = []
    for e in expired:
        _end_gradual_exit(user, e, _("救助渐退期满, 退出低保"))
        closed.append(e)
    return closed
