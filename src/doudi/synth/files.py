"""Every output file of one county: rosters in the chosen formats, the truth tables, the household facts.
Written in-process, or by a child process (`background`) so that generation and writing use both cores."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from doudi.core.rosters import COLUMNS, RosterKind
from doudi.synth.background import Hub, RemoteRoster, WriterSpec
from doudi.synth.sinks import Roster, RowWriter

TRUTH_COLUMNS = (
    "roster",
    "row",
    "person_key",
    "listed_household_key",
    "true_household_key",
    "true_id",
    "true_name",
    "errors",
)
HOUSEHOLD_COLUMNS = (
    "household_key",
    "county_code",
    "township_code",
    "village_code",
    "card_household",
    "household_no",
    "size",
    "counted_members",
    "coverage",
    "covered_persons",
    "status",
    "eligible_dibao",
    "eligible_tekun",
    "ineligible_reasons",
    "countable_income_yearly_fen",
    "safety_net_mark",
    "monthly_benefit_fen",
    "care_subsidy_fen",
)
EVENT_COLUMNS = ("person_key", "event", "on", "household_key", "to_household_key")


def roster_spec(out: Path, kind: RosterKind, fmt: str, county_name: str, rng: random.Random) -> WriterSpec:
    headers = tuple(c.header for c in COLUMNS[kind])
    if fmt == "xlsx":
        return WriterSpec(out / f"{kind.value}.xlsx", headers)
    if fmt == "csv":
        return WriterSpec(out / f"{kind.value}.csv", headers, encoding="utf-8")
    if fmt == "gb18030":
        return WriterSpec(out / f"{kind.value}.gb18030.csv", headers, encoding="gb18030")
    # messy: a merged title row, the first alias as header where there is one, columns in a shuffled order
    aliased = tuple(c.aliases[0] if c.aliases else c.header for c in COLUMNS[kind])
    order = list(range(len(headers)))
    rng.shuffle(order)
    title = f"{county_name}2020年{kind.label}"
    return WriterSpec(out / f"{kind.value}.messy.xlsx", aliased, title, tuple(order))


# With `background`, the files are written by two child processes: the poverty roster (about 60 % of the rows,
# in xlsx and csv) by one, everything else by the other; the parent only generates. Three processes on two cores
# keep both cores busy, and the two children zip their workbooks in parallel at the end.
_OWN_PROCESS = ("poverty",)


class Outputs:
    def __init__(
        self, out: Path, formats: Sequence[str], county_name: str, rng: random.Random, background: bool
    ) -> None:
        groups: dict[str, list[WriterSpec]] = {
            kind.value: [roster_spec(out, kind, fmt, county_name, rng) for fmt in formats]
            for kind in RosterKind
        }
        groups["truth"] = [WriterSpec(out / "truth.csv", TRUTH_COLUMNS, encoding="utf-8")]
        groups["households"] = [WriterSpec(out / "truth_households.csv", HOUSEHOLD_COLUMNS, encoding="utf-8")]
        groups["events"] = [WriterSpec(out / "truth_events.csv", EVENT_COLUMNS, encoding="utf-8")]
        groups["facts"] = [WriterSpec(out / "household_facts.jsonl")]
        self.hubs: list[Hub] = []
        self.groups: dict[str, Roster] = {}
        if background:
            apart = [spec for name in _OWN_PROCESS for spec in groups[name]]
            rest = [spec for name, specs in groups.items() if name not in _OWN_PROCESS for spec in specs]
            self.hubs = [Hub(apart), Hub(rest)]
        counters = [0, 0]
        for name, specs in groups.items():
            writers: list[RowWriter] = []
            for spec in specs:
                if background:
                    which = 0 if name in _OWN_PROCESS else 1
                    writers.append(RemoteRoster(self.hubs[which], counters[which]))
                    counters[which] += 1
                else:
                    writers.append(spec.open())
            self.groups[name] = Roster(writers, [spec.path for spec in specs])
        self.rosters = {kind: self.groups[kind.value] for kind in RosterKind}
        self.truth = self.groups["truth"]
        self.households = self.groups["households"]
        self.events = self.groups["events"]
        self.facts = self.groups["facts"]

    def close(self) -> list[Path]:
        try:
            for group in self.groups.values():
                group.close()
        finally:
            for hub in self.hubs:
                hub.finish()
        return [p for g in self.groups.values() for p in g.paths]
