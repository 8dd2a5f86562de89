"""Case inputs from the rules engine: the JSON form of assessments, and a live run over the registry."""

from __future__ import annotations

from datetime import date

import pytest

from doudi.casework import actions
from doudi.casework.inputs import assessment_inputs, run_assessments
from doudi.casework.models import Case
from tests.factories import create_household, create_poverty_registration

from .helpers import County, marked_household

pytestmark = pytest.mark.django_db


def test_member_outcomes_suggest_tekun_or_single_person_for_the_named_person() -> None:
    county = County()
    tekun_home, single_home, plain = marked_household(), marked_household(), create_household()
    create_poverty_registration(plain)
    tekun_person = tekun_home.memberships.exclude(relation="户主").get().person
    single_person = single_home.memberships.exclude(relation="户主").get().person
    results = [
        {
            "household_id": tekun_home.household_no,
            "outcome": "members_eligible",
            "reasons": ["t_eligible"],
            "members": [{"person_id": tekun_person.id_number, "tekun": True, "tekun_amount_fen": 98_300}],
        },
        {
            "household_id": f"household-{single_home.pk}",
            "outcome": "members_eligible",
            "members": [
                {
                    "person_id": f"person-{single_person.pk}",
                    "single_person": True,
                    "single_person_benefit_fen": 12_345,
                }
            ],
        },
        {"household_id": plain.household_no, "outcome": "not_eligible", "reasons": ["d3_houses"]},
    ]
    inputs, errors = assessment_inputs(county.campaign, results)
    assert errors == []
    by_household = {i.household_id: i for i in inputs}
    assert set(by_household) == {
        tekun_home.pk,
        single_home.pk,
    }  # not eligible and not on the S1 list: no case
    assert (by_household[tekun_home.pk].program, by_household[tekun_home.pk].benefit_fen) == ("tekun", 98_300)
    assert by_household[tekun_home.pk].person_id == tekun_person.pk
    assert by_household[single_home.pk].person_id == single_person.pk
    assert by_household[single_home.pk].safety_net is True


def test_live_assessment_of_the_registry_feeds_the_cases() -> None:
    county = County()
    household = marked_household()
    results, errors = run_assessments(county.campaign, date(2020, 4, 1))
    assert errors == [] and any(r["household_id"] == household.household_no for r in results)
    inputs, _ = assessment_inputs(county.campaign, results)
    actions.open_cases(county.civil, county.campaign, inputs, date(2020, 4, 1))
    case = Case.objects.get(household=household)
    assert case.assessment_outcome in {"eligible_dibao", "members_eligible", "not_eligible", "needs_data"}
    assert case.assessment_reasons
