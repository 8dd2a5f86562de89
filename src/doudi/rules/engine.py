"""The per-household assessment: every rule of RULES.md §3-§6 applied to one household on one date.

`assess(household, on)` returns an `Assessment`: outcome, reason codes, monthly amounts in fen, member
results, month-by-month timelines and an explanation citing every parameter used. The vectorised path
(`doudi.rules.batch`)
must give the same results; tests compare the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from doudi.rules import dibao, links, tekun
from doudi.rules.assets import property_failures
from doudi.rules.composition import age, why_not_counted
from doudi.rules.explain import Explanation
from doudi.rules.income import IncomeResult, countable_income
from doudi.rules.io import household_to_json
from doudi.rules.model import Household, Member
from doudi.rules.parameters import ParameterSet
from doudi.rules.parameters import at as parameters_at
from doudi.rules.reasons import Outcome, Reason
from doudi.rules.tekun import CareLevel
from doudi.rules.timelines import ExitMonth, SanctionMonth, exit_state_on, gradual_exit, month_of, sanctions


@dataclass
class MemberResult:
    person_id: str
    age: int
    counted: bool
    not_counted: str | None = None
    tekun: bool = False  # eligible for (or continuing in) tekun
    tekun_ground: str | None = None
    care_level: CareLevel | None = None
    tekun_amount: int = 0  # fen per month
    single_person: bool = False
    single_person_benefit: int = 0  # fen per month
    sanctioned: bool = False
    sanction_timeline: list[SanctionMonth] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "age": self.age,
            "counted": self.counted,
            "not_counted": self.not_counted,
            "tekun": self.tekun,
            "tekun_ground": self.tekun_ground,
            "care_level": self.care_level.value if self.care_level else None,
            "tekun_amount_fen": self.tekun_amount,
            "single_person": self.single_person,
            "single_person_benefit_fen": self.single_person_benefit,
            "sanctioned": self.sanctioned,
            "sanction_timeline": [
                {
                    "month": s.month.isoformat()[:7],
                    "refusals_in_a_row": s.refusals_in_a_row,
                    "sanctioned": s.sanctioned,
                    "transition": s.transition,
                }
                for s in self.sanction_timeline
            ],
            "reasons": [r.value for r in self.reasons],
        }


@dataclass
class Assessment:
    household_id: str
    on: date
    region: str
    parameter_version: str
    outcome: Outcome = Outcome.NOT_ELIGIBLE
    reasons: list[Reason] = field(default_factory=list)
    benefit: int = 0  # household dibao, fen per month
    members: list[MemberResult] = field(default_factory=list)
    gradual_exit: list[ExitMonth] = field(default_factory=list)
    temporary: links.TemporaryAssistance | None = None
    edge: bool = False
    review_months: int | None = None
    explanation: Explanation = field(default_factory=lambda: Explanation({}))

    def add(self, reason: Reason) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)

    @property
    def tekun_total(self) -> int:
        return sum(m.tekun_amount for m in self.members)

    @property
    def single_person_total(self) -> int:
        return sum(m.single_person_benefit for m in self.members)

    @property
    def total(self) -> int:
        """Everything this household would receive per month: dibao + tekun + single-person cover."""
        return self.benefit + self.tekun_total + self.single_person_total

    def as_json(self, explanation: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "household_id": self.household_id,
            "date": self.on.isoformat(),
            "region": self.region,
            "parameter_version": self.parameter_version,
            "outcome": self.outcome.value,
            "outcome_text": self.outcome.text,
            "reasons": [r.value for r in self.reasons],
            "reason_texts": [r.text for r in self.reasons],
            "benefit_fen": self.benefit,
            "tekun_fen": self.tekun_total,
            "single_person_fen": self.single_person_total,
            "total_fen": self.total,
            "edge": self.edge,
            "review_months": self.review_months,
            "members": [m.as_json() for m in self.members],
            "gradual_exit": [
                {
                    "month": s.month.isoformat()[:7],
                    "state": s.state,
                    "index": s.index,
                    "benefit_fen": s.benefit,
                    "transition": s.transition,
                }
                for s in self.gradual_exit
            ],
            "temporary_assistance": self.temporary.as_json() if self.temporary else None,
        }
        if explanation:
            out["explanation"] = self.explanation.as_json()
        return out

    def render(self) -> str:
        from doudi.core.money import yuan

        lines = [
            f"户 {self.household_id}({self.region}), 研判日期 {self.on.isoformat()}, "
            f"参数版本 {self.parameter_version}",
            f"结论: {self.outcome.text}",
            f"每月低保金 {yuan(self.benefit)} 元; 特困供养 {yuan(self.tekun_total)} 元; "
            f"单人户保障 {yuan(self.single_person_total)} 元",
            "理由:",
            *[f"  - [{r.value}] {r.text}" for r in self.reasons],
        ]
        if self.gradual_exit:
            lines.append("救助渐退逐月安排:")
        for s in self.gradual_exit:
            state = "渐退期内照发" if s.state == "gradual_exit" else "停发退出"
            lines.append(
                f"  {s.month:%Y-%m} 第{s.index}月 {state} {yuan(s.benefit)} 元 {s.transition or ''}".rstrip()
            )
        for m in self.members:
            if m.sanction_timeline:
                lines.append(f"成员 {m.person_id} 拒绝参加扶贫项目逐月情况:")
            for t in m.sanction_timeline:
                state = "本人份额停发/减发" if t.sanctioned else "正常"
                lines.append(
                    f"  {t.month:%Y-%m} 连续无正当理由拒绝 {t.refusals_in_a_row} 次, {state} {t.transition or ''}".rstrip()
                )
        return "\n".join(lines) + "\n" + self.explanation.render()


@dataclass
class _Facts:
    """Household-level values the rules share."""

    members: list[Member]
    persons: int
    standard: int
    income: IncomeResult
    pc_yearly: Fraction
    below: bool
    hukou_ok: bool | None
    property_failures: list[Reason] | None


def _facts(h: Household, on: dict[str, Member], params: ParameterSet, a: Assessment) -> _Facts:
    members = list(on.values())
    persons = len(members)
    ex = a.explanation
    ex.add("members.counted", "共同生活家庭成员人数", persons, "人")
    standard = dibao.standard_yearly(h.hukou_type, params)
    ex.add("dibao.standard_yearly", "年低保标准", standard, "fen", "城市户口按月标准 x 12")
    income = countable_income(h.income, h.deductions, set(on), params)
    ex.add("income.gross", "可计收入(近12个月)", income.gross, "fen")
    ex.add("income.excluded", "不计入的收入", income.excluded, "fen")
    ex.add("income.rigid", "刚性支出扣减(扣除报销)", income.rigid, "fen")
    ex.add(
        "income.employment",
        "就业成本扣减",
        income.employment,
        "fen",
        "工资性收入 x 扣减比例, 不超过每月上限 x 12",
    )
    ex.add("income.net", "扣减后可计收入", income.net, "fen", "不低于0")
    pc_yearly = income.net / persons if persons else Fraction(0)
    ex.add("income.per_capita_yearly", "年人均可计收入", pc_yearly, "fen")
    below = dibao.income_below(income.net, persons, standard)
    ex.add("d2.below", "年人均收入低于低保标准(D2)", below)
    hukou_ok = None if h.hukou_county is None or h.hukou_type is None else h.hukou_county == h.region[:6]
    ex.add("d1.hukou_in_county", "户籍在本县(D1)", "未知" if hukou_ok is None else hukou_ok)
    failures = None if h.property is None else property_failures(h.property, persons, a.on, params)
    ex.add(
        "d3.failures", "财产核查未通过项(D3)", "未核查" if failures is None else [r.value for r in failures]
    )
    _evidence(h, ex)
    return _Facts(members, persons, standard, income, pc_yearly, below, hukou_ok, failures)


def _evidence(h: Household, ex: Explanation) -> None:
    """Where departments' data (家庭经济状况核对) replaced or added to the declaration, item by item."""
    for n, note in enumerate(h.evidence_notes):
        ex.add(f"evidence.note.{n}", "部门数据核对", note)
    for n, source in enumerate(i.source for i in h.income if i.source):
        ex.add(f"evidence.income.{n}", "收入依据", source)
    for n, source in enumerate(p.source for p in h.property or () if p.source):
        ex.add(f"evidence.property.{n}", "财产依据", source)


