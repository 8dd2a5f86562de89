"""Default deadlines are data keyed by year; due dates and lateness follow the case's state."""

from __future__ import annotations

from datetime import date

import pytest

from doudi.campaign import State, Step, check_deadlines, default_deadlines, due_date, lateness, steps
from doudi.campaign.deadlines import holder, states_due_at
from doudi.campaign.plan import plan_year

PLAN = default_deadlines(2020)


def test_2020_deadlines_are_those_of_the_plan() -> None:
    assert {
        Step.S1: date(2020, 3, 15),
        Step.S2: date(2020, 4, 15),
        Step.S3: date(2020, 5, 5),
        Step.S4: date(2020, 5, 25),
        Step.S5: date(2020, 12, 30),
    } == PLAN
    assert [s.name for s in steps()] == ["梳理对接", "排查识别", "落实兜底", "确认结果", "巩固衔接"]
    assert steps()[3].reference == "云民社救〔2020〕8号 二(一)4"


def test_a_later_year_repeats_the_latest_plan_and_an_earlier_one_is_refused() -> None:
    assert plan_year(2022) == 2020
    assert default_deadlines(2022)[Step.S3] == date(2022, 5, 5)
    with pytest.raises(ValueError, match="早于行动方案"):
        default_deadlines(2019)


def test_deadlines_must_not_go_backwards_or_miss_a_step() -> None:
    with pytest.raises(ValueError, match="S3 落实兜底的截止日期 2020-04-01 早于"):
        check_deadlines({**PLAN, Step.S3: date(2020, 4, 1)})
    with pytest.raises(ValueError, match="缺少步骤截止日期: S5"):
        check_deadlines({s: d for s, d in PLAN.items() if s is not Step.S5})


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (State.RECEIVED, Step.S2),
        (State.ASSESSING, Step.S2),
        (State.PROPOSED_ELIGIBLE, Step.S3),
        (State.DISPUTED, Step.S3),
        (State.REVERIFIED, Step.S3),
        (State.APPROVED, Step.S4),
        (State.CONFIRMED_NOT_COVERED, Step.S4),
    ],
)
def test_due_date_by_state(state: State, step: Step) -> None:
    assert due_date(state, PLAN) == PLAN[step]
    assert state in states_due_at(step) and holder(state)


def test_settled_cases_are_never_late_and_reopened_ones_work_to_s5() -> None:
    for state in (State.ENROLLED, State.REFERRED, State.ROUTINE):
        assert due_date(state, PLAN) is None and lateness(state, PLAN, date(2021, 1, 1)) is None
    assert due_date(State.ASSESSING, PLAN, reopen_count=1) == date(2020, 12, 30)


def test_lateness_counts_days_past_the_step_deadline() -> None:
    assert lateness(State.ASSESSING, PLAN, date(2020, 4, 15)) is None
    late = lateness(State.ASSESSING, PLAN, date(2020, 4, 20))
    assert late is not None and (late.step, late.due, late.days) == (Step.S2, date(2020, 4, 15), 5)
