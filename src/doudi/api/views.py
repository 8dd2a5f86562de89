"""API views: parse, authorise (doudi.casework.access / registry.access), call the actions, serialise.

Nothing here writes except through doudi.casework.actions; nothing reads except through the access layer.
An object outside the user's scope answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from doudi.campaign import NOT_ELIGIBLE_REASONS, State, Step
from doudi.casework import access, actions, queries
from doudi.casework.models import Case
from doudi.registry.access import NotInScope

from . import serialize
from .auth import authenticate
from .openapi import document

STATUS = {"forbidden": 403, "conflict": 409, "invalid": 400, "not_found": 404}
MAX_PAGE = 200


class BadRequest(Exception):
    pass


def error(status: int, message: str, code: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status)


def _csrf_failure(request: HttpRequest) -> HttpResponse | None:
    check = CsrfViewMiddleware(lambda r: HttpResponse())
    check.process_request(request)
    return check.process_view(request, lambda r: HttpResponse(), (), {})


def api(*methods: str) -> Callable[[Callable[..., Any]], Callable[..., HttpResponse]]:
    """Authentication, method check, CSRF for session writes, and errors as JSON."""

    def wrap(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                refused = error(
                    405, f"不支持 {request.method} 方法, 请用 {'、'.join(methods)}", "method_not_allowed"
                )
                refused["Allow"] = ", ".join(methods)  # RFC 9110: a 405 names the methods allowed
                return refused
            user, how = authenticate(request)
            if user is None:
                return error(
                    401, "请先登录, 或在 Authorization 头中提供有效的 Bearer 令牌", "unauthenticated"
                )
            if how == "session" and request.method == "POST" and _csrf_failure(request) is not None:
                return error(403, "CSRF 校验失败: 会话方式提交须带 X-CSRFToken 头", "csrf")
            try:
                return view(request, user, *args, **kwargs)
            except NotInScope:
                return error(404, "没有找到该记录, 或该记录不在您的管辖范围内", "not_found")
            except actions.CaseworkError as exc:
                return error(STATUS[exc.kind], str(exc), exc.kind)
            except BadRequest as exc:
                return error(400, str(exc), "invalid")

        return inner

    return wrap


def _today() -> date:
    return timezone.localdate()


# Dates outside these are no plan's dates, and date arithmetic on them overflows.
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)


def _date(raw: Any, name: str) -> date:
    try:
        day = date.fromisoformat(str(raw))
    except ValueError:
        raise BadRequest(f"{name} 应为日期 YYYY-MM-DD, 收到 {raw!r}") from None
    if not EARLIEST <= day <= LATEST:
        raise BadRequest(f"{name} 应在 {EARLIEST} 到 {LATEST} 之间, 收到 {day}")
    return day


def _int(raw: Any, name: str, default: int, low: int = 1, high: int | None = None) -> int:
    # Absent: the default. An empty value is malformed like any other non-integer (the document says integer).
    if raw is None:
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise BadRequest(f"{name} 应为整数, 收到 {raw!r}") from None
    if value < low or (high is not None and value > high):
        raise BadRequest(f"{name} 应在 {low} 到 {high or '∞'} 之间, 收到 {value}")
    return value


def _body(request: HttpRequest) -> dict[str, Any]:
    if b"\\u0000" in request.body or b"\x00" in request.body:
        raise BadRequest("请求中含有空字符(\\u0000), 数据库不能保存; 请删除后重试")
    try:
        data = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadRequest("请求体不是有效的 JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("请求体应为 JSON 对象")
    return data


# Campaigns ---------------------------------------------------------------------------------------------


@api("GET", "POST")
def campaigns(request: HttpRequest, user: Any) -> JsonResponse:
    if request.method == "POST":
        return _create_campaign(user, _body(request))
    visible = list(access.campaigns_for(user).order_by("-year", "county_code"))
    counts = dict(
        access.cases_for(user)
        .filter(campaign__in=visible)
        .values_list("campaign")
        .annotate(n=Count("id"))
        .values_list("campaign", "n")
    )
    return JsonResponse({"results": [serialize.campaign_json(c, counts.get(c.pk, 0)) for c in visible]})


def _create_campaign(user: Any, data: dict[str, Any]) -> JsonResponse:
    year, county = data.get("year"), data.get("county_code")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise BadRequest("year 应为年度(整数), 如 2020")
    if not isinstance(county, str) or not county.isdigit() or len(county) != 6:
        raise BadRequest("county_code 应为 6 位县级区划代码, 如 532923")
    raw = data.get("deadlines") or {}
    if not isinstance(raw, dict) or not set(raw) <= set(Step.__members__):
        raise BadRequest('deadlines 应为 {"S1".. "S5": "YYYY-MM-DD"} 对象')
    deadlines = {Step(k): _date(v, f"deadlines.{k}") for k, v in raw.items()}
    made = actions.create_campaign(user, year, county, deadlines)
    return JsonResponse(serialize.campaign_json(made, 0), status=201)


@api("POST")
def open_cases(request: HttpRequest, user: Any, pk: int) -> JsonResponse:
    """S1/S2: open the campaign's cases from the S1 list, assessments (sent, or run now) and the latest match."""
    from doudi.casework import inputs as sources

    found = access.get_campaign_for_user(user, pk)
    data = _body(request)
    on = _date(data["on"], "on") if data.get("on") else _today()
    results = data.get("assessments", [])
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise BadRequest("assessments 应为研判结果对象的列表(doudi assess --out 每行的格式)")
    items, notes = list(actions.safety_net_inputs(found)), []
    try:
        if results:
            more, notes = sources.assessment_inputs(found, results)
            items += more
        if data.get("assess") is True:
            ran, errors = sources.run_assessments(found, on)
            more, extra = sources.assessment_inputs(found, ran)
            items, notes = items + more, notes + errors + extra
        if data.get("match", True) is not False:
            more, extra = sources.match_inputs(found, {i.household_id for i in items})
            items, notes = items + more, notes + extra
    except (ValueError, TypeError, KeyError) as exc:
        raise BadRequest(f"研判结果有误: {exc}") from None
    report = actions.open_cases(user, found, items, on)
    body = {
        "created": report.created,
        "refreshed": report.refreshed,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "notes": notes,
    }
    return JsonResponse(body)


