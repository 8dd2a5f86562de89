"""A tour of the main pages on the demo county (doudi.web.demo: synthesised, imported, assessed, matched, a
campaign under way, departmental feeds checked), as the demo logins see them. Each page answers 200 with its
heading and no error; on the SQLite pass each is saved into docs/screenshots/ for the README and the user guide.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import Shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COUNTY = "530523"  # 龙陵县, as in the README's demo
PERSONS = 2_000
SEED = 2020


def login(page: Page, url: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def visit(page: Page, url: str, path: str, heading: str) -> None:
    response = page.goto(f"{url}{path}")
    assert response is not None and response.status == 200, path
    expect(page.locator("h1").first).to_contain_text(heading)


def demo_case() -> tuple[int, int, str]:
    """(case id, household id, head's name) of a township case whose household the match run linked to a roll."""
    from doudi.casework.models import Case
    from doudi.matching.models import PersonLink

    cases = Case.objects.filter(campaign__county_code=COUNTY).exclude(state="received")
    linked = PersonLink.objects.values("poverty_household_id")
    found = cases.filter(household__in=linked).order_by("id").first() or cases.order_by("id").first()
    assert found is not None, "the demo has no cases"
    return found.pk, found.household_id, found.household.head.name


def test_the_main_pages_of_the_demo_county(
    live_server: LiveServer, page: Page, settings: Settings, tmp_path: Path, shoot: Shoot
) -> None:
    from doudi.web import demo

    settings.VAR_DIR = tmp_path
    logins = {
        name: password for name, password, _role, _scope in demo.run(COUNTY, PERSONS, SEED, lambda _: None)
    }
    case, household, head = demo_case()
    url = live_server.url
    # A ceiling, not a timing: on a loaded machine 定期核查 (/watch/) of the demo county has taken over 30 s.
    page.set_default_navigation_timeout(180_000)
    civil, township, committee = (
        f"{role}_{COUNTY}" for role in ("county_civil", "township", "county_committee")
    )

    page.goto(f"{url}/login/")
    shoot(page, "login")
    login(page, url, civil, logins[civil])
    expect(page.locator('[data-figure="建档立卡户"]')).not_to_have_text("0")
    shoot(page, "home")
    visit(page, url, "/dashboard/", "统计看板")
    # The funds table opens on the demo's 2020 months (doudi.web.months), with money in them.
    expect(page.locator('#table-funds tbody tr [data-fund="total"]').last).not_to_have_text("0.00")
    expect(page.locator("#table-funds tbody tr").last).to_have_attribute("data-month", re.compile(r"^2020-"))
    shoot(page, "dashboard")
    visit(page, url, f"/search/?q={head}", "查找")
    expect(page.locator("main")).to_contain_text(head)
    shoot(page, "search")
    visit(page, url, "/rosters/", "签章名册")
    shoot(page, "rosters")
    for path, heading, name in [
        ("/watch/", "定期核查", "watch-reviews"),
        ("/watch/changes/", "家庭变化", "watch-changes"),
        ("/watch/warnings/", "预警", "watch-warnings"),
        ("/watch/payroll/", "月度发放", "watch-payroll"),
        ("/evidence/integrity/", "诚信核查", "evidence-integrity"),
        ("/evidence/priority/", "", "evidence-priority"),
        (f"/evidence/households/{household}/", "家庭经济状况核对", "evidence-household"),
    ]:
        visit(page, url, path, heading)
        shoot(page, name)

    login(page, url, township, logins[township])
    visit(page, url, "/worklist/", "待我办理")
    expect(page.locator("main table tbody tr").first).to_be_visible()
    shoot(page, "worklist")
    visit(page, url, f"/cases/{case}/", f"个案 #{case}")
    expect(page.get_by_role("heading", name="家庭成员")).to_be_visible()
    shoot(page, "case")

    login(page, url, committee, logins[committee])
    visit(page, url, "/committee/", "领导小组审定")
    shoot(page, "committee")
