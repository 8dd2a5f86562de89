"""Read paths of 动态管理, region-scoped through doudi.registry.access: reviews due by village, the monthly
payroll and the early-warning lists."""

from __future__ import annotations

import calendar
import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q

from doudi.monitor import parameters as monitor_parameters
from doudi.monitor.payroll import PayKind, PayLine
from doudi.monitor.reviews import next_due
from doudi.monitor.warnings import Facts, Finding, figures, findings
from doudi.monitor.whatif import RURAL_STANDARD, WhatIf, replaced
from doudi.registry import models as m
from doudi.registry.access import (
    dibao_enrolments_for,
    households_for,
    scope_of,
    scoped,
    tekun_enrolments_for,
)
from doudi.registry.assessment import CHUNK as READ_CHUNK
from doudi.registry.assessment import HouseholdRow, gc_paused, household_input, read_households
from doudi.registry.assessment import _chunk as read_chunk
from doudi.registry.assessment import households as registry_households
from doudi.rules import model as r
from doudi.rules.batch import OUTCOMES, assess_batch, county_parameters, flatten
from doudi.rules.engine import assess
from doudi.rules.parameters import default_table
from doudi.rules.reasons import Outcome
from doudi.rules.timelines import add_months, month_of

from . import sanctions
from .assess import EXIT_MONTHS
from .models import (
    BenefitChange,
    ChangeEvent,
    ChangeKind,
    EmergencyMode,
    Review,
    ReviewFlag,
    WarningCount,
    WarningVisit,
)


def _last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _region(qs: Any, region: str, path: str = "village_code") -> Any:
    return qs.filter(**{f"{path}__startswith": region}) if region else qs


def covered_households(user: Any, on: date, region: str = "") -> list[m.Household]:
    """Households with a dibao (whole or single-person) or a member in tekun on `on`, within scope."""
    return list(_covered_qs(user, on, region).order_by("village_code", "pk"))


def _covered_qs(user: Any, on: date, region: str) -> Any:
    dibao_ids = (
        _region(dibao_enrolments_for(user), region, "household__village_code")
        .filter(status__in=["active", "gradual_exit"])
        .exclude(end_date__lt=on)
        .exclude(start_date__gt=on)
        .exclude(status="gradual_exit", gradual_exit_end__lt=on)  # the gradual exit is over
        .values("household_id")
    )
    tekun_ids = (
        _region(tekun_enrolments_for(user), region, "person__village_code")
        .exclude(end_date__lt=on)
        .exclude(start_date__gt=on)
        .filter(person__memberships__valid_to__isnull=True)
        .values("person__memberships__household_id")
    )
    return households_for(user).filter(Q(pk__in=dibao_ids) | Q(pk__in=tekun_ids))


# Reviews ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReview:
    household: m.Household
    village_code: str
    last_review: date
    months: int
    due: date
    irregular: bool


def _starts(covered: Any) -> dict[int, date]:
    """Per household of `covered` (a queryset), the latest start of its cover: a dibao enrolment's or a
    member's tekun enrolment's (any membership, as the household's history lists it). Two queries."""
    out: dict[int, date] = {}
    rows = list(
        m.DibaoEnrolment.objects.filter(household_id__in=covered.values("pk"), start_date__isnull=False)
        .values_list("household_id", "start_date")
        .order_by()
    )
    rows += list(
        m.TekunEnrolment.objects.filter(
            person__memberships__household_id__in=covered.values("pk"), start_date__isnull=False
        )
        .values_list("person__memberships__household_id", "start_date")
        .order_by()
    )
    for pk, start in rows:
        if pk not in out or start > out[pk]:
            out[pk] = start
    return out


def _last_reviews(covered: Any) -> dict[int, Review]:
    """The latest review (by date, then key) of each household of `covered`: one query."""
    qs = Review.objects.filter(household_id__in=covered.values("pk")).order_by(
        "household_id", "reviewed_on", "pk"
    )
    return {r.household_id: r for r in qs}


