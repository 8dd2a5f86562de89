"""What a transition writes outside the case: enrolments, referrals, the poverty registration.

Called only from doudi.casework.actions, inside its transaction. Each function gets the case (already carrying
its new values) and returns a small JSON-able note for the case's history event.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from doudi.campaign import Program, TransitionError, Write
from doudi.registry.models import (
    DibaoEnrolment,
    DibaoMember,
    DibaoStatus,
    PovertyRegistration,
    TekunEnrolment,
)

from .models import Case, CommitteeMeeting, Referral

SAFETY_NET = "兜底保障"
_SEPARATORS = re.compile(r"[,,、;;/\s]+")


def _open_members(case: Case) -> list[int]:
    return list(
        case.household.memberships.filter(valid_to__isnull=True)
        .values_list("person_id", flat=True)
        .order_by("id")
    )


def _check_no_running_dibao(case: Case) -> None:
    running = DibaoEnrolment.objects.filter(
        household=case.household, single_person=False, end_date__isnull=True
    )
    if case.program == Program.DIBAO and running.exists():
        raise TransitionError(
            _("该户已有在保的低保记录, 不能重复纳入; 请将本案按“已在保,转日常管理”办理, 或先停保原记录"),
            "state",
        )


def _create_dibao(case: Case, today: date) -> dict[str, Any]:
    single = case.program == Program.SINGLE_PERSON
    members = [case.person_id] if single else _open_members(case)
    enrolment = DibaoEnrolment.objects.create(
        household=case.household,
        single_person=single,
        person_id=case.person_id if single else None,
        covered_members=len(members),
        monthly_amount_fen=case.benefit_fen,
        start_date=today,
    )
    DibaoMember.objects.bulk_create([DibaoMember(enrolment=enrolment, person_id=pid) for pid in members])
    case.dibao_enrolment = enrolment
    return {"dibao_enrolment": enrolment.pk, "covered_members": len(members)}


def _create_tekun(case: Case, today: date) -> dict[str, Any]:
    enrolment = TekunEnrolment.objects.create(
        person_id=case.person_id,
        household=case.household,
        support_mode="home",
        basic_standard_fen=case.benefit_fen,
        start_date=today,
    )
    case.tekun_enrolment = enrolment
    return {"tekun_enrolment": enrolment.pk}


def create_enrolment(case: Case, today: date, **_: Any) -> dict[str, Any]:
    """Approval: a new dibao (household or single-person) or tekun enrolment, dated the approval day, with the
    benefit from the assessment (or as amended on approval)."""
    _check_no_running_dibao(case)
    if case.program == Program.TEKUN:
        return _create_tekun(case, today)
    return _create_dibao(case, today)


def update_enrolment(case: Case, today: date, **_: Any) -> dict[str, Any]:
    if case.dibao_enrolment_id:
        DibaoEnrolment.objects.filter(pk=case.dibao_enrolment_id).update(monthly_amount_fen=case.benefit_fen)
        return {"dibao_enrolment": case.dibao_enrolment_id, "monthly_amount_fen": case.benefit_fen}
    TekunEnrolment.objects.filter(pk=case.tekun_enrolment_id).update(basic_standard_fen=case.benefit_fen)
    return {"tekun_enrolment": case.tekun_enrolment_id, "basic_standard_fen": case.benefit_fen}


def end_enrolment(case: Case, today: date, **_: Any) -> dict[str, Any]:
    if case.dibao_enrolment_id:
        enrolment = DibaoEnrolment.objects.get(pk=case.dibao_enrolment_id)
        enrolment.end_date, enrolment.status = today, DibaoStatus.ENDED
        enrolment.save(update_fields=["end_date", "status"])
        return {"dibao_enrolment": enrolment.pk, "ended_on": today.isoformat()}
    tekun = TekunEnrolment.objects.get(pk=case.tekun_enrolment_id)
    tekun.end_date = today
    tekun.save(update_fields=["end_date"])
    return {"tekun_enrolment": tekun.pk, "ended_on": today.isoformat()}


def notify_poverty_office(case: Case, today: date, **_: Any) -> dict[str, Any]:
    """The poverty office reads not-eligible cases with their reasons from the case list; the event is the note."""
    return {"reason_code": case.reason_code}


def committee_record(
    case: Case, today: date, meeting: CommitteeMeeting | None = None, **_: Any
) -> dict[str, Any]:
    case.meeting = meeting
    return {"meeting": meeting.pk if meeting else None}


def referral(case: Case, today: date, user: Any = None, measures: str = "", **_: Any) -> dict[str, Any]:
    made = Referral.objects.create(case=case, measures=measures, sent_on=today, created_by=user)
    return {"referral": made.pk}


def without_safety_net(pathway: str) -> str:
    """'产业帮扶、兜底保障' -> '产业帮扶': drop every part of the pathway that names the safety net."""
    parts = [part for part in _SEPARATORS.split(pathway) if part and SAFETY_NET not in part]
    return "、".join(parts)


def remove_safety_net(case: Case, today: date, **_: Any) -> dict[str, Any]:
    """S4: the poverty office deletes the 社会救助兜底保障 pathway of a household not covered (with history)."""
    registration = PovertyRegistration.objects.filter(household=case.household).first()
    if registration is None:
        return {"poverty_registration": None}
    before = {"exit_pathway": registration.exit_pathway, "safety_net_mark": registration.safety_net_mark}
    registration.exit_pathway = without_safety_net(registration.exit_pathway)
    registration.safety_net_mark = False
    registration._change_reason = f"兜底保障行动审定不纳入, 个案 {case.pk}"  # type: ignore[attr-defined]
    registration.save()
    return {
        "poverty_registration": registration.pk,
        "before": before,
        "exit_pathway": registration.exit_pathway,
    }


PERFORM = {
    Write.ENROLMENT_CREATE: create_enrolment,
    Write.ENROLMENT_UPDATE: update_enrolment,
    Write.ENROLMENT_END: end_enrolment,
    Write.NOTIFY_POVERTY_OFFICE: notify_poverty_office,
    Write.COMMITTEE_RECORD: committee_record,
    Write.REFERRAL: referral,
    Write.REMOVE_SAFETY_NET: remove_safety_net,
}
