"""The cross-match feeds the campaign: a case shows which roll covers its household, with the evidence; a covered
household goes to routine management on that evidence; an uncovered §2 priority member opens a case."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from click.testing import CliRunner
from django.test import Client

from doudi.casework import actions
from doudi.casework.inputs import match_inputs
from doudi.casework.models import Case
from doudi.cli import main
from doudi.matching.actions import run_match
from doudi.matching.queries import latest_run_for
from doudi.registry.models import DibaoMember, Household, Membership
from tests.factories import (
    COUNTY,
    create_batch,
    create_dibao_enrolment,
    create_household,
    create_person,
    create_poverty_registration,
    create_user,
)

from .helpers import County, marked_household

pytestmark = pytest.mark.django_db


def _on_dibao(head: object, *members: object) -> None:
    """A civil-affairs dibao household with the same persons as a card household."""
    household = create_household(head=head, origin="civil", household_no=None)
    enrolment = create_dibao_enrolment(
        household, covered_members=1 + len(members), source_batch=create_batch()
    )
    for person in members:
        Membership.objects.create(person=person, household=household, relation="之女")
        DibaoMember.objects.create(enrolment=enrolment, person=person)


@dataclass
class World:
    county: County
    covered: Household
    missed: Household
    plain: Household
    marked: Household


def _world() -> World:
    county = County()
    covered_head = create_person(name="李国强")
    covered = create_household(head=covered_head)
    create_poverty_registration(covered, safety_net_mark=True, exit_pathway="兜底保障")
    _on_dibao(covered_head)
    missed = create_household(head=create_person(name="陈春", disability_category="4", disability_grade=1))
    create_poverty_registration(missed)  # not on the S1 list; a grade-1 disability on no roll
    plain = create_household(head=create_person(name="王平"))
    create_poverty_registration(plain)  # on no roll, nobody in a priority group: no case
    marked = marked_household()  # on the S1 list, on no roll
    run_match(county.civil)
    return World(county, covered, missed, plain, marked)


def test_open_cases_takes_the_coverage_and_evidence_of_the_latest_match_run() -> None:
    world = _world()
    county = world.county
    create_user("county_poverty", COUNTY, username="poverty")
    result = CliRunner().invoke(
        main,
        [
            "campaign",
            "open-cases",
            "--year",
            "2020",
            "--county",
            COUNTY,
            "--user",
            "poverty",
            "--on",
            "2020-03-16",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "新立案 3 户" in result.output  # the two marked households and the priority member's household
    cases = {c.household_id: c for c in Case.objects.filter(campaign=county.campaign)}
    assert set(cases) == {world.covered.pk, world.missed.pk, world.marked.pk}
    covered = cases[world.covered.pk]
    run = latest_run_for(COUNTY)
    assert run is not None and covered.match_run_id == run.pk
    assert covered.coverage_class == "covered_dibao" and covered.coverage["rolls"] == ["低保"]
    (link,) = covered.coverage["links"]
    assert (
        link["roll"] == "dibao" and link["stage"] == "身份证号精确比对" and "身份证号:一致" in link["fields"]
    )
    missed = cases[world.missed.pk]
    assert missed.coverage_class == "not_covered" and not missed.safety_net
    assert missed.coverage["priority"] == [{"name": "陈春", "reason": "一二级残疾"}]
    again = CliRunner().invoke(
        main, ["campaign", "open-cases", "--year", "2020", "--county", COUNTY, "--user", "poverty"]
    )
    assert "新立案 0 户" in again.output and "无变化 3 户" in again.output  # idempotent with the match


def test_a_case_shows_its_coverage_over_the_api_and_routes_to_routine_on_it() -> None:
    world = _world()
    county = world.county
    inputs, notes = match_inputs(county.campaign, {world.covered.pk})
    assert notes == []
    actions.open_cases(county.civil, county.campaign, inputs, county.campaign.s1_deadline)
    case = Case.objects.get(household=world.covered)
    client = Client()
    client.force_login(county.township)
    body = client.get(f"/api/cases/{case.pk}").json()
    assert body["coverage_class"] == "covered_dibao" and body["match_run"] == case.match_run_id
    assert body["coverage"]["class_name"] == "已纳入低保" and body["coverage"]["covered"] == ["李国强"]
    listed = client.get(f"/api/campaigns/{county.campaign.pk}/cases").json()["results"]
    assert sorted(r["coverage_class"] for r in listed) == ["covered_dibao", "not_covered"]
    county.take(county.township, case, "start_assessment")
    assert county.take(county.township, case, "route_covered").state == "routine"  # no note needed


def test_without_a_match_run_the_inputs_say_how_to_get_one() -> None:
    county = County()
    inputs, notes = match_inputs(county.campaign, {marked_household().pk})
    assert inputs == [] and "doudi match" in notes[0]
