"""Change password in a real browser, by keyboard: the menu link, a refused attempt, the change, and the new
password at the next login."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import Shoot
from tests.factories import create_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OLD = "doudi-test-2020"
NEW = "changed-2026-pass"
NEW1 = re.compile(r"^新密码[::]?$")  # Django's label, with or without its suffix
NEW2 = re.compile(r"^新密码确认[::]?$")


def log_in(page: Page, url: str, password: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(password)
    page.get_by_label("密码").press("Enter")


def test_a_user_changes_his_password_by_keyboard(live_server: LiveServer, page: Page, shoot: Shoot) -> None:
    create_user(role="township", username="clerk", password=OLD)
    url = live_server.url
    log_in(page, url, OLD)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()

    page.get_by_role("navigation", name="账户").get_by_role("link", name="修改密码").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    shoot(page, "password")
    page.get_by_label("旧密码").fill(OLD)
    page.get_by_label(NEW1).fill(NEW)
    page.get_by_label(NEW2).fill(NEW + "-typo")
    page.get_by_label(NEW2).press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("密码未修改")
    expect(page.locator("main")).to_contain_text("两个密码不一致")

    page.get_by_label("旧密码").fill(OLD)
    page.get_by_label(NEW1).fill(NEW)
    page.get_by_label(NEW2).fill(NEW)
    page.get_by_role("button", name="保存新密码").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="密码已修改")).to_be_visible()

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    log_in(page, url, OLD)
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
    log_in(page, url, NEW)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
