"""The one write path for household authorisations (家庭经济状况核对授权) and the question the checks ask."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from doudi.evidence.feeds import FeedColumn, FeedKind, FeedSpec, FieldType
from doudi.registry import audit
from doudi.registry.models import Household, Person

from .models import Authorisation, AuthorisationKind


class AuthorisationError(ValueError):
    """Refused: the message is Chinese and says what to do."""


def columns() -> FeedSpec:
    """The authorisation register's columns (a file beside the feeds)."""
    return FeedSpec(
        FeedKind.HUKOU,  # unused: the register is not a feed
        "家庭经济状况核对授权",
        "乡镇人民政府",
        (
            FeedColumn("id_number", "公民身份号码", FieldType.ID, ("身份证号",), required=True),
            FeedColumn("name", "姓名", FieldType.NAME, ("签署人",), required=True),
            FeedColumn("signed_on", "签署日期", FieldType.DATE, ("授权日期",), required=True),
        ),
        economic=False,
    )


def is_authorised(household: Household) -> bool:
    return household.authorisations.filter(revoked_on__isnull=True).exists()


def authorised_households(household_ids: Any) -> set[int]:
    """The households (pks, or a queryset of pks) with an authorisation in force."""
    rows = Authorisation.objects.filter(household_id__in=household_ids, revoked_on__isnull=True)
    return set(rows.values_list("household_id", flat=True))


def authorised_persons(person_ids: list[int]) -> set[int]:
    """Tekun persons without a household who signed for themselves (or have an override)."""
    rows = Authorisation.objects.filter(
        person_id__in=person_ids, household__isnull=True, revoked_on__isnull=True
    )
    return set(rows.values_list("person_id", flat=True))


@transaction.atomic
def record_signed(user: Any, household: Household, signed_on: date) -> Authorisation:
    made = Authorisation.objects.create(
        household=household,
        kind=AuthorisationKind.SIGNED,
        signed_on=signed_on,
        recorded_by=user if getattr(user, "pk", None) else None,
    )
    audit.record(user, "feeds.authorisation", household, region_code=household.village_code, kind="signed")
    return made


@transaction.atomic
def override(user: Any, household: Household | Person, reason: str, on: date) -> Authorisation:
    """Use the feeds for a household without its signature, where the rules allow it; always audited. A tekun
    person the registry keeps without a household is passed as the Person."""
    from doudi.casework.access import role_of
    from doudi.registry import access
    from doudi.registry.models import Role

    if role_of(user) not in (Role.COUNTY_CIVIL, Role.ADMIN):
        raise AuthorisationError(_("只有县民政局可以批准免于授权核对"))
    if not access.in_scope(user, household.village_code):
        raise AuthorisationError(_("该户不在您的管辖范围内"))
    if len(reason.strip()) < 4:
        raise AuthorisationError(_("请写明免于授权的政策依据和理由(如: 户主失踪, 经乡镇审核)"))
    lone = isinstance(household, Person)
    made = Authorisation.objects.create(
        household=None if lone else household,
        person=household if lone else None,
        kind=AuthorisationKind.OVERRIDE,
        signed_on=on,
        reason=reason.strip(),
        recorded_by=user,
    )
    audit.record(user, "feeds.authorisation_override", household, region_code=household.village_code,
                 reason=reason.strip())  # fmt: skip
    return made