def _members(h: Household, a: Assessment) -> dict[str, Member]:
    counted: dict[str, Member] = {}
    for m in h.members:
        why = why_not_counted(m, a.on)
        a.members.append(MemberResult(m.person_id, age(m, a.on), why is None, why))
        if why is None:
            counted[m.person_id] = m
        else:
            a.add(Reason.MEMBER_NOT_COUNTED)
    return counted


def _result(a: Assessment, person_id: str) -> MemberResult:
    return next(r for r in a.members if r.person_id == person_id)


def _tekun(h: Household, f: _Facts, params: ParameterSet, a: Assessment) -> bool:
    """T1-T3 for each counted member; returns whether data is missing for a possible tekun member."""
    means_ok = f.below and f.hukou_ok is True and f.property_failures == []
    missing = False
    for m in f.members:
        r = _result(a, m.person_id)
        enrolled = m.person_id in h.enrolment.tekun
        ground = tekun.t1(m, a.on, enrolled)
        if enrolled and (ground is None or not means_ok):
            r.reasons.append(Reason.T_ENDS)
            a.add(Reason.T_ENDS)
            continue
        if ground is None or not means_ok:
            continue
        no_supporter = tekun.t3(m)
        level = tekun.care_level(m)
        if no_supporter is None or level is None:
            missing = True
            r.reasons.append(Reason.T_DATA_MISSING)
            continue
        if not no_supporter:
            continue
        amount = tekun.amount(level, m.care_mode, params)
        r.tekun, r.tekun_ground, r.care_level, r.tekun_amount = True, ground, level, amount.total
        r.reasons.append(Reason.COVERED_TEKUN if enrolled else Reason.T_ELIGIBLE)
        a.explanation.add(
            f"tekun.{m.person_id}",
            f"成员 {m.person_id} 特困供养: {ground}, {level.text}",
            amount.total,
            "fen",
            "基本生活标准 + 照料护理补贴",
        )
    return missing


