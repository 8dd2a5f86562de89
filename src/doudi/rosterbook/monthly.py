"""The monthly report's figures (一月一分析), gathered in the signer's scope through the access layers.

For a region (a county, or a township) and a month: the campaign's progress by step against its deadlines, the
cases that are late and where (the accountability list), coverage of card households, newly covered and exited,
gradual exits, sanctions (P6), funds paid by kind (the payroll of `doudi.watch`), temporary assistance and the
early-warning count. "Late" and "open" are as of the month's last day (or today, for the current month); case
states are those recorded now, since cases keep no state history by month.

The sections' columns and charts are defined in `doudi.reports.monthly`; the report is issued as the roster kind
`monthly` (kinds/monthly.py), so it is numbered, signed and verified like any roster version.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from doudi.campaign.machine import TRANSITIONS
from doudi.campaign.states import State, Step
from doudi.casework.access import campaigns_for, cases_for
from doudi.monitor.payroll import PayKind
from doudi.registry import access
from doudi.registry.models import HouseholdOrigin, Role
from doudi.reports import monthly as report
from doudi.signing.canonical import Section

from .kinds.common import division_name, month_range, numbered
from .masking import mask_name

FUND_KINDS = (
    (PayKind.DIBAO, "低保金"),
    (PayKind.GRADUAL_EXIT, "救助渐退期低保金"),
    (PayKind.TEKUN_BASIC, "特困人员基本生活费"),
    (PayKind.TEKUN_CARE, "特困人员照料护理费"),
    (PayKind.TEMPORARY, "临时救助金"),
)
COVERED_CLASSES = ("covered_dibao", "covered_tekun", "covered_both", "partly_covered")


@dataclass
class Township:
    cases: int = 0
    overdue: int = 0
    settled: int = 0
    card: int = 0
    covered: int = 0
    paid: int = 0
    warnings: int = 0


@dataclass
class Figures:
    """Everything the report says, before it is put into sections."""

    region: str
    month: date
    as_of: date
    summary: list[tuple[Any, ...]] = field(default_factory=list)
    progress: list[tuple[Any, ...]] = field(default_factory=list)
    townships: dict[str, Township] = field(default_factory=lambda: defaultdict(Township))
    funds: list[tuple[str, int, int]] = field(default_factory=list)
    late: list[tuple[Any, ...]] = field(default_factory=list)
    warnings: list[tuple[str, int, int]] = field(default_factory=list)  # (signal label, households, visited)


def as_of(month: date) -> date:
    """The month's last day, or today for the current month."""
    return min(month_range(month)[1], timezone.localdate())


def responsible(state: State) -> str:
    """The offices that can move a case on from this state (its next transitions' roles)."""
    roles: set[str] = set()
    for t in TRANSITIONS.values():
        if t.sources and state in t.sources:
            roles |= {a.value for a in t.roles}
    labels = {r.value: str(r.label) for r in Role if r not in (Role.ADMIN, Role.PREFECTURE, Role.PROVINCE)}
    return "、".join(labels[r] for r in labels if r in roles) or "—"


