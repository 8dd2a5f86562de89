"""The case page: household and members (IDs masked, an audited "show"), the assessment explained, the
history, and the actions this user may take, submitted through doudi.casework.actions.take (htmx partials)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.campaign import TRANSITIONS, State, allowed_transitions, reason_text
from doudi.casework import actions
from doudi.casework.access import events_for, get_case_for_user, role_of
from doudi.casework.models import Case
from doudi.core.money import yuan
from doudi.registry import access, privacy
from doudi.rules.explain import show

from .. import queries
from ..forms import FIELDS, ActionForm
from .common import is_htmx, page, today

BATCH_ONLY = frozenset({"committee_confirm"})  # taken on the committee page, in a recorded meeting
# History entries written by casework.actions that are not state-machine transitions.
OTHER_EVENTS = {"open": "立案", "refresh_inputs": "更新研判结果"}


def members_of(user: Any, case: Case) -> list[dict[str, Any]]:
    memberships = (
        access.memberships_for(user)
        .filter(household=case.household, valid_to__isnull=True)
        .select_related("person")
        .order_by("id")
    )
    return [
        {
            "person": m.person,
            "relation": m.get_relation_display(),
            "id_shown": privacy.display_id(user, m.person),
        }
        for m in memberships
    ]


def explanation(user: Any, case: Case) -> dict[str, Any] | None:
    """The latest stored assessment of the household, in plain Chinese lines."""
    found = (
        access.assessments_for(user).filter(household=case.household).order_by("-assessed_on", "-id").first()
    )
    if found is None:
        return None
    result = found.result or {}
    steps = (result.get("explanation") or {}).get("steps", [])
    params = (result.get("explanation") or {}).get("parameters", [])
    return {
        "row": found,
        "outcome": result.get("outcome_text") or found.get_outcome_display(),
        "reasons": result.get("reason_texts", []),
        "steps": [
            {
                "label": s.get("label", ""),
                "value": show(s.get("value"), s.get("unit", "")),
                "formula": s.get("formula"),
            }
            for s in steps
        ],
        "parameters": [_cite(p) for p in params if isinstance(p, dict)],
    }


def _cite(param: dict[str, Any]) -> str:
    """A parameter as the rules engine cites it: label, value, region, start date, legal reference."""
    unit = "fen" if str(param.get("unit", "")).startswith("yuan") else ""
    source = param.get("reference") or param.get("note") or _("无正式依据")
    return f"{param.get('label', '')}: {show(param.get('value'), unit)} [{param.get('region', '')}, " + _(
        "%(start)s起] 依据: %(source)s"
    ) % {"start": param.get("start", ""), "source": source}


def history(user: Any, case: Case) -> list[dict[str, Any]]:
    events = events_for(user).filter(case=case).select_related("user").order_by("id")
    return [
        {
            "event": e,
            "name": _event_name(e.transition),
            "to": State(e.to_state).text if e.to_state in State._value2member_map_ else e.to_state,
            "details": _details(e.payload),
        }
        for e in events
    ]


def _event_name(name: str) -> str:
    if name in TRANSITIONS:
        return TRANSITIONS[name].text
    return _(OTHER_EVENTS[name]) if name in OTHER_EVENTS else name


def _details(payload: dict[str, Any]) -> str:
    parts = []
    if payload.get("reason_code"):
        parts.append(reason_text(payload["reason_code"]))
    for key in ("note", "measures", "cause"):
        if payload.get(key):
            parts.append(str(payload[key]))
    return "; ".join(parts)


def action_forms(
    user: Any, case: Case, members: list[dict[str, Any]], bound: ActionForm | None = None
) -> list[ActionForm]:
    role = role_of(user)
    if not role or role == "system":
        return []
    choices = [(str(m["person"].pk), f"{m['person'].name}({m['relation']})") for m in members]
    names = [t.name for t in allowed_transitions(State(case.state), role) if t.name not in BATCH_ONLY]
    forms = []
    for name in names:
        form = bound if bound is not None and bound.name == name else ActionForm(name, case, choices)
        form.title = TRANSITIONS[name].text  # type: ignore[attr-defined]
        forms.append(form)
    return forms


def _context(
    request: HttpRequest, case: Case, bound: ActionForm | None = None, error: str = ""
) -> dict[str, Any]:
    user = request.user
    members = members_of(user, case)
    return {
        "case": case,
        "state": State(case.state),
        "members": members,
        "may_see_full_ids": privacy.may_see_full_ids(user),
        "explanation": explanation(user, case),
        "evidence": queries.match_evidence(user, case.household),
        "history": history(user, case),
        "forms": action_forms(user, case, members, bound),
        "error": error,
        "reason": reason_text(case.reason_code) if case.reason_code else "",
        "benefit_yuan": yuan(case.benefit_fen) if case.benefit_fen else "",
    }


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    return page(request, "web/case.html", _context(request, case))


@login_required
@require_POST
def case_take(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    if name not in FIELDS:
        raise Http404(_("没有这个操作"))
    members = [(str(m["person"].pk), m["person"].name) for m in members_of(request.user, case)]
    form = ActionForm(name, case, members, request.POST)
    error = ""
    if form.is_valid():
        try:
            actions.take(request.user, case.pk, name, form.payload(), today(), form.cleaned_data["version"])
        except actions.CaseworkError as exc:
            error = str(exc)
        else:
            messages.success(request, _("已办理: %(name)s") % {"name": TRANSITIONS[name].text})
            if is_htmx(request):
                case = get_case_for_user(request.user, pk)
                return render(request, "web/case_work.html", _context(request, case))
            return redirect("case", pk=pk)
    else:
        error = _("请按提示修改后再提交")
    context = _context(request, get_case_for_user(request.user, pk), form, error)
    if is_htmx(request):
        return render(request, "web/case_work.html", context)  # htmx swaps 2xx only
    return page(request, "web/case.html", context, status=400)


@login_required
@require_POST
def reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """The full resident ID of a person in scope, for a permitted role; every reveal is an audit event."""
    person = access.get_person_for_user(request.user, pk)
    if not privacy.may_see_full_ids(request.user):
        return HttpResponse(_("您的角色只能查看脱敏后的身份证号"), status=403)
    shown = privacy.display_id(
        request.user, person, full=True, reason=request.POST.get("reason", "case_page")
    )
    return render(request, "web/id_shown.html", {"id_shown": shown, "person": person})
