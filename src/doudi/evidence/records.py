"""Feed rows as plain dataclasses, and the evidence of a county indexed by resident ID.

Everything here is keyed by the canonical 18-character resident ID (as cleaned by doudi.linkage.clean); money in
integer fen, dates as `date`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from doudi.evidence.feeds import CATEGORIES, FeedKind


@dataclass(frozen=True, slots=True)
class HukouEntry:
    person_id: str
    hukou_no: str
    county: str
    relation: str = ""


@dataclass(frozen=True, slots=True)
class Death:
    person_id: str
    died_on: date


@dataclass(frozen=True, slots=True)
class Vehicle:
    person_id: str
    plate: str
    registered_on: date
    price: int
    mobility: bool = False


@dataclass(frozen=True, slots=True)
class Flat:
    person_id: str
    certificate: str
    use: str  # 住宅, 商业, ...
    registered_on: date
    price: int = 0

    @property
    def residential(self) -> bool:
        return self.use == "住宅"


@dataclass(frozen=True, slots=True)
class Business:
    person_id: str
    credit_code: str
    name: str
    role: str
    status: str

    @property
    def active(self) -> bool:
        return self.status in ("存续", "在营")


@dataclass(frozen=True, slots=True)
class Income:
    """Yearly income shown by one feed: tax (年度收入额), wages or pensions (社保), housing fund base, payroll."""

    person_id: str
    source: FeedKind
    kind: str  # wage, pension, unemployment
    yearly: int
    detail: str = ""


@dataclass(frozen=True, slots=True)
class PublicSalary:
    person_id: str
    employer: str
    monthly: int


@dataclass(frozen=True, slots=True)
class Deposit:
    person_id: str
    institution: str
    product: str
    balance: int


@dataclass(frozen=True, slots=True)
class Certificate:
    person_id: str
    certificate: str
    category: str  # digit "1".."7" as on the certificate (doudi.core.ids.DisabilityCategory)
    grade: int


@dataclass(frozen=True, slots=True)
class IllnessAssistance:
    person_id: str
    paid_on: date
    amount: int
    disease: str = ""


@dataclass(frozen=True, slots=True)
class OtherCover:
    """A line of the province's social-assistance system: programme and county."""

    person_id: str
    program: str  # dibao, tekun
    county: str


@dataclass(frozen=True, slots=True)
class Payment:
    person_id: str  # the recipient (card holder)
    program: str  # dibao, tekun
    month: date  # first day of the month the payment is for
    amount: int
    paid_on: date | None  # None: not delivered


@dataclass(frozen=True, slots=True)
class Official:
    person_id: str
    role: str
    village: str


PROGRAM = {"低保": "dibao", "特困": "tekun"}
SOCIAL_KIND = {"工资": "wage", "职工养老金": "pension", "失业保险金": "unemployment"}


@dataclass
class Evidence:
    """All accepted feed rows of a county, by resident ID."""

    hukou: dict[str, HukouEntry] = field(default_factory=dict)
    deaths: dict[str, Death] = field(default_factory=dict)
    vehicles: dict[str, list[Vehicle]] = field(default_factory=lambda: defaultdict(list))
    flats: dict[str, list[Flat]] = field(default_factory=lambda: defaultdict(list))
    businesses: dict[str, list[Business]] = field(default_factory=lambda: defaultdict(list))
    incomes: dict[str, list[Income]] = field(default_factory=lambda: defaultdict(list))
    salaries: dict[str, list[PublicSalary]] = field(default_factory=lambda: defaultdict(list))
    deposits: dict[str, list[Deposit]] = field(default_factory=lambda: defaultdict(list))
    certificates: dict[str, list[Certificate]] = field(default_factory=lambda: defaultdict(list))
    illness: dict[str, list[IllnessAssistance]] = field(default_factory=lambda: defaultdict(list))
    other_cover: dict[str, list[OtherCover]] = field(default_factory=lambda: defaultdict(list))
    payments: dict[str, list[Payment]] = field(default_factory=lambda: defaultdict(list))
    officials: dict[str, list[Official]] = field(default_factory=lambda: defaultdict(list))

    def add(self, kind: FeedKind | str, person_id: str, f: dict[str, Any]) -> None:
        """One accepted row of a feed (fields as doudi.evidence.parse typed them)."""
        _ADDERS[FeedKind(kind)](self, person_id, f)

    def add_all(self, kind: FeedKind | str, rows: Iterable[tuple[str, dict[str, Any]]]) -> None:
        adder = _ADDERS[FeedKind(kind)]
        for person_id, fields in rows:
            adder(self, person_id, fields)