def _covered_rows(covered: list[int]) -> Iterator[HouseholdRow]:
    """The covered households read column-wise (as `registry.assessment.read_households`, but only these)."""
    pks = sorted(covered)
    for start in range(0, len(pks), READ_CHUNK):
        part = pks[start : start + READ_CHUNK]  # the keys as a list: SQLite plans a subquery of the
        scope = m.Household.objects.filter(pk__in=part)  # covered households badly, once per table
        with gc_paused():
            rows = read_chunk(scope, part[0], part[-1])
        yield from rows


def _review_months(covered: list[int], on: date, irregular: dict[int, bool]) -> dict[int, int | None]:
    """M1 per household of `covered` (keys), the rules run once on the whole list (`doudi.rules.batch`); None when
    the rules give none (covered through tekun only) or the record is incomplete."""
    table = default_table()
    sets: dict[str, Any] = {}
    pks: list[int] = []
    records: list[r.Household] = []
    places: list[Any] = []
    with gc_paused():
        for h in _covered_rows(covered):
            place = h.village_code or h.county_code
            if place not in sets:
                sets[place] = table.at(on, place)
            params = sets[place]
            try:
                record = household_input(
                    h, on, params.count(EXIT_MONTHS) if params.has(EXIT_MONTHS) else None
                )
            except ValueError:
                continue  # data missing: the stable period
            pks.append(h.pk)
            places.append(params)
            records.append(dataclasses.replace(record, irregular_income=irregular.get(h.pk, False)))
    if not records:
        return {}
    try:
        result = assess_batch(records, on, table, explain=False)
    except ValueError:  # a record the rules refuse: one by one, as before
        out: dict[int, int | None] = {}
        for pk, record, params in zip(pks, records, places, strict=True):
            try:
                out[pk] = assess(record, on, params).review_months
            except ValueError:
                out[pk] = None
        return out
    return {
        pk: (None if int(months) < 0 else int(months)) for pk, months in zip(pks, result.review, strict=True)
    }


def review_schedule(user: Any, on: date, region: str = "") -> list[DueReview]:
    """Every covered household's review schedule (M1 period from the rules' parameters), by village and key.

    A fixed number of queries whatever the number of households: the covered households, their last reviews and
    cover starts, and the column-wise read of the rules input of those reviewed as having irregular income,
    assessed at once (`doudi.rules.batch`)."""
    covered = _covered_qs(user, on, region)
    households = list(covered.select_related("head").order_by("village_code", "pk"))
    if not households:
        return []
    last = _last_reviews(covered)
    irregular = {pk: bool(review.irregular_income) for pk, review in last.items()}
    # M1 (rules.links.review_months) gives the irregular period only to a household whose last review found its
    # income irregular; every other covered household is reviewed on the stable period (the rules' period, or
    # the stable one when the rules give none): only the former are read and assessed.
    months_of = _review_months(sorted(pk for pk, flag in irregular.items() if flag), on, irregular)
    starts = _starts(covered)
    emergencies = list(EmergencyMode.objects.order_by("start").values_list("region_code", "start", "end"))
    table = default_table()
    stable: dict[str, int] = {}
    out = []
    for h in households:
        months = months_of.get(h.pk)
        if months is None:  # covered through tekun only, or data missing: the stable period
            place = h.village_code or h.county_code
            if place not in stable:
                stable[place] = table.at(on, place).count("review.months_stable")
            months = stable[place]
        review = last.get(h.pk)
        # the last review, or else the latest start of the cover; cover without a start date: from today
        since = review.reviewed_on if review is not None else starts.get(h.pk, on)
        due = _after_emergencies(next_due(since, months), h.village_code, emergencies)
        out.append(DueReview(h, h.village_code, since, months, due, irregular.get(h.pk, False)))
    return out


def _after_emergencies(due: date, village: str, modes: list[tuple[str, date, date]]) -> date:
    """RULES.md §6 M2: in an emergency the review periods are extended; a review falling due while the village is
    in an emergency mode moves to the month after the mode ends (and again if another mode covers that month)."""
    moved = True
    while moved:
        moved = False
        for region, start, end in modes:
            if village.startswith(region) and month_of(start) <= due <= end:
                due, moved = add_months(month_of(end), 1), True
    return due


