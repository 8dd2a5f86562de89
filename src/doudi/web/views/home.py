"""The start page: the headline figures of the user's region."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from doudi.casework.access import role_of
from doudi.core.divisions import yunnan
from doudi.registry import access
from doudi.registry.models import HouseholdOrigin, Role

from .. import queries
from .common import page, today

# What each role sees first on its start page (工作台), besides the region's figures.
ACTING = {Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY_CIVIL, Role.COUNTY_POVERTY, Role.COUNTY_COMMITTEE}
SUPERVISING = {Role.PREFECTURE, Role.PROVINCE}
IMPORTING = {Role.COUNTY_CIVIL, Role.COUNTY_POVERTY, Role.ADMIN}
FIRST_CASES = 8


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def overview(user: object) -> list[tuple[str, int]]:
    """The headline figures of the user's region, each counted through the access layer."""
    households = access.households_for(user)
    registrations = access.poverty_registrations_for(user)
    return [
        (_("建档立卡户"), households.filter(origin=HouseholdOrigin.CARD).count()),
        (
            _("建档立卡人口"),
            access.memberships_for(user).filter(household__origin=HouseholdOrigin.CARD).count(),
        ),
        (_("兜底保障标识户"), registrations.filter(safety_net_mark=True).count()),
        (_("低保户"), access.dibao_enrolments_for(user).filter(end_date__isnull=True).count()),
        (_("特困供养人员"), access.tekun_enrolments_for(user).filter(end_date__isnull=True).count()),
        (_("临时救助人次"), access.temporary_assistance_for(user).count()),
    ]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    role = role_of(user)
    context: dict[str, object] = {"figures": overview(user), "today": today()}
    if role in ACTING:  # those who act on cases start with what waits for them, earliest deadline first
        waiting = queries.worklist(user, queries.WorklistFilter())
        context["waiting_total"] = waiting.count()
        context["waiting"] = waiting[:FIRST_CASES]
    if role in SUPERVISING:  # supervisors start from the regions under them, each a link into the dashboard
        context["regions"] = yunnan().children(access.scope_of(user))
    if role in IMPORTING:
        context["batches"] = access.batches_for(user).order_by("-started_at")[:10]
    return page(request, "web/home.html", context)
