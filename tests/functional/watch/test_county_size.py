"""The payroll and the warning list at county size, and with records the rules cannot assess.

SQLite limits an expression tree to a depth of 1000; a county's payroll has more dibao enrolments than that, so a
query that names every enrolment's member with one OR term each fails there (Django 5.2 prefetches forward foreign
keys that way). The demo county has about 1,400 enrolments."""

from __future__ import annotations

from datetime import date

import pytest

from doudi.registry.models import DibaoEnrolment, DibaoMember, Household, Membership, Person
from doudi.watch.queries import payroll, warnings
from tests.factories import VILLAGE, create_household, create_member, create_user, region
from tests.functional.watch.helpers import household

pytestmark = pytest.mark.django_db

MANY = 1_050  # more than SQLite's expression depth limit (1000)


def _covered_households(n: int) -> None:
    """n one-person dibao households, each with its member row, in a handful of bulk inserts."""
    heads = Person.objects.bulk_create(
        Person(name=f"户主{i}", sex="M", birth_date=date(1950, 1, 1), **region(VILLAGE)) for i in range(n)
    )
    homes = Household.objects.bulk_create(
        Household(origin="card", head=p, household_no=f"H{i:06d}", **region(VILLAGE))
        for i, p in enumerate(heads)
    )
    Membership.objects.bulk_create(
        Membership(person=p, household=h, relation="户主") for p, h in zip(heads, homes, strict=True)
    )
    enrolments = DibaoEnrolment.objects.bulk_create(
        DibaoEnrolment(household=h, covered_members=1, monthly_amount_fen=37_500, start_date=date(2019, 7, 1))
        for h in homes
    )
    DibaoMember.objects.bulk_create(
        DibaoMember(enrolment=e, person=p) for e, p in zip(enrolments, heads, strict=True)
    )


def test_a_county_sized_payroll_is_listed_and_paid_in_full():
    _covered_households(MANY)
    lines = payroll(create_user("county_civil"), date(2021, 4, 1))
    assert len(lines) == MANY
    assert sum(line.amount for line in lines) == MANY * 37_500
    assert {line.person for line in lines} >= {"户主0", f"户主{MANY - 1}"}


def test_a_county_sized_payroll_page_answers(client):
    _covered_households(MANY)
    user = create_user("county_civil")
    client.force_login(user)
    response = client.get("/watch/payroll/", {"month": "2021-04"})
    assert response.status_code == 200


def test_warnings_pass_over_a_household_that_needs_data():
    edge = household(income_fen=1_100_000)  # 5500 yuan/person: above the 4500 standard, under 1.5x
    incomplete = create_household(VILLAGE)
    create_member(incomplete, birth_date=None)  # no birth date: assessed as needing data, no figures
    found = warnings(create_user("county_civil"), date(2021, 3, 1))
    listed = [entry.household.pk for entries in found.values() for entry in entries]
    assert edge.pk in listed and incomplete.pk not in listed
