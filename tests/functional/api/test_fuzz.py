"""Arbitrary requests to the write endpoints never cause a server error (a small stand-in for Schemathesis)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doudi.campaign import TRANSITIONS
from tests.functional.casework.helpers import County, marked_household

pytestmark = pytest.mark.django_db

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.text(max_size=12),
    st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)
KEYS = st.sampled_from(
    [
        "note",
        "reason_code",
        "program",
        "benefit_fen",
        "person_id",
        "decision",
        "measures",
        "cause",
        "result",
        "meeting",
    ]
)
BODIES = st.fixed_dictionaries(
    {"transition": st.one_of(st.sampled_from(list(TRANSITIONS)), VALUES)},
    optional={
        "payload": st.one_of(st.dictionaries(KEYS, VALUES, max_size=5), VALUES),
        "version": VALUES,
        "on": st.one_of(st.sampled_from(["2020-04-01", "2020-13-01", ""]), VALUES),
    },
)


@pytest.fixture
def world() -> tuple[County, list[Any]]:
    county = County()
    return county, county.open(marked_household(), marked_household())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=BODIES,
    who=st.sampled_from(["village", "township", "civil", "committee", "province"]),
    pick=st.booleans(),
)
def test_transitions_never_fail_with_a_server_error(
    world: tuple[County, list[Any]], body: Any, who: str, pick: bool
) -> None:
    county, cases = world
    client = Client()
    client.force_login(getattr(county, who))
    response = client.post(f"/api/cases/{cases[pick].pk}/transitions", body, content_type="application/json")
    assert response.status_code in {200, 400, 403, 404, 409}, response.content.decode()[:300]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.dictionaries(st.sampled_from(["held_on", "attendees", "case_ids", "note"]), VALUES, max_size=4)
)
def test_committee_requests_never_fail_with_a_server_error(
    world: tuple[County, list[Any]], body: Any
) -> None:
    county, _cases = world
    client = Client()
    client.force_login(county.committee)
    response = client.post(
        f"/api/campaigns/{county.campaign.pk}/committee-meetings", body, content_type="application/json"
    )
    assert response.status_code in {201, 400, 403, 404, 409}, response.content.decode()[:300]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(
        st.sampled_from(["state", "step", "region", "overdue_on", "page", "page_size", "on"]),
        st.one_of(st.text(max_size=8), st.integers(-(2**70), 2**70).map(str)),
        max_size=4,
    )
)
def test_list_queries_never_fail_with_a_server_error(world: tuple[County, list[Any]], params: Any) -> None:
    county, _cases = world
    client = Client()
    client.force_login(county.township)
    for url in (f"/api/campaigns/{county.campaign.pk}/cases", f"/api/campaigns/{county.campaign.pk}/overdue"):
        assert client.get(url, params).status_code in {200, 400}, url


def test_nul_characters_are_refused_not_sent_to_the_database(world: tuple[County, list[Any]]) -> None:
    county, cases = world
    client = Client()
    client.force_login(county.township)
    body = '{"transition": "comment", "payload": {"note": "a\\u0000b"}}'
    response = client.post(f"/api/cases/{cases[0].pk}/transitions", body, content_type="application/json")
    assert response.status_code == 400 and "空字符" in response.json()["message"]
    listing = client.get(f"/api/campaigns/{county.campaign.pk}/cases", {"region": "5329\x00"})
    assert listing.status_code == 400
