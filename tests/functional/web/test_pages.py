import re

import pytest
from django.test import Client

from tests.factories import create_household, create_poverty_registration, create_user

OTHER_VILLAGE = "532923101202"


def figure(html: str, label: str) -> int:
    match = re.search(rf'data-figure="{label}">(\d+)<', html)
    assert match, f"figure {label} not on the page"
    return int(match.group(1))


@pytest.mark.django_db
def test_login_page_is_in_chinese(client: Client) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.text
    assert "登录" in response.text


@pytest.mark.django_db
def test_home_needs_a_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_figures_count_only_the_users_region(client: Client) -> None:
    mine = create_household()
    create_poverty_registration(mine, safety_net_mark=True)
    theirs = create_household(village_code=OTHER_VILLAGE)
    create_poverty_registration(theirs, safety_net_mark=True)

    client.force_login(create_user(role="village"))
    village_page = client.get("/").text
    assert figure(village_page, "建档立卡户") == 1
    assert figure(village_page, "兜底保障标识户") == 1

    client.force_login(create_user(role="township"))
    assert figure(client.get("/").text, "建档立卡户") == 2


@pytest.mark.django_db
def test_login_with_the_form_lands_on_the_start_page(client: Client) -> None:
    create_user(role="county_civil", username="clerk", password="doudi-test-2020")
    response = client.post("/login/", {"username": "clerk", "password": "doudi-test-2020"}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "县民政局" in response.text
    bad = client.post("/login/", {"username": "clerk", "password": "wrong"})
    assert "用户名或密码不正确" in bad.text


def test_healthz(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