def _sanctioned_units(h: Household, f: _Facts, params: ParameterSet, a: Assessment) -> Fraction:
    """P6: the shares withheld this month from members sanctioned for refusals."""
    if not h.poverty.card_household or not params.has("sanction.refusal_threshold"):
        return Fraction(0)
    withheld = Fraction(0)
    for m in f.members:
        if not m.offers or m.employed or not links.labor_capable(m, a.on):
            continue
        r = _result(a, m.person_id)
        r.sanction_timeline = sanctions(m.offers, params.count("sanction.refusal_threshold"), a.on)
        if r.sanction_timeline and r.sanction_timeline[-1].sanctioned and not r.tekun:
            r.sanctioned = True
            r.reasons.append(Reason.P6_SANCTION)
            a.add(Reason.P6_SANCTION)
            withheld += params.ratio("sanction.share_reduction")
    return withheld


def _benefit(f: _Facts, units: Fraction, params: ParameterSet, a: Assessment) -> dibao.Benefit:
    b = dibao.benefit(f.pc_yearly / 12, f.standard, units, params)
    a.explanation.add("dibao.units", "保障人数(扣除特困人员和被处理成员份额)", units, "人")
    a.explanation.add(
        "dibao.per_person",
        "每人每月保障金",
        b.per_person,
        "fen",
        "月低保标准 - 月人均收入" if b.method == "gap" else f"分档 {b.tier}",
    )
    a.explanation.add("dibao.benefit", "每月低保金(四舍五入到分)", b.amount, "fen")
    a.add(Reason.BENEFIT_GAP if b.method == "gap" else Reason.BENEFIT_TIERS)
    return b


