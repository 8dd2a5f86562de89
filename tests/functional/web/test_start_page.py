"""Each role lands on its own start page (工作台): those who act see what waits for them, supervisors the
regions under them, county offices their latest imports; nothing outside the user's scope."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import create_batch, create_household, create_user
from tests.functional.casework.helpers import County, marked_household

pytestmark = pytest.mark.django_db
OTHER_VILLAGE = "532923101002"  # 祥云县, another village of the same township


def start_page(client: Client, user: object) -> str:
    client.force_login(user)  # type: ignore[arg-type]
    return client.get("/").content.decode()


def test_a_township_clerk_starts_with_the_cases_waiting_for_him() -> None:
    county = County()
    cases = county.open(marked_household(), marked_household())
    html = start_page(Client(), county.township)
    assert "待我办理" in html and 'data-figure="待我办理">2<' in html
    for case in cases:
        assert f'href="/cases/{case.pk}/"' in html
    assert 'id="regions-title"' not in html and 'id="batches-title"' not in html


def test_the_committee_secretary_sees_only_what_waits_for_the_committee() -> None:
    county = County()
    waiting, approved = county.open(marked_household(), marked_household())
    county.to_approved(approved)
    html = start_page(Client(), county.committee)
    assert 'data-figure="待我办理">1<' in html
    assert f'href="/cases/{approved.pk}/"' in html and f'href="/cases/{waiting.pk}/"' not in html


def test_a_village_cadre_sees_no_case_of_another_village() -> None:
    county = County()
    mine = county.open(marked_household())[0]
    other = county.open(marked_household(OTHER_VILLAGE))[0]
    html = start_page(Client(), county.village)
    assert f'href="/cases/{mine.pk}/"' in html and f'href="/cases/{other.pk}/"' not in html


def test_supervisors_start_from_the_regions_under_them() -> None:
    create_household()
    html = start_page(Client(), create_user("prefecture"))
    assert 'id="regions-title"' in html and 'id="waiting-title"' not in html
    assert "/dashboard/?region=532923" in html  # 祥云县, a county of the prefecture


def test_the_county_office_sees_its_latest_imports() -> None:
    batch = create_batch()
    html = start_page(Client(), create_user("county_civil"))
    assert 'id="waiting-title"' in html and 'id="batches-title"' in html and batch.file_name in html
    assert 'id="batches-title"' not in start_page(Client(), create_user("township"))
