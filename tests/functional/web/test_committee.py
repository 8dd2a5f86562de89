"""领导小组审定: the committee secretary records a meeting and confirms ready cases in one batch."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.campaign import State
from doudi.casework.models import Case, CommitteeMeeting
from tests.functional.casework.helpers import County, marked_household

pytestmark = pytest.mark.django_db


def test_only_the_committee_secretary_may_open_the_page(client: Client, county: County) -> None:
    client.force_login(county.civil)
    assert client.get("/committee/").status_code == 403
    client.force_login(county.committee)
    assert client.get("/committee/").status_code == 200


def test_a_meeting_confirms_the_chosen_cases(client: Client, county: County) -> None:
    approved, refused, waiting = county.open(marked_household(), marked_household(), marked_household())
    county.to_approved(approved)
    county.to_not_eligible(refused)
    client.force_login(county.committee)
    page = client.get("/committee/").text
    assert f'value="{approved.pk}"' in page and f'value="{refused.pk}"' in page
    assert f'value="{waiting.pk}"' not in page
    form = {
        "held_on": "2020-05-20",
        "attendees": "县长、民政局长、扶贫办主任",
        "cases": [approved.pk, refused.pk],
    }
    response = client.post("/committee/", form, follow=True)
    assert "审定 2 户" in response.text
    assert Case.objects.get(pk=approved.pk).state == State.ENROLLED
    assert Case.objects.get(pk=refused.pk).state == State.CONFIRMED_NOT_COVERED
    assert CommitteeMeeting.objects.get().attendees.startswith("县长")


def test_a_meeting_needs_attendees_and_cases(client: Client, county: County) -> None:
    (approved,) = county.open(marked_household())
    county.to_approved(approved)
    client.force_login(county.committee)
    response = client.post("/committee/", {"held_on": "2020-05-20", "attendees": "", "cases": []})
    assert response.status_code == 400
    assert "请至少勾选一户" in response.text and "这个字段是必填项" in response.text
    not_ready = client.post("/committee/", {"held_on": "2020-05-20", "attendees": "甲", "cases": [999999]})
    assert not_ready.status_code == 400
    assert not CommitteeMeeting.objects.exists()
    assert Case.objects.get(pk=approved.pk).state == State.APPROVED
