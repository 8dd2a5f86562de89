"""Resident IDs are shown masked; the full number only to casework roles, and each such read is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from doudi.core.ids import mask

from . import access, audit
from .models import AuditAction, Person, Role

# Roles that work with named persons and may ask to see a full ID. Supervisors (prefecture, province) and the
# leading-group secretary review figures and lists, and see masked IDs only.
FULL_ID_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY_CIVIL, Role.COUNTY_POVERTY, Role.ADMIN})


def may_see_full_ids(user: Any) -> bool:
    profile = getattr(user, "profile", None)
    if profile is None:
        return bool(getattr(user, "is_superuser", False))
    return profile.role in FULL_ID_ROLES


def display_id(user: Any, person: Person, full: bool = False, reason: str = "") -> str:
    """The ID as this user may see it: masked by default; full only on request, for a permitted role and a
    person in scope, and then an AuditEvent is written in the same transaction."""
    if not person.id_number:
        return ""
    if not (full and may_see_full_ids(user)):
        return mask(person.id_number)
    if not access.in_scope(user, person.village_code):
        raise access.NotInScope(_("该人员不在您的管辖范围内"))
    with transaction.atomic():
        audit.record(user, AuditAction.VIEW_FULL_ID, person, region_code=person.village_code, reason=reason)
    return person.id_number
