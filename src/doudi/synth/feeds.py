"""`doudi synth --feeds`: the departments' feeds of a synthetic county, built from its household facts, with
planted integrity and priority-group cases and the ground truth of every finding the checks should make.

Baseline records agree with what the households declared (the facts); then, on a sample of covered households,
one case of each integrity check is planted (a new car, a new flat, a business, a public-employee salary, large
deposits, a death still paid, tekun in the province's roll, cover in another county, a village official in the
same hukou household, a late payment), and new certificates are planted for uncovered card-household members.
Cases that follow from the facts themselves (a wrongly covered household's car or company, a dead member still
on the dibao roll) are in the truth too, marked `facts`. Everything is decided here, without calling the checks.
"""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from doudi.evidence.feeds import CATEGORIES, FEEDS, FeedKind
from doudi.evidence.model import Household, Limits, Member, limits_on
from doudi.evidence.verify import Declared
from doudi.synth.cells import Amount, Cell
from doudi.synth.sinks import CsvRoster, RowWriter, XlsxRoster

FEED_DIR = "feeds"
TRUTH_FILE = "truth_findings.csv"
AUTHORISATIONS = "家庭经济状况核对授权"
AUTHORISATION_HEADERS = ("公民身份号码", "姓名", "签署日期")
TRUTH_COLUMNS = ("code", "household_key", "person_id", "village_code", "origin")
PLANT_SHARE = 0.02  # per integrity check: share of covered households with a planted case (at least one)
PRIORITY_SHARE = 0.05  # share of uncovered card households with a planted new certificate
PAYMENT_MONTHS = 3  # payments written for the months before the facts' date
RELATIONS = {
    "head": "户主",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "grandchild": "孙子女",
    "sibling": "兄弟姐妹",
}
OTHER_COUNTIES = ("530628", "530629")


@dataclass
class SynthHousehold:
    """One line of household_facts.jsonl, as the checks see it, with what only the generator knows."""

    household: Household
    facts: dict[str, Any]
    names: dict[str, str]
    head: str
    deceased: tuple[str, date] | None = None
    dibao: bool = False
    tekun: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.household.key


def _members(facts: dict[str, Any]) -> tuple[list[Member], dict[str, str]]:
    synth = facts["synth"]
    names = {m["person_id"]: m["name"] for m in synth["members"]}
    dibao, tekun = facts["enrolment"]["dibao"], set(facts["enrolment"]["tekun"])
    single = set(synth["single_person_covered"])
    members = []
    for m in facts["members"]:
        pid = m["person_id"]
        programs = {"dibao"} if dibao or pid in single else set()
        if pid in tekun:
            programs.add("tekun")
        members.append(Member(pid, names.get(pid, ""), m.get("labor_capacity", ""), frozenset(programs)))
    return members, names


