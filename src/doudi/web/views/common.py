"""What every page needs: the user's profile and region name in the header, and today's date."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.casework.access import role_of
from doudi.core.divisions import UnknownDivision, yunnan
from doudi.registry import access


def scope_name(scope: str | None) -> str:
    if not scope:
        return _("全部地区") if scope == "" else _("无管辖范围")
    try:
        return yunnan().full_name(scope) or _("云南省")
    except UnknownDivision:
        return scope


def today() -> date:
    return timezone.localdate()


def page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    user = request.user
    base = {
        "profile": getattr(user, "profile", None),
        "scope_name": scope_name(access.scope_of(user)),
        "role": role_of(user),
    }
    return render(request, template, {**base, **context}, status=status)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
