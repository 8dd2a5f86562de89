"""The account pages: change password and log out, each audited through the one audit write path.

Logging in is audited by Django's auth signals (doudi.registry.audit.connect_login_audit); changing the
password and logging out are audited here, in the same transaction as the change itself."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy

from doudi.casework.access import role_of
from doudi.registry import access, audit

from .views.common import scope_name

PASSWORD_CHANGED_ACTION = "password_changed"
LOGOUT_ACTION = "logout"


def _scope(user: Any) -> str:
    return str(getattr(getattr(user, "profile", None), "scope", "") or "")


class HeaderMixin:
    """The header every page shows (role, region, the role's menu): the context of views.common.page."""

    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        user = self.request.user
        context.update(
            profile=getattr(user, "profile", None),
            scope_name=scope_name(access.scope_of(user)),
            role=role_of(user),
        )
        return context


class PasswordChangeView(HeaderMixin, auth_views.PasswordChangeView):
    """修改密码: old password, new password twice (Django's validators), then the done page."""

    template_name = "web/account/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = form.user
            audit.record(
                user, PASSWORD_CHANGED_ACTION, user, region_code=_scope(user), path=self.request.path
            )
        return response


class PasswordChangeDoneView(HeaderMixin, auth_views.PasswordChangeDoneView):
    """密码已修改. (Own template names: django.contrib.admin's registration/ templates come first.)"""

    template_name = "web/account/password_change_done.html"


class LogoutView(auth_views.LogoutView):
    """退出: audited (who, when) before the session ends."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            audit.record(user, LOGOUT_ACTION, user, region_code=_scope(user), path=request.path)
        return super().post(request, *args, **kwargs)
