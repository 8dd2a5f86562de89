"""The case list's cheap paths: keyset pages (`?after=`), plain-row JSON, scope and query count kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from doudi.api import serialize
from doudi.api.auth import issue_token
from doudi.api.openapi import document
from doudi.casework.access import get_case_for_user
from tests.functional.casework.helpers import OTHER_TOWNSHIP_VILLAGE, County, marked_household

pytestmark = pytest.mark.django_db


def _walk(client: Client, url: str, size: int) -> list[dict[str, Any]]:
    seen, after = [], 0
    while True:
        body = client.get(url, {"after": after, "page_size": size}).json()
        seen += body["results"]
        assert body["page"] is None
        if body["next_after"] is None:
            return seen
        after = body["next_after"]


def test_keyset_pages_list_the_same_cases_as_page_numbers_and_only_those_in_scope() -> None:
    county = County()
    county.open(*[marked_household() for _ in range(5)])
    county.open(*[marked_household(OTHER_TOWNSHIP_VILLAGE) for _ in range(3)])
    url = f"/api/campaigns/{county.campaign.pk}/cases"
    township = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(county.township)}")
    by_page = [
        row
        for page in (1, 2, 3)
        for row in township.get(url, {"page": page, "page_size": 2}).json()["results"]
    ]
    by_key = _walk(township, url, 2)
    assert [r["id"] for r in by_key] == [r["id"] for r in by_page]
    assert len(by_key) == 5 and {r["village_code"] for r in by_key} == {"532923101201"}
    civil = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(county.civil)}")
    assert len(_walk(civil, url, 3)) == 8
    first = township.get(url, {"page_size": 2}).json()
    assert first["page"] == 1 and first["next_after"] == first["results"][-1]["id"]
    assert first["count"] == 5


def test_a_list_row_is_the_detail_without_its_extra_fields() -> None:
    county = County()
    (case,) = county.open(marked_household(members=2))
    county.take(county.township, case, "start_assessment")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(county.civil)}")
    (row,) = client.get(f"/api/campaigns/{county.campaign.pk}/cases", {"after": 0}).json()["results"]
    detail = serialize.case_json(county.civil, get_case_for_user(county.civil, case.pk), timezone.localdate())
    assert row == detail
    assert row["head_id"].count("*") >= 8 and row["state"] == "assessing"


def test_after_rejects_what_is_not_an_id() -> None:
    county = County()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(county.civil)}")
    url = f"/api/campaigns/{county.campaign.pk}/cases"
    for bad in ("x", "-1", "1.5"):
        response = client.get(url, {"after": bad})
        assert response.status_code == 400 and "after" in response.json()["message"]
    assert client.get(url, {"after": 10**9}).json() == {
        "count": 0,
        "page": None,
        "page_size": 50,
        "next_after": None,
        "results": [],
    }


def test_a_keyset_page_costs_the_same_queries_for_2_or_20_cases() -> None:
    county = County()
    county.open(*[marked_household() for _ in range(20)])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(county.township)}")
    url = f"/api/campaigns/{county.campaign.pk}/cases"
    counts = []
    for size in (2, 20):
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url, {"after": 0, "page_size": size}).json()
        assert len(body["results"]) == size and body["results"][0]["head_name"]
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] <= 5  # user, campaign, count, the page's ids, its rows: none per case


def test_openapi_documents_after_and_next_after() -> None:
    doc = document()
    params = {p["name"] for p in doc["paths"]["/campaigns/{pk}/cases"]["get"]["parameters"]}
    assert {"page", "after", "page_size"} <= params
    assert "next_after" in doc["components"]["schemas"]["CasePage"]["properties"]
