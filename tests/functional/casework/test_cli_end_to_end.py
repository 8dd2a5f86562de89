"""A small county from S1 to S5 through `doudi campaign` and the API, as the people who do it would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client

from doudi.casework import actions
from doudi.casework.models import Case, CaseEvent
from doudi.cli import main
from doudi.registry.models import AuditEvent, DibaoEnrolment, PovertyRegistration
from tests.factories import (
    COUNTY,
    create_dibao_enrolment,
    create_household,
    create_poverty_registration,
    create_user,
)

from .helpers import OTHER_TOWNSHIP_VILLAGE, OTHER_VILLAGE, marked_household

pytestmark = pytest.mark.django_db


def doudi(*args: str) -> str:
    result = CliRunner().invoke(main, ["campaign", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def doudi_fails(*args: str) -> str:
    result = CliRunner().invoke(main, ["campaign", *args])
    assert result.exit_code != 0
    return result.output


def api(client: Client, case: Case, transition: str, on: str, **payload: Any) -> dict[str, Any]:
    response = client.post(
        f"/api/cases/{case.pk}/transitions",
        {"transition": transition, "payload": payload, "on": on},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content.decode()
    return response.json()


def test_a_county_runs_from_s1_to_s5(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    for role, scope in [
        ("county_civil", COUNTY),
        ("county_poverty", COUNTY),
        ("county_committee", COUNTY),
        ("township", "532923101"),
        ("village", "532923101201"),
    ]:
        create_user(role, scope, username=role)
    create_user("county_civil", COUNTY, username="civil2")
    eligible, refused, covered, disputed = (
        marked_household(v) for v in ("532923101201", OTHER_VILLAGE, OTHER_TOWNSHIP_VILLAGE, "532923101201")
    )
    create_dibao_enrolment(covered)
    missed = create_household("532923101201")  # not on the S1 list: found by the assessment (漏保)
    create_poverty_registration(missed)
    assessments = tmp_path / "assessments.jsonl"
    rows = [
        {
            "household_id": eligible.household_no,
            "outcome": "eligible_dibao",
            "reasons": ["d2_income_below"],
            "benefit_fen": 36_000,
            "members": [],
        },
        {
            "household_id": refused.household_no,
            "outcome": "not_eligible",
            "reasons": ["d3_houses"],
            "members": [],
        },
        {"household_id": covered.household_no, "outcome": "already_covered", "reasons": ["covered_dibao"]},
        {"household_id": missed.household_no, "outcome": "eligible_dibao", "benefit_fen": 21_000},
        {"household_id": "no-such-household", "outcome": "eligible_dibao"},
    ]
    assessments.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")

    # S1: the campaign and the cases (twice: opening is idempotent)
    assert "S2 排查识别: 2020-04-15" in doudi(
        "create", "--year", "2020", "--county", COUNTY, "--user", "county_civil"
    )
    assert "已存在" in doudi_fails("create", "--year", "2020", "--county", COUNTY, "--user", "county_poverty")
    opened = doudi(
        "open-cases",
        "--year",
        "2020",
        "--county",
        COUNTY,
        "--user",
        "county_poverty",
        "--assessments",
        str(assessments),
        "--on",
        "2020-03-16",
    )
    assert "新立案 5 户" in opened and "'no-such-household' 不是本县的建档立卡户" in opened
    again = doudi(
        "open-cases", "--year", "2020", "--county", COUNTY, "--user", "county_poverty", "--on", "2020-03-17"
    )
    assert "新立案 0 户" in again and "无变化 4 户" in again  # the S1 list alone
    case = {h: Case.objects.get(household=h) for h in (eligible, refused, covered, disputed, missed)}
    assert case[missed].safety_net is False and case[eligible].benefit_fen == 36_000

    # S2 is late on 04-20 for everyone: who, where
    late = doudi(
        "overdue", "--year", "2020", "--county", COUNTY, "--user", "county_civil", "--on", "2020-04-20"
    )
    assert "逾期个案 5 户" in late and "祥城镇" in late and "逾期 5 天" in late and "乡镇、村" in late
    village_view = doudi("status", "--year", "2020", "--county", COUNTY, "--user", "village")
    assert "管辖范围内共 3 户" in village_view  # eligible, disputed, missed live in the village

    # S2 through the CLI
    for h in (eligible, missed, disputed):
        doudi("take", str(case[h].pk), "start_assessment", "--user", "township", "--on", "2020-04-01")
    doudi("take", str(case[refused].pk), "start_assessment", "--user", "county_civil", "--on", "2020-04-01")
    doudi("take", str(case[covered].pk), "start_assessment", "--user", "county_civil", "--on", "2020-04-01")
    doudi("take", str(case[covered].pk), "route_covered", "--user", "county_civil", "--on", "2020-04-02")
    refusal = doudi_fails(
        "take",
        str(case[refused].pk),
        "propose_not_eligible",
        "--user",
        "county_civil",
        "--set",
        "reason_code=d3_houses",
    )
    assert "对人对户作说明" in refusal
    doudi(
        "take",
        str(case[refused].pk),
        "propose_not_eligible",
        "--user",
        "county_civil",
        "--on",
        "2020-04-10",
        "--set",
        "reason_code=d3_houses",
        "--set",
        "note=家庭有住房三套",
    )

    # S3 through the API, with a token
    client = Client()
    token = CliRunner().invoke(main, ["campaign", "token", "--user", "township"]).output.strip()
    township = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client.defaults.update(township)
    api(client, case[eligible], "propose_eligible", "2020-04-12")
    api(client, case[missed], "propose_eligible", "2020-04-12", program="dibao")
    api(client, case[disputed], "propose_eligible", "2020-04-12", program="dibao", benefit_fen=12_000)
    client.defaults.clear()
    client.force_login(create_user("county_civil", COUNTY, username="civil-web"))
    for h in (eligible, missed, disputed):
        api(client, case[h], "approve", "2020-04-20")
    api(client, case[refused], "confirm_not_eligible", "2020-04-21")
    api(client, case[disputed], "dispute", "2020-04-22", note="村民代表对该户收入有异议")
    client.force_login(create_user("township", "532923101", username="township-web"))
    api(
        client,
        case[disputed],
        "reverify",
        "2020-04-25",
        decision="not_eligible",
        reason_code="income_verified_above",
        note="核实子女每月寄回 2000 元",
    )
    client.force_login(create_user("county_civil", COUNTY, username="civil-second"))
    assert api(client, case[disputed], "second_approve", "2020-04-28")["state"] == "not_eligible"

    # S4: the committee meeting, with its minutes, then the referrals
    minutes = tmp_path / "纪要.pdf"
    minutes.write_bytes(b"%PDF-1.4 minutes")
    confirmed = doudi(
        "committee",
        "--year",
        "2020",
        "--county",
        COUNTY,
        "--user",
        "county_committee",
        "--date",
        "2020-05-20",
        "--attendees",
        "县长、民政局长、扶贫办主任",
        "--minutes",
        str(minutes),
    )
    assert "审定 4 户" in confirmed
    client.force_login(create_user("county_poverty", COUNTY, username="poverty-web"))
    for h in (refused, disputed):
        api(client, case[h], "refer", "2020-05-24", measures="落实公益性岗位和产业帮扶")
    status = doudi("status", "--year", "2020", "--county", COUNTY, "--user", "county_civil")
    assert "审定纳入兜底保障[enrolled]: 2" in status and "已转扶贫部门落实其他帮扶[referred]: 2" in status
    assert "已在保,转日常管理[routine]: 1" in status
    assert "没有逾期个案" in doudi(
        "overdue", "--year", "2020", "--county", COUNTY, "--user", "county_civil", "--on", "2020-06-01"
    )

    # S5: a change reopens; the registry carries every decision
    assert [c.pk for c in actions.reopen_on_change(eligible, "新增家庭成员", _day("2020-08-01"))] == [
        case[eligible].pk
    ]
    assert "S5 巩固衔接" in doudi(
        "overdue", "--year", "2020", "--county", COUNTY, "--user", "county_civil", "--on", "2020-12-31"
    )
    assert DibaoEnrolment.objects.get(household=eligible).monthly_amount_fen == 36_000
    assert DibaoEnrolment.objects.get(household=missed).monthly_amount_fen == 21_000
    assert DibaoEnrolment.objects.get(household=disputed).status == "ended"
    for h in (refused, disputed):
        registration = PovertyRegistration.objects.get(household=h)
        assert not registration.safety_net_mark and "兜底" not in registration.exit_pathway
    meeting = Case.objects.get(pk=case[missed].pk).meeting  # the reopened case starts a new round
    assert meeting is not None and meeting.minutes.name.endswith(".pdf")
    audited = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "campaign.create",
        "campaign.open_cases",
        "case.approve",
        "campaign.committee",
        "case.refer",
        "case.reopen",
        "case.second_approve",
    } <= audited
    assert list(CaseEvent.objects.filter(case=case[disputed]).values_list("transition", flat=True)) == [
        "open",
        "start_assessment",
        "propose_eligible",
        "approve",
        "dispute",
        "reverify",
        "second_approve",
        "committee_confirm",
        "refer",
    ]


def _day(value: str) -> Any:
    from datetime import date

    return date.fromisoformat(value)