def _enrolled(h: Household, f: _Facts, units: Fraction, params: ParameterSet, a: Assessment) -> None:
    """A household already in dibao: P2 脱贫不脱保 or P3 救助渐退."""
    a.outcome = Outcome.ALREADY_COVERED
    a.add(Reason.COVERED_DIBAO)
    if f.below:
        a.benefit = _benefit(f, units, params, a).amount
        if (
            h.poverty.card_household
            and h.poverty.exited
            and f.pc_yearly > params.fen("poverty.exit_line_yearly")
        ):
            a.add(Reason.P2_KEEP_DIBAO)
        return
    if not params.has("gradual_exit.months_default"):  # before the rule: the household leaves at once
        a.outcome = Outcome.NOT_ELIGIBLE
        a.add(Reason.P3_EXIT_ENDED)
        return
    months = h.enrolment.gradual_exit_months or params.count("gradual_exit.months_default")
    first = h.enrolment.income_above_since or month_of(a.on)
    a.gradual_exit = gradual_exit(
        first,
        months,
        h.enrolment.dibao_benefit,
        params.count("gradual_exit.months_min"),
        params.count("gradual_exit.months_max"),
    )
    state = exit_state_on(a.gradual_exit, a.on)
    a.explanation.add("p3.months", "救助渐退期(月)", months, "月")
    if state is None or state.state == "gradual_exit":
        a.benefit = h.enrolment.dibao_benefit
        a.add(Reason.P3_GRADUAL_EXIT)
        return
    a.outcome = Outcome.NOT_ELIGIBLE
    a.add(Reason.P3_EXIT_ENDED)


def _single_person(h: Household, f: _Facts, params: ParameterSet, a: Assessment) -> None:
    """P4: priority-group members of a card household not covered as a whole, on their own application."""
    if not h.poverty.card_household or f.hukou_ok is not True:
        return
    for m in f.members:
        r = _result(a, m.person_id)
        if (
            r.tekun
            or m.person_id in h.enrolment.tekun
            or not (links.priority_group(m) and m.dependent_on_family)
        ):
            continue
        if not m.applies_single_person:
            r.reasons.append(Reason.P4_CAN_APPLY)
            a.add(Reason.P4_CAN_APPLY)
            continue
        own = countable_income(
            tuple(i for i in h.income if i.member == m.person_id),
            tuple(d for d in h.deductions if d.member == m.person_id),
            {m.person_id},
            params,
        )
        if not dibao.income_below(own.net, 1, f.standard):
            r.reasons.append(Reason.P4_NOT_ELIGIBLE)
            a.add(Reason.P4_NOT_ELIGIBLE)
            continue
        b = dibao.benefit(own.net / 12, f.standard, Fraction(1), params)
        r.single_person, r.single_person_benefit = True, b.amount
        r.reasons.append(Reason.P4_SINGLE_PERSON)
        a.add(Reason.P4_SINGLE_PERSON)
        a.explanation.add(
            f"p4.{m.person_id}",
            f"成员 {m.person_id} 参照单人户: 本人年收入 {own.net / 100} 元",
            b.amount,
            "fen",
        )


def _new(
    h: Household, f: _Facts, units: Fraction, tekun_missing: bool, params: ParameterSet, a: Assessment
) -> None:
    """A household not yet in dibao: D1-D3, the benefit, or member-level cover."""
    failures: list[Reason] = []
    unknown: list[Reason] = []
    if f.persons == 0:
        unknown.append(Reason.NO_COUNTED_MEMBERS)
    if f.hukou_ok is None:
        unknown.append(Reason.D1_HUKOU_MISSING)
    else:
        (a.add if f.hukou_ok else failures.append)(
            Reason.D1_HUKOU_OK if f.hukou_ok else Reason.D1_HUKOU_OUTSIDE
        )
    if f.persons:
        (a.add if f.below else failures.append)(
            Reason.D2_INCOME_BELOW if f.below else Reason.D2_INCOME_NOT_BELOW
        )
    if f.property_failures is None:
        unknown.append(Reason.D3_PROPERTY_MISSING)
    elif f.property_failures:
        failures.extend(f.property_failures)
    else:
        a.add(Reason.D3_PROPERTY_OK)
    for reason in failures + unknown:
        a.add(reason)
    if not failures and not unknown and units > 0:
        b = _benefit(f, units, params, a)
        a.outcome, a.benefit = Outcome.ELIGIBLE_DIBAO, b.amount
        if h.poverty.card_household and dibao.below_exit_line(f.pc_yearly, b, params):
            a.add(Reason.BELOW_EXIT_LINE)
        return
    _single_person(h, f, params, a)
    if any(r.tekun or r.single_person for r in a.members):
        a.outcome = Outcome.MEMBERS_ELIGIBLE
    elif failures:
        a.outcome = Outcome.NOT_ELIGIBLE
    elif unknown or tekun_missing:
        a.outcome = Outcome.NEEDS_DATA
    else:
        a.outcome = Outcome.NOT_ELIGIBLE