def _category_digit(label: str) -> str:
    return str(CATEGORIES.index(label) + 1) if label in CATEGORIES else label


def _hukou(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    e.hukou[pid] = HukouEntry(pid, f["hukou_no"], f["county"], f.get("relation") or "")


def _death(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    e.deaths[pid] = Death(pid, f["died_on"])


def _vehicle(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    e.vehicles[pid].append(Vehicle(pid, f["plate"], f["registered_on"], f["price"], bool(f.get("mobility"))))


def _flat(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    e.flats[pid].append(Flat(pid, f["certificate"], f["use"], f["registered_on"], f.get("price") or 0))


def _business(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    e.businesses[pid].append(Business(pid, f["credit_code"], f["business_name"], f["role"], f["status"]))


def _tax(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    e.incomes[pid].append(Income(pid, FeedKind.TAX, "wage", f["income"], f"{f['year']}年度"))


def _social(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    kind = SOCIAL_KIND[f["item"]]
    e.incomes[pid].append(
        Income(pid, FeedKind.SOCIAL_SECURITY, kind, f["monthly"] * f["months"], f.get("employer") or "")
    )


def _fund(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    if f["status"] == "正常":
        yearly = f["base"] * f["months"]
        e.incomes[pid].append(Income(pid, FeedKind.HOUSING_FUND, "wage", yearly, f["employer"]))


def _bank(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    e.deposits[pid].append(Deposit(pid, f["institution"], f["product"], f["balance"]))


def _disability(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    cert = Certificate(pid, f["certificate"], _category_digit(f["category"]), f["grade"])
    e.certificates[pid].append(cert)


def _medical(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    e.illness[pid].append(IllnessAssistance(pid, f["paid_on"], f["amount"], f.get("disease") or ""))


def _payroll(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    e.salaries[pid].append(PublicSalary(pid, f["employer"], f["monthly"]))
    e.incomes[pid].append(Income(pid, FeedKind.PAYROLL, "wage", f["monthly"] * 12, f["employer"]))


def _assistance(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    e.other_cover[pid].append(OtherCover(pid, PROGRAM[f["program"]], f["county"]))


def _payment(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    e.payments[pid].append(Payment(pid, PROGRAM[f["program"]], f["month"], f["amount"], f.get("paid_on")))


def _official(e: Evidence, pid: str, f: dict[str, Any]) -> None:
    e.officials[pid].append(Official(pid, f["role"], f["village"]))


_ADDERS = {
    FeedKind.HUKOU: _hukou,
    FeedKind.DEATHS: _death,
    FeedKind.VEHICLES: _vehicle,
    FeedKind.REAL_ESTATE: _flat,
    FeedKind.BUSINESS: _business,
    FeedKind.TAX: _tax,
    FeedKind.SOCIAL_SECURITY: _social,
    FeedKind.HOUSING_FUND: _fund,
    FeedKind.BANK: _bank,
    FeedKind.DISABILITY: _disability,
    FeedKind.MEDICAL: _medical,
    FeedKind.PAYROLL: _payroll,
    FeedKind.ASSISTANCE: _assistance,
    FeedKind.PAYMENTS: _payment,
    FeedKind.OFFICIALS: _official,
}
