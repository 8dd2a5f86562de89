"""The action plan's case state machine (pure).

Each transition names who may take it, from which states, its guards, and what it writes. `apply` checks all
of them and returns the new snapshot and the history events; the Django layer (doudi.casework.actions)
persists them and performs the writes in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from . import payload as p
from .case import CaseSnapshot, Decision, Event, Result, TransitionError, Write
from .roles import COUNTY_OFFICES, FIELD_WORK, HUMANS, SUPERVISORS, Actor, actor
from .states import State

# A step: given the case, the raw payload and the actor id: the new case, the clean payload and the writes.
Out = tuple[CaseSnapshot, dict[str, Any], tuple[Write, ...]]
StepFn = Callable[[CaseSnapshot, dict[str, Any], str], Out]


@dataclass(frozen=True)
class Transition:
    name: str
    text: str
    sources: frozenset[State]  # empty: any state (comments, spot checks)
    roles: frozenset[Actor]
    step: StepFn
    may_write: tuple[Write, ...] = ()
    order_hint: str = ""  # why the step order forbids it, shown when the state is wrong


def _stay(case: CaseSnapshot, data: dict[str, Any]) -> Out:
    return case, data, ()


def _start(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    return replace(case, state=State.ASSESSING), {"note": p.optional_text(raw, "note")}, ()


# Cross-match classes saying every member is on a roll (doudi.matching CoverageClass values).
FULLY_COVERED = frozenset({"covered_dibao", "covered_tekun", "covered_both"})


def _route_covered(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    note = p.optional_text(raw, "note")
    if case.assessment != "already_covered" and case.coverage not in FULLY_COVERED and not note:
        raise TransitionError(
            "研判结果不是“已纳入低保或特困供养”, 名册比对也未发现全户在保; 转日常管理须说明在保情况(字段 note)"
        )
    return replace(case, state=State.ROUTINE, note=note or case.note), {"note": note}, ()


def _propose_eligible(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    chosen = p.program(raw, case)
    amount = p.benefit(raw, case)
    who = p.person(raw, case, chosen)
    note = p.optional_text(raw, "note")
    if case.assessment in ("not_eligible", "needs_data") and not note:
        raise TransitionError("研判结论为不符合或信息不全, 拟纳入须说明核查依据(字段 note)")
    new = replace(
        case,
        state=State.PROPOSED_ELIGIBLE,
        decision=Decision.ELIGIBLE,
        program=chosen,
        benefit_fen=amount,
        person_id=who,
        reason_code="",
        note=note,
    )
    return new, {"program": chosen.value, "benefit_fen": amount, "person_id": who, "note": note}, ()


def _propose_not_eligible(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    code, note = p.reason(raw, replace(case, reason_code="", note=""))
    new = replace(
        case, state=State.PROPOSED_NOT_ELIGIBLE, decision=Decision.NOT_ELIGIBLE, reason_code=code, note=note
    )
    return new, {"reason_code": code, "note": note}, ()


def _return(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    note = p.text(raw, "note", "退回重新排查的理由")
    return replace(case, state=State.ASSESSING, decision=None), {"note": note}, ()


def _enrol_writes(case: CaseSnapshot) -> tuple[Write, ...]:
    return (Write.ENROLMENT_UPDATE,) if case.enrolled else (Write.ENROLMENT_CREATE,)


def _approve(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    amount = p.benefit(raw, case)
    assert case.program is not None  # set by the proposal
    new = replace(
        case,
        state=State.APPROVED,
        benefit_fen=amount,
        enrolled=True,
        approved_by=(*case.approved_by, actor_id) if actor_id else case.approved_by,
    )
    data = {"program": case.program.value, "benefit_fen": amount, "person_id": case.person_id}
    return new, data, _enrol_writes(case)


def _confirm_not_eligible(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    code, note = p.reason(raw, case)
    writes = (Write.ENROLMENT_END,) if case.enrolled else ()
    approvals = (*case.approved_by, actor_id) if actor_id else case.approved_by
    new = replace(
        case, state=State.NOT_ELIGIBLE, reason_code=code, note=note, enrolled=False, approved_by=approvals
    )
    return new, {"reason_code": code, "note": note}, (*writes, Write.NOTIFY_POVERTY_OFFICE)


def _dispute(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    note = p.text(raw, "note", "争议内容(谁提出、对什么有异议)")
    return replace(case, state=State.DISPUTED, disputed=True), {"note": note}, ()


def _reverify(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    found = p.decision(raw)
    if found is Decision.ELIGIBLE:
        new, data, _ = _propose_eligible(replace(case, assessment=""), raw)
    else:
        new, data, _ = _propose_not_eligible(case, raw)
    new = replace(new, state=State.REVERIFIED, assessment=case.assessment)
    return new, {"decision": found.value, **data}, ()


def _second_approve(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    if actor_id and actor_id in case.approved_by:
        raise TransitionError(
            "有争议对象须由另一名审批人再次审批(严格报批程序): 首次审批人不能再次审批", "role"
        )
    note = p.optional_text(raw, "note")
    approvals = (*case.approved_by, actor_id) if actor_id else case.approved_by
    if case.decision is Decision.ELIGIBLE:
        new = replace(case, state=State.APPROVED, enrolled=True, approved_by=approvals)
        return new, {"decision": "eligible", "note": note}, _enrol_writes(case)
    writes = (Write.ENROLMENT_END,) if case.enrolled else ()
    new = replace(case, state=State.NOT_ELIGIBLE, enrolled=False, approved_by=approvals)
    return new, {"decision": "not_eligible", "note": note}, (*writes, Write.NOTIFY_POVERTY_OFFICE)


def _committee(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    meeting = raw.get("meeting")
    if not meeting:
        raise TransitionError("领导小组审定须在会议中进行: 请指明会议(字段 meeting)")
    target = State.ENROLLED if case.state is State.APPROVED else State.CONFIRMED_NOT_COVERED
    return (
        replace(case, state=target, meeting=str(meeting)),
        {"meeting": str(meeting)},
        (Write.COMMITTEE_RECORD,),
    )


def _refer(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    measures = p.text(raw, "measures", "会议确定的其他帮扶措施")
    return (
        replace(case, state=State.REFERRED),
        {"measures": measures},
        (Write.REFERRAL, Write.REMOVE_SAFETY_NET),
    )


def _reopen(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    cause = p.text(raw, "cause", "重新研判的原因(家庭、成员或脱贫方式发生了什么变化)")
    new = replace(
        case,
        state=State.ASSESSING,
        reopen_count=case.reopen_count + 1,
        decision=None,
        disputed=False,
        approved_by=(),
        reason_code="",
        note="",
        meeting="",
    )
    return new, {"cause": cause}, ()


def _comment(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    return _stay(case, {"note": p.text(raw, "note", "意见内容")})


def _spot_check(case: CaseSnapshot, raw: dict[str, Any], actor_id: str = "") -> Out:
    found = raw.get("result")
    if found not in ("ok", "problem"):
        raise TransitionError("请填写抽查结论(字段 result): ok(无问题) 或 problem(发现问题)")
    return _stay(case, {"result": found, "note": p.text(raw, "note", "抽查情况")})


def _states(*states: State) -> frozenset[State]:
    return frozenset(states)


S = State
ORDER_APPROVE = "步骤顺序: 排查研判并提出拟纳入意见之后才能审批"
ORDER_CONFIRM = "步骤顺序: 审批(或复核不符合)之后才能提请领导小组审定"
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("start_assessment", "开始排查研判", _states(S.RECEIVED), FIELD_WORK, _start),
        Transition(
            "route_covered",
            "已在保,转日常管理",
            _states(S.ASSESSING),
            FIELD_WORK,
            _route_covered,
            order_hint="步骤顺序: 先开始排查研判",
        ),
        Transition(
            "propose_eligible",
            "提出拟纳入意见",
            _states(S.ASSESSING),
            FIELD_WORK,
            _propose_eligible,
            order_hint="步骤顺序: 先开始排查研判",
        ),
        Transition(
            "propose_not_eligible",
            "提出拟不纳入意见",
            _states(S.ASSESSING),
            FIELD_WORK,
            _propose_not_eligible,
            order_hint="步骤顺序: 先开始排查研判",
        ),
        Transition(
            "return_for_recheck",
            "退回重新排查",
            _states(S.PROPOSED_ELIGIBLE, S.PROPOSED_NOT_ELIGIBLE),
            frozenset({Actor.TOWNSHIP, Actor.COUNTY_CIVIL}),
            _return,
        ),
        Transition(
            "approve",
            "审批纳入",
            _states(S.PROPOSED_ELIGIBLE),
            frozenset({Actor.COUNTY_CIVIL}),
            _approve,
            (Write.ENROLMENT_CREATE, Write.ENROLMENT_UPDATE),
            ORDER_APPROVE,
        ),
        Transition(
            "confirm_not_eligible",
            "复核确认不符合条件",
            _states(S.PROPOSED_NOT_ELIGIBLE),
            frozenset({Actor.COUNTY_CIVIL}),
            _confirm_not_eligible,
            (Write.ENROLMENT_END, Write.NOTIFY_POVERTY_OFFICE),
            "步骤顺序: 先提出拟不纳入意见",
        ),
        Transition(
            "dispute",
            "登记争议",
            _states(S.PROPOSED_ELIGIBLE, S.PROPOSED_NOT_ELIGIBLE, S.APPROVED, S.NOT_ELIGIBLE),
            FIELD_WORK | COUNTY_OFFICES,
            _dispute,
            order_hint="只有已提出意见或已审批、尚未审定的对象可登记争议",
        ),
        Transition(
            "reverify",
            "核查争议",
            _states(S.DISPUTED),
            FIELD_WORK,
            _reverify,
            order_hint="只有登记了争议的对象需要核查",
        ),
        Transition(
            "second_approve",
            "争议核查后再次审批",
            _states(S.REVERIFIED),
            frozenset({Actor.COUNTY_CIVIL}),
            _second_approve,
            (
                Write.ENROLMENT_CREATE,
                Write.ENROLMENT_UPDATE,
                Write.ENROLMENT_END,
                Write.NOTIFY_POVERTY_OFFICE,
            ),
            "步骤顺序: 争议须先核查, 才能再次审批",
        ),
        Transition(
            "committee_confirm",
            "领导小组审定",
            _states(S.APPROVED, S.NOT_ELIGIBLE),
            frozenset({Actor.COUNTY_COMMITTEE}),
            _committee,
            (Write.COMMITTEE_RECORD,),
            ORDER_CONFIRM,
        ),
        Transition(
            "refer",
            "转扶贫部门落实其他帮扶",
            _states(S.CONFIRMED_NOT_COVERED),
            COUNTY_OFFICES,
            _refer,
            (Write.REFERRAL, Write.REMOVE_SAFETY_NET),
            "步骤顺序: 领导小组审定不纳入之后才能转介",
        ),
        Transition(
            "reopen",
            "情况变化,重新研判",
            _states(S.ROUTINE, S.ENROLLED, S.REFERRED),
            COUNTY_OFFICES | {Actor.SYSTEM},
            _reopen,
            order_hint="只有已办结(S5 巩固衔接)的对象可重新研判",
        ),
        Transition("comment", "填写意见", frozenset(), HUMANS, _comment),
        Transition(
            "spot_check", "督导抽查", frozenset(), SUPERVISORS | {Actor.COUNTY_COMMITTEE}, _spot_check
        ),
    )
}


def transition(name: str) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError:
        known = "、".join(f"{t.name}({t.text})" for t in TRANSITIONS.values())
        raise TransitionError(f"没有操作 {name!r}; 可用操作: {known}", "state") from None


def allowed_transitions(case: CaseSnapshot | State, role: str) -> list[Transition]:
    """The transitions this role may take from this state (guards on the payload not yet checked)."""
    state = case.state if isinstance(case, CaseSnapshot) else State(case)
    who = actor(role)
    return [t for t in TRANSITIONS.values() if who in t.roles and (not t.sources or state in t.sources)]


def _check_role(t: Transition, who: Actor) -> None:
    if who not in t.roles:
        allowed = "、".join(sorted(a.text for a in t.roles))
        raise TransitionError(f"角色「{who.text}」不能执行「{t.text}」; 可执行的角色: {allowed}", "role")


def _check_state(t: Transition, state: State) -> None:
    if t.sources and state not in t.sources:
        wanted = "、".join(s.text for s in t.sources)
        hint = f"; {t.order_hint}" if t.order_hint else ""
        raise TransitionError(
            f"当前状态「{state.text}」不能执行「{t.text}」, 该操作要求状态: {wanted}{hint}", "state"
        )


def apply(
    case: CaseSnapshot,
    name: str,
    actor_role: str,
    payload: dict[str, Any] | None,
    today: date,
    actor_id: str = "",
) -> Result:
    """Take transition `name` as `actor_role` (and, for approvals, as the person `actor_id`)."""
    t = transition(name)
    who = actor(actor_role)
    _check_role(t, who)
    _check_state(t, case.state)
    raw = dict(payload or {})
    new, data, writes = t.step(case, raw, actor_id)
    event = Event(name, case.state, new.state, today, who.value, data, writes)
    return Result(new, (event,))