def _checks(h: Household, f: _Facts, params: ParameterSet, a: Assessment) -> None:
    """P1, P5, M1, M2, M3: flags that do not change the outcome."""
    household_covered = a.outcome in (Outcome.ELIGIBLE_DIBAO, Outcome.ALREADY_COVERED) and (
        a.benefit > 0 or Reason.COVERED_DIBAO in a.reasons
    )
    if not household_covered and Reason.P6_SANCTION in a.reasons:  # a sanction only bites on a paid household
        a.reasons.remove(Reason.P6_SANCTION)
    if h.poverty.card_household:
        for m in f.members:
            r = _result(a, m.person_id)
            covered = household_covered or r.tekun or r.single_person or m.person_id in h.enrolment.tekun
            if links.lost_labor_capacity(m) and not covered:
                a.add(Reason.P1_UNCOVERED)
        if household_covered and links.without_support(h, f.members, a.on):
            a.add(Reason.P5_NO_SUPPORT)
    if household_covered:
        a.review_months = links.review_months(h, f.members, a.on, params)
    a.edge = links.edge(f.income.net, f.persons, f.standard, params)
    if a.edge:
        a.add(Reason.M3_EDGE)
    if h.hardship is not None and params.has("temporary.multiple_max"):
        covered = household_covered or a.outcome == Outcome.MEMBERS_ELIGIBLE or bool(h.enrolment.tekun)
        a.temporary = links.temporary_assistance(
            h.hardship, f.standard, covered, h.poverty.card_household, params
        )
        a.add(Reason.M2_TEMPORARY)


def assess(household: Household, on: date, params: ParameterSet | None = None) -> Assessment:
    """Assess one household on one date with the parameters in force there (or the ones given)."""
    params = (params or parameters_at(on, household.region)).fork()
    a = Assessment(household.household_id, on, household.region, params.version)
    a.explanation = Explanation(lambda: household_to_json(household))
    counted = _members(household, a)
    f = _facts(household, counted, params, a)
    if f.income.deductions_exceed and (f.income.gross or f.income.rigid):
        a.add(Reason.DEDUCTIONS_EXCEED_INCOME)
    tekun_missing = _tekun(household, f, params, a)
    if tekun_missing:
        a.add(Reason.T_DATA_MISSING)
    if any(r.tekun for r in a.members):
        a.add(
            Reason.T_ELIGIBLE
            if any(r.tekun and r.person_id not in household.enrolment.tekun for r in a.members)
            else Reason.COVERED_TEKUN
        )
    in_tekun = sum(
        1
        for r in a.members
        if r.tekun
        or (r.person_id in household.enrolment.tekun and r.counted and Reason.T_ENDS not in r.reasons)
    )
    units = Fraction(f.persons - in_tekun) - _sanctioned_units(household, f, params, a)
    if household.enrolment.dibao:
        _enrolled(household, f, units, params, a)
    elif household.enrolment.tekun and in_tekun == f.persons and f.persons > 0:
        a.outcome = Outcome.ALREADY_COVERED
        a.add(Reason.COVERED_TEKUN)
    else:
        _new(household, f, max(units, Fraction(0)), tekun_missing, params, a)
    _checks(household, f, params, a)
    a.explanation.parameters = params.used_in_order()
    return a
