"""The casework actions on a real database: state, history, audit and registry writes in one transaction."""

from __future__ import annotations

from datetime import date

import pytest

from doudi.casework import actions
from doudi.casework.actions import CaseInput, CaseworkError
from doudi.casework.models import Case, CaseEvent, Referral
from doudi.registry.models import AuditEvent, DibaoEnrolment, PovertyRegistration, TekunEnrolment
from tests.factories import COUNTY, create_dibao_enrolment, create_user

from .helpers import SPRING, County, marked_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def county() -> County:
    return County()


def test_campaign_gets_the_plans_deadlines_and_edits_move_due_dates(county: County) -> None:
    assert county.campaign.s2_deadline == date(2020, 4, 15)
    assert county.campaign.s5_deadline == date(2020, 12, 30)
    (case,) = county.open(marked_household())
    assert case.due_step == "S2" and case.due_date == date(2020, 4, 15)
    from doudi.campaign import Step

    actions.set_deadlines(county.civil, county.campaign, {Step.S2: date(2020, 4, 30)})
    case.refresh_from_db()
    assert case.due_date == date(2020, 4, 30)
    with pytest.raises(CaseworkError, match="早于上一步骤"):
        actions.set_deadlines(county.civil, county.campaign, {Step.S3: date(2020, 4, 1)})


def test_only_county_offices_in_scope_create_campaigns(county: County) -> None:
    with pytest.raises(CaseworkError, match="已存在"):
        actions.create_campaign(county.poverty, 2020, COUNTY)
    with pytest.raises(CaseworkError) as refused:
        actions.create_campaign(county.township, 2021, COUNTY)
    assert refused.value.kind == "forbidden"
    with pytest.raises(CaseworkError, match="不在您的管辖范围"):
        actions.create_campaign(county.civil, 2021, "532924")


def test_open_cases_from_the_safety_net_list_is_idempotent(county: County) -> None:
    households = [marked_household() for _ in range(3)]
    first = actions.open_cases(
        county.civil, county.campaign, actions.safety_net_inputs(county.campaign), SPRING
    )
    again = actions.open_cases(
        county.civil, county.campaign, actions.safety_net_inputs(county.campaign), SPRING
    )
    assert (first.created, again.created, again.unchanged) == (3, 0, 3)
    cases = Case.objects.filter(campaign=county.campaign)
    assert {c.household_id for c in cases} == {h.pk for h in households}
    assert all(c.safety_net and c.state == "received" for c in cases)
    assert CaseEvent.objects.filter(transition="open").count() == 3
    assert AuditEvent.objects.filter(action="campaign.open_cases").count() == 2


def test_assessment_refreshes_an_open_case_but_not_a_decided_one(county: County) -> None:
    fresh, decided = marked_household(), marked_household()
    county.open(fresh, decided)
    county.to_approved(Case.objects.get(household=decided))
    report = actions.open_cases(
        county.civil,
        county.campaign,
        [CaseInput(h.pk, "eligible_dibao", ("d2_income_below",), 41_000, "dibao") for h in (fresh, decided)],
        SPRING,
    )
    assert (report.refreshed, report.unchanged) == (1, 1)
    assert Case.objects.get(household=fresh).benefit_fen == 41_000
    assert Case.objects.get(household=decided).benefit_fen == 30_000


def test_households_of_another_county_are_rejected_not_opened(county: County) -> None:
    outsider = marked_household("532924100201")
    report = actions.open_cases(county.civil, county.campaign, [CaseInput(outsider.pk)], SPRING)
    assert report.created == 0 and "不属于本县" in report.rejected[0]


