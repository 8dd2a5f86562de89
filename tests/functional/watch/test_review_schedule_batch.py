"""The reviews-due schedule is computed in one batch (a fixed number of queries) and lists the same households,
periods and dates as reassessing each household with the rules engine one by one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doudi.monitor.reviews import next_due
from doudi.registry import models as m
from doudi.watch.actions import ReviewInput, record_review
from doudi.watch.assess import parameters_for, reassess
from doudi.watch.queries import DueReview, covered_households, review_schedule
from tests.factories import (
    create_dibao_enrolment,
    create_household,
    create_member,
    create_tekun_enrolment,
    create_user,
)
from tests.functional.watch.helpers import OTHER_VILLAGE, covered

pytestmark = pytest.mark.django_db

ON = date(2021, 3, 1)


def _one_by_one(user: Any, on: date, region: str = "") -> list[DueReview]:
    """The former per-household schedule (one reassessment and several queries per household)."""
    out = []
    for h in covered_households(user, on, region):
        last = h.watch_reviews.order_by("-reviewed_on", "-pk").first()
        irregular = bool(last and last.irregular_income)
        try:
            months = reassess(h, on, irregular).review_months
        except ValueError:
            months = None
        if months is None:
            months = parameters_for(h, on).count("review.months_stable")
        if last is not None:
            since = last.reviewed_on
        else:
            starts = [e.start_date for e in h.dibao_enrolments.all() if e.start_date]
            starts += [
                t.start_date
                for t in m.TekunEnrolment.objects.filter(person__memberships__household=h)
                if t.start_date
            ]
            since = max(starts) if starts else on
        out.append(DueReview(h, h.village_code, since, months, next_due(since, months), irregular))
    return out


def _county() -> None:
    user = create_user("county_civil")
    covered()  # never reviewed: from the enrolment's start
    covered(OTHER_VILLAGE, income_fen=900_000)
    worker = covered(OTHER_VILLAGE, worker=True)
    record_review(user, worker, ReviewInput(date(2020, 9, 1), date(2020, 9, 1), irregular_income=True))
    stable = covered(worker=True)
    record_review(user, stable, ReviewInput(date(2020, 5, 1), date(2020, 5, 1)))
    tekun_only = create_household(hukou_county_code="532923")
    create_tekun_enrolment(tekun_only.head, household=tekun_only, start_date=date(2020, 2, 10))
    both = covered()
    create_tekun_enrolment(create_member(both, "之子", birth_date=date(1990, 1, 1)), household=both)
    incomplete = create_household(hukou_county_code="532923")
    create_member(incomplete, birth_date=None)  # the rules cannot assess it: the stable period
    create_dibao_enrolment(incomplete, covered_members=2, monthly_amount_fen=20_000, start_date=None)
    create_household()  # not covered: not listed


def _fields(items: list[DueReview]) -> list[tuple[Any, ...]]:
    return [(d.household.pk, d.village_code, d.last_review, d.months, d.due, d.irregular) for d in items]


def test_the_batched_schedule_equals_reassessing_each_household():
    _county()
    user = create_user("county_civil")
    expected = _one_by_one(user, ON)
    assert len(expected) == 7
    assert {d.months for d in expected} == {6, 12}
    assert _fields(review_schedule(user, ON)) == _fields(expected)
    village = create_user("village")
    assert _fields(review_schedule(village, ON)) == _fields(_one_by_one(village, ON))
    assert _fields(review_schedule(user, ON, OTHER_VILLAGE)) == _fields(_one_by_one(user, ON, OTHER_VILLAGE))


def _queries(user: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        review_schedule(user, ON)
    return len(ctx.captured_queries)


def _reviewed(user: Any, irregular: bool) -> None:
    h = covered(OTHER_VILLAGE, worker=True)
    record_review(user, h, ReviewInput(date(2020, 9, 1), date(2020, 9, 1), irregular_income=irregular))


def test_the_schedule_reads_a_fixed_number_of_queries_whatever_the_number_of_households():
    user = create_user("county_civil")
    covered()
    _reviewed(user, irregular=True)
    _reviewed(user, irregular=False)
    few = _queries(user)
    for _ in range(5):
        covered()
        _reviewed(user, irregular=True)
        _reviewed(user, irregular=False)
    schedule = review_schedule(user, ON)
    assert len(schedule) == 18 and sum(d.months == 6 for d in schedule) == 6
    assert _queries(user) == few
