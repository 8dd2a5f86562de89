"""The access matrix: a user sees exactly the rows of their region, through every scoped accessor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from doudi.core.divisions import yunnan
from doudi.registry import access
from tests.factories import (
    VILLAGE,
    create_dibao_enrolment,
    create_household,
    create_income,
    create_member,
    create_payment,
    create_person,
    create_poverty_registration,
    create_tekun_enrolment,
    create_user,
)

pytestmark = pytest.mark.django_db


def _villages_of(code: str) -> list[str]:
    g = yunnan()
    if len(code) == 9:
        return [v.code for v in g.children(code)]
    return [v for child in g.children(code) for v in _villages_of(child.code)]


def _other_village(within: str, outside: str) -> str:
    return next(code for code in _villages_of(within) if not code.startswith(outside))


# Five villages at widening distances from VILLAGE: same township, same county, same prefecture, elsewhere.
SAME_TOWNSHIP = _other_village(VILLAGE[:9], VILLAGE)
SAME_COUNTY = _other_village(VILLAGE[:6], VILLAGE[:9])
SAME_PREFECTURE = _other_village(VILLAGE[:4], VILLAGE[:6])
OTHER_PREFECTURE = _other_village("5301", VILLAGE[:4])
ALL = [VILLAGE, SAME_TOWNSHIP, SAME_COUNTY, SAME_PREFECTURE, OTHER_PREFECTURE]

VISIBLE = {
    "village": ALL[:1],
    "township": ALL[:2],
    "county_civil": ALL[:3],
    "county_poverty": ALL[:3],
    "prefecture": ALL[:4],
    "province": ALL,
    "admin": ALL,
}

# accessor -> how to read a row's village code
ACCESSORS: dict[str, tuple[Callable[[Any], QuerySet[Any]], Callable[[Any], str]]] = {
    "households": (access.households_for, lambda h: h.village_code),
    "persons": (access.persons_for, lambda p: p.village_code),
    "memberships": (access.memberships_for, lambda m: m.household.village_code),
    "poverty": (access.poverty_registrations_for, lambda r: r.household.village_code),
    "dibao": (access.dibao_enrolments_for, lambda e: e.household.village_code),
    "tekun": (access.tekun_enrolments_for, lambda e: e.person.village_code),
    "payments": (access.temporary_assistance_for, lambda p: p.household.village_code),
    "income": (lambda u: access.scoped(u, access.IncomeItem), lambda i: i.household.village_code),
}


def _populate(village: str) -> dict[str, Model]:
    household = create_household(village)
    create_member(household, "配偶", name="配偶")
    create_poverty_registration(household)
    create_dibao_enrolment(household)
    create_tekun_enrolment(create_person(village, name="特困"))
    create_income(household)
    create_payment(household)
    return {"household": household}


@pytest.fixture
def world() -> dict[str, dict[str, Model]]:
    return {village: _populate(village) for village in ALL}


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_each_role_sees_exactly_its_region(world: dict[str, dict[str, Model]], role: str) -> None:
    user = create_user(role)  # scope: VILLAGE cut to the role's length ('' for admin)
    expected = set(VISIBLE[role])
    for name, (accessor, village_of) in ACCESSORS.items():
        rows = list(accessor(user))
        assert {village_of(row) for row in rows} == expected, name
        assert accessor(user).count() == len(rows), name
    per_village_persons = 3  # head, spouse, tekun person
    assert access.persons_for(user).count() == per_village_persons * len(expected)


@pytest.mark.parametrize("role", ["village", "township", "county_civil", "prefecture"])
def test_rows_outside_scope_look_like_missing_rows(world: dict[str, dict[str, Model]], role: str) -> None:
    user = create_user(role)
    outside = world[OTHER_PREFECTURE]["household"]
    inside = world[VILLAGE]["household"]
    assert access.get_household_for_user(user, inside.pk) == inside
    with pytest.raises(access.NotInScope) as hidden:
        access.get_household_for_user(user, outside.pk)
    with pytest.raises(access.NotInScope) as missing:
        access.get_household_for_user(user, 10**9)
    assert str(hidden.value) == str(missing.value)
    head = outside.head
    assert head is not None and head.id_number is not None
    with pytest.raises(access.NotInScope):
        access.get_person_by_id_number(user, head.id_number)
    with pytest.raises(access.NotInScope):
        access.get_person_for_user(user, "not-a-number")


def test_users_without_a_role_see_nothing(world: dict[str, dict[str, Model]]) -> None:
    no_profile = User.objects.create_user("nobody", password="doudi-test-2020")
    inactive = create_user("province", is_active=False)
    for user in (AnonymousUser(), no_profile, inactive, None):
        assert access.households_for(user).count() == 0
        assert access.persons_for(user).count() == 0


def test_superuser_without_profile_sees_everything(world: dict[str, dict[str, Model]]) -> None:
    root = User.objects.create_superuser("root", password="doudi-test-2020")
    assert access.households_for(root).count() == len(ALL)


def test_only_admin_may_have_the_empty_scope() -> None:
    with pytest.raises(ValidationError):
        create_user("province", scope="")
    with pytest.raises(ValidationError):
        create_user("township", scope="532923")  # a county code is too wide for a township login
    with pytest.raises(ValidationError):
        create_user("county_civil", scope="539999")  # no such county
