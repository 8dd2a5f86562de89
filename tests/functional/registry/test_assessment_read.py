"""The region-scoped columnar read (`read_households`) gives the same rules input as the prefetching path."""

from dataclasses import replace
from datetime import date

import pytest

from doudi.registry import assessment
from doudi.registry.assessment import household_input, households, read_households
from doudi.registry.models import DeductionItem, PropertyItem, SupportMeasure
from tests.factories import (
    COUNTY,
    create_dibao_enrolment,
    create_household,
    create_income,
    create_member,
    create_membership,
    create_poverty_registration,
    create_tekun_enrolment,
)

ON = date(2022, 3, 1)


def _inputs(rows: object) -> dict[int, object]:
    """Each household's rules input, its members in person-ID order: the prefetching path reads memberships
    without an order (PostgreSQL may return them in any order), the columnar read in key order."""
    out = {}
    for h in rows:  # type: ignore[attr-defined]
        record = household_input(h, ON)
        out[h.pk] = replace(record, members=tuple(sorted(record.members, key=lambda x: x.person_id)))
    return out


OTHER_VILLAGE = "532901001001"  # 大理市: another county, its households interleaved with 祥云县's


def _county(village: str) -> list[int]:
    """A few varied households of a village: person- and household-owned items, a tekun member, a member who
    moved in from another household, a gradual exit."""
    pks = []
    a = create_household(village, hukou_county_code=village[:6])
    create_poverty_registration(a, status="已脱贫")
    create_income(a, kind="agriculture", amount_fen=240_000)
    son = create_member(a, "之子", birth_date=date(1995, 5, 1))
    create_income(kind="wage", amount_fen=300_000, person=son)
    SupportMeasure.objects.create(person=son, household=a, kind="employment")
    DeductionItem.objects.create(household=a, kind="illness", amount_fen=500_000, reimbursed_fen=200_000)
    DeductionItem.objects.create(person=son, kind="disability", amount_fen=100_000)
    PropertyItem.objects.create(household=a, kind="house")
    pks.append(a.pk)
    b = create_household(village, hukou_county_code=village[:6])
    create_dibao_enrolment(b, status="gradual_exit", gradual_exit_end=date(2022, 6, 30))
    old = create_member(b, "之父", birth_date=date(1940, 2, 1), labor_capacity="none")
    create_tekun_enrolment(old, start_date=date(2020, 1, 1))
    PropertyItem.objects.create(
        person=old, kind="vehicle", value_fen=9_000_000, purchase_date=date(2021, 9, 1)
    )
    create_membership(son, b, "之孙子", valid_from=date(2022, 1, 1))  # also listed in a second household
    pks.append(b.pk)
    return pks


@pytest.mark.django_db
@pytest.mark.parametrize("chunk", [1, 3, 2000])
def test_region_scoped_read_equals_the_prefetch_path(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(assessment, "CHUNK", chunk)
    ours: list[int] = []
    for _ in range(3):  # interleave the two counties' primary keys
        ours += _county("532923101201")
        _county(OTHER_VILLAGE)
    rows = list(read_households(COUNTY))
    assert [h.pk for h in rows] == sorted(ours)
    assert _inputs(rows) == _inputs(households(COUNTY))
    assert [str(h) for h in rows] == [str(h) for h in households(COUNTY)]
    everything = list(read_households(None))
    assert len(everything) == 12 and _inputs(everything) == _inputs(households(None))
