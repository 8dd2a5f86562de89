"""Tekun (特困人员救助供养), RULES.md §4: T1 no labor capacity, T2 no means of living, T3 no able
supporter; care level from the six daily activities and the monthly standard (basic living + care subsidy).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from doudi.rules.composition import age, in_counted_school
from doudi.rules.model import SIX_ACTIVITIES, CareMode, Member, Supporter
from doudi.rules.parameters import ParameterSet

SEVERE = {("5", 1), ("5", 2), ("5", 3), ("6", 1), ("6", 2), ("6", 3), ("4", 1), ("4", 2), ("1", 1)}


class CareLevel(StrEnum):
    SELF = "self"  # 生活自理
    PARTIAL = "partial"  # 部分丧失生活自理能力
    FULL = "full"  # 完全丧失生活自理能力

    @property
    def text(self) -> str:
        return {"self": "生活自理", "partial": "部分丧失生活自理能力", "full": "完全丧失生活自理能力"}[
            self.value
        ]


# The T1 grounds in the order `t1` tests them (the vectorised path stores the index into this tuple).
T1_GROUNDS = (
    "年满60周岁",
    "未满16周岁",
    "已纳入特困供养的未成年人, 保障至18周岁",
    "已纳入特困供养, 年满18周岁后仍在校就读",
    "残疾等级达到无劳动能力标准(智力/精神1-3级, 肢体1-2级, 视力1级)",
)


def t1(member: Member, on: date, enrolled: bool) -> str | None:
    """T1 (无劳动能力): the ground in Chinese, or None. Minors stay covered to 18, and beyond while in
    school."""
    years = age(member, on)
    if years >= 60:
        return T1_GROUNDS[0]
    if years < 16:
        return T1_GROUNDS[1]
    if enrolled and years < 18:
        return T1_GROUNDS[2]
    if enrolled and in_counted_school(member):
        return T1_GROUNDS[3]
    d = member.disability
    if d is not None and (d.category, d.grade) in SEVERE:
        return T1_GROUNDS[4]
    return None


def supporter_unable(s: Supporter) -> bool:
    """A supporter who cannot pay: tekun, dibao aged 60+, aged 70+ with low income, or severely disabled."""
    return s.tekun or (s.dibao and s.age >= 60) or (s.age >= 70 and s.low_income) or s.severe_disability


def t3(member: Member) -> bool | None:
    """T3: no supporter, or none able to pay; None when supporters are not recorded."""
    if member.supporters is None:
        return None
    return all(supporter_unable(s) for s in member.supporters)


def care_level(member: Member) -> CareLevel | None:
    if member.daily_activities is None or set(member.daily_activities) != set(SIX_ACTIVITIES):
        return None
    failed = sum(1 for ok in member.daily_activities.values() if not ok)
    if failed >= 4:
        return CareLevel.FULL
    return CareLevel.PARTIAL if failed else CareLevel.SELF


@dataclass(frozen=True)
class TekunAmount:
    basic: int
    care: int

    @property
    def total(self) -> int:
        return self.basic + self.care


def amount(level: CareLevel, mode: CareMode, params: ParameterSet) -> TekunAmount:
    name = f"tekun.care_{mode.value}_{level.value}"
    care = params.fen(name) if params.has(name) else 0  # the care subsidy figures start in 2020 (RULES.md §8)
    return TekunAmount(params.fen("tekun.basic_living_monthly"), care)
