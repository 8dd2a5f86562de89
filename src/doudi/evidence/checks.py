"""Integrity checks (wrong or missed cover): each check is a function from a household and the evidence to
findings with a stable code. Checks never change a benefit: the caller opens a review case with the evidence.

Economic feeds (vehicles, real estate, business, tax, social security, housing fund, banks, payroll) are used for
a household only when `Household.authorised` (家庭经济状况核对授权); the other checks use feeds that are not
about the household's economic status (deaths, payments, the province's assistance roll, officials).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from doudi.evidence.model import Code, Finding, Household, Limits, Member, masked
from doudi.evidence.records import Evidence
from doudi.rules.assets import bought_in_last_12_months


@dataclass(frozen=True)
class Context:
    on: date
    limits: Limits
    evidence: Evidence
    filings: frozenset[tuple[str, str]] = frozenset()  # (official ID, relative ID) with a 近亲属备案
    officials_by_hukou: dict[str, list[str]] = field(
        default_factory=dict, init=False
    )  # built from the evidence

    def __post_init__(self) -> None:
        index: dict[str, list[str]] = {}
        for official_id in self.evidence.officials:
            entry = self.evidence.hukou.get(official_id)
            if entry is not None:
                index.setdefault(entry.hukou_no, []).append(official_id)
        object.__setattr__(self, "officials_by_hukou", index)


Check = Callable[[Household, Context], Iterator[Finding]]


def _finding(code: Code, h: Household, person_id: str, **evidence: object) -> Finding:
    return Finding(code, h.key, person_id, h.village, dict(evidence))


def _yuan(fen: int) -> str:
    return f"{fen / 100:.2f}元"


def vehicle(h: Household, ctx: Context) -> Iterator[Finding]:
    for m in h.members:
        for v in ctx.evidence.vehicles.get(m.person_id, ()):
            recent = bought_in_last_12_months(v.registered_on, ctx.on)
            if recent and not v.mobility and v.price >= ctx.limits.vehicle:
                yield _finding(
                    Code.VEHICLE,
                    h,
                    m.person_id,
                    号牌=v.plate,
                    登记日期=v.registered_on.isoformat(),
                    购置价格=_yuan(v.price),
                    限额=_yuan(ctx.limits.vehicle),
                )


def flat(h: Household, ctx: Context) -> Iterator[Finding]:
    for m in h.members:
        for f in ctx.evidence.flats.get(m.person_id, ()):
            if f.residential and bought_in_last_12_months(f.registered_on, ctx.on):
                yield _finding(
                    Code.FLAT,
                    h,
                    m.person_id,
                    不动产权证号=f.certificate,
                    登记日期=f.registered_on.isoformat(),
                    交易价格=_yuan(f.price),
                )


def business(h: Household, ctx: Context) -> Iterator[Finding]:
    for m in h.members:
        for b in ctx.evidence.businesses.get(m.person_id, ()):
            if b.active:
                yield _finding(
                    Code.BUSINESS,
                    h,
                    m.person_id,
                    市场主体=b.name,
                    统一社会信用代码=b.credit_code,
                    身份=b.role,
                    登记状态=b.status,
                )


def public_employee(h: Household, ctx: Context) -> Iterator[Finding]:
    for m in h.members:
        for s in ctx.evidence.salaries.get(m.person_id, ()):
            yield _finding(Code.PUBLIC_EMPLOYEE, h, m.person_id, 单位=s.employer, 月工资=_yuan(s.monthly))


def deposits(h: Household, ctx: Context) -> Iterator[Finding]:
    ids = [m.person_id for m in h.members] + list(h.kin)
    total = sum(d.balance for i in ids for d in ctx.evidence.deposits.get(i, ()))
    limit = ctx.limits.financial_limit(len(ids))
    if total > limit:
        yield _finding(Code.DEPOSITS, h, "", 家庭金融资产=_yuan(total), 限额=_yuan(limit), 家庭人口=len(ids))


def _month_after(died_on: date) -> date:
    return date(died_on.year + died_on.month // 12, died_on.month % 12 + 1, 1)


def paid_after_death(h: Household, ctx: Context) -> Iterator[Finding]:
    payments = [p for m in h.members for p in ctx.evidence.payments.get(m.person_id, ())]
    for m in h.members:
        death = ctx.evidence.deaths.get(m.person_id)
        if death is None or not m.covered:
            continue
        after = sorted({p.month for p in payments if p.month >= _month_after(death.died_on)})
        if after:
            yield _finding(
                Code.PAID_AFTER_DEATH,
                h,
                m.person_id,
                死亡日期=death.died_on.isoformat(),
                死亡后发放月份="、".join(f"{d:%Y-%m}" for d in after),
            )


def dibao_and_tekun(h: Household, ctx: Context) -> Iterator[Finding]:
    for m in h.members:
        programs = set(m.programs) | {
            c.program for c in ctx.evidence.other_cover.get(m.person_id, ()) if c.county == h.county
        }
        if {"dibao", "tekun"} <= programs:
            yield _finding(
                Code.DIBAO_AND_TEKUN, h, m.person_id, 本县保障=_programs(m), 省救助系统="低保、特困"
            )


def _programs(m: Member) -> str:
    return "、".join({"dibao": "低保", "tekun": "特困"}[p] for p in sorted(m.programs))


def two_counties(h: Household, ctx: Context) -> Iterator[Finding]:
    for m in h.members:
        if not m.covered:
            continue
        others = sorted(
            {c.county for c in ctx.evidence.other_cover.get(m.person_id, ()) if c.county != h.county}
        )
        if others:
            yield _finding(Code.TWO_COUNTIES, h, m.person_id, 本县=h.county, 外县="、".join(others))


def relative_unfiled(h: Household, ctx: Context) -> Iterator[Finding]:
    """A member in the same hukou household (户籍同户) as a village official or caseworker, with no filing."""
    hukou = ctx.evidence.hukou
    for m in h.members:
        entry = hukou.get(m.person_id)
        if entry is None:
            continue
        for official_id in ctx.officials_by_hukou.get(entry.hukou_no, ()):
            if official_id == m.person_id or (official_id, m.person_id) in ctx.filings:
                continue
            posts = "、".join(p.role for p in ctx.evidence.officials[official_id])
            yield _finding(
                Code.RELATIVE_UNFILED,
                h,
                official_id,
                职务=posts,
                人员=masked(official_id),
                同户成员=masked(m.person_id),
                户号=entry.hukou_no,
            )


def _month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def payment_late(h: Household, ctx: Context) -> Iterator[Finding]:
    for m in h.members:
        for p in ctx.evidence.payments.get(m.person_id, ()):
            end = _month_end(p.month)
            if (p.paid_on is None and end >= ctx.on) or (p.paid_on is not None and p.paid_on <= end):
                continue
            when = p.paid_on.isoformat() if p.paid_on else "未到账"
            yield _finding(
                Code.PAYMENT_LATE,
                h,
                m.person_id,
                所属月份=f"{p.month:%Y-%m}",
                到账日期=when,
                金额=_yuan(p.amount),
            )


def with_province_cover(h: Household, evidence: Evidence) -> Household:
    """The household with the province's assistance roll (全省社会救助对象信息) completing the registry's cover: a
    member the registry has no cover for, whom the roll lists on dibao or tekun in this county (their roll row was
    rejected at import, say), counts as covered. A member covered through the family they moved to keeps that."""
    changed = False
    members = []
    for m in h.members:
        if not m.covered and not m.elsewhere:
            roll = frozenset(
                c.program for c in evidence.other_cover.get(m.person_id, ()) if c.county == h.county
            )
            if roll:
                m, changed = replace(m, programs=roll), True
        members.append(m)
    return replace(h, members=tuple(members)) if changed else h


ECONOMIC: tuple[Check, ...] = (vehicle, flat, business, public_employee, deposits)
OTHER: tuple[Check, ...] = (paid_after_death, dibao_and_tekun, two_counties, relative_unfiled, payment_late)


def integrity(households: Iterable[Household], ctx: Context) -> Iterator[Finding]:
    """Every integrity finding of the covered households; economic feeds only where authorised."""
    for h in households:
        if not h.covered:
            continue
        checks = (ECONOMIC + OTHER) if h.authorised else OTHER
        seen: set[tuple[str, str, str]] = set()
        for check in checks:
            for finding in check(h, ctx):
                if finding.key not in seen:
                    seen.add(finding.key)
                    yield finding
