"""Zero leaks: every role in every kind of region, on every endpoint, sees exactly its scope, never a count
or a household number more; out-of-scope objects answer 404 like missing ones; IDs are always masked."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from doudi.casework import actions
from doudi.casework.models import Campaign, Case
from doudi.registry.models import Person
from tests.factories import create_user
from tests.functional.casework.helpers import (
    OTHER_COUNTY_VILLAGE,
    OTHER_TOWNSHIP_VILLAGE,
    OTHER_VILLAGE,
    SPRING,
    marked_household,
)

pytestmark = pytest.mark.django_db
VILLAGES = ["532923101201", "532923101201", OTHER_VILLAGE, OTHER_TOWNSHIP_VILLAGE, OTHER_COUNTY_VILLAGE]
USERS = [
    ("village", "532923101201"),
    ("village", OTHER_VILLAGE),
    ("village", "532923103202"),  # a village of the county without cases
    ("township", "532923101"),
    ("township", "532923102"),
    ("county_civil", "532923"),
    ("county_poverty", "532924"),
    ("county_committee", "532923"),
    ("county_committee", "530102"),  # a county without a campaign
    ("prefecture", "5329"),
    ("prefecture", "5301"),
    ("province", "53"),
    ("admin", ""),
]


def _world() -> list[Case]:
    for village in VILLAGES:
        marked_household(village)
    for county in ("532923", "532924"):
        civil = create_user("county_civil", county)
        campaign = actions.create_campaign(civil, 2020, county)
        actions.open_cases(civil, campaign, actions.safety_net_inputs(campaign), SPRING)
    return list(Case.objects.select_related("household"))


def _get(client: Client, url: str) -> tuple[int, Any, str]:
    response = client.get(url)
    text = response.content.decode()
    return response.status_code, json.loads(text), text


def test_every_endpoint_shows_exactly_the_scope_for_every_role_and_region() -> None:
    cases = _world()
    for role, scope in USERS:
        _check_user(cases, role, scope)


def _check_user(cases: list[Case], role: str, scope: str) -> None:
    user = create_user(role, scope, is_superuser=role == "admin")
    client = Client()
    client.force_login(user)
    mine = {c.pk for c in cases if c.village_code.startswith(scope)}
    hidden = [c for c in cases if c.pk not in mine]
    bodies = []

    status, body, text = _get(client, "/api/campaigns")
    assert status == 200
    bodies.append(text)
    listed = {c["id"]: c["cases"] for c in body["results"]}
    for campaign in Campaign.objects.all():
        expected = {c.pk for c in cases if c.campaign_id == campaign.pk and c.pk in mine}
        visible = campaign.county_code.startswith(scope) or scope.startswith(campaign.county_code)
        assert (campaign.pk in listed) == visible, (role, scope)
        for url in (
            f"/api/campaigns/{campaign.pk}",
            f"/api/campaigns/{campaign.pk}/cases?page_size=200",
            f"/api/campaigns/{campaign.pk}/overdue?on=2021-01-01",
        ):
            status, body, text = _get(client, url)
            if not visible:
                assert status == 404 and body["error"] == "not_found"
                continue
            assert status == 200, (role, scope, url)
            bodies.append(text)
            if url.endswith("cases?page_size=200"):
                assert {c["id"] for c in body["results"]} == expected, (role, scope)
                assert body["count"] == len(expected), (role, scope)
            elif "overdue" in url:
                assert body["cases"] == len(expected) == sum(g["cases"] for g in body["groups"])
            else:
                assert sum(body["states"].values()) == len(expected) == body["cases"] == listed[campaign.pk]

    for case in cases:
        status, body, text = _get(client, f"/api/cases/{case.pk}")
        assert status == (200 if case.pk in mine else 404), (role, scope, case.village_code)
        bodies.append(text)
        posted = client.post(
            f"/api/cases/{case.pk}/transitions",
            {"transition": "comment", "payload": {"note": "阅"}},
            content_type="application/json",
        )
        assert posted.status_code == (200 if case.pk in mine else 404), posted.content.decode()

    everything = "\n".join(bodies)
    for case in hidden:
        assert case.household.household_no not in everything, (role, scope)
    for number in Person.objects.values_list("id_number", flat=True):
        assert number not in everything  # IDs are masked even for those in scope


def test_a_committee_batch_naming_a_case_outside_the_scope_is_refused_whole() -> None:
    cases = _world()
    committee = create_user("county_committee", "532923")
    inside = next(c for c in cases if c.county_code == "532923")
    outside = next(c for c in cases if c.county_code == "532924")
    client = Client()
    client.force_login(committee)
    response = client.post(
        f"/api/campaigns/{inside.campaign_id}/committee-meetings",
        {"held_on": "2020-05-20", "attendees": "县长", "case_ids": [inside.pk, outside.pk]},
        content_type="application/json",
    )
    assert response.status_code == 404 and str(outside.pk) in response.json()["message"]
    assert not Campaign.objects.get(pk=inside.campaign_id).meetings.exists()


def test_nobody_logged_in_sees_nothing() -> None:
    cases = _world()
    client = Client()
    for url in (
        "/api/campaigns",
        f"/api/cases/{cases[0].pk}",
        f"/api/campaigns/{cases[0].campaign_id}/cases",
    ):
        response = client.get(url)
        assert response.status_code == 401 and response.json()["error"] == "unauthenticated"
