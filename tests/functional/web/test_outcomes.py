"""行动结果下载: the campaign's results written back per person as Excel, in the poverty roster's column names,
limited to the region asked for; full IDs only for casework roles, and then audited."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from doudi.core.ids import mask
from doudi.matching.models import HouseholdCoverage, MatchRun
from doudi.registry.models import AuditEvent
from doudi.web.queries import OUTCOME_COLUMNS
from tests.functional.casework.helpers import OTHER_TOWNSHIP_VILLAGE, County, marked_household

pytestmark = pytest.mark.django_db


def sheet(client: Client, **query: str) -> list[dict[str, object]]:
    response = client.get("/outcomes.xlsx", query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "行动结果" in str(rows[0][0]) and rows[1] == OUTCOME_COLUMNS
    return [dict(zip(OUTCOME_COLUMNS, row, strict=True)) for row in rows[2:]]


def test_outcomes_per_person_with_the_money_once_per_household(client: Client, county: County) -> None:
    approved, refused, _elsewhere = county.open(
        marked_household(members=2),
        marked_household(),
        marked_household(OTHER_TOWNSHIP_VILLAGE),
        safety_net=True,
    )
    county.to_approved(approved, benefit=35_050)
    county.to_not_eligible(refused)
    run = MatchRun.objects.create(region_code="532923", status="complete")
    HouseholdCoverage.objects.create(run=run, household=refused.household, coverage_class="not_covered")

    client.force_login(county.civil)
    rows = sheet(client, region=approved.township_code)
    assert len(rows) == 3 + 2  # the township's two households, every current member; not the other township
    mine = [r for r in rows if r["户编号"] == approved.household.household_no]
    assert [r["与户主关系"] for r in mine] == ["户主", "配偶", "配偶"]
    assert {r["办理状态"] for r in mine} == {"已审批纳入,待审定"}
    assert [r["月保障金(元)"] for r in mine] == [350.5, None, None]  # on the head's row only
    assert mine[0]["证件号码"] == approved.household.head.id_number  # full: the civil-affairs office
    assert mine[0]["兜底保障标识"] == "是" and mine[0]["纳入方式"] == "整户纳入低保"
    theirs = next(r for r in rows if r["户编号"] == refused.household.household_no)
    assert (
        theirs["未纳入原因"] and theirs["比对结果"] == "未纳入(疑似漏保)" and theirs["月保障金(元)"] is None
    )
    assert AuditEvent.objects.filter(
        action="export.outcomes_full_ids", region_code=approved.township_code
    ).exists()


def test_supervisors_get_masked_ids_and_nothing_outside_their_scope(client: Client, county: County) -> None:
    (case,) = county.open(marked_household())
    client.force_login(county.prefecture)
    row = sheet(client)[0]
    assert row["证件号码"] == mask(case.household.head.id_number)
    assert not AuditEvent.objects.filter(action="export.outcomes_full_ids").exists()
    client.force_login(county.village)
    assert client.get("/outcomes.xlsx", {"region": OTHER_TOWNSHIP_VILLAGE}).status_code == 404