def reviews_due(user: Any, on: date, region: str = "") -> dict[str, list[DueReview]]:
    """The worklist: reviews due on or before `on`, by village code."""
    by_village: dict[str, list[DueReview]] = defaultdict(list)
    for item in review_schedule(user, on, region):
        if item.due <= on:
            by_village[item.village_code].append(item)
    return dict(sorted(by_village.items()))


# Payroll ----------------------------------------------------------------------------------------------


def _amount_in(enrolment: m.DibaoEnrolment, month: date, changes: list[BenefitChange]) -> int:
    """The monthly amount due in `month`, from the dated changes (or the enrolment's amount)."""
    past = [c for c in changes if c.effective_month <= month]
    if past:
        return past[-1].amount_after_fen
    if changes:
        return changes[0].amount_before_fen
    return enrolment.monthly_amount_fen


def _dead_before(person: m.Person | None, month: date) -> bool:
    return (
        person is not None
        and not person.alive
        and person.death_date is not None
        and person.death_date < month
    )


def _households_with_living_members(user: Any, month: date, region: str) -> set[int]:
    """Households with a current member who was alive at the start of `month` (one query)."""
    qs = _region(scoped(user, m.Membership), region, "household__village_code").filter(valid_to__isnull=True)
    dead = Q(person__alive=False, person__death_date__lt=month)
    return set(qs.exclude(dead).values_list("household_id", flat=True).distinct())


def _dibao_lines(user: Any, month: date, region: str) -> list[PayLine]:
    end = _last_day(month)
    refusals = sanctions.load(user, region)
    qs = (
        _region(dibao_enrolments_for(user), region, "household__village_code")
        .exclude(end_date__lt=month)
        .exclude(start_date__gt=end)
        .exclude(status="suspended")
        .select_related("household", "household__head", "person")
        # The members' persons are joined, not prefetched: Django 5.2 prefetches a forward foreign key with one
        # OR term per id on SQLite, which exceeds its expression depth (1000) in a county-sized payroll.
        .prefetch_related(
            "watch_changes", Prefetch("members", queryset=m.DibaoMember.objects.select_related("person"))
        )
    )
    living = _households_with_living_members(user, month, region)
    lines = []
    for e in qs:
        if e.gradual_exit_end is not None and e.gradual_exit_end < month:
            continue
        members = [dm.person for dm in e.members.all()] or ([e.person] if e.person else [])
        if members and all(_dead_before(p, month) for p in members):
            continue  # no payment after the month of death
        if not members and e.household_id not in living:
            continue  # an enrolment without member rows: nobody of the household is alive any more
        amount = _amount_in(e, month, list(e.watch_changes.all()))
        if amount <= 0:
            continue
        h = e.household
        gradual = e.status == "gradual_exit" and e.gradual_exit_end is not None
        kind = PayKind.GRADUAL_EXIT if gradual else PayKind.DIBAO
        notes = [f"渐退期至 {e.gradual_exit_end:%Y-%m}"] if gradual else []
        for cut in sanctions.cuts_for(e, members, month, amount, refusals):  # P6: the person's own share
            amount -= cut.amount
            notes.append(cut.note)
        if amount <= 0:
            continue
        note = "; ".join(notes)
        recipient = e.person if e.single_person and e.person else h.head
        lines.append(
            PayLine(
                f"dibao:{e.pk}",
                kind,
                h.household_no or f"household-{h.pk}",
                recipient.name if recipient else "",
                h.village_code,
                amount,
                note,
            )
        )
    return lines


def _tekun_lines(user: Any, month: date, region: str) -> list[PayLine]:
    end = _last_day(month)
    qs = (
        _region(tekun_enrolments_for(user), region, "person__village_code")
        .exclude(end_date__lt=month)
        .exclude(start_date__gt=end)
        .select_related("person", "household")
    )
    lines = []
    for t in qs:
        if _dead_before(t.person, month):
            continue
        no = t.household.household_no if t.household and t.household.household_no else f"person-{t.person_id}"
        for kind, amount in (
            (PayKind.TEKUN_BASIC, t.basic_standard_fen),
            (PayKind.TEKUN_CARE, t.care_standard_fen),
        ):
            if amount:
                lines.append(
                    PayLine(f"{kind.value}:{t.pk}", kind, no, t.person.name, t.person.village_code, amount)
                )
    return lines


