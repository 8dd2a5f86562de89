"""The demo county's 动态管理 data, through the same write paths as the pages and the CLI: township reserve funds
(备用金) with top-ups and payments, temporary assistance paid first (先行救助) with a deadline for the papers (one
received, one overdue, one in an emergency mode), refusals that reach P6 (one lifted by an acceptance), visits to
households on the early-warning list, and reviews with new income (增发/减发/停发 or gradual exit).

`seed_watch` is idempotent: a county whose townships already have a reserve fund is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count

from doudi.registry import models as m
from doudi.rules.timelines import add_months, month_of

from . import queries
from .actions import NewIncome, ReviewInput, WatchError, record_review, record_visit
from .assess import parameters_for
from .models import RefusalResponse, ReserveFund, VisitResult
from .sanctions import THRESHOLD, record_refusal
from .temporary import declare_emergency, grant, receive_documents, top_up

Echo = Callable[[str], None]
TOP_UP_FEN = 5_000_000  # 50,000 yuan per township


def _townships(county: str, n: int) -> list[str]:
    rows = (
        m.Household.objects.filter(county_code=county)
        .values("township_code")
        .annotate(k=Count("id"))
        .order_by("-k", "township_code")[:n]
    )
    return [str(r["township_code"]) for r in rows if r["township_code"]]


def _uncovered(township: str, n: int) -> list[m.Household]:
    qs = m.Household.objects.filter(village_code__startswith=township, dibao_enrolments__isnull=True)
    return list(qs.order_by("pk")[:n])


def _workers(village: str, on: date, n: int) -> list[m.Person]:
    """Labour-capable adults (16-59) of dibao households in the village."""
    qs = m.Person.objects.filter(
        memberships__household__village_code=village,
        memberships__valid_to__isnull=True,
        memberships__household__dibao_enrolments__status="active",
        labor_capacity="full",
        alive=True,
        birth_date__lte=date(on.year - 16, on.month, 1),
        birth_date__gt=date(on.year - 60, on.month, 1),
    )
    return list(qs.distinct().order_by("pk")[:n])


def seed_watch(county: str, village: str | None, on: date, echo: Echo) -> None:
    """Seed the demo county's watch data as of `on` (the date the synthetic rosters describe)."""
    townships = _townships(county, 3)
    if not townships or ReserveFund.objects.filter(township_code__in=townships).exists():
        echo("· 动态管理演示数据已存在, 跳过")
        return
    user = get_user_model().objects.get(username=f"county_civil_{county}")
    counts = {"top_ups": 0, "grants": 0, "refusals": 0, "visits": 0, "reviews": 0, "warned": 0}
    for t in townships:
        top_up(user, t, TOP_UP_FEN, on, "年初拨付乡镇临时救助备用金")
        counts["top_ups"] += 1
    emergency_township = townships[-1]
    declare_emergency(user, emergency_township, on + timedelta(days=20), on + timedelta(days=50), "洪涝灾害")
    plan: list[tuple[str, int, str, str]] = [
        (townships[0], 10, "房屋火灾", "received"),  # papers in on time
        (townships[0], 12, "突发重病", "overdue"),  # papers never came: overdue on the payroll page
        (emergency_township, 25, "洪涝灾害房屋受损", "received"),  # emergency mode: a longer deadline
    ]
    for township, day, event, papers in plan:
        for h in _uncovered(township, 5):
            try:
                g = grant(
                    user,
                    h,
                    f"{event}-{h.pk}",
                    on + timedelta(days=day - 2),
                    on + timedelta(days=day),
                    description=event,
                )
            except WatchError:
                continue  # not payable for this household (e.g. parameters): try the next one
            if papers == "received":
                receive_documents(user, g, on + timedelta(days=day + 20))
            counts["grants"] += 1
            break
    if village:
        counts["refusals"] = _refusals(user, village, on)
        counts["visits"] = _visits(user, village, on)
        counts["reviews"] = _reviews(user, village, on)
    found = queries.warnings(user, on, county)  # the dashboard's and the monthly report's counts
    queries.store_warning_counts(user, on, county, found)
    counts["warned"] = sum(len(v) for v in found.values())
    echo(
        "· 动态管理: 备用金拨付 {top_ups} 个乡镇, 临时救助 {grants} 笔, 拒绝参与记录 {refusals} 条, "
        "预警走访 {visits} 户, 定期核查 {reviews} 户, 预警 {warned} 户".format(**counts)
    )


def _refusals(user: Any, village: str, on: date) -> int:
    workers = _workers(village, on, 2)
    n = 0
    for k, person in enumerate(workers):
        h = person.memberships.filter(valid_to__isnull=True).first()
        times = parameters_for(h.household, on).count(THRESHOLD) if h else 3
        for i in range(times):
            record_refusal(user, person, add_months(on, i - times), RefusalResponse.REFUSED, "project")
            n += 1
        if k == 1:  # the second joins the project: the cut ends the month after
            record_refusal(
                user, person, on + timedelta(days=35), RefusalResponse.ACCEPTED, "project", "已参加"
            )
            n += 1
    return n


def _visits(user: Any, village: str, on: date) -> int:
    entries = [e for items in queries.warnings(user, on, village).values() for e in items][:4]
    results = [VisitResult.APPLIED, VisitResult.MONITOR, VisitResult.REFERRED, VisitResult.NO_NEED]
    for e, result in zip(entries, results, strict=False):
        signals = [f.signal.value for f in e.findings]
        record_visit(user, e.household, on + timedelta(days=7), result, signals, "入户核实家庭收入和支出情况")
    return len(entries)


def _reviews(user: Any, village: str, on: date) -> int:
    day = on + timedelta(days=14)
    due = [d for items in queries.reviews_due(user, day, village).values() for d in items][:3]
    incomes = [100_000, 900_000, 6_000_000]  # yearly, fen: more help, less help, above the standard
    n = 0
    for item, income in zip(due, incomes, strict=False):
        r = ReviewInput(day, add_months(month_of(day), 1), False, [NewIncome("agriculture", income)])
        try:
            record_review(user, item.household, r)
            n += 1
        except (WatchError, ValueError):
            continue  # an incomplete record: the review page lists it
    return n
