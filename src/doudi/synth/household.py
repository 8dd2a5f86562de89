"""One household: who lives in it, what it earns and owns, which roll covers it, and the truth about it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from doudi.core.divisions import Division
from doudi.synth.config import CoverageRates, Parameters
from doudi.synth.economy import (
    Deduction,
    Economy,
    Eligibility,
    Income,
    Supporter,
    Target,
    assess,
    countable,
    dibao_monthly,
    incomes_for,
    property_for,
    tekun_monthly,
)
from doudi.synth.people import Person, PersonFactory, counted, family, household_size, make_severe


class Coverage(StrEnum):
    NONE = "none"
    DIBAO = "dibao"  # the household in the dibao roll
    SINGLE = "dibao_single"  # one member covered as a single-person household (参照单人户, P4)
    TEKUN = "tekun"  # a lone person in the tekun roll


class Status(StrEnum):
    COVERED = "covered"  # covered and eligible
    MISSED = "missed"  # 漏保: card household eligible and not covered
    WRONGLY_COVERED = "wrongly_covered"  # 错保: covered and not eligible
    SINGLE_PERSON = "single_person"  # one member covered on her own (P4)
    NOT_ELIGIBLE = "not_eligible"  # card household, not covered, not eligible


@dataclass(frozen=True, slots=True)
class Plan:
    card: bool
    coverage: Coverage
    target: Target
    lone: bool = False  # a single person without labor capacity (tekun type)


def plan_card(rng: random.Random, rates: CoverageRates) -> Plan:
    u = rng.random()
    wrong = rng.random() < rates.wrongly_covered
    wrong_target = Target.INCOME_ABOVE if rng.random() < 0.7 else Target.PROPERTY_OVER
    if u < rates.tekun:
        return Plan(True, Coverage.TEKUN, wrong_target if wrong else Target.ELIGIBLE, lone=True)
    u -= rates.tekun
    if u < rates.dibao:
        return Plan(True, Coverage.DIBAO, wrong_target if wrong else Target.ELIGIBLE)
    u -= rates.dibao
    if u < rates.single_person:
        return Plan(True, Coverage.SINGLE, Target.INCOME_ABOVE)
    u -= rates.single_person
    if u < rates.missed:
        return Plan(True, Coverage.NONE, Target.ELIGIBLE, lone=rng.random() < rates.missed_tekun)
    return Plan(True, Coverage.NONE, Target.INCOME_ABOVE if rng.random() < 0.9 else Target.PROPERTY_OVER)


def plan_non_card(rng: random.Random, rates: CoverageRates, coverage: Coverage) -> Plan:
    wrong = rng.random() < rates.wrongly_covered
    target = (
        (Target.INCOME_ABOVE if rng.random() < 0.7 else Target.PROPERTY_OVER) if wrong else Target.ELIGIBLE
    )
    return Plan(False, coverage, target, lone=coverage is Coverage.TEKUN)


@dataclass
class Household:
    key: str
    number: str  # 户编号 in the poverty registry; "" for households outside it
    township: Division
    village: Division
    plan: Plan
    members: list[Person]  # living members on `as_of`
    supporters: tuple[Supporter, ...] | None = None  # recorded for one-person households
    deceased: Person | None = None  # died, still in the civil-affairs roll
    stale: Person | None = None  # moved out, still listed here in the poverty registry
    stale_to: str = ""  # the household key she moved to
    economy: Economy = field(default_factory=lambda: Economy((), (), ()))
    eligibility: Eligibility = field(default_factory=lambda: Eligibility(False, False, (), 0))
    covered: list[Person] = field(default_factory=list)  # rows of the dibao roll or the tekun person
    monthly: int = 0  # dibao: household total fen/month; tekun: basic living
    care: int = 0  # tekun care subsidy fen/month
    tier: str = ""
    institution: bool = False
    enrolled_on: date | None = None
    safety_net: bool = False
    exited: bool = False  # 已脱贫 in the poverty registry

    @property
    def status(self) -> Status:
        coverage, eligible = self.plan.coverage, self.eligibility
        if coverage is Coverage.DIBAO:
            return Status.COVERED if eligible.dibao else Status.WRONGLY_COVERED
        if coverage is Coverage.TEKUN:
            return Status.COVERED if eligible.tekun else Status.WRONGLY_COVERED
        if coverage is Coverage.SINGLE:
            return Status.SINGLE_PERSON
        return Status.MISSED if eligible.dibao or eligible.tekun else Status.NOT_ELIGIBLE


def lone_person(factory: PersonFactory, supported: bool) -> tuple[list[Person], tuple[Supporter, ...]]:
    """A person living alone without labor capacity: old, or severely disabled; `supported` = has an able
    supporter elsewhere (so not tekun)."""
    rng = factory.rng
    if rng.random() < 0.75:
        person = factory.person("户主", rng.randint(60, 92), rng.random() < 0.55)
    else:
        person = factory.person("户主", rng.randint(25, 59), rng.random() < 0.6)
        make_severe(rng, person)
    person.self_care = _self_care(rng, person, person.years)
    if supported:
        return [person], (Supporter(age=rng.randint(30, 55)),)
    if rng.random() < 0.6:
        return [person], ()
    return [person], (Supporter(age=rng.randint(60, 80), dibao=True),)


def _self_care(rng: random.Random, person: Person, age: int) -> str:
    grade = person.disability.grade if person.disability is not None else 9
    if grade == 1 or (age >= 85 and rng.random() < 0.5):
        return "全护理"
    if grade == 2 or (age >= 75 and rng.random() < 0.4):
        return "半自理"
    return "全自理"


def settle(h: Household, rng: random.Random, params: Parameters, as_of: date) -> None:
    """Income, property, enrolment and amounts, then the truth."""
    single = _pick_single(h, rng) if h.plan.coverage is Coverage.SINGLE else None
    incomes, deductions = incomes_for(rng, h.members, h.plan.target, params, as_of)
    items = property_for(rng, h.members, h.plan.target, params, as_of)
    coverage = h.plan.coverage
    if coverage is not Coverage.NONE:
        h.enrolled_on = as_of - timedelta(days=rng.randint(60, 2200))
    if coverage is Coverage.DIBAO:
        _enrol_dibao(h, rng, incomes, deductions, params)
    elif single is not None:
        _enrol_single(h, single, incomes, params)
    elif coverage is Coverage.TEKUN:
        h.covered = list(h.members)
        h.institution = rng.random() < 0.1
        h.monthly, h.care = tekun_monthly(h.members[0].self_care, h.institution, params)
        incomes.append(Income("social_assistance", (h.monthly + h.care) * 12, h.members[0].key))
    h.economy = Economy(tuple(incomes), tuple(deductions), tuple(items))
    h.eligibility = assess(h.members, h.economy, h.supporters or (), params, as_of)


def _enrol_dibao(
    h: Household, rng: random.Random, incomes: list[Income], deductions: list[Deduction], params: Parameters
) -> None:
    counted_members = [p for p in h.members if counted(p)]
    size = len(counted_members)
    at_enrolment = countable(incomes, deductions, params, {p.key for p in counted_members})
    if at_enrolment >= params.dibao_standard_yearly * size:  # income rose after enrolment (错保)
        at_enrolment = int(params.dibao_standard_yearly * size * rng.uniform(0.4, 0.9))
    h.covered = counted_members + ([h.deceased] if h.deceased is not None else [])
    h.monthly, h.tier = dibao_monthly(at_enrolment, size, len(h.covered), params)
    incomes.append(Income("social_assistance", h.monthly * 12))


def _pick_single(h: Household, rng: random.Random) -> Person:
    """The member covered on her own: given a severe disability before incomes are drawn."""
    candidates = [p for p in h.members if p.relation != "户主"] or h.members
    person = rng.choice(candidates)
    make_severe(rng, person)
    return person


def _enrol_single(h: Household, person: Person, incomes: list[Income], params: Parameters) -> None:
    own = sum(i.amount for i in incomes if i.member == person.key and i.kind not in params.excluded_income)
    h.covered = [person]
    h.monthly, h.tier = dibao_monthly(own, 1, 1, params)
    incomes.append(Income("social_assistance", h.monthly * 12, person.key))


def build(
    factory: PersonFactory,
    plan: Plan,
    size: int,
    head_age: int | None = None,
    surname: str | None = None,
) -> tuple[list[Person], tuple[Supporter, ...] | None]:
    """Members (and supporters for one-person households) for a plan."""
    if plan.lone:
        return lone_person(factory, supported=False)
    members = family(factory, size, head_age, surname)
    if len(members) == 1:
        return members, (Supporter(age=factory.rng.randint(30, 55)),)
    return members, None


def draw_size(rng: random.Random, remaining: int) -> int:
    return min(household_size(rng), remaining)
