from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client
from pytest_django import Settings

from doudi.casework.models import Case
from doudi.feeds.models import FeedBatch, Finding
from doudi.matching.models import MatchRun
from doudi.registry.models import AssessmentResult, Household, ImportBatch
from doudi.web.commands import demo


@pytest.mark.django_db
def test_demo_prepares_a_county_and_a_rerun_changes_nothing(settings: Settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    args = ["--persons", "150", "--seed", "7", "--no-serve"]
    first = CliRunner().invoke(demo, args)
    assert first.exit_code == 0, first.output
    assert "village_530523" in first.output and "doudi-village-2020" in first.output
    assert ImportBatch.objects.count() == 3
    assert Household.objects.filter(origin="card").exists()
    assessed = AssessmentResult.objects.count()
    assert assessed > 0
    assert MatchRun.objects.count() == 1 and "自动关联" in first.output
    cases = Case.objects.count()
    assert cases > 0 and "新立案" in first.output
    assert "部门数据比对" in first.output
    feed_batches, findings = FeedBatch.objects.count(), Finding.objects.count()
    assert feed_batches > 0 and findings > 0

    again = CliRunner().invoke(demo, args)
    assert again.exit_code == 0, again.output
    assert "已导入过" in again.output
    assert MatchRun.objects.count() == 1
    assert (FeedBatch.objects.count(), Finding.objects.count()) == (feed_batches, findings)
    assert (ImportBatch.objects.count(), AssessmentResult.objects.count(), Case.objects.count()) == (
        3,
        assessed,
        cases,
    )

    client = Client()
    assert client.login(username="village_530523", password="doudi-village-2020")
    assert "建档立卡户" in client.get("/").text