@api("GET")
def campaign(request: HttpRequest, user: Any, pk: int) -> JsonResponse:
    found = access.get_campaign_for_user(user, pk)
    states = queries.status(user, found)
    body = serialize.campaign_json(found, sum(states.values()))
    body["states"] = states
    body["steps"] = queries.step_counts(user, found)
    return JsonResponse(body)


@api("GET")
def overdue(request: HttpRequest, user: Any, pk: int) -> JsonResponse:
    found = access.get_campaign_for_user(user, pk)
    on = _date(request.GET["on"], "on") if "on" in request.GET else _today()
    groups = queries.overdue(user, found, on)
    return JsonResponse(
        {"on": on.isoformat(), "cases": sum(g.cases for g in groups), "groups": [g.as_json() for g in groups]}
    )


def _filtered(request: HttpRequest, user: Any, pk: int) -> Any:
    found = access.get_campaign_for_user(user, pk)
    cases = queries.campaign_cases(user, found)
    params = request.GET
    if "state" in params:  # present means chosen: an empty or unknown value is a 400, not "no filter"
        if params["state"] not in {s.value for s in State}:
            raise BadRequest(f"state 无效: {params['state']!r}; 可用: {'、'.join(s.value for s in State)}")
        cases = cases.filter(state=params["state"])
    if "step" in params:
        if params["step"] not in Step.__members__:
            raise BadRequest("step 应为 S1..S5")
        cases = cases.filter(due_step=params["step"])
    if params.get("region"):
        if not params["region"].isdigit() or len(params["region"]) > 12:
            raise BadRequest("region 应为区划代码(最多 12 位数字)")
        cases = cases.filter(Q(village_code__startswith=params["region"]))
    if "overdue_on" in params:
        cases = cases.filter(due_date__lt=_date(params["overdue_on"], "overdue_on"))
    return cases


