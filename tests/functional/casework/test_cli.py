"""`doudi campaign` details: deadlines on creation, JSON overdue, clear refusals."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from doudi.campaign import Actor
from doudi.casework.models import Campaign
from doudi.cli import main
from doudi.registry.models import Role
from tests.factories import COUNTY, create_user

from .helpers import marked_household


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["campaign", *args])
    return result.exit_code, result.output


def test_campaign_roles_are_the_registry_roles_plus_system() -> None:
    assert {a.value for a in Actor} == {*Role.values, "system"}


@pytest.mark.django_db
def test_create_with_an_edited_deadline_and_overdue_as_json() -> None:
    create_user("county_civil", COUNTY, username="civil")
    marked_household()
    code, out = run(
        "create", "--year", "2021", "--county", COUNTY, "--user", "civil", "--deadline", "S2=2021-04-30"
    )
    assert code == 0 and "S2 排查识别: 2021-04-30" in out and "S3 落实兜底: 2021-05-05" in out
    assert Campaign.objects.get(year=2021).s2_deadline.isoformat() == "2021-04-30"
    assert (
        run("open-cases", "--year", "2021", "--county", COUNTY, "--user", "civil", "--on", "2021-03-01")[0]
        == 0
    )
    code, out = run(
        "overdue", "--year", "2021", "--county", COUNTY, "--user", "civil", "--on", "2021-05-02", "--json"
    )
    (group,) = json.loads(out)
    assert (group["step"], group["cases"], group["days_late"], group["village"]) == (
        "S2",
        1,
        2,
        "平坝村民委员会",
    )


@pytest.mark.django_db
def test_refusals_say_what_to_do() -> None:
    create_user("township", "532923101", username="township")
    code, out = run("status", "--year", "2020", "--county", COUNTY, "--user", "nobody")
    assert code != 0 and "create-demo-users" in out
    code, out = run("status", "--year", "2020", "--county", COUNTY, "--user", "township")
    assert code != 0 and "doudi campaign create --year 2020 --county 532923" in out
    code, out = run("create", "--year", "2020", "--county", COUNTY, "--user", "township")
    assert code != 0 and "您的角色不能创建兜底保障行动" in out
    code, out = run(
        "create", "--year", "2020", "--county", COUNTY, "--user", "township", "--deadline", "S9=2020-01-01"
    )
    assert code != 0 and "S1..S5" in out