def _campaign_figures(user: Any, figures: Figures) -> None:
    campaign = campaigns_for(user).filter(county_code=figures.region[:6]).order_by("-year").first()
    if campaign is None:
        figures.summary.append(("兜底保障行动个案", None, None, "本地区尚未启动兜底保障行动"))
        return
    day = figures.as_of
    cases = cases_for(user).filter(campaign=campaign, village_code__startswith=figures.region)
    settled_states = [s.value for s in State if s.settled]
    by_step = {
        r["due_step"]: r
        for r in cases.values("due_step").annotate(
            n=Count("id"), late=Count("id", filter=Q(due_date__lt=day))
        )
    }
    settled = int(by_step.get("", {}).get("n", 0))
    for step, deadline in campaign.deadlines().items():
        row = by_step.get(step.value, {})
        open_ = int(row.get("n", 0)) + (settled if step is Step.S5 else 0)
        figures.progress.append((step.value, step.text, deadline, open_, int(row.get("late", 0))))
    per_township = cases.values("township_code").annotate(
        n=Count("id"),
        late=Count("id", filter=Q(due_date__lt=day)),
        done=Count("id", filter=Q(state__in=settled_states)),
    )
    for r in per_township:
        t = figures.townships[r["township_code"]]
        t.cases, t.overdue, t.settled = r["n"], r["late"], r["done"]
    late = (
        cases.filter(due_date__lt=day)
        .select_related("household__head")
        .order_by("township_code", "village_code", "due_date", "id")
    )
    for case in late:
        state = State(case.state)
        head = case.household.head
        figures.late.append(
            (
                division_name(case.township_code),
                division_name(case.village_code),
                case.household.household_no or f"#{case.household.pk}",
                mask_name(head.name) if head else None,
                f"{case.due_step} {Step(case.due_step).text}" if case.due_step else None,
                state.text,
                case.due_date,
                (day - case.due_date).days if case.due_date else None,
                responsible(state),
            )
        )
    total = cases.count()
    figures.summary.append(("兜底保障行动个案", total, None, f"{campaign.name}"))
    figures.summary.append(("其中已办结", sum(t.settled for t in figures.townships.values()), None, ""))
    figures.summary.append(("其中逾期未办", len(figures.late), None, f"截至 {day:%Y-%m-%d}"))


def _matched_households(region: str) -> Any:
    """Households that the latest match run covering the region found covered (or None without a run)."""
    from doudi.matching.models import HouseholdCoverage, MatchRun

    runs = MatchRun.objects.order_by("-started_at").values_list("pk", "region_code")[:50]
    run = next((pk for pk, code in runs if region.startswith(code)), None)
    if run is None:
        return None
    return HouseholdCoverage.objects.filter(
        run_id=run, coverage_class__in=COVERED_CLASSES, household__isnull=False
    ).values("household_id")


def _coverage(user: Any, figures: Figures) -> None:
    region, (first, last) = figures.region, month_range(figures.month)
    card = access.households_for(user).filter(origin=HouseholdOrigin.CARD, village_code__startswith=region)
    covered_q = Q(dibao_enrolments__isnull=False) & (
        Q(dibao_enrolments__end_date__isnull=True) | Q(dibao_enrolments__end_date__gt=last)
    )
    matched = _matched_households(region)
    if matched is not None:
        covered_q |= Q(pk__in=matched)
    covered = card.filter(covered_q).distinct()
    for code, n in card.values_list("township_code").annotate(n=Count("id")):
        figures.townships[code].card = n
    for code, n in covered.order_by().values_list("township_code").annotate(n=Count("id", distinct=True)):
        figures.townships[code].covered = n
    marked = access.poverty_registrations_for(user).filter(
        safety_net_mark=True, household__village_code__startswith=region
    )
    dibao = access.dibao_enrolments_for(user).filter(household__village_code__startswith=region)
    tekun = access.tekun_enrolments_for(user).filter(person__village_code__startswith=region)
    gradual = dibao.filter(status="gradual_exit").filter(
        Q(gradual_exit_end__isnull=True) | Q(gradual_exit_end__gte=first)
    )
    figures.summary += [
        ("建档立卡户", card.count(), None, ""),
        ("兜底保障标识户", marked.count(), None, "扶贫部门兜底保障标识名单"),
        ("已纳入低保或特困的建档立卡户", covered.count(), None, "在保低保户或比对覆盖"),
        ("本月新纳入低保(户)", dibao.filter(start_date__gte=first, start_date__lte=last).count(), None, ""),
        ("本月新纳入特困(人)", tekun.filter(start_date__gte=first, start_date__lte=last).count(), None, ""),
        ("本月退出低保(户)", dibao.filter(end_date__gte=first, end_date__lte=last).count(), None, ""),
        ("本月退出特困(人)", tekun.filter(end_date__gte=first, end_date__lte=last).count(), None, ""),
        ("救助渐退中(户)", gradual.count(), None, "渐退期内继续发放"),
    ]


