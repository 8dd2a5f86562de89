"""A small county lived through 24 months of deaths, births, moves, reviews, refusals and temporary assistance
(doudi.watch.simulate): it reaches the expected states and no payment is made twice or to the dead."""

from __future__ import annotations

from datetime import date

import pytest

from doudi.registry.models import DibaoEnrolment
from doudi.watch.models import TemporaryGrant
from doudi.watch.simulate import Rates, live
from tests.factories import COUNTY, create_dibao_enrolment, create_tekun_enrolment, create_user
from tests.functional.watch.helpers import OTHER_VILLAGE, household

pytestmark = pytest.mark.django_db


def _county() -> None:
    for n in range(16):
        h = household(
            OTHER_VILLAGE if n % 4 == 3 else "532923101201", 150_000 + n * 60_000, worker=n % 2 == 0
        )
        if n % 2 == 0:
            create_dibao_enrolment(
                h, covered_members=3, monthly_amount_fen=30_000, start_date=date(2020, 1, 1)
            )
        if n == 5:
            create_tekun_enrolment(h.head, start_date=date(2020, 1, 1), household=h)


def test_twenty_four_months_reach_the_expected_states() -> None:
    _county()
    user = create_user("county_civil")
    rates = Rates(death=0.03, birth=0.02, move=0.02, temporary=0.1, refusers=1)
    run = live(user, COUNTY, date(2021, 1, 1), 24, seed=7, rates=rates)
    assert run.violations == []
    assert len(run.months) == 24 and run.total("deaths") > 0 and run.total("births") > 0
    assert run.total("reviews") > 0 and run.total("grants") == run.total("repeats_refused") > 0
    decisions = run.decisions()
    assert decisions["increase"] + decisions["decrease"] + decisions["gradual_exit"] + decisions["stop"] > 0
    assert [x.cut_lines for x in run.months[:7]] == [0, 0, 0, 1, 1, 1, 0]  # P6: April to June, lifted in July
    assert TemporaryGrant.objects.count() == run.total("grants")
    ended = DibaoEnrolment.objects.filter(status="ended").count()
    assert ended == decisions["stop"] + run.total("exits") and run.total("exits") > 0  # each left its state
    expired = DibaoEnrolment.objects.filter(status="gradual_exit", gradual_exit_end__lt=date(2022, 12, 1))
    assert not expired.exists()  # every gradual exit that is over has ended its enrolment