def test_approval_creates_the_dibao_enrolment_dated_with_the_assessed_benefit(county: County) -> None:
    household = marked_household(members=2)
    (case,) = county.open(household, outcome="eligible_dibao", benefit_fen=52_300, program="dibao")
    county.take(county.village, case, "start_assessment")
    county.take(county.village, case, "propose_eligible")
    case = county.take(county.civil, case, "approve", on=date(2020, 4, 20))
    enrolment = DibaoEnrolment.objects.get(household=household)
    assert (enrolment.monthly_amount_fen, enrolment.start_date, enrolment.covered_members) == (
        52_300,
        date(2020, 4, 20),
        3,
    )
    assert enrolment.members.count() == 3
    assert case.state == "approved" and case.dibao_enrolment_id == enrolment.pk
    names = list(CaseEvent.objects.filter(case=case).values_list("transition", flat=True))
    assert names == ["open", "start_assessment", "propose_eligible", "approve"]
    approve = AuditEvent.objects.get(action="case.approve")
    assert approve.object_id == str(case.pk) and approve.region_code == case.village_code
    assert approve.detail["writes"] == ["enrolment_create"]


def test_tekun_approval_creates_a_tekun_enrolment_for_the_person(county: County) -> None:
    household = marked_household()
    person = household.memberships.exclude(relation="户主").get().person
    (case,) = county.open(household)
    county.take(county.township, case, "start_assessment")
    county.take(
        county.township, case, "propose_eligible", program="tekun", benefit_fen=83_200, person_id=person.pk
    )
    county.take(county.civil, case, "approve")
    tekun = TekunEnrolment.objects.get(person=person)
    assert tekun.basic_standard_fen == 83_200 and tekun.start_date == SPRING


def test_a_household_already_in_dibao_is_not_enrolled_twice(county: County) -> None:
    household = marked_household()
    create_dibao_enrolment(household)
    (case,) = county.open(household)
    county.take(county.township, case, "start_assessment")
    county.take(county.township, case, "propose_eligible", program="dibao", benefit_fen=10_000)
    with pytest.raises(CaseworkError, match="不能重复纳入"):
        county.take(county.civil, case, "approve")
    case.refresh_from_db()
    assert (
        case.state == "proposed_eligible" and DibaoEnrolment.objects.filter(household=household).count() == 1
    )
    assert not AuditEvent.objects.filter(action="case.approve").exists()


def test_step_order_is_enforced_with_a_clear_message(county: County) -> None:
    (case,) = county.open(marked_household())
    with pytest.raises(CaseworkError, match="排查研判并提出拟纳入意见之后才能审批") as refused:
        county.take(county.civil, case, "approve")
    assert refused.value.kind == "conflict"
    county.take(county.township, case, "start_assessment")
    with pytest.raises(CaseworkError, match=r"审批.*之后才能提请领导小组审定"):
        actions.confirm_in_committee(county.committee, county.campaign, SPRING, "县长", [case.pk], SPRING)
    with pytest.raises(CaseworkError, match="须记录会议并批量办理"):
        county.take(county.committee, case, "committee_confirm", meeting="1")


def test_single_person_and_tekun_cover_only_a_member_of_the_household(county: County) -> None:
    (case,) = county.open(marked_household())
    stranger = marked_household().memberships.exclude(relation="户主").get().person
    county.take(county.township, case, "start_assessment")
    with pytest.raises(CaseworkError, match="不是本户的在册成员"):
        county.take(
            county.township, case, "propose_eligible", program="tekun", benefit_fen=1, person_id=stranger.pk
        )
    with pytest.raises(CaseworkError, match="应为人员编号"):
        county.take(county.township, case, "propose_eligible", program="tekun", benefit_fen=1, person_id="x1")


def test_dispute_needs_reverification_and_a_second_approver(county: County) -> None:
    household = marked_household()
    (case,) = county.open(household)
    county.to_not_eligible(case)
    county.take(county.village, case, "dispute", note="户主对收入核算有异议")
    with pytest.raises(CaseworkError, match="争议须先核查"):
        county.take(county.civil2, case, "second_approve")
    county.take(county.village, case, "reverify", decision="eligible", program="dibao", benefit_fen=20_000)
    with pytest.raises(CaseworkError, match="另一名审批人"):
        county.take(county.civil, case, "second_approve")  # civil confirmed the first decision
    case = county.take(county.civil2, case, "second_approve")
    assert case.state == "approved" and case.disputed
    assert DibaoEnrolment.objects.get(household=household).monthly_amount_fen == 20_000