@api("GET")
def campaign_cases(request: HttpRequest, user: Any, pk: int) -> JsonResponse:
    """A page of cases by id: `?after=<last id seen>` (keyset: as cheap on the last page as on the first), or
    `?page=N` (offset). Both answer `next_after`, the id to pass as `after` for the next page (null at the end)."""
    cases = _filtered(request, user, pk)
    size = _int(request.GET.get("page_size"), "page_size", 50, 1, MAX_PAGE)
    after_raw = request.GET.get("after")
    total = cases.count()
    ordered = cases.order_by("id").values_list("id", flat=True)
    if after_raw not in (None, ""):
        page = None
        ids = list(ordered.filter(id__gt=_int(after_raw, "after", 0, 0))[:size])
    else:
        page = _int(request.GET.get("page"), "page", 1, 1, 1_000_000)
        ids = list(ordered[(page - 1) * size : page * size])
    # The page's ids first, from the narrow case index (an OFFSET over a join would join every skipped row, and
    # the planner may join before it limits), then those rows with their household and head in one query, as
    # plain values (no model instances).
    rows = (
        list(
            Case.objects.filter(pk__in=ids)
            .order_by("id")
            .values(*serialize.CASE_LIST_VALUES, *serialize.CASE_LIST_JOINED)
        )
        if ids
        else []
    )
    today = _today()
    last = rows[-1]["id"] if len(rows) == size else None
    return JsonResponse(
        {
            "count": total,
            "page": page,
            "page_size": size,
            "next_after": last,
            "results": [serialize.case_row_json(row, today) for row in rows],
        }
    )


@api("POST")
def committee_meetings(request: HttpRequest, user: Any, pk: int) -> JsonResponse:
    found = access.get_campaign_for_user(user, pk)
    data = _body(request)
    ids = data.get("case_ids")
    if (
        not isinstance(ids, list)
        or not ids
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
    ):
        raise BadRequest("case_ids 应为个案编号(整数)列表, 至少一个")
    if not isinstance(data.get("attendees"), str):
        raise BadRequest("请填写参会人员(attendees, 文字)")
    held_on = _date(data.get("held_on"), "held_on")
    meeting = actions.confirm_in_committee(
        user, found, held_on, data["attendees"], ids, held_on, note=str(data.get("note", ""))
    )
    return JsonResponse({"id": meeting.pk, "held_on": held_on.isoformat(), "cases": len(ids)}, status=201)


# Cases -------------------------------------------------------------------------------------------------


@api("GET")
def case(request: HttpRequest, user: Any, pk: int) -> JsonResponse:
    found = access.get_case_for_user(user, pk)
    events = list(access.events_for(user).filter(case=found).select_related("user").order_by("id"))
    return JsonResponse(serialize.case_detail_json(user, found, events, _today()))


@api("POST")
def transitions(request: HttpRequest, user: Any, pk: int) -> JsonResponse:
    data = _body(request)
    name = data.get("transition")
    if not isinstance(name, str) or not name:
        raise BadRequest("请填写操作名称(transition), 如 start_assessment")
    payload = data.get("payload", {})
    if not isinstance(payload, dict):
        raise BadRequest("payload 应为 JSON 对象")
    version = data.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise BadRequest("version 应为整数(个案详情中的 version)")
    on = _date(data["on"], "on") if data.get("on") else _today()
    if on > _today():
        raise BadRequest("办理日期不能晚于今天")
    access.get_case_for_user(user, pk)  # 404 before anything else
    changed = actions.take(user, pk, name, payload, on, version)
    events = list(access.events_for(user).filter(case=changed).select_related("user").order_by("id"))
    return JsonResponse(serialize.case_detail_json(user, changed, events, _today()))


@api("GET")
def reasons(request: HttpRequest, user: Any) -> JsonResponse:
    return JsonResponse({"results": [{"code": k, "text": v} for k, v in NOT_ELIGIBLE_REASONS.items()]})


def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(document(), json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # it writes nothing; a POST to an unknown path gets the JSON 404, not the CSRF page
def not_found(request: HttpRequest) -> JsonResponse:
    """Any other path under /api/ (an unknown endpoint, or an id that is not a number): a JSON 404 like the rest
    of the API, never Django's HTML page."""
    return error(404, "没有这个接口, 或编号不是整数; 接口清单见 /api/openapi.json", "not_found")
