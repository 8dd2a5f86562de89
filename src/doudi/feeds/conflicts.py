"""Near-relative filings (近亲属备案, 民发〔2021〕57号): record a filing in the campaign, and the check that keeps
the related official from acting on the case.

`check_may_act(user, case)` is meant to be called by doudi.casework.actions before every transition (see the
issue #10 report: one call in `_take`); views can call it too to hide the actions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from doudi.registry import audit
from doudi.registry.models import Membership, Person

from .models import Filing


class ConflictOfInterest(PermissionError):
    """The acting official has a filed near relative in the case's household."""


@transaction.atomic
def record_filing(
    user: Any,
    campaign: Any,
    *,
    official_id_number: str,
    official_name: str,
    official_role: str,
    relative: Person,
    relation: str,
    filed_on: date,
    official_user: Any = None,
) -> Filing:
    from doudi.casework.actions import CaseworkError, _require_region

    if relative.county_code != campaign.county_code:
        raise CaseworkError(_("近亲属不在本县, 不能在本县的行动中备案"))
    _require_region(user, relative.village_code)
    filing = Filing.objects.create(
        campaign=campaign,
        official_id_number=official_id_number,
        official_name=official_name,
        official_role=official_role,
        official_user=official_user,
        relative=relative,
        relation=relation,
        filed_on=filed_on,
        recorded_by=user if getattr(user, "pk", None) else None,
    )
    audit.record(user, "feeds.relative_filing", filing, region_code=relative.village_code, relation=relation)
    return filing


def related_filing(user: Any, household_id: int) -> Filing | None:
    """The filing that makes `user` a near relative of a current member of the household, if any."""
    if not getattr(user, "pk", None):
        return None
    members = Membership.objects.filter(household_id=household_id, valid_to__isnull=True).values("person_id")
    return Filing.objects.filter(official_user=user, relative_id__in=members).first()


def check_may_act(user: Any, case: Any) -> None:
    """Refuse (ConflictOfInterest, Chinese message) when the user is a filed near relative of the household."""
    filing = related_filing(user, case.household_id)
    if filing is not None:
        raise ConflictOfInterest(
            _(
                "您已备案为该户成员 %(name)s 的近亲属(%(relation)s), 按规定须回避, 不能办理该户个案; 请由其他人员办理"
            )
            % {"name": filing.relative.name, "relation": filing.relation}
        )
