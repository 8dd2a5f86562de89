"""领导小组审定: the county committee secretary records a meeting and confirms the chosen cases in one batch."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doudi.campaign import State
from doudi.casework import actions
from doudi.casework.access import cases_for, role_of
from doudi.registry.models import Role

from .. import queries
from .common import page, today

READY = (State.APPROVED.value, State.NOT_ELIGIBLE.value)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("会议日期"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.CharField(label=gettext_lazy("参会人员"), widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(
        label=gettext_lazy("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cases = forms.TypedMultipleChoiceField(label=gettext_lazy("审定的个案"), coerce=int)

    def __init__(self, ready: list[Any], *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["cases"].choices = [(c.pk, str(c.pk)) for c in ready]
        self.fields["cases"].error_messages["required"] = _("请至少勾选一户")


@login_required
def committee(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) != Role.COUNTY_COMMITTEE:
        return page(request, "web/forbidden.html", {"what": _("领导小组审定")}, status=403)
    campaign = queries.current_campaign(request.user)
    ready = []
    if campaign is not None:
        ready = list(
            cases_for(request.user)
            .filter(campaign=campaign, state__in=READY)
            .select_related("household__head")
            .order_by("township_code", "village_code", "id")
        )
    form = MeetingForm(ready, request.POST or None)
    error = ""
    if request.method == "POST" and campaign is not None and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = actions.confirm_in_committee(
                request.user,
                campaign,
                data["held_on"],
                data["attendees"],
                data["cases"],
                today(),
                note=data["note"],
            )
        except actions.CaseworkError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("已记录 %(day)s 的审定会议, 审定 %(n)d 户")
                % {"day": meeting.held_on, "n": len(data["cases"])},
            )
            return redirect("committee")
    context = {"campaign": campaign, "ready": ready, "form": form, "error": error}
    return page(request, "web/committee.html", context, status=400 if request.method == "POST" else 200)
