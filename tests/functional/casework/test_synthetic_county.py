"""A whole synthetic county from S1 to S5: `doudi synth`, `doudi import`, `doudi match`, `doudi campaign` and the
API, every case of the county settled, then a change in S5 reopens one and the audit chain still verifies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client

from doudi.api.auth import issue_token
from doudi.campaign import State
from doudi.casework import actions
from doudi.casework.models import Case
from doudi.cli import main
from doudi.matching.queries import FULLY_COVERED_CLASSES
from doudi.registry.models import DibaoEnrolment, Household, PovertyRegistration
from tests.factories import COUNTY, create_user

pytestmark = pytest.mark.django_db
SETTLED = {State.ROUTINE.value, State.ENROLLED.value, State.REFERRED.value}


def doudi(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def campaign(*args: str) -> str:
    return doudi("campaign", *args, "--year", "2020", "--county", COUNTY)


def bearer(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user)}")


def api_take(client: Client, case: int, transition: str, on: str, **payload: Any) -> dict[str, Any]:
    body = {"transition": transition, "payload": payload, "on": on}
    response = client.post(f"/api/cases/{case}/transitions", body, content_type="application/json")
    assert response.status_code == 200, response.content.decode()
    return dict(response.json())


def s2_s3(case: Case, civil: Client, n: int) -> None:
    """Field work through the CLI (even cases) or the API (odd ones), the county's decision through the API."""
    via_cli = n % 2 == 0
    if via_cli:
        doudi("campaign", "take", str(case.pk), "start_assessment", "--user", "civil", "--on", "2020-04-01")
    else:
        api_take(civil, case.pk, "start_assessment", "2020-04-01")
    on_dibao = "低保" in case.coverage.get("rolls", [])  # the match evidence shows a member on the dibao roll
    on_dibao |= DibaoEnrolment.objects.filter(household=case.household, end_date__isnull=True).exists()
    if (
        case.coverage_class in FULLY_COVERED_CLASSES
        or case.assessment_outcome == "already_covered"
        or on_dibao
    ):
        api_take(civil, case.pk, "route_covered", "2020-04-02", note="比对发现已在低保名册")
    elif case.program and case.benefit_fen:
        api_take(civil, case.pk, "propose_eligible", "2020-04-10", note="入户核查属实")
        api_take(civil, case.pk, "approve", "2020-04-20")
    else:
        payload = {"reason_code": "income_verified_above", "note": "入户核查家庭年人均收入高于低保标准"}
        api_take(civil, case.pk, "propose_not_eligible", "2020-04-10", **payload)
        api_take(civil, case.pk, "confirm_not_eligible", "2020-04-20")


def test_a_synthetic_county_runs_from_s1_to_s5(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    civil = create_user("county_civil", COUNTY, username="civil")
    create_user("county_poverty", COUNTY, username="poverty")
    create_user("county_committee", COUNTY, username="committee")
    rosters = tmp_path / "rosters"
    doudi(
        "synth",
        "--persons",
        "300",
        "--seed",
        "5",
        "--county",
        COUNTY,
        "--out",
        str(rosters),
        "--format",
        "csv",
    )
    for kind in ("poverty", "dibao", "tekun"):
        doudi("import", kind, str(rosters / f"{kind}.csv"), "--errors", str(tmp_path / f"{kind}.errors.xlsx"))
    doudi("match", "--user", "civil")

    # S1 and S2's inputs: the safety-net list, the rules engine and the cross-match
    campaign("create", "--user", "civil")
    opened = campaign("open-cases", "--user", "poverty", "--assess", "--on", "2020-03-16")
    cases = list(Case.objects.order_by("id"))
    marked = PovertyRegistration.objects.filter(safety_net_mark=True, household__county_code=COUNTY)
    assert f"新立案 {len(cases)} 户" in opened and len(cases) >= marked.count() > 0
    assert all(c.match_run_id for c in cases if c.coverage_class)
    assert any(c.coverage_class in FULLY_COVERED_CLASSES for c in cases)

    # S2, S3
    client = bearer(civil)
    for n, case in enumerate(cases):
        s2_s3(case, client, n)
    late = campaign("overdue", "--user", "civil", "--on", "2020-05-06")
    assert "S4" not in late or "领导小组" in late  # what waits is the committee, nothing earlier

    # S4: the committee confirms every decided case; the poverty office refers those not covered
    ready = Case.objects.filter(state__in=[State.APPROVED.value, State.NOT_ELIGIBLE.value]).count()
    assert f"审定 {ready} 户" in campaign(
        "committee",
        "--user",
        "committee",
        "--date",
        "2020-05-20",
        "--attendees",
        "县长、民政局长、扶贫办主任",
    )
    poverty = bearer(create_user("county_poverty", COUNTY))
    for pk in Case.objects.filter(state=State.CONFIRMED_NOT_COVERED.value).values_list("pk", flat=True):
        api_take(poverty, pk, "refer", "2020-05-24", measures="落实产业帮扶和公益性岗位")
    assert set(Case.objects.values_list("state", flat=True)) <= SETTLED
    assert "没有逾期个案" in campaign("overdue", "--user", "civil", "--on", "2020-06-01")
    enrolled = Case.objects.filter(state=State.ENROLLED.value)
    for case in enrolled:
        assert (
            case.dibao_enrolment_id
            or case.tekun_enrolment_id
            or DibaoEnrolment.objects.filter(household=case.household)
        )
    for case in Case.objects.filter(state=State.REFERRED.value).select_related("household"):
        registration = PovertyRegistration.objects.get(household=case.household)
        assert not registration.safety_net_mark

    # S5: a change reopens the household's case; the audit chain holds over everything done
    household = Household.objects.get(pk=cases[0].household_id)
    assert [
        c.pk
        for c in actions.reopen_on_change(
            household, "新增家庭成员", Case.objects.get(pk=cases[0].pk).campaign.s4_deadline
        )
    ]
    assert "S5" in campaign("overdue", "--user", "civil", "--on", "2020-12-31")
    assert "审计日志完好" in doudi("audit", "verify")
