"""The write pages of 动态管理: one household's watch record (reviews, early-warning visits, refusals) with the
forms that record a visit and its result, a review (new income and property -> the rules reassess ->
增发/减发/停发 from a month) and a refusal (P6).

Plain POST forms, as the review-flag form of the watch pages: each form goes through the one write path in
doudi.watch.actions / doudi.watch.sanctions (region check, one transaction, an audit event), and a refused action
shows its Chinese message. Households outside the user's region answer 404 (doudi.registry.access)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doudi.core.money import InvalidAmount, parse_yuan, yuan
from doudi.registry import access
from doudi.registry import models as m
from doudi.registry.access import get_for_user
from doudi.rules.timelines import month_of
from doudi.web.views.common import page, scope_name, today

from .actions import (
    NewIncome,
    NewProperty,
    ReviewInput,
    WatchError,
    current_dibao,
    record_review,
    record_visit,
)
from .models import RefusalKind, RefusalResponse, TemporaryGrant, VisitResult
from .sanctions import record_refusal
from .temporary import declare_emergency, grant, receive_documents, top_up

INCOME_KINDS = m.IncomeItem._meta.get_field("kind").choices or []
PROPERTY_KINDS = m.PropertyItem._meta.get_field("kind").choices or []


def _yuan(raw: str, label: str) -> int:
    try:
        fen = parse_yuan(raw)
    except InvalidAmount as exc:
        raise forms.ValidationError(
            _("%(f)s「%(v)s」不是金额, 请写成如 1200 或 1200.50 (元)") % {"f": label, "v": raw}
        ) from exc
    return fen or 0


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        label=gettext_lazy("走访日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    result = forms.ChoiceField(label=gettext_lazy("走访结果"), choices=VisitResult.choices)
    signals = forms.CharField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label=gettext_lazy("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(
        label=gettext_lazy("核查日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    effective_month = forms.CharField(
        label=gettext_lazy("生效月份"), max_length=7, widget=forms.TextInput(attrs={"placeholder": "YYYY-MM"})
    )
    irregular_income = forms.BooleanField(label=gettext_lazy("收入不稳定(6个月核查一次)"), required=False)
    income_kind = forms.ChoiceField(label=gettext_lazy("家庭收入类型"), choices=INCOME_KINDS, required=False)
    income_yuan = forms.CharField(label=gettext_lazy("近12个月收入(元)"), required=False, max_length=20)
    property_kind = forms.ChoiceField(
        label=gettext_lazy("新增财产类型"), choices=[("", "—"), *PROPERTY_KINDS], required=False
    )
    property_yuan = forms.CharField(label=gettext_lazy("财产价值(元)"), required=False, max_length=20)
    property_note = forms.CharField(label=gettext_lazy("财产说明"), required=False, max_length=200)

    def clean_effective_month(self) -> date:
        raw = self.cleaned_data["effective_month"].strip()
        try:
            return date.fromisoformat(f"{raw}-01")
        except ValueError:
            raise forms.ValidationError(
                _("生效月份「%(m)s」应写成 YYYY-MM, 如 2021-05") % {"m": raw}
            ) from None

    def review(self) -> ReviewInput:
        d = self.cleaned_data
        income = []
        if d.get("income_yuan", "").strip():
            amount = _yuan(d["income_yuan"], _("近12个月收入"))
            income.append(NewIncome(d["income_kind"] or "agriculture", amount))
        prop = []
        if d.get("property_kind"):
            value = _yuan(d.get("property_yuan", "") or "0", _("财产价值"))
            prop.append(NewProperty(d["property_kind"], value, d.get("property_note", "")))
        return ReviewInput(d["reviewed_on"], d["effective_month"], d["irregular_income"], income, True, prop)


class RefusalForm(forms.Form):
    person = forms.TypedChoiceField(label=gettext_lazy("家庭成员"), coerce=int)
    offered_on = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=gettext_lazy("事项"), choices=RefusalKind.choices)
    response = forms.ChoiceField(label=gettext_lazy("本人表现"), choices=RefusalResponse.choices)
    note = forms.CharField(label=gettext_lazy("情况说明"), required=False, max_length=200)

    def __init__(self, *args: Any, members: list[m.Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, p.name) for p in members]  # type: ignore[attr-defined]


def _members(h: m.Household) -> list[m.Person]:
    return [
        ms.person
        for ms in h.memberships.filter(valid_to__isnull=True).select_related("person").order_by("pk")
    ]


def _url(h: m.Household) -> str:
    return reverse("watch_household", args=[h.pk])


@login_required
def watch_household(request: HttpRequest, pk: int) -> HttpResponse:
    """One household's watch record and the forms to record a visit, a review and a refusal."""
    h = get_for_user(request.user, m.Household, pk)
    return _show(request, h)


