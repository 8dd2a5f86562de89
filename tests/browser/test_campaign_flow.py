"""In a real browser: a township submits, the county approves, the committee confirms and the dashboard moves;
an import with a bad row shows its progress, then the counts, and offers the error workbook."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from doudi.campaign import TRANSITIONS
from tests.browser.conftest import Shoot
from tests.factories import create_user
from tests.functional.casework.helpers import County, marked_household
from tests.functional.web.rosters import ROSTER_COUNTY, roster_with_a_bad_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "doudi-test-2020"


def login(page: Page, url: str, user: User) -> None:
    user.set_password(PASSWORD)
    user.save()
    page.context.clear_cookies()
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def take(page: Page, action: str) -> None:
    """Open the action's disclosure and submit its form (keyboard: Enter on the summary, then on the button)."""
    text = TRANSITIONS[action].text
    page.locator("summary", has_text=text).first.click()
    page.locator(f'form[data-action="{action}"]').get_by_role("button", name=text).click()


def test_township_submits_county_approves_committee_confirms(live_server: LiveServer, page: Page) -> None:
    county = County()
    (case,) = county.open(marked_household())
    url = live_server.url

    login(page, url, county.civil)
    page.goto(f"{url}/dashboard/")
    expect(page.locator('tr[data-step="S2"] [data-open]')).to_have_text("1")
    expect(page.locator('tr[data-step="S4"] [data-open]')).to_have_text("0")

    login(page, url, county.township)
    page.goto(f"{url}/worklist/")
    page.get_by_role("link", name=f"#{case.pk}").click()
    take(page, "start_assessment")
    expect(page.locator("[data-state]")).to_have_text("排查研判中")  # swapped in by htmx
    page.locator("summary", has_text="提出拟纳入意见").click()
    form = page.locator('form[data-action="propose_eligible"]')
    form.get_by_label("纳入方式").select_option("dibao")
    form.get_by_label("保障金额(元/月)").fill("三百")
    form.get_by_role("button").click()
    expect(page.locator("#case-work")).to_contain_text("保障金额应为数字")
    form = page.locator('form[data-action="propose_eligible"]')
    form.get_by_label("保障金额(元/月)").fill("300")
    form.get_by_role("button").click()
    expect(page.locator("[data-state]")).to_have_text("拟纳入,待审批")

    login(page, url, county.civil)
    page.goto(f"{url}/cases/{case.pk}/")
    take(page, "approve")
    expect(page.locator("[data-state]")).to_have_text("已审批纳入,待审定")
    page.goto(f"{url}/dashboard/")
    expect(page.locator('tr[data-step="S2"] [data-open]')).to_have_text("0")
    expect(page.locator('tr[data-step="S4"] [data-open]')).to_have_text("1")

    login(page, url, county.committee)
    page.get_by_role("link", name="领导小组审定").click()
    page.get_by_label("会议日期").fill("2020-05-20")
    page.get_by_label("参会人员").fill("县长、民政局长、扶贫办主任")
    page.get_by_label(f"选择个案 #{case.pk}").check()
    page.get_by_role("button", name="记录会议并批量审定").click()
    expect(page.locator(".messages")).to_contain_text("审定 1 户")
    page.goto(f"{url}/dashboard/")
    expect(page.locator('tr[data-step="S4"] [data-open]')).to_have_text("0")
    expect(page.locator('tr[data-step="S5"] [data-open]')).to_have_text("1")
    expect(page.locator('tr[data-state="enrolled"] td.num')).to_have_text("1")


def test_an_import_with_a_bad_row_offers_the_error_workbook(
    live_server: LiveServer, page: Page, settings: Settings, tmp_path: Path, shoot: Shoot
) -> None:
    settings.VAR_DIR = tmp_path
    login(page, live_server.url, create_user("county_civil", scope=ROSTER_COUNTY))
    page.get_by_role("link", name="导入名册").click()
    page.get_by_label("名册类型").select_option("poverty")
    page.get_by_label("名册文件(xlsx、xls 或 csv)").set_input_files(str(roster_with_a_bad_row(tmp_path)))
    page.get_by_role("button", name="上传并导入").click()
    expect(page).to_have_url(re.compile(r"/imports/jobs/\w+/$"))  # the progress page, polled by htmx
    expect(page.locator("#import-job")).to_have_attribute("data-stage", "done")
    expect(page.get_by_role("heading", name="导入完成")).to_be_visible()
    expect(page.locator('[data-figure="接收"]')).to_have_text("2")
    expect(page.locator('[data-figure="退回"]')).to_have_text("1")
    expect(page.locator("#rejected-rows tbody tr")).to_have_count(1)
    expect(page.locator("#rejected-rows")).to_contain_text("证件号码")
    shoot(page, "import")
    with page.expect_download() as download:
        page.locator("#import-job").get_by_role("link", name="下载错误清单").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_the_dashboard_offers_the_outcomes_of_its_region(live_server: LiveServer, page: Page) -> None:
    county = County()
    (case,) = county.open(marked_household(), safety_net=True)
    county.to_approved(case, benefit=35_050)
    login(page, live_server.url, county.township)
    page.get_by_role("link", name="统计看板").click()
    expect(page.locator("#table-funds tbody tr")).to_have_count(6)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载本地区行动结果(Excel)").click()
    assert download.value.suggested_filename.startswith(f"outcomes-{case.township_code}-")
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 2 and rows[0][5] == case.household.head.name  # the head and the spouse
    assert rows[0][11] == "已审批纳入,待审定" and rows[0][15] == 350.5
