"""The registry schema: migrations match the models, and the database enforces the key constraints."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from doudi.core import ids
from doudi.registry.models import AuditEvent, Household, ImportBatch, Person
from tests.factories import VILLAGE, create_batch, create_household, create_person

pytestmark = pytest.mark.django_db


def test_migrations_are_complete_and_applied() -> None:
    out = StringIO()
    call_command("makemigrations", "registry", "--check", "--dry-run", stdout=out)
    tables = set(connection.introspection.table_names())
    assert {
        "registry_person",
        "registry_household",
        "registry_historicalperson",
        "registry_auditevent",
    } <= tables


def test_person_id_number_is_unique_when_present() -> None:
    first = create_person()
    with pytest.raises(IntegrityError), transaction.atomic():
        create_person(id_number=first.id_number)


def test_persons_without_id_do_not_collide() -> None:
    create_person(id_number=None, name="小明")
    create_person(id_number="", name="小红")  # an empty ID is stored as NULL, not as a colliding ""
    assert Person.objects.filter(id_number__isnull=True).count() == 2


def test_household_number_unique_within_county() -> None:
    household = create_household()
    with pytest.raises(IntegrityError), transaction.atomic():
        create_household(household_no=household.household_no)
    create_household(village_code="532901001001", household_no=household.household_no)
    assert Household.objects.filter(household_no=household.household_no).count() == 2


def test_card_household_needs_a_number() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create_household(household_no=None)
    assert create_household(origin="civil").household_no is None


def test_a_completed_file_is_unique_per_kind_but_failed_attempts_may_repeat() -> None:
    done = create_batch(sha256="a" * 64)
    create_batch(sha256="a" * 64, status="failed")
    create_batch(sha256="a" * 64, kind="dibao")
    with pytest.raises(IntegrityError), transaction.atomic():
        create_batch(sha256=done.sha256)
    assert ImportBatch.objects.filter(sha256="a" * 64).count() == 3


def test_changes_keep_their_history() -> None:
    person = create_person(name="李四")
    person.name = "李肆"
    person.alive = False
    person.save()
    names = [h.name for h in person.history.order_by("history_date")]  # type: ignore[attr-defined]
    assert names == ["李四", "李肆"]
    assert person.history.earliest().alive is True  # type: ignore[attr-defined]


def test_audit_events_are_append_only() -> None:
    event = AuditEvent.objects.create(action="export", region_code="532923")
    event.object_id = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(object_id="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).object_id == ""


def test_str_is_chinese_and_masks_the_id() -> None:
    number = ids.make("532923", date(1960, 5, 1), 1)
    person = create_person(name="王五", id_number=number)
    assert str(person) == f"王五(532923********{number[-4:]})"
    assert str(create_person(name="小明", id_number=None)) == "小明(无身份证号)"


def _has_chinese(text: object) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


@pytest.mark.parametrize(
    "model",
    [m for m in apps.get_app_config("registry").get_models() if not m.__name__.startswith("Historical")],
    ids=lambda m: m.__name__,
)
def test_every_model_and_field_has_a_chinese_name(model: type[Model]) -> None:
    assert _has_chinese(model._meta.verbose_name) and _has_chinese(model._meta.verbose_name_plural)
    unnamed = [
        f.name for f in model._meta.concrete_fields if f.name != "id" and not _has_chinese(f.verbose_name)
    ]
    assert unnamed == []


def test_person_validation_explains_a_bad_id() -> None:
    good = ids.make("532923", date(1980, 2, 29), 11)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        Person(name="甲", id_number=bad_check, village_code=VILLAGE).clean()
    assert caught.value.message_dict["id_number"] == [ids.IdProblem.BAD_CHECK.message]
    with pytest.raises(ValidationError) as caught:
        Person(name="乙", id_number=f"{good[:6]} {good[6:]}", village_code=VILLAGE).clean()
    assert "规范" in caught.value.message_dict["id_number"][0]
    Person(name="丙", id_number=good, village_code=VILLAGE).clean()