def _temporary_lines(user: Any, month: date, region: str) -> list[PayLine]:
    qs = scoped(user, m.TemporaryAssistancePayment).filter(paid_on__gte=month, paid_on__lte=_last_day(month))
    if region:
        qs = qs.filter(
            Q(person__village_code__startswith=region) | Q(household__village_code__startswith=region)
        )
    lines = []
    for p in qs.select_related("person", "household"):
        village = p.household.village_code if p.household else p.person.village_code  # type: ignore[union-attr]
        no = p.household.household_no if p.household and p.household.household_no else f"person-{p.person_id}"
        lines.append(
            PayLine(
                f"temporary:{p.pk}",
                PayKind.TEMPORARY,
                no or "",
                p.person.name if p.person else "",
                village,
                p.amount_fen,
                p.event_description[:40],
            )
        )
    return lines


def payroll(user: Any, month: date, region: str = "") -> list[PayLine]:
    """Everything due in `month` within the user's scope (and `region` prefix), in integer fen."""
    month = month_of(month)
    lines = [
        *_dibao_lines(user, month, region),
        *_tekun_lines(user, month, region),
        *_temporary_lines(user, month, region),
    ]
    return sorted(lines, key=lambda line: (line.village_code, line.household, line.key))


# Early warning ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WarningEntry:
    household: m.Household
    village_code: str
    findings: list[Finding]
    last_visit: WarningVisit | None = None


def _items(h: m.Household, name: str) -> list[Any]:
    """The household's and its current members' items of one kind (prefetched by the registry's iterator)."""
    people = [ms.person for ms in h.memberships.all() if ms.valid_to is None]
    return [*getattr(h, name).all(), *(i for p in people for i in getattr(p, name).all())]


def _gross_last_year(h: m.Household, on: date) -> int | None:
    start, end = on - timedelta(days=730), on - timedelta(days=365)
    amounts = [
        i.amount_fen
        for i in _items(h, "incomeitems")
        if i.period_end is not None and start < i.period_end <= end
    ]
    return sum(amounts) if amounts else None


def _spending(h: m.Household, on: date) -> int:
    year_ago = on - timedelta(days=365)
    return sum(
        max(d.amount_fen - d.reimbursed_fen, 0)
        for d in _items(h, "deductionitems")
        if d.kind in ("illness", "disability") and (d.period_end is None or d.period_end > year_ago)
    )


def _within(user: Any, region: str) -> str | None:
    """The region prefix to read: the narrower of the user's scope and `region`; None when they do not meet."""
    scope = scope_of(user)
    if scope is None:
        return None
    if region.startswith(scope):
        return region
    return scope if scope.startswith(region) else None


def _covered_pks(user: Any, on: date, region: str) -> set[int]:
    return set(_covered_qs(user, on, region).values_list("pk", flat=True))


def _hardships(on: date, prefix: str) -> dict[int, str]:
    """Households with a new disability or a major illness recorded in the last `warning.hardship_days`."""
    days = int(monitor_parameters.at("warning.hardship_days", on).value)
    qs = ChangeEvent.objects.filter(
        kind__in=[ChangeKind.DISABILITY, ChangeKind.ILLNESS],
        occurred_on__gt=on - timedelta(days=days),
        occurred_on__lte=on,
    )
    out: dict[int, list[str]] = defaultdict(list)
    for pk, kind, day in (
        _region(qs, prefix, "household__village_code")
        .order_by("occurred_on", "pk")
        .values_list("household_id", "kind", "occurred_on")
    ):
        out[pk].append(f"{day:%Y-%m-%d} {ChangeKind(kind).label}")
    return {pk: "、".join(texts) for pk, texts in out.items()}


def _by_pk(pks: list[int]) -> dict[int, m.Household]:
    """Household instances (with their head) for `pks`, in slices that keep SQLite's parameter count low."""
    out: dict[int, m.Household] = {}
    for start in range(0, len(pks), 5000):
        part = pks[start : start + 5000]
        out.update((h.pk, h) for h in m.Household.objects.filter(pk__in=part).select_related("head"))
    return out


