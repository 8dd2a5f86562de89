"""查找: households and persons in scope by name, pinyin initials or resident ID."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from doudi.casework.access import cases_for
from doudi.registry import access, privacy

from ..search import search_persons
from .common import page


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:40]
    persons = search_persons(request.user, query)
    memberships = {
        m.person_id: m
        for m in access.memberships_for(request.user)
        .filter(person__in=persons, valid_to__isnull=True)
        .select_related("household")
    }
    households = [m.household_id for m in memberships.values()]
    case_of = dict(cases_for(request.user).filter(household__in=households).values_list("household_id", "id"))
    rows = [
        {
            "person": p,
            "id_shown": privacy.display_id(request.user, p),
            "household": memberships[p.pk].household if p.pk in memberships else None,
            "case": case_of.get(memberships[p.pk].household_id) if p.pk in memberships else None,
        }
        for p in persons
    ]
    return page(request, "web/search.html", {"q": query, "rows": rows})
