"""The access layer: every read of registry rows goes through a region-scoped queryset.

A user's scope is a division-code prefix (`Profile.scope`); a row is in scope when its village code starts
with it. Views and commands never call `Model.objects` for registry rows directly: they call
`households_for(user)`, `get_household_for_user(user, pk)` and the like (in the style of Zulip's
`access_*_by_id`). An object outside the scope and an object that does not exist raise the same `NotInScope`,
so a user cannot even learn that a row exists elsewhere.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from .models import (
    AssessmentResult,
    AuditEvent,
    DeductionItem,
    DibaoEnrolment,
    DibaoMember,
    Household,
    ImportBatch,
    IncomeItem,
    Membership,
    Person,
    PovertyRegistration,
    PropertyItem,
    SupportMeasure,
    TekunEnrolment,
    TemporaryAssistancePayment,
)

M = TypeVar("M", bound=models.Model)


class NotInScope(Http404):
    """The object does not exist or lies outside the user's region; views answer 404 either way."""


# How each model reaches a 12-digit village code (or, for batches and audit events, a region code).
REGION_PATHS: dict[type[models.Model], tuple[str, ...]] = {
    Household: ("village_code",),
    Person: ("village_code",),
    Membership: ("household__village_code",),
    PovertyRegistration: ("household__village_code",),
    DibaoEnrolment: ("household__village_code",),
    DibaoMember: ("enrolment__household__village_code",),
    TekunEnrolment: ("person__village_code",),
    SupportMeasure: ("person__village_code",),
    IncomeItem: ("person__village_code", "household__village_code"),
    DeductionItem: ("person__village_code", "household__village_code"),
    PropertyItem: ("person__village_code", "household__village_code"),
    TemporaryAssistancePayment: ("person__village_code", "household__village_code"),
    AssessmentResult: ("household__village_code",),
    ImportBatch: ("region_code",),
    AuditEvent: ("region_code",),
}


def scope_of(user: Any) -> str | None:
    """The user's division-code prefix; '' means everything (admin); None means nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    profile = getattr(user, "profile", None)
    if profile is None:
        # A superuser made with `createsuperuser` has no profile; everyone else without one sees nothing.
        return "" if user.is_superuser else None
    return str(profile.scope)


def in_scope(user: Any, region_code: str) -> bool:
    scope = scope_of(user)
    return scope is not None and region_code.startswith(scope)


def _scope_filter(model: type[models.Model], scope: str) -> models.Q:
    query = models.Q()
    for path in REGION_PATHS[model]:
        query |= models.Q(**{f"{path}__startswith": scope})
    return query


def scoped(user: Any, model: type[M]) -> models.QuerySet[M]:
    """All rows of `model` within the user's region."""
    manager: models.Manager[M] = model._default_manager
    scope = scope_of(user)
    if scope is None:
        return manager.none()
    if scope == "":
        return manager.all()
    return manager.filter(_scope_filter(model, scope))


def get_for_user(user: Any, model: type[M], pk: object) -> M:
    """One row by primary key, or NotInScope when it is missing or outside the user's region."""
    try:
        return scoped(user, model).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotInScope(_("没有找到该记录,或该记录不在您的管辖范围内")) from None


def households_for(user: Any) -> models.QuerySet[Household]:
    return scoped(user, Household)


def persons_for(user: Any) -> models.QuerySet[Person]:
    return scoped(user, Person)


def memberships_for(user: Any) -> models.QuerySet[Membership]:
    return scoped(user, Membership)


def poverty_registrations_for(user: Any) -> models.QuerySet[PovertyRegistration]:
    return scoped(user, PovertyRegistration)


def dibao_enrolments_for(user: Any) -> models.QuerySet[DibaoEnrolment]:
    return scoped(user, DibaoEnrolment)


def tekun_enrolments_for(user: Any) -> models.QuerySet[TekunEnrolment]:
    return scoped(user, TekunEnrolment)


def temporary_assistance_for(user: Any) -> models.QuerySet[TemporaryAssistancePayment]:
    return scoped(user, TemporaryAssistancePayment)


def assessments_for(user: Any) -> models.QuerySet[AssessmentResult]:
    return scoped(user, AssessmentResult)


def batches_for(user: Any) -> models.QuerySet[ImportBatch]:
    """Import batches of a region within the scope (so county users and above; a village sees none)."""
    return scoped(user, ImportBatch)


def get_household_for_user(user: Any, pk: object) -> Household:
    return get_for_user(user, Household, pk)


def get_person_for_user(user: Any, pk: object) -> Person:
    return get_for_user(user, Person, pk)


def get_person_by_id_number(user: Any, id_number: str) -> Person:
    """A person by canonical resident ID, within scope (NotInScope otherwise)."""
    try:
        return persons_for(user).get(id_number=id_number)
    except Person.DoesNotExist:
        raise NotInScope(_("没有找到该记录,或该记录不在您的管辖范围内")) from None
