"""The admin site: zh-hans, region-scoped lists, masked IDs."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import create_household, create_person, create_user

pytestmark = pytest.mark.django_db


def _admin_client(scope: str) -> Client:
    role = "admin" if scope == "" else "county_civil"
    user = create_user(role, scope=scope, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def test_person_list_masks_ids_and_speaks_chinese() -> None:
    person = create_person(name="赵六")
    assert person.id_number is not None
    page = _admin_client("").get("/admin/registry/person/").content.decode()
    assert "赵六" in page and "公民身份号码" in page
    assert person.id_number[:6] + "********" + person.id_number[-4:] in page
    assert person.id_number not in page


def test_admin_lists_are_region_scoped() -> None:
    inside = create_household(household_no="H-IN")
    outside = create_household("532901001001", household_no="H-OUT")
    client = _admin_client("532923")
    page = client.get("/admin/registry/household/").content.decode()
    assert "H-IN" in page and "H-OUT" not in page
    assert client.get(f"/admin/registry/household/{inside.pk}/change/").status_code == 200
    assert client.get(f"/admin/registry/household/{outside.pk}/change/").status_code == 302  # "not found"
