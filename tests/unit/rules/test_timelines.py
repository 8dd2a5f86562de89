"""Month-by-month timelines: explicit states with transitions (P3 gradual exit, P6 sanctions)."""

from datetime import date

import pytest

from doudi.rules.model import Offer, RefusalResponse
from doudi.rules.timelines import TimelineError, exit_state_on, gradual_exit, sanctions

R, V, A = RefusalResponse.REFUSED, RefusalResponse.REFUSED_VALID, RefusalResponse.ACCEPTED


@pytest.mark.parametrize("months", [6, 9, 12])
def test_gradual_exit_pays_n_months_then_exits(months: int) -> None:
    timeline = gradual_exit(date(2021, 11, 20), months, 30_000, 6, 12)
    assert [s.state for s in timeline] == ["gradual_exit"] * months + ["exited"]
    assert [s.benefit for s in timeline] == [30_000] * months + [0]
    assert timeline[0].month == date(2021, 11, 1)
    assert timeline[0].transition and "进入救助渐退期" in timeline[0].transition
    assert all(s.transition is None for s in timeline[1:months])
    assert timeline[-1].transition and f"{months} 个月期满" in timeline[-1].transition


def test_gradual_exit_crosses_the_year_and_answers_for_any_date() -> None:
    timeline = gradual_exit(date(2021, 10, 1), 6, 100, 6, 12)
    assert exit_state_on(timeline, date(2021, 9, 30)) is None
    assert exit_state_on(timeline, date(2022, 3, 31)).index == 6  # type: ignore[union-attr]
    assert exit_state_on(timeline, date(2022, 4, 1)).state == "exited"  # type: ignore[union-attr]
    assert exit_state_on(timeline, date(2030, 1, 1)).state == "exited"  # type: ignore[union-attr]


@pytest.mark.parametrize("months", [5, 13])
def test_gradual_exit_outside_the_county_range_is_an_error(months: int) -> None:
    with pytest.raises(TimelineError, match="超出本县规定范围 6-12 个月"):
        gradual_exit(date(2021, 10, 1), months, 100, 6, 12)


def _offers(*pairs: tuple[date, RefusalResponse]) -> tuple[Offer, ...]:
    return tuple(Offer(d, r) for d, r in pairs)


def test_third_consecutive_refusal_sanctions_from_the_next_month_until_acceptance() -> None:
    offers = _offers(
        (date(2022, 1, 5), R), (date(2022, 2, 5), R), (date(2022, 3, 5), R), (date(2022, 5, 9), A)
    )
    timeline = sanctions(offers, 3, date(2022, 7, 1))
    assert [(s.month.month, s.refusals_in_a_row, s.sanctioned) for s in timeline] == [
        (1, 1, False),
        (2, 2, False),
        (3, 3, False),
        (4, 3, True),
        (5, 0, True),
        (6, 0, False),
        (7, 0, False),
    ]
    assert timeline[3].transition and "连续第 3 次" in timeline[3].transition
    assert timeline[5].transition and "恢复本人份额" in timeline[5].transition


def test_refusal_with_valid_reason_breaks_the_run() -> None:
    offers = _offers(
        (date(2022, 1, 5), R), (date(2022, 2, 5), V), (date(2022, 3, 5), R), (date(2022, 4, 5), R)
    )
    assert not any(s.sanctioned for s in sanctions(offers, 3, date(2022, 6, 1)))


def test_two_refusals_in_one_month_count_separately() -> None:
    offers = _offers((date(2022, 1, 5), R), (date(2022, 1, 25), R), (date(2022, 2, 5), R))
    timeline = sanctions(offers, 3, date(2022, 3, 1))
    assert [s.sanctioned for s in timeline] == [False, False, True]