def _show(
    request: HttpRequest,
    h: m.Household,
    visit: VisitForm | None = None,
    review: ReviewForm | None = None,
    refusal: RefusalForm | None = None,
    status: int = 200,
    temporary: TemporaryForm | None = None,
) -> HttpResponse:
    members = _members(h)
    day = today()
    initial = {
        "visited_on": day,
        "reviewed_on": day,
        "offered_on": day,
        "effective_month": f"{month_of(day):%Y-%m}",
    }
    context = {
        "household": h,
        "region": "",
        "region_name": scope_name(h.village_code),
        "tab": "",
        "members": members,
        "dibao": current_dibao(h, day),
        "reviews": list(h.watch_reviews.order_by("-reviewed_on", "-pk")[:20]),
        "visits": list(h.watch_visits.order_by("-visited_on", "-pk")[:20]),
        "refusals": list(h.watch_refusals.select_related("person").order_by("-offered_on", "-pk")[:20]),
        "visit_form": visit or VisitForm(initial={**initial, "signals": request.GET.get("signals", "")}),
        "review_form": review or ReviewForm(initial=initial),
        "refusal_form": refusal or RefusalForm(initial=initial, members=members),
        **temporary_context(h, day, temporary),
    }
    return page(request, "watch/household.html", context, status=status)


@login_required
@require_POST
def watch_visit(request: HttpRequest, pk: int) -> HttpResponse:
    h = get_for_user(request.user, m.Household, pk)
    form = VisitForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        signals = [s for s in d["signals"].split(",") if s]
        try:
            record_visit(request.user, h, d["visited_on"], d["result"], signals, d["note"])
            messages.success(request, _("已登记走访: %(r)s") % {"r": VisitResult(d["result"]).label})
            return HttpResponseRedirect(_url(h))
        except WatchError as exc:
            form.add_error(None, str(exc))
    return _show(request, h, visit=form, status=400)


@login_required
@require_POST
def watch_review(request: HttpRequest, pk: int) -> HttpResponse:
    h = get_for_user(request.user, m.Household, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            review = record_review(request.user, h, form.review())
            messages.success(
                request,
                _("已登记核查: %(d)s, 自 %(m)s 起生效")
                % {"d": review.get_decision_display(), "m": f"{review.effective_month:%Y-%m}"},
            )
            return HttpResponseRedirect(_url(h))
        except (WatchError, forms.ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, forms.ValidationError) else str(exc))
    return _show(request, h, review=form, status=400)


@login_required
@require_POST
def watch_refusal(request: HttpRequest, pk: int) -> HttpResponse:
    h = get_for_user(request.user, m.Household, pk)
    members = _members(h)
    form = RefusalForm(request.POST, members=members)
    if form.is_valid():
        d = form.cleaned_data
        person = next(p for p in members if p.pk == d["person"])
        try:
            record_refusal(request.user, person, d["offered_on"], d["response"], d["kind"], d["note"])
            messages.success(
                request,
                _("已登记: %(p)s %(r)s") % {"p": person.name, "r": RefusalResponse(d["response"]).label},
            )
            return HttpResponseRedirect(_url(h))
        except WatchError as exc:
            form.add_error(None, str(exc))
    return _show(request, h, refusal=form, status=400)


# 临时救助: a grant for an event, its papers, the township reserve fund and the emergency mode -------------

SEVERITIES = [
    ("general", gettext_lazy("一般")),
    ("severe", gettext_lazy("较重")),
    ("extreme", gettext_lazy("特别严重")),
]


