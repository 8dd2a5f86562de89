"""P6 in the payroll (pure): who may be sanctioned, from when, by how much, and the explanation."""

from datetime import date
from fractions import Fraction

from doudi.monitor.sanctions import Person, cut_in, share, subject_to_sanction
from doudi.rules.model import Offer, RefusalResponse

R, V, A = RefusalResponse.REFUSED, RefusalResponse.REFUSED_VALID, RefusalResponse.ACCEPTED
WORKER = Person("张五", date(1995, 1, 1), "full", False, False, True)


def _offers(*pairs: tuple[str, RefusalResponse]) -> tuple[Offer, ...]:
    return tuple(Offer(date.fromisoformat(d), r) for d, r in pairs)


def test_the_third_refusal_in_a_row_cuts_the_own_share_from_the_next_month():
    offers = _offers(("2021-01-05", R), ("2021-02-05", R), ("2021-03-05", R))
    assert cut_in(WORKER, offers, date(2021, 3, 1), 75_000, 3, 3, Fraction(1)) is None
    cut = cut_in(WORKER, offers, date(2021, 4, 1), 75_000, 3, 3, Fraction(1))
    assert cut is not None and cut.amount == 25_000 and cut.since == date(2021, 4, 1)
    assert "张五 本人份额停发 250.00 元" in cut.note and "自 2021-04 起" in cut.note
    later = cut_in(WORKER, offers, date(2021, 6, 1), 75_000, 3, 3, Fraction(1))
    assert later is not None and later.since == date(2021, 4, 1)


def test_a_valid_reason_breaks_the_run_and_an_acceptance_lifts_the_cut_next_month():
    broken = _offers(("2021-01-05", R), ("2021-02-05", V), ("2021-03-05", R), ("2021-04-05", R))
    assert cut_in(WORKER, broken, date(2021, 5, 1), 75_000, 3, 3, Fraction(1)) is None
    lifted = _offers(("2021-01-05", R), ("2021-02-05", R), ("2021-03-05", R), ("2021-05-10", A))
    assert cut_in(WORKER, lifted, date(2021, 5, 1), 75_000, 3, 3, Fraction(1)) is not None
    assert cut_in(WORKER, lifted, date(2021, 6, 1), 75_000, 3, 3, Fraction(1)) is None


def test_only_a_labor_capable_unemployed_member_of_a_card_household_is_sanctioned():
    on = date(2021, 4, 1)
    assert subject_to_sanction(WORKER, on)
    assert not subject_to_sanction(Person("老人", date(1950, 1, 1), "full", False, False, True), on)
    assert not subject_to_sanction(Person("学生", date(2003, 1, 1), "full", True, False, True), on)
    assert not subject_to_sanction(Person("务工", date(1995, 1, 1), "full", False, True, True), on)
    assert not subject_to_sanction(Person("弱劳力", date(1995, 1, 1), "partial", False, False, True), on)
    assert not subject_to_sanction(Person("非建档", date(1995, 1, 1), "", False, False, False), on)


def test_a_reduced_share_is_rounded_half_up_once():
    assert share(50_001, 2, Fraction(1, 2)) == 12_500  # 12,500.25
    assert share(50_002, 4, Fraction(1)) == 12_501  # 12,500.5
    assert share(0, 2, Fraction(1)) == 0
    offers = _offers(("2021-01-05", R), ("2021-02-05", R), ("2021-03-05", R))
    half = cut_in(WORKER, offers, date(2021, 4, 1), 75_000, 3, 3, Fraction(1, 2))
    assert half is not None and "减发 50%" in half.note and half.amount == 12_500
