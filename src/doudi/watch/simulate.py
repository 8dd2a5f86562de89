"""A county lived through N months of events (issue 9 "24 months"), through the real write paths only:
deaths, births and moves (record_change), reviews with new income (record_review: 增发/减发/渐退/停发),
refusals (P6, record_refusal), temporary assistance (grant, with a repeated application for the same event
that must be refused), and each month's payroll, checked against what must hold:

- a payroll pays each key at most once a month;
- nobody is paid after the month of their death (tekun, single-person dibao, a household with nobody alive);
- a stopped enrolment, or a gradual exit past its last month, is not paid, and a gradual exit that is over ends
  the enrolment at the start of the next month (close_gradual_exits);
- a household is never granted temporary assistance twice for the same event.

Births write the newborn's Person and Membership directly (the registry has no birth form yet), then record
the birth event. Deterministic for a seed. Used by bench/bench_watch_months.py and the functional tests.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from doudi.core import ids
from doudi.monitor.payroll import PayLine
from doudi.registry import models as m
from doudi.registry.access import households_for
from doudi.rules.timelines import add_months

from .actions import (
    NewIncome,
    ReviewInput,
    WatchError,
    close_gradual_exits,
    record_change,
    record_review,
)
from .models import ChangeKind, TemporaryGrant
from .queries import payroll, reviews_due
from .sanctions import record_refusal
from .temporary import grant, top_up


@dataclass
class Month:
    month: date
    deaths: int = 0
    births: int = 0
    moves: int = 0
    needs_action: int = 0
    exits: int = 0  # gradual exits over: enrolments ended (close_gradual_exits)
    reviews: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    refusals: int = 0
    grants: int = 0
    repeats_refused: int = 0
    lines: int = 0
    total_fen: int = 0
    gradual_lines: int = 0
    cut_lines: int = 0
    cpu_seconds: float = 0.0


@dataclass
class Run:
    months: list[Month] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(int(getattr(x, name)) for x in self.months)

    def decisions(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for x in self.months:
            out.update(x.decisions)
        return out


@dataclass
class Rates:
    """Per month: shares of persons dying, born, moving; of households granted temporary assistance."""

    death: float = 0.002
    birth: float = 0.001
    move: float = 0.001
    temporary: float = 0.005
    refusers: int = 2  # labor-capable members of dibao households who refuse three times, then accept


def _members(h: m.Household) -> list[m.Person]:
    return [ms.person for ms in h.memberships.filter(valid_to__isnull=True).select_related("person")]


def _living(h: m.Household) -> list[m.Person]:
    return [p for p in _members(h) if p.alive]


def _day(month: date, rng: random.Random) -> date:
    return month + timedelta(days=rng.randrange(0, 28))


class County:
    def __init__(self, user: Any, region: str, seed: int, rates: Rates) -> None:
        self.user, self.region, self.rng, self.rates = user, region, random.Random(seed), rates
        self.households = list(households_for(user).filter(village_code__startswith=region).order_by("pk"))
        self.persons = sum(len(_members(h)) for h in self.households)
        self.refusers: list[m.Person] = []
        self.serial = 0

    def _count(self, share: float) -> int:
        return max(1, round(share * self.persons))

    def deaths(self, month: date, out: Month) -> None:
        for h in self.rng.sample(self.households, min(self._count(self.rates.death), len(self.households))):
            alive = _living(h)
            if alive:
                event = record_change(self.user, h, ChangeKind.DEATH, _day(month, self.rng), alive[-1])
                out.deaths += 1
                out.needs_action += int(event.needs_action)

    def births(self, month: date, out: Month) -> None:
        for h in self.rng.sample(self.households, min(self._count(self.rates.birth), len(self.households))):
            if not _living(h):
                continue
            born = _day(month, self.rng)
            self.serial += 1
            number = ids.make(h.county_code, born, (self.serial % 400) * 2 + 1)
            if m.Person.objects.filter(id_number=number).exists():
                continue
            baby = m.Person.objects.create(
                id_number=number,
                name=f"新生儿{self.serial}",
                birth_date=born,
                county_code=h.county_code,
                township_code=h.township_code,
                village_code=h.village_code,
                labor_capacity="none",
            )
            m.Membership.objects.create(person=baby, household=h, relation="之子", valid_from=born)
            event = record_change(self.user, h, ChangeKind.BIRTH, born, baby)
            out.births += 1
            out.needs_action += int(event.needs_action)

    def moves(self, month: date, out: Month) -> None:
        for h in self.rng.sample(self.households, min(self._count(self.rates.move), len(self.households))):
            alive = _living(h)
            if len(alive) > 1:
                event = record_change(self.user, h, ChangeKind.MOVE, _day(month, self.rng), alive[-1])
                out.moves += 1
                out.needs_action += int(event.needs_action)

    def reviews(self, month: date, out: Month) -> None:
        last = add_months(month, 1) - timedelta(days=1)
        for items in reviews_due(self.user, last, self.region).values():
            for item in items:
                h = item.household
                old = sum(
                    i.amount_fen for i in m.IncomeItem.objects.filter(household=h, period_end__isnull=True)
                )
                factor = self.rng.choice((0.5, 0.8, 1.0, 1.0, 1.2, 1.6, 2.5))
                income = NewIncome("agriculture", int((old or 200_000) * factor))
                review = record_review(
                    self.user,
                    h,
                    ReviewInput(
                        month + timedelta(days=9), add_months(month, 1), self.rng.random() < 0.3, [income]
                    ),
                )
                out.reviews += 1
                out.decisions[review.decision] += 1

    def refusals(self, month: date, out: Month, index: int) -> None:
        if index == 0:
            self.refusers = self._pick_refusers()
        for person in self.refusers:
            response = "refused" if index < 3 else ("accepted" if index == 5 else "")
            if response:
                record_refusal(self.user, person, month + timedelta(days=4), response, "project")
                out.refusals += 1

    def _pick_refusers(self) -> list[m.Person]:
        covered = m.DibaoEnrolment.objects.filter(
            household__in=self.households, status="active", single_person=False
        ).values_list("household_id", flat=True)
        workers = m.Person.objects.filter(
            memberships__household_id__in=list(covered),
            memberships__valid_to__isnull=True,
            labor_capacity="full",
            birth_date__gte=date(1980, 1, 1),
            birth_date__lte=date(2000, 1, 1),
        ).order_by("pk")
        return list(workers[: self.rates.refusers])

    def temporary(self, month: date, out: Month) -> None:
        n = max(1, round(self.rates.temporary * len(self.households)))
        for h in self.rng.sample(self.households, min(n, len(self.households))):
            if not _living(h):
                continue
            key, on = f"{month:%Y-%m}-火灾-{h.pk}", _day(month, self.rng)
            try:
                grant(self.user, h, key, on, on, "general", description="房屋失火")
            except WatchError:
                continue  # e.g. the reserve ran dry: refused with a message, nothing paid
            out.grants += 1
            try:
                grant(self.user, h, key, on, on, "general")
            except WatchError:
                out.repeats_refused += 1


def _check(month: date, lines: list[PayLine], violations: list[str]) -> None:
    keys = Counter(line.key for line in lines)
    violations += [f"{month:%Y-%m} {k} 重复发放 {n} 次" for k, n in keys.items() if n > 1]
    for line in lines:
        kind, _, pk = line.key.partition(":")
        if kind in ("tekun_basic", "tekun_care"):
            t = m.TekunEnrolment.objects.select_related("person").get(pk=pk)
            if _dead_before(t.person, month):
                violations.append(f"{month:%Y-%m} {line.key} 向死亡人员发放")
        elif kind == "dibao":
            e = m.DibaoEnrolment.objects.select_related("person").get(pk=pk)
            if e.end_date is not None and e.end_date < month:
                violations.append(f"{month:%Y-%m} {line.key} 已停发仍发放")
            if e.gradual_exit_end is not None and e.gradual_exit_end < month:
                violations.append(f"{month:%Y-%m} {line.key} 渐退期满仍发放")
            people = [e.person] if e.single_person and e.person else _members(e.household)
            if people and all(_dead_before(p, month) for p in people):
                violations.append(f"{month:%Y-%m} {line.key} 全户已死亡仍发放")


def _dead_before(person: m.Person, month: date) -> bool:
    return not person.alive and person.death_date is not None and person.death_date < month


def live(
    user: Any, region: str, start: date, months: int = 24, seed: int = 0, rates: Rates | None = None
) -> Run:
    """Drive the county in `region` through `months` months from `start` (a first of month)."""
    county = County(user, region, seed, rates or Rates())
    for township in sorted({h.township_code for h in county.households}):
        top_up(user, township, 100_000_000, start, "模拟: 年初拨付备用金")
    run = Run()
    for index in range(months):
        month = add_months(start, index)
        out = Month(month)
        clock = time.process_time()
        out.exits = len(close_gradual_exits(user, month, region))
        county.deaths(month, out)
        county.births(month, out)
        county.moves(month, out)
        county.reviews(month, out)
        county.refusals(month, out, index)
        county.temporary(month, out)
        lines = payroll(user, month, region)
        _check(month, lines, run.violations)
        out.lines, out.total_fen = len(lines), sum(x.amount for x in lines)
        out.gradual_lines = sum(1 for x in lines if x.kind.value == "gradual_exit")
        out.cut_lines = sum(1 for x in lines if "P6" in x.note)
        out.cpu_seconds = time.process_time() - clock
        run.months.append(out)
    twice = TemporaryGrant.objects.values("household", "event_key").order_by().distinct().count()
    if twice != TemporaryGrant.objects.count():
        run.violations.append("同一事件重复临时救助")
    return run
