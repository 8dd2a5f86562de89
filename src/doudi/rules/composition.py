"""Household composition (共同生活家庭成员, RULES.md §3): who counts for income, property and benefit."""

from __future__ import annotations

from datetime import date

from doudi.core.ids import age_from_birth
from doudi.rules.model import SCHOOL_LEVELS_COUNTED, LaborCapacity, Member, Relation

CLERGY_YEARS = 3  # clergy living at a religious site 3+ years are not counted (§3)
_DUTY_BY_DEFAULT = {Relation.PARENT, Relation.GRANDPARENT, Relation.GRANDCHILD}


def age(member: Member, on: date) -> int:
    return age_from_birth(member.birth_date, on)


def in_counted_school(member: Member) -> bool:
    """A full-time student up to bachelor level (本科及以下)."""
    return member.in_school and (member.school_level is None or member.school_level in SCHOOL_LEVELS_COUNTED)


def exclusion(member: Member) -> str | None:
    """Why a member is never counted, or None."""
    if member.in_prison:
        return "服刑或强制隔离戒毒"
    if member.missing:
        return "宣告失踪"
    if member.clergy_years >= CLERGY_YEARS:
        return "在宗教场所居住3年以上的宗教教职人员"
    return None


def _adult_child_counts(member: Member) -> bool:
    if in_counted_school(member):
        return True
    independent = member.can_live_independently
    if independent is None:
        independent = member.labor_capacity == LaborCapacity.FULL
    return not independent


def why_not_counted(member: Member, on: date) -> str | None:
    """None when the member is a 共同生活家庭成员 on the date; otherwise the reason in Chinese."""
    excluded = exclusion(member)
    if excluded:
        return excluded
    if member.relation in (Relation.HEAD, Relation.SPOUSE):
        return None
    if member.relation == Relation.CHILD:
        if age(member, on) < 18 or _adult_child_counts(member):
            return None
        return "成年子女能独立生活且不在校"
    duty = member.support_duty if member.support_duty is not None else member.relation in _DUTY_BY_DEFAULT
    if duty and member.lives_with_family:
        return None
    return "无法定赡养、抚养、扶养关系或未长期共同生活"


def counted(members: tuple[Member, ...], on: date) -> list[Member]:
    return [m for m in members if why_not_counted(m, on) is None]
