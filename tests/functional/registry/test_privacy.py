"""IDs are masked unless a permitted role asks for the full number, and each full read is audited."""

from __future__ import annotations

import pytest

from doudi.registry import access
from doudi.registry.models import AuditEvent
from doudi.registry.privacy import display_id
from tests.factories import create_person, create_user

pytestmark = pytest.mark.django_db


def test_masked_by_default_and_nothing_audited() -> None:
    person = create_person()
    assert person.id_number is not None
    shown = display_id(create_user("village"), person)
    assert shown == person.id_number[:6] + "********" + person.id_number[-4:]
    assert AuditEvent.objects.count() == 0


def test_full_id_for_a_caseworker_writes_an_audit_event() -> None:
    person = create_person()
    user = create_user("township")
    assert display_id(user, person, full=True, reason="入户核查") == person.id_number
    event = AuditEvent.objects.get()
    assert (event.user, event.action, event.object_type, event.object_id) == (
        user,
        "view_full_id",
        "registry.person",
        str(person.pk),
    )
    assert event.region_code == person.village_code
    assert event.detail == {"reason": "入户核查"}


@pytest.mark.parametrize("role", ["prefecture", "province", "county_committee"])
def test_supervisors_get_the_mask_even_when_asking_for_full(role: str) -> None:
    person = create_person()
    assert display_id(create_user(role), person, full=True) != person.id_number
    assert AuditEvent.objects.count() == 0


def test_full_id_outside_scope_is_refused_and_not_audited() -> None:
    person = create_person("532901001001")
    with pytest.raises(access.NotInScope):
        display_id(create_user("county_civil"), person, full=True)
    assert AuditEvent.objects.count() == 0


def test_a_person_without_id_shows_nothing() -> None:
    assert display_id(create_user("village"), create_person(id_number=None), full=True) == ""
