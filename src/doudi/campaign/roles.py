"""Who acts in the campaign. The values are those of `doudi.registry.models.Role` (this package imports no
Django; a functional test keeps the two in step), plus `system` for the change hooks of step S5."""

from __future__ import annotations

from enum import StrEnum


class Actor(StrEnum):
    VILLAGE = "village"  # 村(驻村工作队)
    TOWNSHIP = "township"  # 乡镇
    COUNTY_CIVIL = "county_civil"  # 县民政局
    COUNTY_POVERTY = "county_poverty"  # 县扶贫办
    COUNTY_COMMITTEE = "county_committee"  # 县扶贫开发领导小组秘书
    PREFECTURE = "prefecture"  # 州(市)督导
    PROVINCE = "province"  # 省督导
    ADMIN = "admin"  # 系统管理员
    SYSTEM = "system"  # 系统(变化触发的自动重新研判)

    @property
    def text(self) -> str:
        return ACTOR_TEXT[self]


ACTOR_TEXT = {
    Actor.VILLAGE: "村(驻村工作队)",
    Actor.TOWNSHIP: "乡镇",
    Actor.COUNTY_CIVIL: "县民政局",
    Actor.COUNTY_POVERTY: "县扶贫办",
    Actor.COUNTY_COMMITTEE: "县领导小组秘书",
    Actor.PREFECTURE: "州(市)督导",
    Actor.PROVINCE: "省督导",
    Actor.ADMIN: "系统管理员",
    Actor.SYSTEM: "系统",
}

FIELD_WORK = frozenset({Actor.VILLAGE, Actor.TOWNSHIP, Actor.COUNTY_CIVIL})
COUNTY_OFFICES = frozenset({Actor.COUNTY_CIVIL, Actor.COUNTY_POVERTY})
SUPERVISORS = frozenset({Actor.PREFECTURE, Actor.PROVINCE})
HUMANS = frozenset(Actor) - {Actor.SYSTEM}


def actor(value: str) -> Actor:
    """The actor for a role value; an unknown role is an error that names the known ones."""
    try:
        return Actor(value)
    except ValueError:
        known = "、".join(a.value for a in Actor)
        raise ValueError(f"未知角色 {value!r}; 应为以下之一: {known}") from None
