"""The case page: members with masked IDs and an audited reveal, the explanation, the history, and the actions
of the user's role, submitted through casework.actions with validation messages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from doudi.campaign import State, allowed_transitions
from doudi.casework.models import Case, CaseEvent
from doudi.core.ids import mask
from doudi.registry.models import AuditEvent
from tests.functional.casework.helpers import OTHER_VILLAGE, County, marked_household

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def offered(html: str) -> set[str]:
    return set(re.findall(r'data-action="(\w+)"', html))


def post(client: Client, case: Case, name: str, extra: dict[str, str] | None = None, **headers: str):  # type: ignore[no-untyped-def]
    case.refresh_from_db()
    data = {f"{name}-version": str(case.version), **{f"{name}-{k}": v for k, v in (extra or {}).items()}}
    return client.post(f"/cases/{case.pk}/take/{name}/", data, **headers)


def test_members_are_masked_and_a_reveal_is_audited(client: Client, county: County) -> None:
    (case,) = county.open(marked_household())
    head = case.household.head
    client.force_login(county.township)
    page = client.get(f"/cases/{case.pk}/").text
    assert mask(head.id_number) in page and head.id_number not in page
    assert "显示完整身份证号" in page
    shown = client.post(f"/persons/{head.pk}/id/", HX)
    assert shown.status_code == 200 and head.id_number in shown.text
    event = AuditEvent.objects.get(action="view_full_id")
    assert event.user == county.township


def test_supervisors_and_other_villages_get_no_full_id(client: Client, county: County) -> None:
    (case,) = county.open(marked_household(OTHER_VILLAGE))
    head = case.household.head
    client.force_login(county.prefecture)
    assert "显示完整身份证号" not in client.get(f"/cases/{case.pk}/").text
    assert client.post(f"/persons/{head.pk}/id/").status_code == 403
    client.force_login(county.village)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/persons/{head.pk}/id/").status_code == 404
    assert not AuditEvent.objects.filter(action="view_full_id").exists()


@pytest.mark.parametrize("who", ["village", "township", "civil", "poverty", "committee", "prefecture"])
def test_the_actions_offered_are_the_role_matrix(client: Client, county: County, who: str) -> None:
    (case,) = county.open(marked_household())
    county.take(county.township, case, "start_assessment")
    county.take(county.township, case, "propose_eligible", program="dibao", benefit_fen=10_000)
    user = getattr(county, who)
    client.force_login(user)
    expected = {t.name for t in allowed_transitions(State.PROPOSED_ELIGIBLE, user.profile.role)}
    assert offered(client.get(f"/cases/{case.pk}/").text) == expected - {"committee_confirm"}


def test_a_township_assesses_and_proposes_with_htmx(client: Client, county: County) -> None:
    (case,) = county.open(marked_household())
    client.force_login(county.township)
    done = post(client, case, "start_assessment", **HX)
    assert done.status_code == 200 and 'id="case-work"' in done.text and "<html" not in done.text
    case.refresh_from_db()
    assert case.state == State.ASSESSING
    post(client, case, "propose_eligible", {"program": "dibao", "benefit": "350.50"}, **HX)
    case.refresh_from_db()
    assert (case.state, case.benefit_fen) == (State.PROPOSED_ELIGIBLE, 35_050)
    history = client.get(f"/cases/{case.pk}/").text
    assert "开始排查研判" in history and "提出拟纳入意见" in history
    assert CaseEvent.objects.filter(case=case).count() == 3  # open + two transitions


def test_not_eligible_needs_a_reason_and_a_note(client: Client, county: County) -> None:
    (case,) = county.open(marked_household())
    county.take(county.township, case, "start_assessment")
    client.force_login(county.village)
    refused = post(client, case, "propose_not_eligible", {"note": "收入高"})
    assert refused.status_code == 400
    assert "不符合条件须标注具体原因" in refused.text
    case.refresh_from_db()
    assert case.state == State.ASSESSING
    post(client, case, "propose_not_eligible", {"reason_code": "income_verified_above", "note": "入户核查"})
    case.refresh_from_db()
    assert (case.state, case.reason_code) == (State.PROPOSED_NOT_ELIGIBLE, "income_verified_above")


def test_a_bad_amount_is_refused_on_the_form(client: Client, county: County) -> None:
    (case,) = county.open(marked_household())
    county.take(county.township, case, "start_assessment")
    client.force_login(county.township)
    refused = post(client, case, "propose_eligible", {"program": "dibao", "benefit": "三百"})
    assert refused.status_code == 400 and "保障金额应为数字" in refused.text
    case.refresh_from_db()
    assert case.state == State.ASSESSING


def test_a_role_cannot_take_what_it_is_not_offered(client: Client, county: County) -> None:
    (case,) = county.open(marked_household())
    county.take(county.township, case, "start_assessment")
    county.take(county.township, case, "propose_eligible", program="dibao", benefit_fen=10_000)
    client.force_login(county.village)
    refused = post(client, case, "approve")
    assert refused.status_code == 400 and "不能执行「审批纳入」" in refused.text
    client.force_login(county.civil)
    post(client, case, "approve")
    case.refresh_from_db()
    assert case.state == State.APPROVED


def test_a_stale_form_is_a_conflict(client: Client, county: County) -> None:
    (case,) = county.open(marked_household())
    client.force_login(county.township)
    stale = {"start_assessment-version": str(case.version)}
    county.take(county.township, case, "comment", note="已电话联系")
    refused = client.post(f"/cases/{case.pk}/take/start_assessment/", stale)
    assert "请刷新后重试" in refused.text
    case.refresh_from_db()
    assert case.state == State.RECEIVED