def _funds(user: Any, figures: Figures) -> None:
    from doudi.watch.queries import payroll

    lines = payroll(user, figures.month, figures.region)
    counts: Counter[str] = Counter()
    amounts: Counter[str] = Counter()
    sanctions = 0
    for line in lines:
        counts[line.kind.value] += 1
        amounts[line.kind.value] += line.amount
        figures.townships[line.township_code].paid += line.amount
        sanctions += line.note.count("P6 ")
    for kind, text in FUND_KINDS:
        figures.funds.append((text, counts[kind.value], amounts[kind.value]))
    figures.funds.append((report.TOTAL, sum(counts.values()), sum(amounts.values())))
    figures.summary += [
        ("本月发放资金", len(lines), sum(amounts.values()), "低保、特困、临时救助合计(人户次、金额)"),
        (
            "临时救助",
            counts[PayKind.TEMPORARY.value],
            amounts[PayKind.TEMPORARY.value],
            "本月发放人(户)次、金额",
        ),
        ("P6 减发、停发本人份额", sanctions, None, "连续无正当理由拒绝参加扶贫项目"),
    ]


def _warnings(user: Any, figures: Figures) -> None:
    from doudi.watch.queries import SIGNAL_ORDER, store_warning_counts, warnings

    found = warnings(user, figures.as_of, figures.region)  # the one computation of the lists
    store_warning_counts(user, figures.as_of, figures.region, found)  # the dashboard shows the same counts
    total = 0
    by_signal: Counter[str] = Counter()
    visited: Counter[str] = Counter()
    for village, entries in found.items():
        figures.townships[village[:9]].warnings += len(entries)
        total += len(entries)
        for e in entries:
            for signal in {f.signal.value for f in e.findings}:
                by_signal[signal] += 1
                visited[signal] += e.last_visit is not None
    figures.summary.append(("预警户数", total, None, "边缘易致贫户、收入骤减、支出骤增等"))
    figures.warnings = [(report.WARNING_LABELS[k], by_signal[k], visited[k]) for k in SIGNAL_ORDER]
    seen = sum(1 for entries in found.values() for e in entries if e.last_visit is not None)
    figures.warnings.append((report.TOTAL, total, seen))


def gather(user: Any, region: str, month: date) -> Figures:
    figures = Figures(region, month, as_of(month))
    _campaign_figures(user, figures)
    _coverage(user, figures)
    _funds(user, figures)
    _warnings(user, figures)
    return figures


def _township_rows(figures: Figures) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    total = Township()
    for code, t in sorted(figures.townships.items()):
        if len(code) != 9 or not code.startswith(figures.region[:9]):
            continue
        rows.append(
            (division_name(code), t.cases, t.overdue, t.settled, t.card, t.covered, t.paid, t.warnings)
        )
        for name in ("cases", "overdue", "settled", "card", "covered", "paid", "warnings"):
            setattr(total, name, getattr(total, name) + getattr(t, name))
    rows.append(
        (
            report.TOTAL,
            total.cases,
            total.overdue,
            total.settled,
            total.card,
            total.covered,
            total.paid,
            total.warnings,
        )
    )
    return rows


def sections(figures: Figures) -> tuple[Section, ...]:
    titles = report.SECTION_TITLES
    return (
        Section("summary", titles["summary"], report.SUMMARY_COLUMNS, tuple(figures.summary), ("item",)),
        Section("progress", titles["progress"], report.PROGRESS_COLUMNS, tuple(figures.progress), ("step",)),
        Section(
            "townships",
            titles["townships"],
            report.TOWNSHIP_COLUMNS,
            tuple(_township_rows(figures)),
            ("township",),
        ),
        Section("funds", titles["funds"], report.FUNDS_COLUMNS, tuple(figures.funds), ("kind",)),
        Section(
            "late",
            titles["late"],
            report.LATE_COLUMNS,
            numbered(figures.late),  # type: ignore[arg-type]
            ("household_no",),
        ),
        Section(
            "warnings",
            titles["warnings"],
            report.WARNING_COLUMNS,
            tuple(figures.warnings),
            ("signal",),
        ),
    )


def build(user: Any, region_code: str, month: date | None) -> tuple[Section, ...]:
    assert month is not None, "the monthly report needs a month"
    return sections(gather(user, region_code, month))
