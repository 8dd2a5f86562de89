"""The campaign's rosters, built from casework cases taken through the real casework actions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from doudi.casework import actions
from doudi.rosterbook import keystore, kinds
from doudi.rosterbook.models import RosterVersion
from tests.functional.casework.helpers import County, marked_household

from .conftest import run

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(keys: Path) -> County:
    county = County()
    covered, refused, pending = marked_household(), marked_household(), marked_household()
    a, b, _ = county.open(covered, refused, pending)
    county.to_approved(a, benefit=45_000)
    county.to_not_eligible(b)
    actions.confirm_in_committee(
        county.committee,
        county.campaign,
        date(2020, 5, 20),
        "县长、民政局长、扶贫办主任",
        [a.pk, b.pk],
        date(2020, 5, 20),
    )
    county.take(county.poverty, b, "refer", on=date(2020, 5, 24), measures="安排公益性岗位")
    county.households = (covered, refused, pending)  # type: ignore[attr-defined]
    return county


def _rows(kind: str, user, region: str = "532923"):  # type: ignore[no-untyped-def]
    (section,) = kinds.get(kind).build(user, region, None)
    keys = [c.key for c in section.columns]
    return [dict(zip(keys, row, strict=True)) for row in section.rows]


def test_each_campaign_roster_lists_its_cases(campaign: County) -> None:
    covered, refused, pending = campaign.households  # type: ignore[attr-defined]
    user = campaign.civil
    assert [r["household_no"] for r in _rows("screening", user)] == sorted(
        h.household_no for h in (covered, refused, pending)
    )
    (new,) = _rows("newly_covered", user)
    assert new["household_no"] == covered.household_no and new["benefit"] == 45_000
    assert new["program"] == "整户纳入低保" and new["since"] == date(2020, 3, 20)
    (refused_row,) = _rows("not_covered", user)
    assert refused_row["household_no"] == refused.household_no
    assert refused_row["reason_code"] == "d2_income_not_below" and refused_row["note"] == "年人均收入 6000 元"
    confirmation = {r["household_no"]: r for r in _rows("confirmation", user)}
    assert set(confirmation) == {covered.household_no, refused.household_no}
    assert confirmation[covered.household_no]["decision"] == "纳入"
    assert confirmation[refused.household_no]["meeting"] == date(2020, 5, 20)
    (referral,) = _rows("referral", user)
    assert referral["measures"] == "安排公益性岗位" and referral["sent_on"] == date(2020, 5, 24)


def test_issue_a_campaign_roster_and_verify_it(campaign: County, tmp_path: Path) -> None:
    keystore.generate(campaign.civil.username)
    argv = ["issue", "confirmation", "--region", "532923", "--signer", campaign.civil.username]
    result = run(*argv, "--reviewer", campaign.committee.username, "--out", str(tmp_path), "--format", "xlsx")
    assert result.exit_code == 0, result.output
    version = RosterVersion.objects.get(kind="confirmation")
    assert version.row_count == 2
    assert run("verify", version.files["xlsx"]["path"]).exit_code == 0


def test_campaign_rosters_need_a_campaign(keys: Path, tmp_path: Path) -> None:
    from tests import factories as f

    f.create_user("county_civil", "532901", username="chuxiong")
    keystore.generate("chuxiong")
    result = run("issue", "screening", "--region", "532901", "--signer", "chuxiong", "--out", str(tmp_path))
    assert result.exit_code != 0 and "还没有兜底保障行动" in result.output
