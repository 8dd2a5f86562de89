"""The pure state machine: roles, guards, step order, disputes, what each transition writes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from doudi.campaign import (
    TRANSITIONS,
    Actor,
    CaseSnapshot,
    Decision,
    Program,
    State,
    TransitionError,
    Write,
    allowed_transitions,
    apply,
)

DAY = date(2020, 4, 1)


def run(case: CaseSnapshot, name: str, role: str, actor_id: str = "", **payload: Any) -> CaseSnapshot:
    return apply(case, name, role, payload, DAY, actor_id=actor_id).case


def approved(benefit: int = 30_000) -> CaseSnapshot:
    case = run(CaseSnapshot(), "start_assessment", "township")
    case = run(case, "propose_eligible", "village", program="dibao", benefit_fen=benefit)
    return run(case, "approve", "county_civil", actor_id="7")


def not_eligible() -> CaseSnapshot:
    case = run(CaseSnapshot(), "start_assessment", "township")
    case = run(case, "propose_not_eligible", "village", reason_code="d3_houses", note="有三套住房")
    return run(case, "confirm_not_eligible", "county_civil", actor_id="7")


def test_the_happy_path_from_received_to_enrolled() -> None:
    case = approved()
    assert (case.state, case.program, case.benefit_fen, case.enrolled) == (
        State.APPROVED,
        Program.DIBAO,
        30_000,
        True,
    )
    result = apply(case, "committee_confirm", "county_committee", {"meeting": "3"}, DAY)
    assert result.case.state is State.ENROLLED and result.case.meeting == "3"
    (event,) = result.events
    assert (event.from_state, event.to_state, event.writes) == (
        State.APPROVED,
        State.ENROLLED,
        (Write.COMMITTEE_RECORD,),
    )


def test_approval_writes_an_enrolment_and_a_reopened_approval_updates_it() -> None:
    case = run(CaseSnapshot(), "start_assessment", "township")
    case = run(case, "propose_eligible", "village", program="dibao", benefit_fen=100)
    assert apply(case, "approve", "county_civil", {}, DAY).events[0].writes == (Write.ENROLMENT_CREATE,)
    assert apply(replace(case, enrolled=True), "approve", "county_civil", {}, DAY).events[0].writes == (
        Write.ENROLMENT_UPDATE,
    )


@pytest.mark.parametrize(
    ("name", "state", "hint"),
    [
        ("approve", State.RECEIVED, "之后才能审批"),
        ("approve", State.ASSESSING, "之后才能审批"),
        ("approve", State.PROPOSED_NOT_ELIGIBLE, "之后才能审批"),
        ("committee_confirm", State.PROPOSED_ELIGIBLE, "之后才能提请领导小组审定"),
        ("committee_confirm", State.ASSESSING, "之后才能提请领导小组审定"),
        ("refer", State.NOT_ELIGIBLE, "审定不纳入之后才能转介"),
        ("second_approve", State.DISPUTED, "争议须先核查"),
        ("reopen", State.ASSESSING, "已办结"),
    ],
)
def test_step_order(name: str, state: State, hint: str) -> None:
    role = next(iter(TRANSITIONS[name].roles - {Actor.SYSTEM}))
    with pytest.raises(TransitionError, match=hint) as refused:
        apply(CaseSnapshot(state), name, role, {"meeting": "1", "measures": "x", "cause": "x"}, DAY)
    assert refused.value.kind == "state"


def test_roles_are_checked_before_anything_else() -> None:
    with pytest.raises(
        TransitionError, match="角色「县扶贫办」不能执行「审批纳入」; 可执行的角色: 县民政局"
    ) as refused:
        apply(CaseSnapshot(State.PROPOSED_ELIGIBLE), "approve", "county_poverty", {}, DAY)
    assert refused.value.kind == "role"


@pytest.mark.parametrize("role", ["prefecture", "province"])
def test_supervisors_only_read_comment_and_spot_check(role: str) -> None:
    for state in State:
        assert {t.name for t in allowed_transitions(state, role)} == {"comment", "spot_check"}
    case = CaseSnapshot(State.ASSESSING)
    result = apply(case, "spot_check", role, {"result": "problem", "note": "收入核算有误"}, DAY)
    assert result.case == case and result.events[0].payload == {"result": "problem", "note": "收入核算有误"}


def test_allowed_transitions_by_role_and_state() -> None:
    assert {t.name for t in allowed_transitions(State.RECEIVED, "village")} == {"start_assessment", "comment"}
    assert {t.name for t in allowed_transitions(State.PROPOSED_ELIGIBLE, "county_civil")} == {
        "approve",
        "return_for_recheck",
        "dispute",
        "comment",
    }
    assert {t.name for t in allowed_transitions(State.ENROLLED, "system")} == {"reopen"}
    assert {t.name for t in allowed_transitions(State.APPROVED, "county_committee")} == {
        "committee_confirm",
        "comment",
        "spot_check",
    }
    with pytest.raises(ValueError, match="未知角色"):
        allowed_transitions(State.RECEIVED, "mayor")


def test_every_transition_is_reachable_by_some_role_from_some_state() -> None:
    for t in TRANSITIONS.values():
        assert t.roles, t.name
        assert any(t in allowed_transitions(s, r) for s in State for r in t.roles), t.name


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, "原因代码"),
        ({"reason_code": "d3_houses"}, "对人对户作说明"),
        ({"reason_code": "no_such_code", "note": "x"}, "原因代码 'no_such_code' 不存在"),
        ({"reason_code": "d3_houses", "note": "   "}, "对人对户作说明"),
    ],
)
def test_not_eligible_needs_a_known_reason_code_and_a_note(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(TransitionError, match=message) as refused:
        apply(CaseSnapshot(State.ASSESSING), "propose_not_eligible", "village", payload, DAY)
    assert refused.value.kind == "payload"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"benefit_fen": 100}, "纳入方式"),
        ({"program": "dibao"}, "保障金额须为正整数"),
        ({"program": "dibao", "benefit_fen": 12.5}, "保障金额须为正整数"),
        ({"program": "dibao", "benefit_fen": 0}, "保障金额须为正整数"),
        ({"program": "tekun", "benefit_fen": 83_200}, "须指明保障对象"),
        ({"program": "single_person", "benefit_fen": 100}, "须指明保障对象"),
    ],
)
def test_proposing_eligible_needs_program_benefit_and_person(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(TransitionError, match=message):
        apply(CaseSnapshot(State.ASSESSING), "propose_eligible", "village", payload, DAY)


def test_benefit_defaults_to_the_assessment_and_deviation_needs_a_note() -> None:
    assessed = CaseSnapshot(
        State.ASSESSING, assessment="eligible_dibao", program=Program.DIBAO, benefit_fen=41_000
    )
    assert run(assessed, "propose_eligible", "village").benefit_fen == 41_000
    refused = replace(assessed, assessment="not_eligible")
    with pytest.raises(TransitionError, match="须说明核查依据"):
        run(refused, "propose_eligible", "village")
    assert (
        run(refused, "propose_eligible", "village", note="入户核实收入有误").state is State.PROPOSED_ELIGIBLE
    )


def test_route_covered_needs_the_assessment_or_a_note() -> None:
    with pytest.raises(TransitionError, match="在保情况"):
        run(CaseSnapshot(State.ASSESSING), "route_covered", "village")
    assert (
        run(CaseSnapshot(State.ASSESSING, assessment="already_covered"), "route_covered", "village").state
        is State.ROUTINE
    )


def test_route_covered_may_rest_on_the_cross_match_when_the_whole_household_is_on_a_roll() -> None:
    assert run(CaseSnapshot(State.ASSESSING, coverage="covered_tekun"), "route_covered", "village").state is (
        State.ROUTINE
    )
    with pytest.raises(TransitionError, match="名册比对也未发现全户在保"):
        run(CaseSnapshot(State.ASSESSING, coverage="partly_covered"), "route_covered", "village")


def test_dispute_after_approval_and_second_approval_not_eligible_ends_the_enrolment() -> None:
    case = run(approved(), "dispute", "county_poverty", note="有群众反映")
    assert case.state is State.DISPUTED and case.disputed
    case = run(
        case,
        "reverify",
        "township",
        decision="not_eligible",
        reason_code="income_verified_above",
        note="核实",
    )
    assert (case.state, case.decision) == (State.REVERIFIED, Decision.NOT_ELIGIBLE)
    with pytest.raises(TransitionError, match="另一名审批人") as refused:
        apply(case, "second_approve", "county_civil", {}, DAY, actor_id="7")
    assert refused.value.kind == "role"
    result = apply(case, "second_approve", "county_civil", {}, DAY, actor_id="8")
    assert result.case.state is State.NOT_ELIGIBLE and not result.case.enrolled
    assert result.writes == (Write.ENROLMENT_END, Write.NOTIFY_POVERTY_OFFICE)
    assert result.case.approved_by == ("7", "8")


def test_dispute_of_a_refusal_reverified_eligible_is_enrolled_on_second_approval() -> None:
    case = run(not_eligible(), "dispute", "village", note="户主不服")
    with pytest.raises(TransitionError, match="核查结论"):
        run(case, "reverify", "village")
    case = run(case, "reverify", "village", decision="eligible", program="dibao", benefit_fen=9_000)
    result = apply(case, "second_approve", "county_civil", {}, DAY, actor_id="8")
    assert result.case.state is State.APPROVED and result.writes == (Write.ENROLMENT_CREATE,)
    assert run(result.case, "committee_confirm", "county_committee", meeting="1").state is State.ENROLLED


def test_dispute_needs_a_note_and_cannot_follow_the_committee() -> None:
    with pytest.raises(TransitionError, match="争议内容"):
        run(approved(), "dispute", "village")
    enrolled = run(approved(), "committee_confirm", "county_committee", meeting="1")
    with pytest.raises(TransitionError, match="尚未审定"):
        run(enrolled, "dispute", "village", note="x")


def test_not_covered_is_referred_with_measures_and_removes_the_safety_net() -> None:
    case = run(not_eligible(), "committee_confirm", "county_committee", meeting="1")
    assert case.state is State.CONFIRMED_NOT_COVERED
    with pytest.raises(TransitionError, match="其他帮扶措施"):
        run(case, "refer", "county_poverty")
    result = apply(case, "refer", "county_poverty", {"measures": "公益性岗位"}, DAY)
    assert result.case.state is State.REFERRED and result.writes == (Write.REFERRAL, Write.REMOVE_SAFETY_NET)


def test_committee_needs_a_meeting() -> None:
    with pytest.raises(TransitionError, match="会议"):
        run(approved(), "committee_confirm", "county_committee")


def test_reopen_starts_a_new_round_and_keeps_the_enrolment() -> None:
    enrolled = run(approved(), "committee_confirm", "county_committee", meeting="1")
    with pytest.raises(TransitionError, match="重新研判的原因"):
        run(enrolled, "reopen", "system")
    case = run(enrolled, "reopen", "system", cause="新增家庭成员")
    assert (case.state, case.reopen_count, case.approved_by, case.enrolled) == (State.ASSESSING, 1, (), True)
    case = run(case, "propose_not_eligible", "village", reason_code="d2_income_not_below", note="收入增加")
    result = apply(case, "confirm_not_eligible", "county_civil", {}, DAY)
    assert result.writes == (Write.ENROLMENT_END, Write.NOTIFY_POVERTY_OFFICE)


def test_unknown_transition_lists_the_known_ones() -> None:
    with pytest.raises(TransitionError, match="可用操作: start_assessment"):
        apply(CaseSnapshot(), "fly", "village", {}, DAY)


def test_return_for_recheck_needs_a_reason() -> None:
    case = run(
        run(CaseSnapshot(), "start_assessment", "township"),
        "propose_eligible",
        "village",
        program="dibao",
        benefit_fen=1,
    )
    with pytest.raises(TransitionError, match="退回重新排查的理由"):
        run(case, "return_for_recheck", "township")
    assert run(case, "return_for_recheck", "township", note="收入漏算").state is State.ASSESSING