class TemporaryForm(forms.Form):
    event = forms.CharField(
        label=gettext_lazy("事件"),
        max_length=100,
        help_text=gettext_lazy("如「2021年3月房屋火灾」; 同一事件不能重复救助"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("救助类型"), choices=m.AssistanceKind.choices)
    severity = forms.ChoiceField(label=gettext_lazy("困难程度"), choices=SEVERITIES)
    event_date = forms.DateField(
        label=gettext_lazy("事发日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    approved_on = forms.DateField(
        label=gettext_lazy("审批发放日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(label=gettext_lazy("情况说明"), required=False, max_length=200)


class DocumentsForm(forms.Form):
    received_on = forms.DateField(
        label=gettext_lazy("材料补齐日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


class TopUpForm(forms.Form):
    township = forms.RegexField(
        label=gettext_lazy("乡镇代码"),
        regex=r"^\d{9}$",
        error_messages={"invalid": gettext_lazy("乡镇代码应为9位数字")},
    )
    amount = forms.CharField(label=gettext_lazy("拨付金额(元)"))
    on = forms.DateField(label=gettext_lazy("拨付日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=200)

    def clean_amount(self) -> int:
        return _yuan(self.cleaned_data["amount"], _("拨付金额"))


class EmergencyForm(forms.Form):
    region = forms.RegexField(
        label=gettext_lazy("区划代码"),
        regex=r"^(\d{6}|\d{9}|\d{12})$",
        error_messages={"invalid": gettext_lazy("区划代码应为6位(县)、9位(乡镇)或12位(村)数字")},
    )
    start = forms.DateField(label=gettext_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=gettext_lazy("事由"), max_length=200)


def temporary_context(h: m.Household, day: date, form: TemporaryForm | None = None) -> dict[str, object]:
    """The household's temporary-assistance grants and the form for a new one (shown on its watch page)."""
    return {
        "grants": list(h.watch_grants.select_related("payment").order_by("-event_date", "-pk")[:20]),
        "temporary_form": form or TemporaryForm(initial={"event_date": day, "approved_on": day}),
        "documents_form": DocumentsForm(initial={"received_on": day}),
    }


@login_required
@require_POST
def watch_temporary(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve and pay temporary assistance for one event (doudi.watch.temporary.grant)."""
    h = get_for_user(request.user, m.Household, pk)
    form = TemporaryForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            g = grant(
                request.user,
                h,
                d["event"],
                d["event_date"],
                d["approved_on"],
                severity=d["severity"],
                kind=d["kind"],
                description=d["description"],
            )
            text = _("已发放临时救助 %(a)s 元") % {"a": yuan(g.amount_fen)}
            if g.documents_due:
                text += _(", 由乡镇备用金先行救助, 请于 %(d)s 前补齐材料") % {"d": g.documents_due}
            if g.emergency:
                text += _("(应急状态)")
            messages.success(request, text)
            return HttpResponseRedirect(_url(h) + "#temporary")
        except WatchError as exc:
            form.add_error(None, str(exc))
    return _show(request, h, temporary=form, status=400)


@login_required
@require_POST
def watch_documents(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    """Record that the papers of a grant paid first (先行救助) came in."""
    h = get_for_user(request.user, m.Household, pk)
    g = get_object_or_404(TemporaryGrant, pk=grant_pk, household=h)
    form = DocumentsForm(request.POST)
    if form.is_valid():
        receive_documents(request.user, g, form.cleaned_data["received_on"])
        messages.success(request, _("已登记材料补齐: %(e)s") % {"e": g.event_key})
    else:
        messages.error(request, _("请填写材料补齐日期"))
    return HttpResponseRedirect(_url(h) + "#temporary")


def _payroll_url() -> str:
    return reverse("watch_payroll") + "#funds-title"


def _errors(request: HttpRequest, form: forms.Form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def _payroll_form(
    request: HttpRequest, form: forms.Form, act: Callable[[dict[str, Any]], str]
) -> HttpResponse:
    """Validate a payroll-page form, run its action (which says what it did), show the outcome as a message."""
    if form.is_valid():
        try:
            messages.success(request, act(form.cleaned_data))
        except WatchError as exc:
            messages.error(request, str(exc))
    else:
        _errors(request, form)
    return HttpResponseRedirect(_payroll_url())


@login_required
@require_POST
def watch_top_up(request: HttpRequest) -> HttpResponse:
    """Add money to a township's reserve fund (备用金) within the user's region."""

    def act(d: dict[str, Any]) -> str:
        top_up(request.user, d["township"], d["amount"], d["on"], d["note"])
        return _("已向 %(t)s 拨付备用金 %(a)s 元") % {"t": scope_name(d["township"]), "a": yuan(d["amount"])}

    return _payroll_form(request, TopUpForm(request.POST), act)


@login_required
@require_POST
def watch_emergency(request: HttpRequest) -> HttpResponse:
    """Declare an emergency mode for a region and dates (simplified approval, longer deadline for papers)."""

    def act(d: dict[str, Any]) -> str:
        declare_emergency(request.user, d["region"], d["start"], d["end"], d["reason"])
        return _("已启动应急状态: %(r)s %(s)s 至 %(e)s") % {
            "r": scope_name(d["region"]),
            "s": d["start"],
            "e": d["end"],
        }

    return _payroll_form(request, EmergencyForm(request.POST), act)


def reserve_forms(user: Any, region: str) -> dict[str, object]:
    """The payroll page's forms for a reserve-fund top-up and an emergency mode, with the modes in force."""
    from .models import EmergencyMode

    day = today()
    scope = access.scope_of(user) or ""
    township = region[:9] if len(region) >= 9 else (scope[:9] if len(scope) >= 9 else "")
    modes = EmergencyMode.objects.filter(end__gte=day).order_by("start", "pk")
    return {
        "top_up_form": TopUpForm(initial={"township": township, "on": day}),
        "emergency_form": EmergencyForm(initial={"region": region or scope, "start": day, "end": day}),
        "emergencies": [
            e for e in modes if e.region_code.startswith(scope) or scope.startswith(e.region_code)
        ],
    }
