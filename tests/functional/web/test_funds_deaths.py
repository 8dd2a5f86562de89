"""The dashboard's dibao funds stop after the month in which the last member of the enrolment died, as the
payroll of doudi.watch does; while one member lives the household's amount stays due."""

from __future__ import annotations

from datetime import date

import pytest

from doudi.registry.models import DibaoMember, Person
from doudi.watch.queries import payroll
from doudi.web.queries import FUND_OF, funds
from tests.factories import COUNTY, create_dibao_enrolment, create_household, create_user

pytestmark = pytest.mark.django_db


def _dead(person: Person, on: date) -> None:
    Person.objects.filter(pk=person.pk).update(alive=False, death_date=on)


def _with_spouse(amount: int) -> tuple[Person, Person]:
    h = create_household()
    enrolment = create_dibao_enrolment(
        h, covered_members=2, monthly_amount_fen=amount, start_date=date(2019, 1, 1)
    )
    spouse = Person.objects.create(name="配偶", sex="F", birth_date=date(1940, 1, 1), **_place(h.head))
    DibaoMember.objects.create(enrolment=enrolment, person=spouse)
    assert h.head is not None
    return h.head, spouse


def _place(p: Person | None) -> dict[str, str]:
    assert p is not None
    return {"county_code": p.county_code, "township_code": p.township_code, "village_code": p.village_code}


def test_dibao_funds_stop_after_the_last_member_dies():
    head, spouse = _with_spouse(40_000)
    _dead(head, date(2020, 1, 10))
    _dead(spouse, date(2020, 3, 5))  # both dead: paid to March
    one, _living = _with_spouse(25_000)
    _dead(one, date(2019, 12, 1))  # one lives: always paid
    user = create_user("county_civil", scope=COUNTY)
    by_month, _areas = funds(user, COUNTY, date(2020, 5, 1))
    assert [row.fen["dibao"] for row in by_month] == [65_000, 65_000, 65_000, 65_000, 25_000, 25_000]
    for row in by_month:
        expected = dict.fromkeys(("dibao", "tekun", "temporary"), 0)
        for line in payroll(user, date.fromisoformat(f"{row.key}-01"), COUNTY):
            expected[FUND_OF[str(line.kind)]] += line.amount
        assert row.fen == expected, row.key
