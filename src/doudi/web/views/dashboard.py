"""统计看板: campaign progress by step against deadlines, coverage, and cases/overdue per child region, drilling
down from prefecture to village. Every figure is a count through the access layer."""

from __future__ import annotations

import json
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from doudi.casework.access import covers
from doudi.registry import access

from .. import queries
from ..months import latest_data_month
from .common import page, scope_name, today


def chosen_region(request: HttpRequest) -> str:
    """The region asked for, if the user's scope covers it; else the user's own scope (404 outside)."""
    scope = access.scope_of(request.user) or ""
    region = request.GET.get("region", "").strip()
    if not region:
        return scope
    if not region.isdigit() or len(region) not in (2, 4, 6, 9, 12) or not covers(request.user, region):
        raise access.NotInScope(_("该地区不在您的管辖范围内"))
    return region


def chosen_month(request: HttpRequest, day: date, region: str = "") -> date:
    """The last month of the funds table: ?month=YYYY-MM, else doudi.web.months.latest_data_month (this month,
    or the latest month with data when that lies in an earlier year: the demo's 2020 figures on first view)."""
    raw = request.GET.get("month", "").strip()
    try:
        year, month = (int(part) for part in raw.split("-"))
        return date(year, month, 1)
    except ValueError:
        return latest_data_month(request.user, region, day)


def funds_context(request: HttpRequest, region: str, day: date) -> dict[str, object]:
    month = chosen_month(request, day, region)
    by_month, by_area = queries.funds(request.user, region, month)
    chart = {
        "months": [row.label for row in by_month],
        **{kind: [row.fen[kind] / 100 for row in by_month] for kind in queries.FUND_KINDS},
    }
    return {
        "funds_month": month,
        "funds_by_month": by_month,
        "funds_by_area": by_area,
        "funds_chart": json.dumps(chart),
    }


def breadcrumbs(scope: str, region: str) -> list[tuple[str, str]]:
    crumbs = []
    for length in (2, 4, 6, 9, 12):
        if len(scope) <= length <= len(region):
            code = region[:length]
            crumbs.append((code, queries.place_name(code)))
    return crumbs


def warnings_context(request: HttpRequest, region: str) -> dict[str, object]:
    """The early-warning counts as last computed (stored by the warnings page and `doudi watch warnings`): per
    signal, and per child region on drill-down. Nothing is recomputed here."""
    from doudi.watch.queries import SIGNAL_ORDER, warning_counts

    labels = dict(
        zip(
            SIGNAL_ORDER,
            (_("低保边缘"), _("脱贫不稳定"), _("收入骤减"), _("刚性支出骤增"), _("突发困难")),
            strict=True,
        )
    )
    child = next((n for n in (2, 4, 6, 9, 12) if n > len(region)), None)
    counts = warning_counts(request.user, region, child_length=child)
    return {
        "warnings_on": counts.computed_on,
        "warnings_total": counts.total,
        "warnings_visited": counts.visited.get("all", 0),
        "warnings_rows": [(k, labels[k], n, v) for k, n, v in counts.rows()],
        "warnings_areas": [
            (code, queries.place_name(code), by.get("all", 0), [by.get(k, 0) for k in SIGNAL_ORDER])
            for code, by in counts.by_area.items()
        ],
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    region = chosen_region(request)
    campaign = queries.current_campaign(request.user)
    day = today()
    context: dict[str, object] = {
        "region": region,
        "region_name": scope_name(region),
        "crumbs": breadcrumbs(access.scope_of(request.user) or "", region),
        "coverage": queries.coverage(request.user, region),
        "campaign": campaign,
        "today": day,
        **funds_context(request, region, day),
        **warnings_context(request, region),
    }
    if campaign is not None:
        cases = queries.region_cases(request.user, campaign, region)
        steps = queries.step_progress(cases, campaign, day)
        areas = queries.by_area(cases, region, day)
        context.update(
            total=cases.count(),
            steps=steps,
            states=queries.state_counts(cases),
            areas=areas,
            chart=json.dumps(
                {
                    "steps": [f"{s.step.value} {s.step.text}" for s in steps],
                    "open": [s.open for s in steps],
                    "overdue": [s.overdue for s in steps],
                    "areas": [a.name for a in areas],
                    "area_cases": [a.cases for a in areas],
                    "area_overdue": [a.overdue for a in areas],
                },
                ensure_ascii=False,
            ),
        )
    return page(request, "web/dashboard.html", context)
