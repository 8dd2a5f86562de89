"""Test factories with keyword defaults (in the style of Notify's `create_*`): a test names only what matters.

Every factory writes through the ORM (or the registry's own write path where there is one) and returns the
saved object. Region codes default to a real village of 祥云县 (532923), NBS 2023 edition.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User

from doudi.core import ids
from doudi.registry.models import (
    SCOPE_LENGTH,
    DibaoEnrolment,
    DibaoMember,
    Household,
    ImportBatch,
    IncomeItem,
    Membership,
    Person,
    PovertyRegistration,
    Role,
    TekunEnrolment,
    TemporaryAssistancePayment,
)
from doudi.registry.users import create_user as create_user_with_role

COUNTY = "532923"  # 祥云县
VILLAGE = "532923101201"  # 祥城镇 平坝村民委员会
_serial = itertools.count(1)


def _next() -> int:
    return next(_serial)


def region(village_code: str) -> dict[str, str]:
    """The three region fields for a village code."""
    return {"county_code": village_code[:6], "township_code": village_code[:9], "village_code": village_code}


def make_id(village_code: str = VILLAGE, birth_date: date | None = None, sex: str = "M") -> str:
    """A valid, unique-per-run resident ID; odd sequence digit for men."""
    n = _next()
    born = birth_date or date(1960, 1, 1) + timedelta(days=n // 499)
    sequence = (n % 499) * 2 + (1 if sex == "M" else 2)
    return ids.make(village_code[:6], born, sequence)


def create_batch(**kw: Any) -> ImportBatch:
    n = _next()
    values: dict[str, Any] = {
        "kind": "poverty",
        "region_code": COUNTY,
        "file_name": f"名册{n}.xlsx",
        "sha256": hashlib.sha256(str(n).encode()).hexdigest(),
        "size_bytes": 1024,
        "status": "complete",
    }
    values.update(kw)
    return ImportBatch.objects.create(**values)


def create_person(village_code: str = VILLAGE, **kw: Any) -> Person:
    sex = kw.pop("sex", "M")
    birth_date = kw.pop("birth_date", date(1960, 5, 1))
    if "id_number" not in kw:
        kw["id_number"] = make_id(village_code, birth_date, sex)
    values: dict[str, Any] = {"name": "张三", "sex": sex, "birth_date": birth_date, **region(village_code)}
    values.update(kw)
    return Person.objects.create(**values)


def create_membership(person: Person, household: Household, relation: str = "之子", **kw: Any) -> Membership:
    return Membership.objects.create(person=person, household=household, relation=relation, **kw)


def create_household(village_code: str = VILLAGE, head: Person | bool | None = True, **kw: Any) -> Household:
    """A card household with a head living in the same village (pass head=None for none, or a Person)."""
    if head is True:
        head = create_person(village_code, name="户主")
    values: dict[str, Any] = {"origin": "card", **region(village_code)}
    if kw.get("origin", "card") == "card":
        values["household_no"] = f"{village_code}{_next():06d}"
    values.update(kw)
    household = Household.objects.create(head=head or None, **values)
    if isinstance(head, Person):
        create_membership(head, household, "户主")
    return household


def create_member(household: Household, relation: str = "配偶", **kw: Any) -> Person:
    """A new person living in the household's village, made a member of it."""
    person = create_person(household.village_code, **kw)
    create_membership(person, household, relation)
    return person


def create_poverty_registration(household: Household, **kw: Any) -> PovertyRegistration:
    values: dict[str, Any] = {
        "household_no": household.household_no or "",
        "poverty_type": "一般贫困户",
        "status": "已脱贫",
        "registration_year": 2014,
    }
    values.update(kw)
    return PovertyRegistration.objects.create(household=household, **values)


def create_dibao_enrolment(household: Household | None = None, **kw: Any) -> DibaoEnrolment:
    household = household or create_household()
    values: dict[str, Any] = {
        "covered_members": 1,
        "monthly_amount_fen": 37_500,
        "start_date": date(2019, 7, 1),
    }
    values.update(kw)
    enrolment = DibaoEnrolment.objects.create(household=household, **values)
    if household.head_id:
        DibaoMember.objects.create(enrolment=enrolment, person_id=household.head_id)
    return enrolment


def create_tekun_enrolment(person: Person | None = None, **kw: Any) -> TekunEnrolment:
    values: dict[str, Any] = {
        "support_mode": "home",
        "self_care_level": "self_care",
        "basic_standard_fen": 83_200,
    }
    values.update(kw)
    return TekunEnrolment.objects.create(
        person=person or create_person(birth_date=date(1940, 1, 1)), **values
    )


def create_income(household: Household | None = None, **kw: Any) -> IncomeItem:
    values: dict[str, Any] = {"kind": "wage", "amount_fen": 1_200_000}
    values.update(kw)
    if household is None and "person" not in values:
        household = create_household()
    return IncomeItem.objects.create(household=household, **values)


def create_payment(household: Household | None = None, **kw: Any) -> TemporaryAssistancePayment:
    values: dict[str, Any] = {"kind": "emergency", "amount_fen": 100_000, "event_date": date(2020, 3, 1)}
    values.update(kw)
    if household is None and "person" not in values:
        household = create_household()
    return TemporaryAssistancePayment.objects.create(household=household, **values)


def create_user(role: str = "county_civil", scope: str | None = None, **kw: Any) -> User:
    """A login with a profile; the scope defaults to the default village cut to the role's length."""
    if scope is None:
        length = SCOPE_LENGTH.get(Role(role))
        scope = VILLAGE[:length] if length else ""
    username = kw.pop("username", f"{role}-{_next()}")
    password = kw.pop("password", "doudi-test-2020")
    return create_user_with_role(username, password, role, scope, **kw)
