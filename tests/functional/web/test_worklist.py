"""待我办理: what waits for each role, in scope only, earliest deadline first; filters, pages, Excel."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.test import Client

from doudi.campaign import State
from doudi.web.queries import waiting_states
from tests.factories import create_user
from tests.functional.casework.helpers import OTHER_TOWNSHIP_VILLAGE, OTHER_VILLAGE, County, marked_household

pytestmark = pytest.mark.django_db


def listed(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-case="(\d+)"', html)]


def test_each_role_waits_on_the_states_its_transitions_start_from() -> None:
    assert waiting_states("township") >= {State.RECEIVED, State.ASSESSING, State.PROPOSED_ELIGIBLE}
    assert waiting_states("county_civil") >= {State.PROPOSED_ELIGIBLE, State.PROPOSED_NOT_ELIGIBLE}
    assert waiting_states("county_committee") == {State.APPROVED, State.NOT_ELIGIBLE}
    assert waiting_states("prefecture") == frozenset()
    assert State.ENROLLED not in waiting_states("county_civil")  # reopen is not work waiting


def test_a_village_cadre_sees_only_his_village_not_even_in_counts(client: Client, county: County) -> None:
    mine, theirs, _far = county.open(
        marked_household(), marked_household(OTHER_VILLAGE), marked_household(OTHER_TOWNSHIP_VILLAGE)
    )
    client.force_login(county.village)
    page = client.get("/worklist/").text
    assert listed(page) == [mine.pk]
    assert "共 1 户" in page
    client.force_login(county.township)
    assert sorted(listed(client.get("/worklist/").text)) == sorted([mine.pk, theirs.pk])
    client.force_login(county.civil)  # the county civil affairs bureau may also do field work
    assert len(listed(client.get("/worklist/").text)) == 3
    client.force_login(county.committee)
    assert listed(client.get("/worklist/").text) == []  # nothing is ready for the committee


def test_the_list_follows_the_role_and_is_sorted_by_deadline(client: Client, county: County) -> None:
    first, second, third = county.open(marked_household(), marked_household(), marked_household())
    county.take(county.township, first, "start_assessment")
    county.take(county.township, first, "propose_eligible", program="dibao", benefit_fen=10_000)
    county.to_approved(second)
    client.force_login(county.civil)
    assert listed(client.get("/worklist/").text) == [third.pk, first.pk]
    client.force_login(county.committee)
    assert listed(client.get("/worklist/").text) == [second.pk]
    client.force_login(county.township)
    # third is due at S2 (earlier than first's S3), so it comes first
    assert listed(client.get("/worklist/").text) == [third.pk, first.pk]


def test_filters_by_state_step_and_township(client: Client, county: County) -> None:
    here, there = county.open(marked_household(), marked_household(OTHER_TOWNSHIP_VILLAGE))
    county.take(county.township, here, "start_assessment")
    client.force_login(create_user("county_civil"))
    assert sorted(listed(client.get("/worklist/").text)) == sorted([here.pk, there.pk])
    assert listed(client.get("/worklist/?state=assessing").text) == [here.pk]
    assert listed(client.get(f"/worklist/?township={there.township_code}").text) == [there.pk]
    assert listed(client.get("/worklist/?step=S3").text) == []
    assert listed(client.get("/worklist/?state=nonsense").text) != []  # a bad filter is ignored, not a 500


def test_pages_of_fifty(client: Client, county: County) -> None:
    county.open(*[marked_household() for _ in range(51)])
    client.force_login(county.township)
    first = client.get("/worklist/").text
    assert len(listed(first)) == 50 and "第 1 / 2 页" in first
    assert len(listed(client.get("/worklist/?page=2").text)) == 1


def test_excel_download_holds_the_filtered_worklist_in_scope(client: Client, county: County) -> None:
    mine, _theirs = county.open(marked_household(), marked_household(OTHER_VILLAGE))
    client.force_login(county.village)
    response = client.get("/worklist.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "个案编号"
    assert [r[0] for r in rows[1:]] == [mine.pk]
    assert rows[1][4] == State.RECEIVED.text