def read_facts(path: Path) -> Iterator[SynthHousehold]:
    """Households of household_facts.jsonl; a dead member still on the dibao roll counts as a covered member."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            facts = json.loads(line)
            members, names = _members(facts)
            deceased = None
            dead = facts["synth"].get("deceased")
            if dead and dead.get("died_on") and facts["enrolment"]["dibao"]:
                members.append(Member(dead["person_id"], dead["name"], "none", frozenset({"dibao"})))
                names[dead["person_id"]] = dead["name"]
                deceased = (dead["person_id"], date.fromisoformat(dead["died_on"]))
            household = Household(
                facts["household_id"],
                facts["region"],
                tuple(members),
                bool(facts["poverty"]["card_household"]),
            )
            yield SynthHousehold(
                household,
                facts,
                names,
                facts["members"][0]["person_id"],
                deceased,
                bool(facts["enrolment"]["dibao"]),
                tuple(facts["enrolment"]["tekun"]),
            )


def declared_of(facts: dict[str, Any]) -> Declared:
    """What the household declared, in the terms of the verification."""
    wages = sum(i["amount"] for i in facts["income"] if i["kind"] == "wage")
    items = facts["property"]
    return Declared(
        wage_yearly=wages,
        houses=sum(i.get("count", 1) for i in items if i["kind"] == "house"),
        vehicles=sum(1 for i in items if i["kind"] == "vehicle"),
        financial=sum(i["value"] for i in items if i["kind"] == "financial"),
        businesses=sum(1 for i in items if i["kind"] == "company"),
    )


class Writers:
    """One writer per feed and format, the authorisation register and the truth file."""

    def __init__(self, folder: Path, formats: Sequence[str]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.paths: list[Path] = []
        self.feeds: dict[FeedKind, list[RowWriter]] = {}
        self.rows: Counter[str] = Counter()
        for kind, spec in FEEDS.items():
            headers = [c.header for c in spec.columns]
            self.feeds[kind] = [self._open(folder / f"{spec.label}.{fmt}", headers, fmt) for fmt in formats]
        self.authorisations = [
            self._open(folder / f"{AUTHORISATIONS}.{fmt}", AUTHORISATION_HEADERS, fmt) for fmt in formats
        ]
        self.paths.append(folder / TRUTH_FILE)

    def _open(self, path: Path, headers: Sequence[str], fmt: str) -> RowWriter:
        self.paths.append(path)
        return XlsxRoster(path, headers) if fmt == "xlsx" else CsvRoster(path, headers)

    def write(self, kind: FeedKind, cells: Sequence[Cell]) -> None:
        for writer in self.feeds[kind]:
            writer.write(cells)
        self.rows[kind.value] += 1

    def authorise(self, cells: Sequence[Cell]) -> None:
        for writer in self.authorisations:
            writer.write(cells)

    def close(self) -> None:
        for writers in [*self.feeds.values(), self.authorisations]:
            for writer in writers:
                writer.close()


@dataclass
class FeedSummary:
    folder: Path
    households: int = 0
    rows: Counter[str] = field(default_factory=Counter)
    planted: Counter[str] = field(default_factory=Counter)  # truth rows by code
    paths: list[Path] = field(default_factory=list)


class Builder:
    """Writes the baseline of every household, then the planted cases, recording the truth."""

    def __init__(self, out: Writers, as_of: date, limits: Limits, rng: random.Random) -> None:
        self.out = out
        self.as_of = as_of
        self.limits = limits
        self.rng = rng
        self.truth: set[tuple[str, str, str, str, str]] = set()
        self.plates = 0
        self.late: set[str] = set()  # households whose first payment is planted late

    def found(self, code: str, h: SynthHousehold, person_id: str, origin: str) -> None:
        self.truth.add((code, h.key, person_id, h.household.village, origin))

    def row(self, kind: FeedKind, h: SynthHousehold, pid: str, *rest: Cell) -> None:
        self.out.write(kind, [pid, h.names.get(pid, ""), *rest])

    def days_ago(self, low: int, high: int) -> date:
        return self.as_of - timedelta(days=self.rng.randint(low, high))

    def plate(self) -> str:
        self.plates += 1
        return f"云C{self.plates:05d}"

    # --- baseline ------------------------------------------------------------------------------------------

    def baseline(self, h: SynthHousehold) -> None:
        facts = h.facts
        hukou_no = "HK" + facts["household_id"][-10:]
        relations = {m["person_id"]: RELATIONS.get(m["relation"], "其他") for m in facts["members"]}
        for m in h.household.members:
            if h.deceased is None or m.person_id != h.deceased[0]:
                self.row(
                    FeedKind.HUKOU,
                    h,
                    m.person_id,
                    hukou_no,
                    relations.get(m.person_id, "其他"),
                    facts["hukou_county"],
                )
        self.out.authorise([h.head, h.names.get(h.head, ""), self.as_of - timedelta(days=200)])
        self._deaths(h)
        self._property(h)
        self._incomes(h)
        self._health(h)
        self._cover_and_payments(h)

    def _deaths(self, h: SynthHousehold) -> None:
        if h.deceased is None:
            return
        pid, died_on = h.deceased
        self.row(FeedKind.DEATHS, h, pid, died_on, died_on + timedelta(days=20))
        after = date(died_on.year + died_on.month // 12, died_on.month % 12 + 1, 1)
        if h.household.covered and any(month >= after for month in self.months()):
            self.found("INT_PAID_AFTER_DEATH", h, pid, "facts")  # still on the dibao roll, still paid

    def _property(self, h: SynthHousehold) -> None:
        covered, head = h.household.covered, h.head
        for item in h.facts["property"]:
            kind, value = item["kind"], item["value"]
            if kind == "house":
                for n in range(item.get("count", 1)):
                    self.row(
                        FeedKind.REAL_ESTATE,
                        h,
                        head,
                        f"云(2015)不动产权第{h.key[-7:]}{n}号",
                        "住宅",
                        self.days_ago(900, 6000),
                        "96.5",
                        Amount(value),
                    )
            elif kind == "non_residential":
                self.row(
                    FeedKind.REAL_ESTATE,
                    h,
                    head,
                    f"云(2016)不动产权第{h.key[-7:]}9号",
                    "商业",
                    self.days_ago(900, 3000),
                    "120",
                    Amount(value),
                )
            elif kind == "vehicle":
                bought = (
                    date.fromisoformat(item["bought_on"])
                    if item.get("bought_on")
                    else self.days_ago(400, 3000)
                )
                mobility = bool(item.get("mobility_vehicle"))
                self.row(
                    FeedKind.VEHICLES,
                    h,
                    head,
                    self.plate(),
                    "小型轿车",
                    bought,
                    Amount(value),
                    "是" if mobility else "否",
                )
                recent = bought > self.as_of.replace(year=self.as_of.year - 1)
                if (
                    covered
                    and h.household.authorised
                    and recent
                    and not mobility
                    and value >= self.limits.vehicle
                ):
                    self.found("INT_VEHICLE", h, head, "facts")
            elif kind == "company":
                self.row(
                    FeedKind.BUSINESS,
                    h,
                    head,
                    f"92530627MA{h.key[-8:]}",
                    f"{h.names.get(head, '')}经营部",
                    "经营者",
                    "存续",
                    self.days_ago(900, 3000),
                    Amount(value),
                )
                if covered:
                    self.found("INT_BUSINESS", h, head, "facts")
            elif kind == "financial" and value:
                self.row(FeedKind.BANK, h, head, "农村信用合作联社", "存款", Amount(value), self.as_of)
        financial = sum(i["value"] for i in h.facts["property"] if i["kind"] == "financial")
        if covered and financial > self.limits.financial_limit(len(h.household.members)):
            self.found("INT_DEPOSITS", h, "", "facts")

    def _incomes(self, h: SynthHousehold) -> None:
        for item in h.facts["income"]:
            if item["kind"] != "wage":
                continue
            pid = item["member"] or h.head
            monthly = item["amount"] // 12
            self.row(FeedKind.SOCIAL_SECURITY, h, pid, "工资", Amount(monthly), 12, "县内务工单位")
            if self.rng.random() < 0.1:
                self.row(FeedKind.HOUSING_FUND, h, pid, "县内务工单位", Amount(monthly), 12, "正常")
            if self.rng.random() < 0.3:
                self.row(FeedKind.TAX, h, pid, self.as_of.year - 1, Amount(item["amount"]), Amount(0))

    def _health(self, h: SynthHousehold) -> None:
        for m in h.facts["members"]:
            pid, cert = m["person_id"], m.get("disability")
            if cert:
                self.certificate(h, pid, cert["category"], cert["grade"], "facts")
            if m.get("major_illness_assistance"):
                self.row(
                    FeedKind.MEDICAL,
                    h,
                    pid,
                    self.days_ago(30, 300),
                    Amount(self.rng.randint(5, 60) * 100_000),
                    "重大疾病",
                )
                member = self._member(h, pid)
                if h.household.card and not member.covered and member.labor in ("partial", "none"):
                    self.found("PRI_MAJOR_ILLNESS", h, pid, "facts")

    def _member(self, h: SynthHousehold, pid: str) -> Member:
        return next(m for m in h.household.members if m.person_id == pid)

    def certificate(self, h: SynthHousehold, pid: str, category: str, grade: int, origin: str) -> None:
        self.row(
            FeedKind.DISABILITY,
            h,
            pid,
            f"{pid}{category}{grade}",
            CATEGORIES[int(category) - 1],
            grade,
            self.days_ago(100, 3000),
        )
        if not h.household.card or self._member(h, pid).covered:
            return
        if grade <= 2:
            self.found("PRI_SEVERE_DISABILITY", h, pid, origin)
        elif category in ("5", "6"):
            self.found("PRI_MENTAL_INTELLECTUAL", h, pid, origin)

    def _cover_and_payments(self, h: SynthHousehold) -> None:
        county = h.household.county
        for m in h.household.members:
            for program in sorted(m.programs):
                self.row(
                    FeedKind.ASSISTANCE,
                    h,
                    m.person_id,
                    {"dibao": "低保", "tekun": "特困"}[program],
                    county,
                    self.as_of - timedelta(days=700),
                )
        for n, (pid, program, amount) in enumerate(self.payees(h)):
            for month in self.months():
                paid: date | None = month.replace(day=10)
                if n == 0 and month == self.months()[0] and h.key in self.late:
                    paid = None if self.rng.random() < 0.5 else month.replace(day=28) + timedelta(days=10)
                    self.found("INT_PAYMENT_LATE", h, pid, "planted")
                self.row(FeedKind.PAYMENTS, h, pid, program, month, Amount(amount), None, paid)

    def payees(self, h: SynthHousehold) -> list[tuple[str, str, int]]:
        out = []
        if h.dibao:
            out.append((h.head, "低保", max(int(h.facts["enrolment"]["dibao_benefit"]), 100)))
        out += [(pid, "特困", 83_200) for pid in h.tekun]
        out += [(pid, "低保", 30_000) for pid in h.facts["synth"]["single_person_covered"] if not h.dibao]
        return out

    def months(self) -> list[date]:
        first = self.as_of.replace(day=1)
        out = []
        for _ in range(PAYMENT_MONTHS):
            first = (first - timedelta(days=1)).replace(day=1)
            out.append(first)
        return sorted(out)

    # --- planted cases -------------------------------------------------------------------------------------

    def adult(self, h: SynthHousehold) -> str:
        dead = h.deceased[0] if h.deceased else ""
        alive = [m.person_id for m in h.household.members if m.person_id != dead]
        grown = [pid for pid in alive if int(pid[6:10]) <= self.as_of.year - 18]
        return self.rng.choice(grown or alive)

    def plant_vehicle(self, h: SynthHousehold) -> None:
        pid = self.adult(h)
        price = self.limits.vehicle + self.rng.randint(3, 15) * 1_000_000
        self.row(
            FeedKind.VEHICLES,
            h,
            pid,
            self.plate(),
            "小型越野客车",
            self.days_ago(10, 300),
            Amount(price),
            "否",
        )
        self.found("INT_VEHICLE", h, pid, "planted")

    def plant_flat(self, h: SynthHousehold) -> None:
        pid = self.adult(h)
        self.row(
            FeedKind.REAL_ESTATE,
            h,
            pid,
            f"云(2020)不动产权第{h.key[-7:]}7号",
            "住宅",
            self.days_ago(10, 300),
            "89.2",
            Amount(self.rng.randint(20, 60) * 1_000_000),
        )
        self.found("INT_FLAT", h, pid, "planted")

    def plant_business(self, h: SynthHousehold) -> None:
        pid = self.adult(h)
        self.row(
            FeedKind.BUSINESS,
            h,
            pid,
            f"92530627MB{h.key[-8:]}",
            f"{h.names.get(pid, '')}商店",
            "经营者",
            "存续",
            self.days_ago(100, 900),
            Amount(5_000_000),
        )
        self.found("INT_BUSINESS", h, pid, "planted")

    def plant_public_employee(self, h: SynthHousehold) -> None:
        pid = self.adult(h)
        self.row(
            FeedKind.PAYROLL,
            h,
            pid,
            "县农业农村局",
            "事业编制",
            Amount(self.rng.randint(40, 80) * 10_000),
            self.days_ago(400, 4000),
        )
        self.found("INT_PUBLIC_EMPLOYEE", h, pid, "planted")

    def plant_deposits(self, h: SynthHousehold) -> None:
        amount = self.limits.financial_limit(len(h.household.members)) + 5_000_000
        self.row(FeedKind.BANK, h, self.adult(h), "邮政储蓄银行", "理财", Amount(amount), self.as_of)
        self.found("INT_DEPOSITS", h, "", "planted")

    def plant_death(self, h: SynthHousehold) -> None:
        dead = h.deceased[0] if h.deceased else ""
        pid = self.rng.choice([m.person_id for m in h.household.members if m.covered and m.person_id != dead])
        died = self.months()[0] - timedelta(days=self.rng.randint(1, 25))
        self.row(FeedKind.DEATHS, h, pid, died, died + timedelta(days=15))
        self.found("INT_PAID_AFTER_DEATH", h, pid, "planted")

    def plant_dibao_and_tekun(self, h: SynthHousehold) -> None:
        pid = next(m.person_id for m in h.household.members if m.programs == frozenset({"dibao"}))
        self.row(FeedKind.ASSISTANCE, h, pid, "特困", h.household.county, self.days_ago(100, 600))
        self.found("INT_DIBAO_AND_TEKUN", h, pid, "planted")

    def plant_two_counties(self, h: SynthHousehold) -> None:
        pid = next(m.person_id for m in h.household.members if m.covered)
        other = next(c for c in OTHER_COUNTIES if c != h.household.county)
        self.row(FeedKind.ASSISTANCE, h, pid, "低保", other, self.days_ago(100, 600))
        self.found("INT_TWO_COUNTIES", h, pid, "planted")

    def plant_relative(self, h: SynthHousehold) -> None:
        pid = self.adult(h)
        self.row(FeedKind.OFFICIALS, h, pid, "村委会委员", h.household.village, self.days_ago(300, 2000))
        self.found("INT_RELATIVE_UNFILED", h, pid, "planted")

    def plant_certificate(self, h: SynthHousehold) -> None:
        candidates = [m for m in h.facts["members"] if not m.get("disability")]
        if not candidates:
            return
        pid = self.rng.choice(candidates)["person_id"]
        category, grade = self.rng.choice([("4", 1), ("1", 2), ("5", 3), ("6", 4), ("7", 2)])
        self.certificate(h, pid, category, grade, "planted")

    def noise(self, h: SynthHousehold) -> None:
        """Records of uncovered households that must not be flagged: officials, public employees, new cars."""
        pid = self.adult(h)
        pick = self.rng.random()
        if pick < 0.3:
            self.row(FeedKind.OFFICIALS, h, pid, "村委会主任", h.household.village, self.days_ago(300, 2000))
        elif pick < 0.6:
            self.row(
                FeedKind.PAYROLL,
                h,
                pid,
                "县教育体育局",
                "事业编制",
                Amount(650_000),
                self.days_ago(400, 4000),
            )
        else:
            self.row(
                FeedKind.VEHICLES,
                h,
                pid,
                self.plate(),
                "小型轿车",
                self.days_ago(10, 300),
                Amount(12_000_000),
                "否",
            )


PLANTS = {
    "INT_VEHICLE": Builder.plant_vehicle,
    "INT_FLAT": Builder.plant_flat,
    "INT_BUSINESS": Builder.plant_business,
    "INT_PUBLIC_EMPLOYEE": Builder.plant_public_employee,
    "INT_DEPOSITS": Builder.plant_deposits,
    "INT_PAID_AFTER_DEATH": Builder.plant_death,
    "INT_DIBAO_AND_TEKUN": Builder.plant_dibao_and_tekun,
    "INT_TWO_COUNTIES": Builder.plant_two_counties,
    "INT_RELATIVE_UNFILED": Builder.plant_relative,
}


def _eligible(code: str, h: SynthHousehold) -> bool:
    if code == "INT_PAID_AFTER_DEATH":
        return h.deceased is None
    if code == "INT_DIBAO_AND_TEKUN":
        return any(m.programs == frozenset({"dibao"}) for m in h.household.members)
    if code == "INT_RELATIVE_UNFILED":
        return len(h.household.members) - (h.deceased is not None) >= 2
    return True


def _sample(rng: random.Random, items: list[SynthHousehold], share: float) -> list[SynthHousehold]:
    if not items:
        return []
    return rng.sample(items, min(len(items), max(1, round(share * len(items)))))


def write_feeds(out_dir: Path, formats: Sequence[str] = ("xlsx", "csv"), seed: int = 1) -> FeedSummary:
    """Write every feed of the county in `out_dir` (which holds household_facts.jsonl) into out_dir/feeds."""
    facts = out_dir / "household_facts.jsonl"
    if not facts.is_file():
        raise ValueError(f"{out_dir} 中没有 household_facts.jsonl; 请先运行 doudi synth 生成模拟县")
    households = list(read_facts(facts))
    if not households:
        raise ValueError(f"{facts} 中没有家庭户")
    as_of = date.fromisoformat(households[0].facts["synth"]["as_of"])
    rng = random.Random(seed * 7_919 + 10)
    folder = out_dir / FEED_DIR
    _clear(folder)
    out = Writers(folder, [f for f in formats if f in ("xlsx", "csv")] or ["csv"])
    builder = Builder(out, as_of, limits_on(as_of, households[0].household.county), rng)
    try:
        _build(builder, households, rng)
    finally:
        out.close()
    _write_truth(folder / TRUTH_FILE, builder.truth)
    summary = FeedSummary(folder, len(households), out.rows, Counter(t[0] for t in builder.truth), out.paths)
    return summary


def _clear(folder: Path) -> None:
    """Remove the feed files of an earlier run (another format would otherwise be read instead)."""
    names = [spec.label for spec in FEEDS.values()] + [AUTHORISATIONS]
    for name in names:
        for suffix in (".xlsx", ".csv"):
            (folder / f"{name}{suffix}").unlink(missing_ok=True)


def _build(builder: Builder, households: list[SynthHousehold], rng: random.Random) -> None:
    covered = [h for h in households if h.household.covered and builder.payees(h)]
    builder.late = {h.key for h in _sample(rng, covered, PLANT_SHARE)}
    for h in households:
        builder.baseline(h)
    for code, plant in PLANTS.items():
        for h in _sample(rng, [h for h in covered if _eligible(code, h)], PLANT_SHARE):
            plant(builder, h)
    uncovered_card = [h for h in households if h.household.card and not h.household.covered]
    for h in _sample(rng, uncovered_card, PRIORITY_SHARE):
        builder.plant_certificate(h)
    for h in _sample(rng, [h for h in households if not h.household.covered], 0.05):
        builder.noise(h)


def _write_truth(path: Path, truth: set[tuple[str, str, str, str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(TRUTH_COLUMNS)
        writer.writerows(sorted(truth))


def read_truth(path: Path) -> set[tuple[str, str, str]]:
    """(code, household key, person ID) of every finding the checks should make."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {(r["code"], r["household_key"], r["person_id"]) for r in csv.DictReader(fh)}


def run_feeds(out_dir: Path, formats: Sequence[str], seed: int, province: bool, echo: Any = print) -> None:
    """For `doudi synth --feeds`: every county folder written by the run gets its feeds."""
    folders = sorted(p.parent for p in out_dir.glob("*/household_facts.jsonl")) if province else [out_dir]
    for folder in folders:
        summary = write_feeds(folder, formats, seed)
        planted = ", ".join(f"{code} {n}" for code, n in sorted(summary.planted.items()))
        echo(f"部门比对数据: {summary.folder} ({sum(summary.rows.values()):,} 行); 应发现: {planted}")