def _last_visits(prefix: str, pks: set[int]) -> dict[int, WarningVisit]:
    qs = _region(WarningVisit.objects.all(), prefix, "household__village_code")
    return {
        v.household_id: v for v in qs.order_by("household_id", "visited_on", "pk") if v.household_id in pks
    }


def warnings(user: Any, on: date, region: str = "") -> dict[str, list[WarningEntry]]:
    """Households to visit before they apply (主动发现), by village, each with why and the figures.

    The county is read column-wise (`registry.assessment.read_households`) and assessed at once by the
    vectorised rules (`doudi.rules.batch`): the dibao-edge verdict, the outcome and the income figures come as
    arrays; only the households that may warn are looked at one by one."""
    prefix = _within(user, region)
    if prefix is None:
        return {}
    with gc_paused():  # a county's rows and rules input: see registry.assessment.gc_paused
        return _warnings(user, on, prefix)


def _warnings(user: Any, on: date, prefix: str) -> dict[str, list[WarningEntry]]:
    table = default_table()
    sets: dict[str, Any] = {}
    rows: list[Any] = []
    records: list[r.Household] = []
    last_year: list[int | None] = []
    spending: list[int] = []
    for h in read_households(prefix or None):
        place = h.village_code or h.county_code
        if place not in sets:
            sets[place] = table.at(on, place)
        params = sets[place]
        try:
            record = household_input(h, on, params.count(EXIT_MONTHS) if params.has(EXIT_MONTHS) else None)
        except ValueError:
            continue  # the record is incomplete (no figures to warn on); `doudi assess` lists these
        rows.append(h)
        records.append(record)
        last_year.append(_gross_last_year(h, on))
        spending.append(_spending(h, on))
    if not records:
        return {}
    cols = flatten(records)
    cp = county_parameters(table, on, cols.counties, cols.kinds)
    result = assess_batch(records, on, table, cols=cols, parameters=cp)
    fig = figures(cols, cp, on)
    covered = _covered_pks(user, on, prefix)
    hardship = _hardships(on, prefix)
    needs = OUTCOMES.index(Outcome.NEEDS_DATA)
    exited = [getattr(getattr(h, "poverty", None), "status", "") == "已脱贫" for h in rows]
    unstable = monitor_parameters.at("warning.unstable_exit_ratio", on).value
    fall = monitor_parameters.at("warning.sharp_fall_ratio", on).value
    spend = monitor_parameters.at("warning.spending_ratio", on).value
    found: list[tuple[int, str, list[Finding]]] = []
    for i, h in enumerate(rows):
        if result.outcome[i] == needs:
            continue
        is_covered = h.pk in covered
        edge = bool(result.edge[i])
        if not (
            (edge and not is_covered)
            or (exited[i] and not is_covered)
            or last_year[i]
            or spending[i]
            or h.pk in hardship
        ):
            continue  # no signal can fire: skip the exact arithmetic
        params = sets[h.village_code or h.county_code]
        facts = Facts(
            persons=int(fig.persons[i]),
            net_income=int(fig.net[i]),
            gross_last_year=last_year[i],
            gross_now=int(fig.gross[i]),
            spending=spending[i],
            card_exited=exited[i],
            covered=is_covered,
            edge=edge,
            hardship=hardship.get(h.pk, ""),
        )
        signals = findings(
            facts,
            int(fig.standard[i]),
            params.ratio("edge.ratio"),
            params.fen("poverty.exit_line_yearly"),
            unstable,
            fall,
            spend,
        )
        if signals:
            found.append((h.pk, h.village_code, signals))
    households = _by_pk([pk for pk, _v, _f in found])
    visits = _last_visits(prefix, set(households))
    by_village: dict[str, list[WarningEntry]] = defaultdict(list)
    for pk, village, signals in found:
        by_village[village].append(WarningEntry(households[pk], village, signals, visits.get(pk)))
    return dict(sorted(by_village.items()))


# Stored counts (the dashboard and the monthly report) -----------------------------------------------------

ALL_SIGNALS = "all"  # the row of households with any signal (a household may show several)
SIGNAL_ORDER = ("edge", "unstable_exit", "sharp_fall", "spending", "hardship")


