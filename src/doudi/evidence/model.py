"""What the checks look at and what they find: households and members as the registry knows them, the limits
in force (read from the rules' dated parameters), and findings with a stable code and their evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Any

from doudi.core.ids import mask
from doudi.rules import parameters


class Code(StrEnum):
    """Stable finding codes (docs/evidence.md lists each with its legal basis)."""

    VEHICLE = "INT_VEHICLE"  # vehicle bought within the window at or above the limit
    FLAT = "INT_FLAT"  # residential flat registered within the window
    BUSINESS = "INT_BUSINESS"  # an active business (legal representative, operator or investor)
    PUBLIC_EMPLOYEE = "INT_PUBLIC_EMPLOYEE"  # on the public-employee payroll (财政供养人员)
    DEPOSITS = "INT_DEPOSITS"  # deposits and financial assets over the limit
    PAID_AFTER_DEATH = "INT_PAID_AFTER_DEATH"  # paid for a month after the month of death
    DIBAO_AND_TEKUN = "INT_DIBAO_AND_TEKUN"  # on dibao and tekun at once
    TWO_COUNTIES = "INT_TWO_COUNTIES"  # covered in two counties
    RELATIVE_UNFILED = "INT_RELATIVE_UNFILED"  # near relative of a village official, no filing (近亲属备案)
    PAYMENT_LATE = "INT_PAYMENT_LATE"  # payment not delivered within its month
    SEVERE_DISABILITY = "PRI_SEVERE_DISABILITY"  # grade 1-2 certificate, not covered
    MENTAL_INTELLECTUAL = "PRI_MENTAL_INTELLECTUAL"  # intellectual or mental grade 3-4, not covered
    MAJOR_ILLNESS = "PRI_MAJOR_ILLNESS"  # major-illness assistance and labour capacity lost, not covered

    @property
    def integrity(self) -> bool:
        return self.value.startswith("INT_")

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Code.VEHICLE: "保障对象近期购置机动车",
    Code.FLAT: "保障对象近期购置住房",
    Code.BUSINESS: "保障对象登记有经营主体",
    Code.PUBLIC_EMPLOYEE: "保障对象为财政供养人员",
    Code.DEPOSITS: "家庭存款及金融资产超过限额",
    Code.PAID_AFTER_DEATH: "死亡后仍发放保障金",
    Code.DIBAO_AND_TEKUN: "同时享受低保和特困供养",
    Code.TWO_COUNTIES: "在两个县同时享受救助",
    Code.RELATIVE_UNFILED: "村干部或经办人员近亲属未备案",
    Code.PAYMENT_LATE: "保障金未在当月发放到位",
    Code.SEVERE_DISABILITY: "重度残疾(一、二级)未纳入保障",
    Code.MENTAL_INTELLECTUAL: "三、四级智力或精神残疾未纳入保障",
    Code.MAJOR_ILLNESS: "获重特大疾病医疗救助且丧失劳动能力未纳入保障",
}


@dataclass(frozen=True, slots=True)
class Member:
    person_id: str  # canonical resident ID
    name: str = ""
    labor: str = ""  # full, partial, none ('' unknown)
    programs: frozenset[str] = frozenset()  # this person's own cover: dibao, tekun
    # cover through another family's household (moved out, still listed here): that family's, not this one's
    elsewhere: frozenset[str] = frozenset()

    @property
    def covered(self) -> bool:
        return bool(self.programs)


@dataclass(frozen=True, slots=True)
class Household:
    key: str  # registry primary key or synth household key
    village: str  # 12-digit village code
    members: tuple[Member, ...]
    card: bool = False  # 建档立卡户
    authorised: bool = True  # economic feeds may be used (核对授权, or an audited override)
    # resident IDs of family members the public-security hukou feed lists in this household's 户口簿 who are not in
    # the registry (their roster row was rejected): the household's financial assets include theirs (家庭经济状况核对
    # covers every member living together), and they count in the household size of the limit
    kin: tuple[str, ...] = ()

    @property
    def county(self) -> str:
        return self.village[:6]

    @property
    def covered(self) -> bool:
        return any(m.covered for m in self.members)


@dataclass(frozen=True, slots=True)
class Finding:
    code: Code
    household: str
    person_id: str  # '' for the household as a whole
    village: str
    evidence: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable; resident IDs masked

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.code.value, self.household, self.person_id)

    def message(self) -> str:
        detail = "; ".join(f"{k}: {v}" for k, v in self.evidence.items())
        return f"{self.code.label}({detail})"


@dataclass(frozen=True, slots=True)
class Limits:
    """The thresholds in force on `on` for a county, read from doudi/rules/parameters (never copied)."""

    on: date
    region: str
    vehicle: int  # fen, property.vehicle_limit
    financial_per_person: Fraction  # fen, multiple x prior-year disposable income
    max_houses: int
    citations: tuple[str, ...] = ()

    def financial_limit(self, persons: int) -> int:
        return int(self.financial_per_person * max(persons, 1))


LIMIT_PARAMETERS = (
    "property.vehicle_limit",
    "property.financial_assets_multiple",
    "property.disposable_income_prior_year",
    "property.max_houses",
)


def limits_on(on: date, region: str) -> Limits:
    params = parameters.at(on, region)
    per_person = params.ratio("property.financial_assets_multiple") * params.fen(
        "property.disposable_income_prior_year"
    )
    return Limits(
        on,
        region,
        params.fen("property.vehicle_limit"),
        per_person,
        params.count("property.max_houses"),
        tuple(params.get(name).cite() for name in LIMIT_PARAMETERS),
    )


def masked(person_id: str) -> str:
    return mask(person_id) if len(person_id) == 18 else person_id
