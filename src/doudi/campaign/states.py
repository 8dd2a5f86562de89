"""Case states and the step (S1-S5) whose deadline each one is working towards."""

from __future__ import annotations

from enum import StrEnum


class Step(StrEnum):
    S1 = "S1"  # 梳理对接
    S2 = "S2"  # 排查识别
    S3 = "S3"  # 落实兜底
    S4 = "S4"  # 确认结果
    S5 = "S5"  # 巩固衔接

    @property
    def text(self) -> str:
        return STEP_TEXT[self]


STEP_TEXT = {
    Step.S1: "梳理对接",
    Step.S2: "排查识别",
    Step.S3: "落实兜底",
    Step.S4: "确认结果",
    Step.S5: "巩固衔接",
}


class State(StrEnum):
    RECEIVED = "received"
    ASSESSING = "assessing"
    ROUTINE = "routine"
    PROPOSED_ELIGIBLE = "proposed_eligible"
    PROPOSED_NOT_ELIGIBLE = "proposed_not_eligible"
    APPROVED = "approved"
    NOT_ELIGIBLE = "not_eligible"
    DISPUTED = "disputed"
    REVERIFIED = "reverified"
    CONFIRMED_NOT_COVERED = "confirmed_not_covered"
    ENROLLED = "enrolled"
    REFERRED = "referred"

    @property
    def text(self) -> str:
        return STATE_TEXT[self]

    @property
    def step(self) -> Step:
        """The step whose deadline the next piece of work on a case in this state counts against."""
        return STATE_STEP[self]

    @property
    def settled(self) -> bool:
        """Done with S1-S4: the case is watched in S5 and reopens when the household changes."""
        return self in SETTLED


STATE_TEXT = {
    State.RECEIVED: "已接收兜底名单,待排查",
    State.ASSESSING: "排查研判中",
    State.ROUTINE: "已在保,转日常管理",
    State.PROPOSED_ELIGIBLE: "拟纳入,待审批",
    State.PROPOSED_NOT_ELIGIBLE: "拟不纳入,待复核",
    State.APPROVED: "已审批纳入,待审定",
    State.NOT_ELIGIBLE: "复核不符合条件,待审定",
    State.DISPUTED: "有争议,待核查",
    State.REVERIFIED: "已核查,待再次审批",
    State.CONFIRMED_NOT_COVERED: "审定不纳入,待转扶贫部门",
    State.ENROLLED: "审定纳入兜底保障",
    State.REFERRED: "已转扶贫部门落实其他帮扶",
}

STATE_STEP = {
    State.RECEIVED: Step.S2,
    State.ASSESSING: Step.S2,
    State.ROUTINE: Step.S5,
    State.PROPOSED_ELIGIBLE: Step.S3,
    State.PROPOSED_NOT_ELIGIBLE: Step.S3,
    State.DISPUTED: Step.S3,
    State.REVERIFIED: Step.S3,
    State.APPROVED: Step.S4,
    State.NOT_ELIGIBLE: Step.S4,
    State.CONFIRMED_NOT_COVERED: Step.S4,
    State.ENROLLED: Step.S5,
    State.REFERRED: Step.S5,
}

SETTLED = frozenset({State.ROUTINE, State.ENROLLED, State.REFERRED})


class Program(StrEnum):
    """What an eligible case is approved into."""

    DIBAO = "dibao"  # 整户纳入低保
    SINGLE_PERSON = "single_person"  # 参照单人户纳入低保
    TEKUN = "tekun"  # 特困供养

    @property
    def text(self) -> str:
        return PROGRAM_TEXT[self]


PROGRAM_TEXT = {
    Program.DIBAO: "整户纳入低保",
    Program.SINGLE_PERSON: "参照单人户纳入低保",
    Program.TEKUN: "纳入特困供养",
}
