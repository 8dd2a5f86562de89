"""Change password and log out: the pages, their validation messages in Chinese, and their audit records."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.registry import audit
from doudi.registry.models import AuditEvent
from tests.factories import create_user

pytestmark = pytest.mark.django_db
OLD = "doudi-test-2020"
NEW = "new-secret-2026"


def logged_in(client: Client, role: str = "township") -> tuple[Client, object]:
    user = create_user(role=role, username=f"{role}-clerk", password=OLD)
    assert client.login(username=user.username, password=OLD)
    return client, user


def test_the_nav_links_to_the_change_password_page(client: Client) -> None:
    logged_in(client)
    html = client.get("/").content.decode()
    assert 'href="/password/"' in html and "修改密码" in html
    page = client.get("/password/").content.decode()
    for label in ("旧密码", "新密码"):
        assert label in page
    assert 'for="id_old_password"' in page and 'for="id_new_password1"' in page
    assert "乡镇" in page and "祥城镇" in page  # the header shows the role and region, as on every page


def test_changing_the_password_works_and_is_audited(client: Client) -> None:
    client, user = logged_in(client, "county_civil")
    response = client.post(
        "/password/", {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/password/done/"
    assert "密码已修改" in response.content.decode()
    assert client.get("/").status_code == 200  # still logged in (the session hash was updated)
    event = AuditEvent.objects.get(action="password_changed")
    assert event.user == user and event.object_id == str(user.pk)
    assert event.region_code == user.profile.scope
    assert "password" not in str(event.detail).replace("/password/", "")  # never the password itself
    assert audit.verify().broken is None
    fresh = Client()
    assert not fresh.login(username=user.username, password=OLD)
    assert fresh.login(username=user.username, password=NEW)


@pytest.mark.parametrize(
    ("old", "new1", "new2", "message"),
    [
        ("wrong-old-pass", NEW, NEW, "旧密码不正确"),
        (OLD, NEW, NEW + "x", "两个密码不一致"),
        (OLD, "short", "short", "密码太短"),
    ],
)
def test_a_bad_change_is_refused_in_chinese_and_not_audited(
    client: Client, old: str, new1: str, new2: str, message: str
) -> None:
    client, user = logged_in(client)
    response = client.post("/password/", {"old_password": old, "new_password1": new1, "new_password2": new2})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and 'role="alert"' in html
    assert not AuditEvent.objects.filter(action="password_changed").exists()
    assert Client().login(username=user.username, password=OLD)


def test_the_password_page_needs_a_login(client: Client) -> None:
    response = client.get("/password/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_logging_out_is_audited(client: Client) -> None:
    client, user = logged_in(client)
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert AuditEvent.objects.filter(action="logout", user=user).count() == 1
    assert client.get("/").status_code == 302
    client.post("/logout/")  # logging out again without a session records nothing
    assert AuditEvent.objects.filter(action="logout").count() == 1
