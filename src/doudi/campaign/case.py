"""A case as the state machine sees it: a frozen snapshot, and what a transition emits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from .states import Program, State


class Decision(StrEnum):
    ELIGIBLE = "eligible"  # 符合条件
    NOT_ELIGIBLE = "not_eligible"  # 不符合条件


class Write(StrEnum):
    """What a transition writes besides the case itself, its history event and its audit record."""

    ENROLMENT_CREATE = "enrolment_create"  # 新增低保/特困/单人户保障记录(纳入日期 = 审批日期)
    ENROLMENT_UPDATE = "enrolment_update"  # 已在保: 按新的保障金额更新
    ENROLMENT_END = "enrolment_end"  # 停保(终止日期 = 当日)
    NOTIFY_POVERTY_OFFICE = "notify_poverty_office"  # 不符合原因告知县扶贫部门
    COMMITTEE_RECORD = "committee_record"  # 记入领导小组会议审定
    REFERRAL = "referral"  # 转扶贫部门, 记录其他帮扶措施
    REMOVE_SAFETY_NET = "remove_safety_net"  # 删除建档立卡户的"社会救助兜底保障"脱贫方式

    @property
    def text(self) -> str:
        return WRITE_TEXT[self]


WRITE_TEXT = {
    Write.ENROLMENT_CREATE: "新增低保或特困供养记录(纳入日期为审批日期)",
    Write.ENROLMENT_UPDATE: "更新已在保记录的保障金额",
    Write.ENROLMENT_END: "终止本案建立的保障记录",
    Write.NOTIFY_POVERTY_OFFICE: "将不符合原因告知县扶贫部门",
    Write.COMMITTEE_RECORD: "记入领导小组会议审定结果",
    Write.REFERRAL: "转扶贫部门并记录其他帮扶措施",
    Write.REMOVE_SAFETY_NET: "删除建档立卡户的兜底保障脱贫方式",
}


@dataclass(frozen=True)
class CaseSnapshot:
    """Everything the guards need to know about one case."""

    state: State = State.RECEIVED
    assessment: str = ""  # the rules engine's outcome (doudi.rules.reasons.Outcome value), '' if none
    decision: Decision | None = None
    program: Program | None = None
    benefit_fen: int | None = None  # per month, from the assessment or the proposal
    person_id: str = ""  # the person covered, for single-person dibao and tekun
    reason_code: str = ""
    note: str = ""
    disputed: bool = False
    approved_by: tuple[str, ...] = ()  # actor ids of the approvals in this round
    enrolled: bool = False  # this case created an enrolment that is still running
    reopen_count: int = 0
    meeting: str = ""  # committee meeting that confirmed the case
    coverage: str = ""  # the cross-match's class of the household (e.g. covered_dibao), '' if not matched


@dataclass(frozen=True)
class Event:
    """One history entry: the transition taken, from and to which state, on which day, with the clean payload."""

    transition: str
    from_state: State
    to_state: State
    on: date
    actor: str
    payload: dict[str, Any] = field(default_factory=dict)
    writes: tuple[Write, ...] = ()


@dataclass(frozen=True)
class Result:
    case: CaseSnapshot
    events: tuple[Event, ...]

    @property
    def writes(self) -> tuple[Write, ...]:
        return tuple(w for e in self.events for w in e.writes)


class TransitionError(ValueError):
    """A guard failed. `kind` is 'role' (not allowed for this role), 'state' (wrong step or state) or
    'payload' (something missing or invalid); the message says what to do, in Chinese."""

    def __init__(self, message: str, kind: str = "payload") -> None:
        super().__init__(message)
        self.kind = kind
