"""The 人工复核 page: a region-scoped queue of pairs with the evidence side by side, and the decision form (htmx
partial update), which records an audited decision and re-classifies the household."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from doudi.core.ids import mask
from doudi.matching.models import ClericalReview
from doudi.registry.models import AuditEvent
from tests.factories import create_user
from tests.functional.casework.helpers import OTHER_TOWNSHIP_VILLAGE, County
from tests.functional.matching.review_helpers import ReviewCounty, review_county

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def rc() -> ReviewCounty:
    return review_county()


def cards(html: str) -> dict[int, str]:
    found = re.findall(r'<article class="card" id="review-(\d+)"(.*?)</article>', html, re.S)
    return {int(pk): body for pk, body in found}


def login(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_village_cadre_sees_only_his_villages_pairs_with_the_evidence(
    client: Client, rc: ReviewCounty
) -> None:
    html = login(client, rc.village).get("/review/").text
    shown = cards(html)
    assert set(shown) == {rc.review_of(rc.zhou).pk, rc.review_of(rc.li).pk}
    assert 'id="review-pending-total">2<' in html and "共 2 对" in html
    assert (
        "赵刚" not in html and "孙丽" not in html
    )  # another village, another county: not even in the filters
    body = shown[rc.review_of(rc.zhou).pk]
    head = rc.zhou.head
    assert mask(head.id_number) in body and head.id_number not in html
    assert re.search(r'<tr data-field="pinyin">.*?zhou ?jie', body, re.S | re.I)
    birth = re.search(r'<tr data-field="birth_date">(.*?)</tr>', body, re.S)
    assert birth and birth.group(1).count("1971-03-03") == 2 and "一致" in birth.group(1)
    ids = re.search(r'<tr data-field="id">(.*?)</tr>', body, re.S)
    assert ids and "同地区同生日" in ids.group(1) and "显示完整身份证号" in ids.group(1)
    assert "匹配概率" in body and "匹配权重" in body and "低保名册" in body
    assert f'name="r{rc.review_of(rc.zhou).pk}-decision"' in body
    assert 'href="/review/"' in html  # the nav link for a role that decides


def test_filters_township_village_and_status_and_other_regions_are_not_counted(
    client: Client, rc: ReviewCounty
) -> None:
    login(client, rc.township)
    assert len(cards(client.get("/review/").text)) == 3
    html = client.get("/review/", {"village": rc.zhao.village_code}).text
    assert set(cards(html)) == {rc.review_of(rc.zhao).pk} and "共 1 对" in html
    assert "孙丽" not in html and 'id="review-pending-total">3<' in html
    assert not cards(client.get("/review/", {"status": "decided"}).text)
    html = client.get("/review/", {"household": rc.li.pk}).text
    assert set(cards(html)) == {rc.review_of(rc.li).pk} and "只显示一户的配对" in html
    other = login(Client(), rc.other_civil).get("/review/").text
    assert set(cards(other)) == {rc.review_of(rc.sun).pk} and 'id="review-pending-total">1<' in other


def test_sorted_by_weight_or_by_village(client: Client, rc: ReviewCounty) -> None:
    login(client, rc.township)
    weights = [
        float(w) for w in re.findall(r"<span data-weight>([-\d.]+)</span>", client.get("/review/").text)
    ]
    assert weights == sorted(weights, reverse=True)
    html = client.get("/review/", {"sort": "village"}).text
    order = list(cards(html))
    assert order[-1] == rc.review_of(rc.zhao).pk  # 532923101202 after 532923101201


def test_deciding_through_htmx_records_audits_and_reclassifies(client: Client, rc: ReviewCounty) -> None:
    review = rc.review_of(rc.zhou)
    login(client, rc.village)
    response = client.post(
        f"/review/{review.pk}/decide/",
        {f"r{review.pk}-decision": "match", f"r{review.pk}-note": "户口簿核实,证号录错一位", f"r{review.pk}-seen": "pending"},
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith(f'<article class="card" id="review-{review.pk}"')
    assert 'data-decision="match"' in html and "已记录复核结论: 确认为同一人" in html
    assert "未纳入(疑似漏保) → 已纳入低保" in html
    assert 'id="review-pending-total" hx-swap-oob="true">1<' in html
    review.refresh_from_db()
    assert review.decision == "match" and review.decided_by == rc.village
    assert rc.coverage_of(rc.zhou).coverage_class == "covered_dibao"
    assert AuditEvent.objects.filter(
        action="match_review", object_id=str(review.pk), user=rc.village
    ).exists()
    assert AuditEvent.objects.filter(action="match_reclassify", user=rc.village).exists()
    assert set(cards(client.get("/review/").text)) == {rc.review_of(rc.li).pk}  # no longer pending
    assert review.pk in cards(client.get("/review/", {"status": "decided"}).text)


def test_without_htmx_a_decision_redirects_back_with_a_message(client: Client, rc: ReviewCounty) -> None:
    review = rc.review_of(rc.li)
    login(client, rc.civil)
    response = client.post(
        f"/review/{review.pk}/decide/",
        {
            f"r{review.pk}-decision": "non_match",
            f"r{review.pk}-note": "两个人",
            "next": "/review/?sort=village",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/review/?sort=village"
    assert "确认不是同一人" in client.get(response["Location"]).text
    assert rc.coverage_of(rc.li).coverage_class == "conflict"
    response = client.post(
        f"/review/{review.pk}/decide/",
        {f"r{review.pk}-decision": "match", f"r{review.pk}-note": "x", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/review/"


def test_validation_errors_are_shown_in_the_card_and_nothing_is_recorded(
    client: Client, rc: ReviewCounty
) -> None:
    review = rc.review_of(rc.zhou)
    login(client, rc.village)
    html = client.post(
        f"/review/{review.pk}/decide/", {f"r{review.pk}-note": "  "}, headers=HTMX
    ).text  # fmt: skip
    assert 'role="alert"' in html and "请按提示修改后再提交" in html
    assert "请选择“确认为同一人”或“确认不是同一人”" in html and "请写明复核依据" in html
    assert f'id="id_r{review.pk}-note-error"' in html and 'aria-invalid="true"' in html
    response = client.post(
        f"/review/{review.pk}/decide/", {f"r{review.pk}-decision": "maybe", f"r{review.pk}-note": "x"}
    )
    assert response.status_code == 400 and "请按提示修改后再提交" in response.text
    # decided meanwhile by someone else: the reviewer is told, nothing overwritten
    login(Client(), rc.township).post(
        f"/review/{review.pk}/decide/",
        {f"r{review.pk}-decision": "non_match", f"r{review.pk}-note": "两个人"},
    )
    response = client.post(
        f"/review/{review.pk}/decide/",
        {f"r{review.pk}-decision": "match", f"r{review.pk}-note": "同一人", f"r{review.pk}-seen": "pending"},
    )
    assert response.status_code == 409 and "已由他人处理" in response.text
    assert ClericalReview.objects.get(pk=review.pk).decision == "non_match"
    assert not AuditEvent.objects.filter(action="match_review", user=rc.village).exists()


def test_supervisors_read_only_and_other_regions_get_404(client: Client, rc: ReviewCounty) -> None:
    review = rc.review_of(rc.zhou)
    login(client, rc.prefecture)
    html = client.get("/review/").text
    assert review.pk in cards(html) and "只能查看" in html
    assert f"r{review.pk}-decision" not in html and "显示完整身份证号" not in html
    assert 'href="/review/"' not in html  # no nav link for a read-only role
    response = client.post(
        f"/review/{review.pk}/decide/", {f"r{review.pk}-decision": "match", f"r{review.pk}-note": "x"}
    )
    assert response.status_code == 403
    login(client, rc.other_village)
    response = client.post(
        f"/review/{review.pk}/decide/", {f"r{review.pk}-decision": "match", f"r{review.pk}-note": "x"}
    )
    assert response.status_code == 404
    assert rc.review_of(rc.zhou).decision == "pending"


def test_the_show_button_reveals_the_full_id_with_an_audit(client: Client, rc: ReviewCounty) -> None:
    head = rc.zhou.head
    login(client, rc.village)
    html = client.post(f"/persons/{head.pk}/id/", {"reason": "review_queue"}, headers=HTMX).text
    assert head.id_number in html
    event = AuditEvent.objects.get(action="view_full_id", object_id=str(head.pk))
    assert event.detail["reason"] == "review_queue"


def test_the_case_page_links_to_the_households_pending_pairs(client: Client, rc: ReviewCounty) -> None:
    county = County()
    (case,) = county.open(rc.li)
    html = login(client, county.township).get(f"/cases/{case.pk}/").text
    section = re.search(r'<section[^>]*id="match-evidence">(.*?)</section>', html, re.S)
    assert section and f'href="/review/?household={rc.li.pk}"' in section.group(1)
    assert "本户有 1 对配对待人工复核" in section.group(1)
    review = rc.review_of(rc.li)
    client.post(
        f"/review/{review.pk}/decide/", {f"r{review.pk}-decision": "match", f"r{review.pk}-note": "同一人"}
    )
    assert "待人工复核" not in client.get(f"/cases/{case.pk}/").text


def test_a_village_without_pairs_sees_an_empty_queue(client: Client, rc: ReviewCounty) -> None:
    nobody = create_user("village", scope=OTHER_TOWNSHIP_VILLAGE)
    html = login(client, nobody).get("/review/").text
    assert not cards(html) and "没有符合条件的复核项" in html
