"""The rosters the offices exchange (名册): canonical fields, their Chinese headers and aliases.

One source for the synthetic generator (which writes the canonical header) and the importer (which accepts any
alias, in any column order). See docs/rosters.md for what each column holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RosterKind(StrEnum):
    POVERTY = "poverty"  # 建档立卡贫困人口名册, from the poverty office
    DIBAO = "dibao"  # 农村低保对象名册, from civil affairs
    TEKUN = "tekun"  # 特困供养人员名册, from civil affairs

    @property
    def label(self) -> str:
        return {"poverty": "建档立卡贫困人口名册", "dibao": "农村低保对象名册", "tekun": "特困供养人员名册"}[
            self.value
        ]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


_REGION = (
    Column("county", "县(市、区)", ("县", "区县", "县(市区)", "县市区"), required=True),
    Column("township", "乡(镇)", ("乡镇", "乡镇(街道)", "乡(镇、街道)"), required=True),
    Column("village", "行政村", ("村", "村(社区)", "村社区"), required=True),
)

POVERTY_COLUMNS = (
    *_REGION,
    Column("household_no", "户编号", ("户码",), required=True),
    Column("name", "姓名", ("成员姓名",), required=True),
    Column("id_number", "证件号码", ("公民身份号码", "身份证号", "身份证号码"), required=True),
    Column("relation", "与户主关系", ("关系",), required=True),
    Column("sex", "性别"),
    Column("labor", "劳动技能", ("劳动能力",)),
    Column("health", "健康状况"),
    Column("disability_cert", "残疾证号"),
    Column("schooling", "在校生状况"),
    Column("employment", "务工状况"),
    Column("poverty_type", "贫困户属性"),
    Column("exit_status", "脱贫属性", ("脱贫标志",)),
    Column("exit_year", "脱贫年度"),
    Column("exit_pathway", "脱贫方式", ("帮扶措施",)),
    Column("safety_net_mark", "兜底保障标识", ("是否兜底保障一批",)),
    Column("income_per_capita", "家庭年人均纯收入", ("人均纯收入",)),
)

DIBAO_COLUMNS = (
    *_REGION,
    Column("head_name", "户主姓名", required=True),
    Column("head_id_number", "户主身份证号", required=True),
    Column("name", "姓名", ("成员姓名", "保障对象姓名"), required=True),
    Column("id_number", "身份证号", ("公民身份号码", "证件号码"), required=True),
    Column("relation", "与户主关系", required=True),
    Column("covered_members", "保障人口", ("保障人数",)),
    Column("tier", "保障类别", ("类别",)),
    Column("monthly_amount", "月保障金", ("月保障金额", "保障金额(元/月)")),
    Column("enrolled_on", "纳入时间", ("批准时间",)),
    Column("single_person", "单人户", ("是否单人户",)),
    Column("card_household", "建档立卡", ("是否建档立卡户",)),
)

TEKUN_COLUMNS = (
    *_REGION,
    Column("name", "姓名", required=True),
    Column("id_number", "身份证号", ("公民身份号码",), required=True),
    Column("support_mode", "供养方式", required=True),
    Column("self_care", "自理能力", ("生活自理能力",)),
    Column("basic_standard", "基本生活标准", ("基本生活费(元/月)",)),
    Column("care_standard", "照料护理标准", ("护理费(元/月)",)),
    Column("enrolled_on", "纳入时间"),
)

COLUMNS: dict[RosterKind, tuple[Column, ...]] = {
    RosterKind.POVERTY: POVERTY_COLUMNS,
    RosterKind.DIBAO: DIBAO_COLUMNS,
    RosterKind.TEKUN: TEKUN_COLUMNS,
}

# Closed vocabularies found in the rosters.
RELATIONS = (
    "户主",
    "配偶",
    "之子",
    "之女",
    "之孙子",
    "之孙女",
    "之父",
    "之母",
    "之儿媳",
    "之女婿",
    "之兄弟姐妹",
    "其他",
)
LABOR = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
HEALTH = ("健康", "长期慢性病", "患有大病", "残疾")
POVERTY_TYPES = ("一般贫困户", "低保贫困户", "特困供养贫困户")
EXIT_STATUS = ("未脱贫", "已脱贫")
SUPPORT_MODES = ("分散供养", "集中供养")
SELF_CARE = ("全自理", "半自理", "全护理")
DIBAO_TIERS = ("A类", "B类", "C类")
SAFETY_NET_PATHWAY = "兜底保障"