@transaction.atomic
def store_warning_counts(user: Any, on: date, region: str, found: dict[str, list[WarningEntry]]) -> int:
    """Keep the counts per village and signal of lists just computed for `region` on `on` (replacing what was
    stored for that region and day), so that the dashboard and the monthly report read them without
    recomputing the lists. Returns the number of rows written."""
    prefix = _within(user, region)
    if prefix is None:
        return 0
    rows: list[WarningCount] = []
    for village, entries in found.items():
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for e in entries:
            visited = int(e.last_visit is not None)
            for signal in {f.signal.value for f in e.findings} | {ALL_SIGNALS}:
                counts[signal][0] += 1
                counts[signal][1] += visited
        rows += [
            WarningCount(village_code=village, computed_on=on, signal=k, households=n, visited=v)
            for k, (n, v) in counts.items()
        ]
    _region(WarningCount.objects.filter(computed_on=on), prefix).delete()
    WarningCount.objects.bulk_create(rows, batch_size=500)
    return len(rows)


@dataclass
class WarningCounts:
    """Stored early-warning counts within a region on the latest day computed (None = never computed)."""

    computed_on: date | None = None
    by_signal: dict[str, int] = field(default_factory=dict)  # signal (and "all") -> households
    visited: dict[str, int] = field(default_factory=dict)  # signal (and "all") -> households visited
    by_area: dict[str, dict[str, int]] = field(
        default_factory=dict
    )  # child region code -> signal -> households

    @property
    def total(self) -> int:
        return self.by_signal.get(ALL_SIGNALS, 0)

    def rows(self) -> list[tuple[str, int, int]]:
        """(signal, households, visited) in the lists' order, without the "all" row."""
        return [(k, self.by_signal.get(k, 0), self.visited.get(k, 0)) for k in SIGNAL_ORDER]


def warning_counts(
    user: Any, region: str, on: date | None = None, child_length: int | None = None
) -> WarningCounts:
    """The stored counts (see `store_warning_counts`) within scope, on the latest day computed up to `on`; with
    `child_length`, also per child region (township = 9, village = 12)."""
    prefix = _within(user, region)
    out = WarningCounts()
    if prefix is None:
        return out
    qs = _region(WarningCount.objects.all(), prefix)
    if on is not None:
        qs = qs.filter(computed_on__lte=on)
    latest = qs.order_by("-computed_on").values_list("computed_on", flat=True).first()
    if latest is None:
        return out
    out.computed_on = latest
    for village, signal, n, v in qs.filter(computed_on=latest).values_list(
        "village_code", "signal", "households", "visited"
    ):
        out.by_signal[signal] = out.by_signal.get(signal, 0) + n
        out.visited[signal] = out.visited.get(signal, 0) + v
        if child_length:
            area = out.by_area.setdefault(village[:child_length], {})
            area[signal] = area.get(signal, 0) + n
    out.by_area = dict(sorted(out.by_area.items()))
    return out


# What-if ----------------------------------------------------------------------------------------------


def what_if(user: Any, on: date, region: str, rural_standard_yearly_fen: int) -> WhatIf:
    """Households gained or lost and the monthly cost if the rural dibao standard were the given value from `on`
    (every household in the region, assessed twice by the rules engine)."""
    prefix = _within(user, region)
    out = WhatIf()
    if prefix is None:
        return out
    table = default_table()
    for h in registry_households(prefix or None):
        params = table.at(on, h.village_code or h.county_code)
        months = params.count(EXIT_MONTHS) if params.has(EXIT_MONTHS) else None
        try:
            record = household_input(h, on, months)
            out.add(
                assess(record, on, params),
                assess(record, on, replaced(params, RURAL_STANDARD, rural_standard_yearly_fen)),
            )
        except ValueError:
            continue  # incomplete records are listed by `doudi assess`
    return out


# Review flags -----------------------------------------------------------------------------------------


def open_flags(user: Any, region: str = "") -> list[ReviewFlag]:
    """Unresolved review flags (persons missing from a newer roster) within scope, by village."""
    qs = _region(scoped(user, ReviewFlag), region).filter(resolved_on__isnull=True)
    return list(qs.select_related("person", "household", "batch").order_by("village_code", "pk"))
