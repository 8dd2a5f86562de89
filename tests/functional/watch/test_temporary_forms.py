"""临时救助 in the web (zh-hans, Django test client): a township reserve-fund top-up and an emergency mode from
the payroll page, a grant for an event from the household's watch page (paid first from the reserve with a
deadline for the papers, then the papers recorded), each through doudi.watch.temporary's write path: limited to
the user's region, audited, and "nothing paid twice" shown as a message in Chinese."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from doudi.registry.models import AuditEvent, TemporaryAssistancePayment
from doudi.watch.models import EmergencyMode, TemporaryGrant
from doudi.watch.temporary import balance, fund_for
from tests.factories import VILLAGE, create_user
from tests.functional.watch.helpers import OTHER_VILLAGE, household

pytestmark = pytest.mark.django_db
TOWNSHIP = VILLAGE[:9]


def _grant(client: Client, pk: int, event: str = "2021-03 失业", **kw: str):  # type: ignore[no-untyped-def]
    data = {
        "event": event,
        "kind": "emergency",
        "severity": "general",
        "event_date": "2021-03-10",
        "approved_on": "2021-03-10",
        "description": "家庭主要劳动力失业",
        **kw,
    }
    return client.post(f"/watch/households/{pk}/temporary/", data, follow=True)


def test_reserve_top_up_grant_paid_first_and_papers_recorded(client: Client) -> None:
    township = create_user("township")
    h = household(income_fen=2_000_000)  # not covered: paid first from the township's reserve
    client.force_login(township)
    refused = _grant(client, h.pk)
    assert refused.status_code == 400 and "备用金余额 0.00 元不足" in refused.text
    page = client.get("/watch/payroll/?month=2021-03").text
    assert 'id="form-top-up"' in page and f'value="{TOWNSHIP}"' in page
    bad = client.post(
        "/watch/reserve/top-up/", {"township": TOWNSHIP, "amount": "一千", "on": "2021-03-01"}, follow=True
    )
    assert "拨付金额「一千」不是金额" in bad.text
    done = client.post(
        "/watch/reserve/top-up/",
        {"township": TOWNSHIP, "amount": "1000", "on": "2021-03-01", "note": "年初拨付"},
        follow=True,
    )
    assert "已向" in done.text and "拨付备用金 1,000.00 元" in done.text and "1,000.00" in done.text
    paid = _grant(client, h.pk)
    assert "已发放临时救助 750.00 元" in paid.text and "请于 2021-04-09 前补齐材料" in paid.text
    g = TemporaryGrant.objects.get()
    assert g.route == "township_first" and balance(fund_for(TOWNSHIP)) == 25_000
    again = _grant(client, h.pk)
    assert again.status_code == 400 and "同一事件不能重复救助" in again.text
    assert TemporaryAssistancePayment.objects.count() == 1
    assert "应于 2021-04-09 前补齐" in client.get(f"/watch/households/{h.pk}/").text
    papers = client.post(
        f"/watch/households/{h.pk}/temporary/{g.pk}/documents/", {"received_on": "2021-04-01"}, follow=True
    )
    assert "已登记材料补齐" in papers.text and "2021-04-01 已补齐" in papers.text
    g.refresh_from_db()
    assert g.documents_received_on == date(2021, 4, 1)
    actions = set(AuditEvent.objects.filter(user=township).values_list("action", flat=True))
    assert {"reserve_top_up", "temporary_grant", "temporary_documents"} <= actions


def test_emergency_mode_from_the_web_extends_the_papers_deadline(client: Client) -> None:
    county = create_user("county_civil")
    client.force_login(county)
    wrong = client.post(
        "/watch/emergency/",
        {"region": VILLAGE[:6], "start": "2021-03-31", "end": "2021-03-01", "reason": "地震"},
        follow=True,
    )
    assert "早于开始日期" in wrong.text and not EmergencyMode.objects.exists()
    ok = client.post(
        "/watch/emergency/",
        {"region": VILLAGE[:6], "start": "2021-03-01", "end": "2099-03-31", "reason": "地震"},
        follow=True,
    )
    assert "已启动应急状态" in ok.text and 'id="emergencies"' in ok.text
    client.post("/watch/reserve/top-up/", {"township": TOWNSHIP, "amount": "1000", "on": "2021-03-01"})
    h = household(income_fen=2_000_000)
    paid = _grant(client, h.pk, "地震房屋受损")
    assert "(应急状态)" in paid.text and "请于 2021-05-09 前补齐材料" in paid.text


def test_outside_the_region_nothing_is_written(client: Client) -> None:
    village = create_user("village")  # the default village only
    client.force_login(village)
    other = household(OTHER_VILLAGE, income_fen=2_000_000)
    assert _grant(client, other.pk).status_code == 404
    answer = client.post(
        "/watch/reserve/top-up/",
        {"township": OTHER_VILLAGE[:9], "amount": "1000", "on": "2021-03-01"},
        follow=True,
    )
    assert "不在您的管辖范围内" in answer.text
    answer = client.post(
        "/watch/emergency/",
        {"region": OTHER_VILLAGE, "start": "2021-03-01", "end": "2021-03-31", "reason": "洪涝"},
        follow=True,
    )
    assert "不在您的管辖范围内" in answer.text
    assert not EmergencyMode.objects.exists() and not TemporaryGrant.objects.exists()