def test_the_first_approver_cannot_give_the_second_approval(county: County) -> None:
    household = marked_household()
    (case,) = county.open(household)
    county.to_approved(case)
    county.take(county.poverty, case, "dispute", note="扶贫办认为该户收入已超标")
    county.take(
        county.township,
        case,
        "reverify",
        decision="not_eligible",
        reason_code="income_verified_above",
        note="入户核实务工收入每月 3000 元",
    )
    with pytest.raises(CaseworkError, match="另一名审批人"):
        county.take(county.civil, case, "second_approve")
    case = county.take(county.civil2, case, "second_approve", on=date(2020, 5, 1))
    enrolment = DibaoEnrolment.objects.get(household=household)
    assert (
        case.state == "not_eligible"
        and enrolment.end_date == date(2020, 5, 1)
        and enrolment.status == "ended"
    )


def test_committee_confirms_in_batch_and_referral_removes_the_safety_net(county: County) -> None:
    covered, refused = marked_household(), marked_household()
    a, b = county.open(covered, refused)
    county.to_approved(a)
    county.to_not_eligible(b)
    meeting = actions.confirm_in_committee(
        county.committee,
        county.campaign,
        date(2020, 5, 20),
        "县长、民政局长、扶贫办主任",
        [a.pk, b.pk],
        date(2020, 5, 20),
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.state, b.state) == ("enrolled", "confirmed_not_covered")
    assert a.meeting_id == b.meeting_id == meeting.pk
    assert AuditEvent.objects.get(action="campaign.committee").detail["cases"] == 2
    county.take(county.poverty, b, "refer", on=date(2020, 5, 24), measures="安排公益性岗位, 落实产业帮扶")
    registration = PovertyRegistration.objects.get(household=refused)
    assert not registration.safety_net_mark and registration.exit_pathway == "产业帮扶"
    assert registration.history.count() == 2  # the change is in the registration's history
    assert Referral.objects.get(case=b).sent_on == date(2020, 5, 24)


def test_a_committee_batch_with_one_unready_case_records_nothing(county: County) -> None:
    ready, unready = county.open(marked_household(), marked_household())
    county.to_approved(ready)
    with pytest.raises(CaseworkError, match="不能审定"):
        actions.confirm_in_committee(
            county.committee, county.campaign, SPRING, "参会人", [ready.pk, unready.pk], SPRING
        )
    ready.refresh_from_db()
    assert ready.state == "approved" and not ready.campaign.meetings.exists()


def test_change_in_s5_reopens_a_settled_case(county: County) -> None:
    household = marked_household()
    (case,) = county.open(household, outcome="already_covered")
    county.take(county.village, case, "start_assessment")
    county.take(county.village, case, "route_covered")
    reopened = actions.reopen_on_change(household, "家庭成员减少(死亡)", date(2020, 9, 1))
    assert [c.pk for c in reopened] == [case.pk]
    case.refresh_from_db()
    assert case.state == "assessing" and case.reopen_count == 1 and case.due_step == "S5"
    event = CaseEvent.objects.filter(case=case).last()
    assert event is not None and (event.role, event.user_id, event.payload["cause"]) == (
        "system",
        None,
        "家庭成员减少(死亡)",
    )
    assert actions.reopen_on_change(household, "again", date(2020, 9, 2)) == []  # not settled any more


def test_stale_version_is_a_conflict_and_changes_nothing(county: County) -> None:
    (case,) = county.open(marked_household())
    actions.take(county.township, case.pk, "start_assessment", {}, SPRING, version=1)
    with pytest.raises(CaseworkError, match="已被其他人修改") as refused:
        actions.take(county.village, case.pk, "comment", {"note": "x"}, SPRING, version=1)
    assert refused.value.kind == "conflict"


def test_out_of_scope_case_cannot_be_touched(county: County) -> None:
    (case,) = county.open(marked_household("532923102201"))
    from doudi.registry.access import NotInScope

    with pytest.raises(NotInScope):
        county.take(county.township, case, "start_assessment")
    with pytest.raises(NotInScope):
        county.take(create_user("village", "532923101202"), case, "comment", note="看看")
