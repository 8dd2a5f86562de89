"""The demo county shows 动态管理 data: reserve-fund balances and temporary assistance, refusals (P6), visits to
warned households and reviews, seeded through the watch app's write paths; a second demo run adds nothing."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client
from pytest_django import Settings

from doudi.registry.models import AuditEvent
from doudi.watch.models import Refusal, ReserveEntry, Review, TemporaryGrant, WarningVisit
from doudi.web.commands import demo


@pytest.mark.django_db
def test_the_demo_seeds_watch_data_once(settings: Settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    args = ["--persons", "600", "--seed", "7", "--no-serve"]
    first = CliRunner().invoke(demo, args)
    assert first.exit_code == 0, first.output
    assert "动态管理: 备用金拨付" in first.output, first.output
    counts = (
        ReserveEntry.objects.count(),
        TemporaryGrant.objects.count(),
        Refusal.objects.count(),
        WarningVisit.objects.count(),
        Review.objects.count(),
    )
    assert all(counts), counts
    assert TemporaryGrant.objects.filter(route="township_first", documents_received_on__isnull=True).exists()
    assert AuditEvent.objects.filter(action="reserve_top_up").exists()
    again = CliRunner().invoke(demo, args)
    assert again.exit_code == 0 and "动态管理演示数据已存在" in again.output
    assert ReserveEntry.objects.count() == counts[0] and Review.objects.count() == counts[4]

    client = Client()
    assert client.login(username="county_civil_530523", password="doudi-county_civil-2020")
    payroll = client.get("/watch/payroll/").text
    assert "备用金" in payroll
    warned = client.get("/watch/warnings/").text
    assert "已引导申请救助" in warned
