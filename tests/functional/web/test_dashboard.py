"""统计看板: figures equal the database, per region in scope, with drill-down; nothing outside the scope."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from doudi.casework.models import Case
from tests.functional.casework.helpers import (
    OTHER_COUNTY_VILLAGE,
    OTHER_TOWNSHIP_VILLAGE,
    OTHER_VILLAGE,
    County,
    marked_household,
)

pytestmark = pytest.mark.django_db


def cell(html: str, row_attr: str, column: str) -> int:
    row = re.search(rf"<tr {row_attr}>(.*?)</tr>", html, re.S)
    assert row, f"row {row_attr} not on the page"
    match = re.search(rf"{column}>(\d+)<", row.group(1))
    assert match, f"{column} not in row {row_attr}"
    return int(match.group(1))


def figure(html: str, label: str) -> int:
    match = re.search(rf'data-figure="{label}">(\d+)<', html)
    assert match, label
    return int(match.group(1))


@pytest.fixture
def spread(county: County) -> list[Case]:
    cases = county.open(
        marked_household(),
        marked_household(),
        marked_household(OTHER_VILLAGE),
        marked_household(OTHER_TOWNSHIP_VILLAGE),
    )
    county.to_approved(cases[0])
    return cases


def test_step_table_equals_the_database(client: Client, county: County, spread: list[Case]) -> None:
    client.force_login(county.civil)
    page = client.get("/dashboard/").text
    today = date.today()
    cases = Case.objects.filter(campaign=county.campaign)
    assert figure(page, "个案总数") == cases.count() == 4
    for step in ("S2", "S4"):
        assert cell(page, f'data-step="{step}"', "data-open") == cases.filter(due_step=step).count()
        late = cases.filter(due_step=step, due_date__lt=today).count()
        assert cell(page, f'data-step="{step}"', "data-overdue") == late
    assert cell(page, 'data-step="S4"', "data-open") == 1
    assert figure(page, "兜底保障标识户") == 4
    assert "echarts-5.6.0.min.js" in page


def test_drill_down_from_county_to_township_to_village(
    client: Client, county: County, spread: list[Case]
) -> None:
    client.force_login(county.civil)
    county_page = client.get("/dashboard/").text
    township = spread[0].township_code
    assert f'href="?region={township}"' in county_page
    assert cell(county_page, f'data-area="{township}"', 'class="num"') == 3
    township_page = client.get(f"/dashboard/?region={township}").text
    assert figure(township_page, "个案总数") == 3
    assert cell(township_page, f'data-area="{spread[0].village_code}"', 'class="num"') == 2
    village_page = client.get(f"/dashboard/?region={spread[0].village_code}").text
    assert figure(village_page, "个案总数") == 2
    assert "data-area=" not in village_page  # nothing below a village


def test_a_village_cadre_sees_only_his_village_in_counts(
    client: Client, county: County, spread: list[Case]
) -> None:
    client.force_login(county.village)
    page = client.get("/dashboard/").text
    assert figure(page, "个案总数") == 2
    assert figure(page, "兜底保障标识户") == 2
    assert client.get(f"/dashboard/?region={OTHER_VILLAGE}").status_code == 404
    assert client.get(f"/dashboard/?region={spread[0].township_code}").status_code == 404
    client.force_login(county.civil)
    assert client.get(f"/dashboard/?region={OTHER_COUNTY_VILLAGE}").status_code == 404
    assert client.get("/dashboard/?region=abc").status_code == 404


def test_card_households_covered_count_the_latest_match_and_own_enrolments(client: Client) -> None:
    from doudi.matching.models import HouseholdCoverage, MatchRun, RunStatus
    from tests.factories import COUNTY, create_dibao_enrolment, create_household, create_user

    by_match, enrolled, uncovered = (create_household(household_no=f"H{i}") for i in range(3))
    create_dibao_enrolment(enrolled)
    done = RunStatus.COMPLETE
    old = MatchRun.objects.create(
        region_code=COUNTY, status=done, started_at=timezone.now() - timedelta(days=1)
    )
    HouseholdCoverage.objects.create(run=old, household=uncovered, coverage_class="covered_dibao")
    latest = MatchRun.objects.create(region_code=COUNTY, status=done)
    HouseholdCoverage.objects.create(run=latest, household=by_match, coverage_class="covered_tekun")
    HouseholdCoverage.objects.create(run=latest, household=uncovered, coverage_class="not_covered")
    running = MatchRun.objects.create(region_code=COUNTY)  # a run still in progress speaks for nothing yet
    HouseholdCoverage.objects.create(run=running, household=by_match, coverage_class="not_covered")

    client.force_login(create_user(role="county_civil", scope=COUNTY))
    html = client.get(f"/dashboard/?region={COUNTY}").text
    assert figure(html, "已纳入低保或特困的建档立卡户") == 2
