"""Roster rows of a household, with the planted errors, in the column order of doudi.core.rosters.COLUMNS."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from doudi.core.divisions import Division, short_name
from doudi.core.rosters import RosterKind
from doudi.synth import names
from doudi.synth.cells import Amount, Cell
from doudi.synth.config import ErrorRates
from doudi.synth.errors import ErrorKind, IdPlanter
from doudi.synth.household import Coverage, Household
from doudi.synth.people import Person

_PATHWAYS = ("发展产业", "转移就业", "易地扶贫搬迁", "生态补偿", "发展教育", "健康扶贫")


@dataclass(frozen=True, slots=True)
class Written:
    """One roster row as written, for the truth file."""

    roster: RosterKind
    row: int
    person: Person
    listed_household: str
    true_household: str
    errors: tuple[ErrorKind, ...]


@dataclass(frozen=True, slots=True)
class PovertyFacts:
    """Household-level columns of the poverty registry."""

    poverty_type: str
    exit_status: str
    exit_year: int | None
    pathway: str
    income_per_capita: Amount


def poverty_facts(rng: random.Random, h: Household) -> PovertyFacts:
    coverage = h.plan.coverage
    if coverage is Coverage.TEKUN:
        kind = "特困供养贫困户"
    elif coverage is Coverage.DIBAO:
        kind = "低保贫困户" if rng.random() < 0.9 else "一般贫困户"
    else:
        kind = "一般贫困户" if rng.random() < 0.95 else "低保贫困户"
    exited = rng.random() < 0.85
    pathway = "兜底保障" if h.safety_net else rng.choice(_PATHWAYS)
    total = sum(i.amount for i in h.economy.incomes)
    return PovertyFacts(
        kind,
        "已脱贫" if exited else "未脱贫",
        rng.randint(2014, 2019) if exited else None,
        pathway,
        Amount(total // max(1, len(h.members))),
    )


class RowMaker:
    """Writes the rows of households to the three rosters through `emit`, planting errors at the set rates."""

    def __init__(
        self,
        rng: random.Random,
        rates: ErrorRates,
        county: Division,
        as_of: date,
        emit: Callable[[RosterKind, Sequence[Cell], Person, str, str, tuple[ErrorKind, ...]], None],
    ) -> None:
        self.rng = rng
        self.rates = rates
        self.county = county
        self.as_of = as_of
        self.emit = emit
        self.ids = IdPlanter(rates)
        self.village_codes: set[str] = set()  # villages the civil-affairs rolls write by code
        self._region_key: tuple[str, bool] = ("", False)
        self._region_cells: tuple[list[Cell], bool] = ([], False)

    def _name(self, person: Person) -> tuple[str, ErrorKind | None]:
        if self.rng.random() < self.rates.name_variant:
            changed = names.variant(self.rng, person.name)
            if changed is not None:
                return changed, ErrorKind.NAME_VARIANT
        return person.name, None

    def _identity(self, person: Person) -> tuple[str, str | float, list[ErrorKind]]:
        name, name_error = self._name(person)
        cell, id_error = self.ids.cell(self.rng, person.id_number, person.years < 6)
        errors = [e for e in (name_error, id_error) if e is not None]
        return name, cell, errors

    def _region(self, village: Division, township: Division, civil: bool) -> tuple[list[Cell], bool]:
        key = (village.code, civil)
        if key != self._region_key:
            as_code = civil and village.code in self.village_codes
            place = village.code if as_code else short_name(village.name)
            self._region_key = key
            self._region_cells = ([self.county.name, short_name(township.name), place], as_code)
        cells, as_code = self._region_cells
        return list(cells), as_code

    def _twice(
        self,
        kind: RosterKind,
        person: Person,
        listed: str,
        true: str,
        build: Callable[[], tuple[list[Cell], list[ErrorKind]]],
    ) -> None:
        cells, errors = build()
        self.emit(kind, cells, person, listed, true, tuple(errors))
        if self.rng.random() < self.rates.duplicate_row:
            cells, errors = build()
            self.emit(kind, cells, person, listed, true, (*errors, ErrorKind.DUPLICATE_ROW))

    def poverty(self, h: Household, facts: PovertyFacts) -> None:
        listed = [(p, p.relation, h.key) for p in h.members]
        if h.stale is not None:
            listed.append((h.stale, "之女" if not h.stale.male else "之子", h.stale_to))
        for person, relation, true in listed:
            self._twice(
                RosterKind.POVERTY,
                person,
                h.key,
                true,
                partial(self._poverty_row, h, facts, person, relation, true),
            )

    def _poverty_row(
        self, h: Household, f: PovertyFacts, p: Person, relation: str, true: str
    ) -> tuple[list[Cell], list[ErrorKind]]:
        region, _ = self._region(h.village, h.township, civil=False)
        name, id_cell, errors = self._identity(p)
        sex = p.sex_label
        if self.rng.random() < self.rates.sex_mismatch:
            sex = "女" if p.male else "男"
            errors.append(ErrorKind.SEX_MISMATCH)
        if true != h.key:
            errors.append(ErrorKind.MOVED_PERSON)
        cert = p.disability.number if p.disability is not None else ""
        cells: list[Cell] = [
            *region,
            h.number,
            name,
            id_cell,
            relation,
            sex,
            p.labor,
            p.health,
            cert,
            p.schooling,
            p.employment,
            f.poverty_type,
            f.exit_status,
            f.exit_year,
            f.pathway,
            "是" if h.safety_net else "否",
            f.income_per_capita,
        ]
        return cells, errors

    def dibao(self, h: Household) -> None:
        single = h.plan.coverage is Coverage.SINGLE
        head = h.covered[0] if single else h.members[0]
        head_name, head_id = head.name, head.id_number  # the head columns are written clean
        for person in h.covered:
            relation = "户主" if single else person.relation
            self._twice(
                RosterKind.DIBAO,
                person,
                h.key,
                h.key,
                partial(self._dibao_row, h, person, relation, head_name, head_id),
            )

    def _dibao_row(
        self, h: Household, p: Person, relation: str, head_name: str, head_id: str
    ) -> tuple[list[Cell], list[ErrorKind]]:
        region, as_code = self._region(h.village, h.township, civil=True)
        name, id_cell, errors = self._identity(p)
        if as_code:
            errors.append(ErrorKind.VILLAGE_AS_CODE)
        if p.died_on is not None:
            errors.append(ErrorKind.DECEASED_LISTED)
        cells: list[Cell] = [
            *region,
            head_name,
            head_id,
            name,
            id_cell,
            relation,
            len(h.covered),
            h.tier,
            Amount(h.monthly),
            h.enrolled_on,
            "是" if h.plan.coverage is Coverage.SINGLE else "否",
            "是" if h.number else "否",
        ]
        return cells, errors

    def tekun(self, h: Household) -> None:
        person = h.covered[0]
        self._twice(RosterKind.TEKUN, person, h.key, h.key, lambda: self._tekun_row(h, person))

    def _tekun_row(self, h: Household, p: Person) -> tuple[list[Cell], list[ErrorKind]]:
        region, as_code = self._region(h.village, h.township, civil=True)
        name, id_cell, errors = self._identity(p)
        if as_code:
            errors.append(ErrorKind.VILLAGE_AS_CODE)
        cells: list[Cell] = [
            *region,
            name,
            id_cell,
            "集中供养" if h.institution else "分散供养",
            p.self_care or "全自理",
            Amount(h.monthly),
            Amount(h.care),
            h.enrolled_on,
        ]
        return cells, errors
