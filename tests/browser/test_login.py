import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.factories import create_household, create_poverty_registration, create_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_village_cadre_logs_in_and_sees_only_his_village(live_server: LiveServer, page: Page) -> None:
    create_poverty_registration(create_household(), safety_net_mark=True)
    create_poverty_registration(create_household(village_code="532923101202"), safety_net_mark=True)
    create_user(role="village", username="cadre", password="doudi-test-2020")

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("用户名").fill("cadre")
    page.get_by_label("密码").fill("doudi-test-2020")
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="工作台")).to_contain_text("平坝")
    expect(page.locator('[data-figure="建档立卡户"]')).to_have_text("1")
    page.keyboard.press("Tab")  # keyboard access: the skip link comes first
    expect(page.get_by_text("跳到正文")).to_be_focused()


def test_a_wrong_password_is_refused_in_chinese(live_server: LiveServer, page: Page) -> None:
    create_user(role="township", username="clerk", password="doudi-test-2020")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("nope-nope")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
