"""Region scope for casework rows, on top of doudi.registry.access (the one access layer).

Cases, their events and referrals are registered in `registry.access.REGION_PATHS` when the app loads
(apps.py), so `access.scoped(user, Case)` applies the same prefix rule as for households. Campaigns are
county-wide: a user sees a campaign of a county inside the scope, or of the county the scope lies in.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from doudi.registry import access
from doudi.registry.models import Role

from .models import Campaign, Case, CaseEvent, CommitteeMeeting, Referral

REGION_PATHS: dict[type[models.Model], tuple[str, ...]] = {
    Case: ("village_code",),
    CaseEvent: ("case__village_code",),
    Referral: ("case__village_code",),
    CommitteeMeeting: ("campaign__county_code",),
}


def register() -> None:
    for model, paths in REGION_PATHS.items():
        access.REGION_PATHS.setdefault(model, paths)


def role_of(user: Any) -> str:
    """The user's role value; a superuser without a profile acts as admin; no profile means no role."""
    profile = getattr(user, "profile", None)
    if profile is not None:
        return str(profile.role)
    return Role.ADMIN.value if getattr(user, "is_superuser", False) else ""


def campaigns_for(user: Any) -> models.QuerySet[Campaign]:
    scope = access.scope_of(user)
    if scope is None:
        return Campaign.objects.none()
    if len(scope) > 6:
        return Campaign.objects.filter(county_code=scope[:6])
    return Campaign.objects.filter(county_code__startswith=scope)


def get_campaign_for_user(user: Any, pk: object) -> Campaign:
    try:
        return campaigns_for(user).get(pk=pk)
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise access.NotInScope(_("没有找到该行动,或不在您的管辖范围内")) from None


def cases_for(user: Any) -> models.QuerySet[Case]:
    return access.scoped(user, Case)


def get_case_for_user(user: Any, pk: object) -> Case:
    """One case in scope (with its household and head loaded), or NotInScope like a missing one."""
    try:
        return cases_for(user).select_related("household__head", "campaign").get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise access.NotInScope(_("没有找到该个案,或不在您的管辖范围内")) from None


def events_for(user: Any) -> models.QuerySet[CaseEvent]:
    return access.scoped(user, CaseEvent)


def meetings_for(user: Any) -> models.QuerySet[CommitteeMeeting]:
    return access.scoped(user, CommitteeMeeting)


def covers(user: Any, region_code: str) -> bool:
    """The user's scope contains the whole region (e.g. a county user for the county's campaign)."""
    scope = access.scope_of(user)
    return scope is not None and region_code.startswith(scope)
