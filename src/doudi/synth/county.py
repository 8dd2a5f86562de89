"""One county, household by household: plan, build, settle, write. Memory stays flat: nothing is kept but the
current household, a short queue of persons who moved, and the ID sequence counters."""

from __future__ import annotations

import random
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from doudi.core.divisions import Division, yunnan
from doudi.core.rosters import RosterKind
from doudi.synth.cells import Cell
from doudi.synth.config import BACKGROUND_FROM, EXCEL_MAX_DATA_ROWS, SynthConfig
from doudi.synth.errors import ErrorKind
from doudi.synth.facts import facts_record
from doudi.synth.files import Outputs
from doudi.synth.household import (
    Coverage,
    Household,
    Plan,
    build,
    draw_size,
    plan_card,
    plan_non_card,
    settle,
)
from doudi.synth.people import Person, PersonFactory, counted
from doudi.synth.rows import RowMaker, poverty_facts

Progress = Callable[[int], None]


@dataclass
class CountyResult:
    files: list[Path] = field(default_factory=list)
    rows: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    households: Counter[str] = field(default_factory=Counter)
    persons: int = 0


def _village_weight(village: Division) -> float:
    rural = not ("社区" in village.name or "居民委员会" in village.name or "居委会" in village.name)
    return 1.0 if rural else 0.15


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` in proportion to `weights`, largest remainder first (deterministic)."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def villages_of(county: str) -> list[tuple[Division, Division]]:
    gazetteer = yunnan()
    return [(t, v) for t in gazetteer.children(county) for v in gazetteer.children(t.code)]


class CountyRun:
    def __init__(
        self, config: SynthConfig, county: Division, persons: int, out: Path, progress: Progress
    ) -> None:
        self.config = config
        self.county = county
        self.persons = persons
        self.out = out
        self.progress = progress
        self.rng = random.Random(f"{config.seed}:{county.code}")
        self.result = CountyResult()
        areas = tuple(
            c.code
            for p in yunnan().children("53")
            for c in yunnan().children(p.code)
            if c.code != county.code
        )
        errors = config.errors
        self.factory = PersonFactory(
            self.rng, county.code, config.as_of, areas, errors.rare_name, errors.rare_bmp_name
        )
        self.households = 0
        self.pending: deque[tuple[Person, str]] = (
            deque()
        )  # moved persons still to be listed in an old household

    # --- files
    def run(self) -> CountyResult:
        self._check_size()
        self.out.mkdir(parents=True, exist_ok=True)
        background = self.config.background
        if background is None:
            background = self.persons >= BACKGROUND_FROM
        self.files = Outputs(
            self.out, self.config.formats, self.county.name, random.Random(self.config.seed), background
        )
        self.rows = RowMaker(self.rng, self.config.errors, self.county, self.config.as_of, self._emit)
        try:
            self._villages()
        finally:
            self.result.files += self.files.close()
        return self.result

    def _check_size(self) -> None:
        if (
            any(f in ("xlsx", "messy") for f in self.config.formats)
            and self.persons * 1.1 > EXCEL_MAX_DATA_ROWS
        ):
            raise ValueError(
                f"{self.county.name}的人数 {self.persons} 超出Excel单表行数上限(1,048,576行); "
                "请使用 --province 分县生成, 或只输出 csv (--format csv)"
            )

    def _emit(
        self,
        kind: RosterKind,
        cells: Sequence[Cell],
        person: Person,
        listed: str,
        true: str,
        errors: tuple[ErrorKind, ...],
    ) -> None:
        row = self.files.rosters[kind].write(cells)
        self.result.rows[kind.value] += 1
        self.result.errors.update(e.value for e in errors)
        self.files.truth.write(
            (
                kind.value,
                row,
                person.key,
                listed,
                true,
                person.id_number,
                person.name,
                ";".join(e.value for e in errors),
            )
        )

    # --- households
    def _villages(self) -> None:
        """Villages in code order; each brings the running total of card persons up to its cumulative share,
        so household sizes are only capped once, at the very end of the county."""
        villages = villages_of(self.county.code)
        weights = [_village_weight(v) for _, v in villages]
        total, running = sum(weights), 0.0
        for (township, village), weight in zip(villages, weights, strict=True):
            running += weight
            if self.rng.random() < self.config.errors.village_as_code:
                self.rows.village_codes.add(village.code)
            self._village(township, village, round(self.persons * running / total))

    def _village(self, township: Division, village: Division, until: int) -> None:
        rates = self.config.coverage
        number = 0
        while self.result.persons < until:
            number += 1
            plan = plan_card(self.rng, rates)
            room = self.persons - self.result.persons
            self._household(township, village, plan, f"{village.code}{number:04d}", room)
            if plan.coverage is Coverage.DIBAO and self.rng.random() < rates.non_card_dibao:
                self._household(township, village, plan_non_card(self.rng, rates, Coverage.DIBAO), "", 8)
            if plan.coverage is Coverage.TEKUN and self.rng.random() < rates.non_card_tekun:
                self._household(township, village, plan_non_card(self.rng, rates, Coverage.TEKUN), "", 1)

    def _household(self, township: Division, village: Division, plan: Plan, number: str, room: int) -> int:
        """Make, settle and write one household; returns the number of its card members."""
        self.households += 1
        h = Household(f"{self.county.code}H{self.households:07d}", number, township, village, plan, [])
        self._members(h, room)
        settle(h, self.rng, self.config.params, self.config.as_of)
        self._mark(h)
        self._write(h)
        counted = len(h.members) if plan.card else 0
        self.result.persons += counted
        self.progress(counted)
        return counted

    def _members(self, h: Household, room: int) -> None:
        rng, plan = self.rng, h.plan
        old_home = (
            plan.card and plan.coverage is Coverage.NONE and not plan.lone and self.pending and room >= 2
        )
        if old_home:
            mover, moved_to = self.pending.popleft()
            head_age = min(90, mover.years + rng.randint(22, 32))
            h.members, h.supporters = build(
                self.factory, plan, max(2, draw_size(rng, room)) - 1, head_age, mover.name[0]
            )
            h.stale, h.stale_to = mover, moved_to
            on = self.config.as_of - timedelta(days=rng.randint(30, 400))
            self.files.events.write((mover.key, "moved", on.isoformat(), h.key, moved_to))
            return
        size = draw_size(rng, room)
        errors = self.config.errors
        dibao = plan.coverage is Coverage.DIBAO
        moved_in = dibao and size >= 2 and rng.random() < errors.moved_person
        h.members, h.supporters = build(self.factory, plan, size - moved_in)
        if moved_in:
            male = rng.random() < 0.2
            mover = self.factory.person("之女婿" if male else "之儿媳", rng.randint(20, 35), male)
            h.members.append(mover)
            self.pending.append((mover, h.key))
        if dibao and rng.random() < errors.deceased_listed:
            self._deceased(h)

    def _deceased(self, h: Household) -> None:
        rng = self.rng
        male = rng.random() < 0.45
        dead = self.factory.person("之父" if male else "之母", rng.randint(72, 96), male)
        dead.died_on = self.config.as_of - timedelta(days=rng.randint(30, 500))
        h.deceased = dead
        self.files.events.write((dead.key, "died", dead.died_on.isoformat(), h.key, ""))

    def _mark(self, h: Household) -> None:
        """The poverty office's S1 list (兜底保障标识)."""
        if not h.plan.card:
            return
        rates = self.config.coverage
        if h.plan.coverage in (Coverage.DIBAO, Coverage.TEKUN):
            rate = rates.safety_net_covered
        elif h.status.value == "missed":
            rate = rates.safety_net_missed
        else:
            rate = rates.safety_net_other
        h.safety_net = self.rng.random() < rate

    def _write(self, h: Household) -> None:
        if h.plan.card:
            facts = poverty_facts(self.rng, h)
            h.exited = facts.exit_status == "已脱贫"
            self.rows.poverty(h, facts)
        if h.plan.coverage in (Coverage.DIBAO, Coverage.SINGLE):
            self.rows.dibao(h)
        elif h.plan.coverage is Coverage.TEKUN:
            self.rows.tekun(h)
        self.result.households[h.status.value if h.plan.card else f"non_card_{h.status.value}"] += 1
        self._truth_household(h)
        self.files.facts.write((facts_record(h, self.county.code, self.config.as_of),))

    def _truth_household(self, h: Household) -> None:
        e = h.eligibility
        self.files.households.write(
            (
                h.key,
                self.county.code,
                h.township.code,
                h.village.code,
                "是" if h.plan.card else "否",
                h.number,
                len(h.members),
                sum(1 for p in h.members if counted(p)),
                h.plan.coverage.value,
                len(h.covered),
                h.status.value,
                int(e.dibao),
                int(e.tekun),
                ";".join(e.reasons),
                e.countable_yearly,
                "是" if h.safety_net else "否",
                h.monthly,
                h.care,
            )
        )
