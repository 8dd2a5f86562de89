"""Demo logins per role, and the `doudi db` commands."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.contrib.auth import authenticate

from doudi.cli import main
from doudi.core.divisions import Level, yunnan
from doudi.registry import access
from doudi.registry.users import create_demo_users
from tests.factories import create_household

pytestmark = pytest.mark.django_db


def test_one_demo_login_per_role_with_a_real_scope_of_the_county() -> None:
    rows = create_demo_users("532923")
    scopes = {role: scope for _user, _password, role, scope in rows}
    assert scopes["province"] == "53" and scopes["prefecture"] == "5329" and scopes["admin"] == ""
    assert scopes["county_civil"] == scopes["county_poverty"] == scopes["county_committee"] == "532923"
    village = yunnan().get(scopes["village"])
    assert village.level is Level.VILLAGE and village.code.startswith(scopes["township"])
    assert yunnan().get(scopes["township"]).parent_code == "532923"
    for username, password, role, scope in rows:
        user = authenticate(username=username, password=password)
        assert user is not None and user.profile.role == role and user.profile.scope == scope


def test_demo_users_see_their_own_region() -> None:
    rows = create_demo_users("532923")
    village_scope = next(scope for _u, _p, role, scope in rows if role == "village")
    create_household(village_scope)
    create_household("532901001001")  # 大理市, outside the county
    seen = {
        role: access.households_for(authenticate(username=user, password=password)).count()
        for user, password, role, _scope in rows
    }
    assert seen == {
        "village": 1,
        "township": 1,
        "county_civil": 1,
        "county_poverty": 1,
        "county_committee": 1,
        "prefecture": 2,
        "province": 2,
        "admin": 2,
    }


def test_demo_users_are_idempotent() -> None:
    assert create_demo_users("532923") == create_demo_users("532923")


def test_cli_creates_demo_users_and_prints_passwords() -> None:
    result = CliRunner().invoke(main, ["db", "create-demo-users", "--county", "532923"])
    assert result.exit_code == 0, result.output
    assert "village_532923" in result.output and "doudi-village-2020" in result.output
    assert "祥云县" in result.output
    assert authenticate(username="county_civil_532923", password="doudi-county_civil-2020") is not None


@pytest.mark.parametrize("code", ["5329", "999999", "532923101"])
def test_cli_rejects_a_code_that_is_not_a_county(code: str) -> None:
    result = CliRunner().invoke(main, ["db", "create-demo-users", "--county", code])
    assert result.exit_code == 1
    assert code in result.output and "县级" in result.output


def test_cli_migrate_reports_an_up_to_date_schema() -> None:
    result = CliRunner().invoke(main, ["db", "migrate", "--verbosity", "0"])
    assert result.exit_code == 0, result.output
    assert "数据库已是最新结构" in result.output


def test_cli_shell_runs_code_with_the_models() -> None:
    create_household()
    result = CliRunner().invoke(main, ["db", "shell", "-c", "print('户数', Household.objects.count())"])
    assert result.exit_code == 0, result.output
    assert "户数 1" in result.output


def test_cli_creates_a_login_with_role_and_scope_and_audits_it() -> None:
    from doudi.registry.models import AuditEvent

    args = ["db", "create-user", "li_clerk", "--role", "township", "--scope", "532923101", "--password-stdin"]
    result = CliRunner().invoke(main, args, input="a-long-passphrase\n")
    assert result.exit_code == 0, result.output
    user = authenticate(username="li_clerk", password="a-long-passphrase")
    assert user is not None and user.profile.role == "township" and user.profile.scope == "532923101"
    event = AuditEvent.objects.get(action="create_user")
    assert event.region_code == "532923101" and event.detail["role"] == "township"


@pytest.mark.parametrize(
    ("role", "scope", "password", "message"),
    [
        ("village", "532923", "a-long-passphrase", "12位"),
        ("county_civil", "532923", "short", "8"),
    ],
)
def test_cli_refuses_a_wrong_scope_or_a_weak_password(
    role: str, scope: str, password: str, message: str
) -> None:
    args = ["db", "create-user", "x_clerk", "--role", role, "--scope", scope, "--password-stdin"]
    result = CliRunner().invoke(main, args, input=password + "\n")
    assert result.exit_code == 1
    assert message in result.output
    assert authenticate(username="x_clerk", password=password) is None
