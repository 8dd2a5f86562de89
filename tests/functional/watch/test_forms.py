"""The write forms of 动态管理 (zh-hans) through the Django test client: a visit to a warned household, a review
that reassesses and changes the benefit from a month, and a refusal (P6); each through doudi.watch's one write
path, audited, limited to the user's region."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from doudi.registry.models import AuditEvent, Person
from doudi.watch.actions import record_change
from doudi.watch.models import BenefitChange, Refusal, Review, WarningVisit
from tests.factories import create_user
from tests.functional.watch.helpers import OTHER_VILLAGE, covered, household

pytestmark = pytest.mark.django_db


def test_a_visit_is_recorded_from_the_warning_list(client: Client) -> None:
    edge = household(income_fen=1_000_000)  # above the 4,500 standard, under 1.5x: a dibao-edge household
    village = create_user("village")
    client.force_login(village)
    page = client.get("/watch/warnings/?on=2021-03-01").text
    link = f"/watch/households/{edge.pk}/?signals=edge"
    assert link in page and "未走访" in page
    form = client.get(link).text
    assert 'name="signals" value="edge"' in form and "登记走访" in form
    answer = client.post(
        f"/watch/households/{edge.pk}/visit/",
        {"visited_on": "2021-03-05", "result": "applied", "signals": "edge", "note": "已引导申请低保"},
        follow=True,
    )
    assert "已登记走访: 已引导申请救助" in answer.text and "已引导申请低保" in answer.text
    visit = WarningVisit.objects.get()
    assert (visit.household, visit.signals, visit.visited_by) == (edge, ["edge"], village)
    assert AuditEvent.objects.filter(action="warning_visit", user=village).count() == 1
    page = client.get("/watch/warnings/?on=2021-03-06").text
    assert "2021-03-05 已引导申请救助" in page
    bad = client.post(
        f"/watch/households/{edge.pk}/visit/", {"visited_on": "2021-13-01", "result": "applied"}
    )
    assert bad.status_code == 400 and WarningVisit.objects.count() == 1


def test_a_review_reassesses_and_changes_the_benefit_from_a_month(client: Client) -> None:
    h = covered(income_fen=300_000, amount=37_500)  # 1,500 yuan a person: below the 4,500 standard
    township = create_user("township")
    client.force_login(township)
    assert f"/watch/households/{h.pk}/#form-review" in client.get("/watch/?on=2021-03-01").text
    answer = client.post(
        f"/watch/households/{h.pk}/review/",
        {
            "reviewed_on": "2021-03-10",
            "effective_month": "2021-04",
            "income_kind": "agriculture",
            "income_yuan": "6000",  # 3,000 yuan a person: still below the standard, a smaller gap
        },
        follow=True,
    )
    assert answer.status_code == 200, answer.text
    review = Review.objects.get()
    assert review.decision == "decrease" and review.reviewed_by == township
    change = BenefitChange.objects.get()
    assert (change.effective_month, change.amount_before_fen) == (date(2021, 4, 1), 37_500)
    assert change.amount_after_fen < 37_500 and "已登记核查: 减发, 自 2021-04 起生效" in answer.text
    assert AuditEvent.objects.filter(action="review", user=township).count() == 1
    early = client.post(
        f"/watch/households/{h.pk}/review/",
        {"reviewed_on": "2021-05-10", "effective_month": "2021-04", "income_yuan": "6000"},
    )
    assert early.status_code == 400 and "早于核查日期" in early.text and Review.objects.count() == 1
    typo = client.post(
        f"/watch/households/{h.pk}/review/",
        {"reviewed_on": "2021-05-10", "effective_month": "2021-06", "income_yuan": "六千"},
    )
    assert typo.status_code == 400 and "不是金额" in typo.text and Review.objects.count() == 1


def test_refusals_are_recorded_and_a_valid_reason_is_required(client: Client) -> None:
    h = covered(worker=True)
    worker = Person.objects.get(name="张五", memberships__household=h)
    village = create_user("village")
    client.force_login(village)
    url = f"/watch/households/{h.pk}/refusal/"
    answer = client.post(
        url,
        {"person": worker.pk, "offered_on": "2021-01-05", "kind": "project", "response": "refused"},
        follow=True,
    )
    assert "已登记: 张五 无正当理由拒绝" in answer.text
    missing = client.post(
        url, {"person": worker.pk, "offered_on": "2021-02-05", "kind": "project", "response": "refused_valid"}
    )
    assert missing.status_code == 400 and "请在情况说明中写明理由" in missing.text
    assert list(Refusal.objects.values_list("response", "recorded_by")) == [("refused", village.pk)]
    assert AuditEvent.objects.filter(action="refusal").count() == 1


def test_households_outside_the_region_cannot_be_read_or_written(client: Client) -> None:
    other = covered(OTHER_VILLAGE)
    client.force_login(create_user("village"))
    assert client.get(f"/watch/households/{other.pk}/").status_code == 404
    post = {"visited_on": "2021-03-05", "result": "applied"}
    assert client.post(f"/watch/households/{other.pk}/visit/", post).status_code == 404
    assert WarningVisit.objects.count() == 0


def test_a_new_disability_puts_the_household_on_the_warning_list(client: Client) -> None:
    h = household(income_fen=3_000_000)  # well above the edge: no other signal
    user = create_user("township")
    record_change(user, h, "disability", date(2021, 2, 20), h.head, source="残联")
    client.force_login(user)
    page = client.get("/watch/warnings/?on=2021-03-01").text
    assert f'data-household="{h.pk}"' in page and "近期突发困难: 2021-02-20 新增残疾" in page
    assert 'data-signal="hardship">1<' in page
    assert f'data-household="{h.pk}"' not in client.get("/watch/warnings/?on=2021-07-01").text
