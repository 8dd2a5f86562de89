from datetime import date

import pytest

from doudi.monitor.payroll import changes
from doudi.registry.models import AuditEvent, DibaoEnrolment
from doudi.watch.actions import NewIncome, ReviewInput, WatchError, close_gradual_exits, record_review
from doudi.watch.models import BenefitChange
from doudi.watch.queries import payroll, reviews_due
from tests.factories import VILLAGE, create_user
from tests.functional.watch.helpers import OTHER_VILLAGE, covered

pytestmark = pytest.mark.django_db


def _enrolment(h):
    return DibaoEnrolment.objects.get(household=h)


def test_review_increases_the_benefit_from_the_effective_month():
    user = create_user("township")
    h = covered(income_fen=600_000)  # 3000 yuan/person/year: gap 125 yuan x 2
    review = record_review(
        user, h, ReviewInput(date(2021, 3, 10), date(2021, 4, 1), income=[NewIncome("agriculture", 300_000)])
    )
    assert (review.decision, review.amount_before_fen, review.amount_after_fen) == (
        "increase",
        37_500,
        50_000,
    )
    assert _enrolment(h).monthly_amount_fen == 50_000
    assert _enrolment(h).history.count() == 2  # created, then changed
    event = AuditEvent.objects.get(action="benefit_change")
    assert event.detail["amount_after_fen"] == 50_000 and event.region_code == VILLAGE
    assert review.next_due == date(2022, 3, 1)  # stable income: yearly (rules parameter review.months_stable)
    march, april = payroll(user, date(2021, 3, 1)), payroll(user, date(2021, 4, 1))
    assert [x.amount for x in march] == [37_500] and [x.amount for x in april] == [50_000]
    (change,) = changes(march, april)
    assert change.difference == 12_500 and change.why.startswith("增发")


def test_income_above_the_standard_starts_a_gradual_exit_then_stops():
    user = create_user("county_civil")
    h = covered()
    first = record_review(
        user,
        h,
        ReviewInput(date(2021, 3, 10), date(2021, 3, 10), income=[NewIncome("agriculture", 1_200_000)]),
    )
    e = _enrolment(h)
    assert first.decision == "gradual_exit" and e.status == "gradual_exit"
    assert e.gradual_exit_end == date(2021, 8, 31)  # six months (rules parameter), the rules' own timeline
    assert [x.kind.value for x in payroll(user, date(2021, 8, 1))] == ["gradual_exit"]
    assert payroll(user, date(2021, 9, 1)) == []  # nothing after the gradual exit
    second = record_review(user, h, ReviewInput(date(2021, 9, 15), date(2021, 10, 1)))
    e.refresh_from_db()
    assert second.decision == "stop" and e.status == "ended" and e.end_date == date(2021, 8, 31)  # exit's end
    assert list(BenefitChange.objects.values_list("decision", flat=True)) == ["gradual_exit", "stop"]


def test_a_gradual_exit_that_is_over_ends_and_is_not_resumed_by_a_later_review():
    user = create_user("county_civil")
    h = covered()
    record_review(
        user,
        h,
        ReviewInput(date(2021, 3, 10), date(2021, 3, 10), income=[NewIncome("agriculture", 1_200_000)]),
    )
    assert [x.household for x in reviews_due(user, date(2022, 6, 1)).get(h.village_code, [])] == []
    assert close_gradual_exits(user, date(2021, 8, 31)) == []  # still in its last month
    (e,) = close_gradual_exits(user, date(2021, 9, 1))
    assert (e.status, e.end_date) == ("ended", date(2021, 8, 31))
    stop = BenefitChange.objects.get(decision="stop")
    assert (stop.effective_month, stop.amount_after_fen, stop.cause) == (
        date(2021, 9, 1),
        0,
        "救助渐退期满, 退出低保",
    )
    low = record_review(
        user, h, ReviewInput(date(2022, 3, 1), date(2022, 3, 1), income=[NewIncome("agriculture", 100_000)])
    )
    assert (
        low.decision == "unchanged" and payroll(user, date(2022, 3, 1)) == []
    )  # a new application is needed


def test_review_is_refused_outside_scope_or_backdated():
    h = covered(OTHER_VILLAGE)
    with pytest.raises(WatchError, match="管辖范围"):
        record_review(create_user("village"), h, ReviewInput(date(2021, 3, 10), date(2021, 3, 1)))
    with pytest.raises(WatchError, match="生效月份"):
        record_review(create_user("county_civil"), h, ReviewInput(date(2021, 3, 10), date(2021, 2, 1)))
    assert not AuditEvent.objects.exists()


def test_worklist_of_reviews_due_by_village_with_the_irregular_period():
    user = create_user("county_civil")
    due = covered()  # enrolled 2019-07, never reviewed: due 2020-07
    worker = covered(OTHER_VILLAGE, worker=True)
    record_review(user, worker, ReviewInput(date(2020, 9, 1), date(2020, 9, 1), irregular_income=True))
    worklist = reviews_due(user, date(2021, 3, 1))
    assert {v: [i.household for i in items] for v, items in worklist.items()} == {
        VILLAGE: [due],
        OTHER_VILLAGE: [worker],
    }
    assert worklist[OTHER_VILLAGE][0].months == 6 and worklist[OTHER_VILLAGE][0].due == date(2021, 3, 1)
    assert reviews_due(user, date(2021, 2, 28)).keys() == {VILLAGE}
    assert reviews_due(create_user("village"), date(2021, 3, 1)).keys() == {VILLAGE}  # scoped


def test_income_falling_back_during_a_gradual_exit_resumes_dibao():
    user = create_user("county_civil")
    h = covered()
    record_review(
        user,
        h,
        ReviewInput(date(2021, 3, 10), date(2021, 3, 10), income=[NewIncome("agriculture", 1_200_000)]),
    )
    back = record_review(
        user, h, ReviewInput(date(2021, 5, 10), date(2021, 6, 1), income=[NewIncome("agriculture", 600_000)])
    )
    e = _enrolment(h)
    assert back.decision == "decrease" and (e.status, e.gradual_exit_end, e.monthly_amount_fen) == (
        "active",
        None,
        25_000,
    )
    assert [x.kind.value for x in payroll(user, date(2021, 12, 1))] == ["dibao"]


def test_a_household_covered_only_through_tekun_is_reviewed_yearly_from_its_start():
    from tests.factories import create_household, create_tekun_enrolment

    h = create_household(hukou_county_code="532923")
    create_tekun_enrolment(h.head, household=h, start_date=date(2020, 2, 10))
    user = create_user("county_civil")
    assert reviews_due(user, date(2021, 1, 31)) == {}
    (item,) = reviews_due(user, date(2021, 2, 1))[VILLAGE]
    assert (item.household, item.months, item.due) == (h, 12, date(2021, 2, 1))
