"""The API over HTTP: the OpenAPI document, session and token auth, transitions and their errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver

from doudi.api.auth import issue_token
from doudi.api.openapi import document
from doudi.casework.models import Case
from doudi.registry.models import AuditEvent, DibaoEnrolment
from tests.factories import COUNTY, create_household, create_poverty_registration, create_user
from tests.functional.casework.helpers import County, marked_household

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(url, body, content_type="application/json", headers=headers)


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_openapi_describes_every_api_route_and_its_refs_resolve() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc == document() and doc["openapi"].startswith("3.")
    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/")
    routes = {
        "/" + str(p.pattern).replace("<int:pk>", "{pk}")
        for p in api.url_patterns  # type: ignore[attr-defined]
        if isinstance(p, URLPattern) and str(p.pattern) != "openapi.json"
    }
    assert routes == set(doc["paths"])
    for ref in _refs(doc):
        assert ref.removeprefix("#/components/schemas/") in doc["components"]["schemas"], ref
    for path, item in doc["paths"].items():
        for operation in item.values():
            assert {"200", "201"} & set(operation["responses"]), path
            assert "404" in operation["responses"]


def test_token_auth_works_and_a_changed_password_revokes_it() -> None:
    county = County()
    (case,) = county.open(marked_household())
    token = issue_token(county.township)
    client = Client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/cases/{case.pk}", headers=bearer).status_code == 200
    moved = _post(client, f"/api/cases/{case.pk}/transitions", {"transition": "start_assessment"}, **bearer)
    assert moved.status_code == 200 and moved.json()["state"] == "assessing"
    assert AuditEvent.objects.filter(action="api.token", user=county.township).exists()
    county.township.set_password("another-password-2020")
    county.township.save()
    assert client.get(f"/api/cases/{case.pk}", headers=bearer).status_code == 401
    assert client.get("/api/campaigns", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_session_writes_need_the_csrf_token() -> None:
    county = County()
    (case,) = county.open(marked_household())
    client = Client(enforce_csrf_checks=True)
    client.force_login(county.township)
    refused = _post(client, f"/api/cases/{case.pk}/transitions", {"transition": "start_assessment"})
    assert refused.status_code == 403 and refused.json()["error"] == "csrf"
    client.get("/login/")  # a page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = _post(
        client,
        f"/api/cases/{case.pk}/transitions",
        {"transition": "start_assessment"},
        **{"X-CSRFToken": token},
    )
    assert accepted.status_code == 200


def test_transition_errors_map_to_http_statuses() -> None:
    county = County()
    (case,) = county.open(marked_household())
    client = Client()
    client.force_login(county.township)
    url = f"/api/cases/{case.pk}/transitions"
    assert _post(client, url, {"transition": "approve"}).status_code == 403  # role
    client.force_login(county.civil)
    conflict = _post(client, url, {"transition": "approve"})
    assert conflict.status_code == 409 and "之后才能审批" in conflict.json()["message"]
    assert _post(client, url, {"payload": {}}).status_code == 400
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    assert _post(client, url, {"transition": "start_assessment", "on": "2999-01-01"}).status_code == 400
    ok = _post(client, url, {"transition": "start_assessment", "version": 1})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = _post(client, url, {"transition": "comment", "payload": {"note": "x"}, "version": 1})
    assert stale.status_code == 409 and "已被其他人修改" in stale.json()["message"]
    bad = _post(client, url, {"transition": "propose_not_eligible", "payload": {"reason_code": "d3_houses"}})
    assert bad.status_code == 400 and "note" in bad.json()["message"]
    assert client.get(f"/api/cases/{case.pk}", {"x": 1}).json()["state"] == "assessing"
    assert client.get("/api/campaigns").status_code == 200
    assert client.delete(url).status_code == 405


def test_the_case_list_filters_and_pages_and_detail_lists_allowed_transitions() -> None:
    county = County()
    cases = county.open(*[marked_household() for _ in range(3)])
    county.take(county.township, cases[0], "start_assessment")
    client = Client()
    client.force_login(county.civil)
    base = f"/api/campaigns/{county.campaign.pk}/cases"
    page = client.get(base, {"page_size": 2, "page": 2}).json()
    assert (page["count"], len(page["results"])) == (3, 1)
    assert client.get(base, {"state": "assessing"}).json()["count"] == 1
    assert client.get(base, {"overdue_on": "2020-04-16"}).json()["count"] == 3
    assert client.get(base, {"state": "bogus"}).status_code == 400
    assert client.get(base, {"page_size": 1000}).status_code == 400
    detail = client.get(f"/api/cases/{cases[0].pk}").json()
    assert {t["name"] for t in detail["allowed_transitions"]} == {
        "route_covered",
        "propose_eligible",
        "propose_not_eligible",
        "comment",
    }
    assert [e["transition"] for e in detail["events"]] == ["open", "start_assessment"]
    assert detail["head_id"].count("*") >= 8


def test_a_case_list_page_costs_the_same_queries_for_2_or_20_cases() -> None:
    county = County()
    county.open(*[marked_household() for _ in range(20)])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(county.township)}")
    base = f"/api/campaigns/{county.campaign.pk}/cases"
    counts = []
    for size in (2, 20):
        with CaptureQueriesContext(connection) as captured:
            body = client.get(base, {"page_size": size}).json()
        assert len(body["results"]) == size and body["results"][0]["head_name"]
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] <= 5  # user, campaign, count, the page's ids, its rows: none per case


def test_committee_meeting_over_the_api_confirms_and_enrols() -> None:
    county = County()
    household = marked_household()
    (case,) = county.open(household)
    county.to_approved(case, benefit=45_000)
    client = Client()
    client.force_login(county.civil)
    url = f"/api/campaigns/{county.campaign.pk}/committee-meetings"
    body = {"held_on": "2020-05-20", "attendees": "县扶贫开发领导小组成员", "case_ids": [case.pk]}
    assert _post(client, url, body).status_code == 403
    client.force_login(county.committee)
    assert _post(client, url, {**body, "case_ids": []}).status_code == 400
    made = _post(client, url, body)
    assert made.status_code == 201 and made.json()["cases"] == 1
    assert Case.objects.get(pk=case.pk).state == "enrolled"
    assert DibaoEnrolment.objects.get(household=household).monthly_amount_fen == 45_000


def test_s1_over_the_api_creates_the_campaign_and_opens_the_cases() -> None:
    civil = create_user("county_civil", COUNTY)
    marked, missed = marked_household(), create_household()
    create_poverty_registration(missed)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(civil)}")
    made = _post(
        client, "/api/campaigns", {"year": 2020, "county_code": COUNTY, "deadlines": {"S2": "2020-04-30"}}
    )
    assert made.status_code == 201 and made.json()["deadlines"]["S2"] == "2020-04-30"
    assert _post(client, "/api/campaigns", {"year": 2020, "county_code": COUNTY}).status_code == 409
    assert _post(client, "/api/campaigns", {"year": "2020", "county_code": COUNTY}).status_code == 400
    assert _post(client, "/api/campaigns", {"year": 2021, "county_code": "532924"}).status_code == 403
    url = f"/api/campaigns/{made.json()['id']}/open-cases"
    results = [{"household_id": missed.household_no, "outcome": "eligible_dibao", "benefit_fen": 21_000}]
    body = {"assessments": results, "on": "2020-03-16"}
    report = _post(client, url, body).json()
    assert (report["created"], report["unchanged"]) == (2, 0) and "doudi match" in report["notes"][0]
    assert _post(client, url, body).json()["unchanged"] == 2  # idempotent
    assert Case.objects.get(household=missed).benefit_fen == 21_000 and Case.objects.filter(household=marked)
    assert _post(client, url, {"assessments": ["x"]}).status_code == 400
    assert (
        _post(client, url, {"assessments": [{"household_id": "person-x"}], "match": False}).status_code == 200
    )
    township = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(create_user('township'))}")
    assert _post(township, url, {}).status_code == 403
    elsewhere = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(create_user('county_civil', '532924'))}")
    assert _post(elsewhere, url, {}).status_code == 404
