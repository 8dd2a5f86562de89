"""动态管理 pages: reviews due and review flags, change events, early-warning lists, and the monthly payroll with
temporary assistance (reserve funds, overdue papers) and P6 sanctions. Every read goes through doudi.watch's
region-scoped queries (doudi.registry.access); the one write here (closing a review flag) goes through
doudi.watch.actions."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doudi.monitor.payroll import changes, totals
from doudi.registry.access import get_for_user, scoped
from doudi.rules.timelines import add_months, month_of
from doudi.watch import queries
from doudi.watch.actions import WatchError, resolve_flag
from doudi.watch.models import ChangeEvent, ReviewFlag
from doudi.watch.sanctions import sanctions_in
from doudi.watch.temporary import balances, documents_overdue
from doudi.watch.views import reserve_forms

from ..months import latest_data_month
from .common import page, scope_name, today
from .dashboard import chosen_region

EVENTS_SHOWN = 200
REVIEWS_SHOWN = 500  # rows of the reviews-due list on one page; the villages' counts are always all shown


def _first(due: dict[str, list[object]], limit: int) -> dict[str, list[object]]:
    """The first `limit` rows of a by-village list, villages in order."""
    shown: dict[str, list[object]] = {}
    for village, items in due.items():
        if limit <= 0:
            break
        shown[village] = items[:limit]
        limit -= len(shown[village])
    return shown


def _day(request: HttpRequest) -> date:
    raw = request.GET.get("on", "").strip()
    try:
        return date.fromisoformat(raw) if raw else today()
    except ValueError:
        messages.error(request, _("日期 %(d)s 无法识别, 应写 YYYY-MM-DD; 已按今天显示") % {"d": raw})
        return today()


def _month(request: HttpRequest, region: str = "") -> date:
    """?month=YYYY-MM, else doudi.web.months.latest_data_month (this month, or the latest month with data when
    that lies in an earlier year)."""
    raw = request.GET.get("month", "").strip()
    try:
        return date.fromisoformat(f"{raw}-01") if raw else latest_data_month(request.user, region, today())
    except ValueError:
        messages.error(request, _("月份 %(m)s 无法识别, 应写 YYYY-MM; 已按本月显示") % {"m": raw})
        return month_of(today())


def _base(request: HttpRequest, tab: str) -> dict[str, object]:
    region = chosen_region(request)
    return {"region": region, "region_name": scope_name(region), "tab": tab}


@login_required
def watch_reviews(request: HttpRequest) -> HttpResponse:
    """定期核查: reviews due by village, and persons missing from a newer roster to check."""
    context = _base(request, "reviews")
    day = _day(request)
    due = queries.reviews_due(request.user, day, str(context["region"]))
    due_total = sum(len(v) for v in due.values())
    context.update(
        on=day,
        due=_first(due, REVIEWS_SHOWN),
        due_total=due_total,
        due_shown=min(due_total, REVIEWS_SHOWN),
        due_villages=[(village, len(items)) for village, items in due.items()] if len(due) > 1 else [],
        flags=queries.open_flags(request.user, str(context["region"])),
    )
    return page(request, "web/watch/reviews.html", context)


@login_required
@require_POST
def watch_flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_for_user(request.user, ReviewFlag, pk)
    try:
        resolve_flag(request.user, flag, today(), request.POST.get("resolution", ""))
        messages.success(request, _("已处理: %(p)s") % {"p": flag.person.name})
    except WatchError as exc:
        messages.error(request, str(exc))
    return HttpResponseRedirect(reverse("watch_reviews"))


@login_required
def watch_changes(request: HttpRequest) -> HttpResponse:
    """家庭变化: the latest change events, those needing action first."""
    context = _base(request, "changes")
    region = str(context["region"])
    qs = scoped(request.user, ChangeEvent).filter(household__village_code__startswith=region)
    only = request.GET.get("needs_action") == "1"
    if only:
        qs = qs.filter(needs_action=True)
    events = list(
        qs.select_related("household", "household__head", "person").order_by(
            "-needs_action", "-occurred_on", "-pk"
        )[:EVENTS_SHOWN]
    )
    context.update(events=events, only=only, shown=EVENTS_SHOWN, total=qs.count())
    return page(request, "web/watch/changes.html", context)


@login_required
def watch_warnings(request: HttpRequest) -> HttpResponse:
    """返贫和新增致贫预警: households to visit before they apply, by village, with why."""
    context = _base(request, "warnings")
    day = _day(request)
    found = queries.warnings(request.user, day, str(context["region"]))
    queries.store_warning_counts(request.user, day, str(context["region"]), found)  # for the dashboard
    counts: dict[str, int] = {}
    for entries in found.values():
        for e in entries:
            for f in e.findings:
                counts[f.signal.value] = counts.get(f.signal.value, 0) + 1
    context.update(on=day, found=found, total=sum(len(v) for v in found.values()), counts=counts)
    return page(request, "web/watch/warnings.html", context)


@login_required
def watch_payroll(request: HttpRequest) -> HttpResponse:
    """月度发放: what is due this month, totals by township and county, changes from last month explained;
    temporary assistance: reserve-fund balances and papers overdue; P6 sanctions in force."""
    context = _base(request, "payroll")
    region = str(context["region"])
    month = _month(request, region)
    lines = queries.payroll(request.user, month, region)
    before = queries.payroll(request.user, add_months(month, -1), region)
    context.update(
        month=month,
        previous=add_months(month, -1),
        following=add_months(month, 1),
        lines=lines,
        total=sum(x.amount for x in lines),
        townships=totals(lines, 9),
        counties=totals(lines, 6),
        diff=changes(before, lines),
        funds=[(f, fen) for f, fen in balances(request.user) if f.township_code.startswith(region[:9])],
        overdue=[
            g for g in documents_overdue(request.user, today()) if g.household.village_code.startswith(region)
        ],
        sanctions=[s for s in sanctions_in(request.user, month, region) if s[1] is not None],
        **reserve_forms(request.user, region),
    )
    return page(request, "web/watch/payroll.html", context)
