"""Outcomes and reason codes: stable identifiers (stored, tested, exported) with the Chinese text
caseworkers read.

A code is never renamed or reused; a retired rule keeps its code. The table is rendered in docs/rules.md.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    ALREADY_COVERED = "already_covered"
    ELIGIBLE_DIBAO = "eligible_dibao"
    MEMBERS_ELIGIBLE = "members_eligible"
    NOT_ELIGIBLE = "not_eligible"
    NEEDS_DATA = "needs_data"

    @property
    def text(self) -> str:
        return OUTCOME_TEXT[self]


OUTCOME_TEXT = {
    Outcome.ALREADY_COVERED: "已纳入低保或特困供养, 转入日常管理",
    Outcome.ELIGIBLE_DIBAO: "符合农村(城市)低保条件, 建议整户纳入低保",
    Outcome.MEMBERS_ELIGIBLE: "部分成员符合特困供养或参照单人户纳入低保条件",
    Outcome.NOT_ELIGIBLE: "不符合低保、特困供养条件",
    Outcome.NEEDS_DATA: "信息不全, 需补充核实后再研判",
}


class Reason(StrEnum):
    COVERED_DIBAO = "covered_dibao"
    COVERED_TEKUN = "covered_tekun"
    NO_COUNTED_MEMBERS = "no_counted_members"
    MEMBER_NOT_COUNTED = "member_not_counted"
    MEMBER_DATA_MISSING = "member_data_missing"
    D1_HUKOU_OK = "d1_hukou_ok"
    D1_HUKOU_OUTSIDE = "d1_hukou_outside"
    D1_HUKOU_MISSING = "d1_hukou_missing"
    D2_INCOME_BELOW = "d2_income_below"
    D2_INCOME_NOT_BELOW = "d2_income_not_below"
    DEDUCTIONS_EXCEED_INCOME = "deductions_exceed_income"
    D3_PROPERTY_OK = "d3_property_ok"
    D3_PROPERTY_MISSING = "d3_property_missing"
    D3_HOUSES = "d3_houses"
    D3_FINANCIAL = "d3_financial"
    D3_VEHICLE = "d3_vehicle"
    D3_NON_RESIDENTIAL = "d3_non_residential"
    D3_COMPANY = "d3_company"
    BENEFIT_GAP = "benefit_gap"
    BENEFIT_TIERS = "benefit_tiers"
    BELOW_EXIT_LINE = "below_exit_line"
    T_ELIGIBLE = "t_eligible"
    T_DATA_MISSING = "t_data_missing"
    T_ENDS = "t_ends"
    P1_UNCOVERED = "p1_uncovered"
    P2_KEEP_DIBAO = "p2_keep_dibao"
    P3_GRADUAL_EXIT = "p3_gradual_exit"
    P3_EXIT_ENDED = "p3_exit_ended"
    P4_SINGLE_PERSON = "p4_single_person"
    P4_CAN_APPLY = "p4_can_apply"
    P4_NOT_ELIGIBLE = "p4_not_eligible"
    P5_NO_SUPPORT = "p5_no_support"
    P6_SANCTION = "p6_sanction"
    M2_TEMPORARY = "m2_temporary"
    M3_EDGE = "m3_edge"

    @property
    def text(self) -> str:
        return REASON_TEXT[self]


REASON_TEXT = {
    Reason.COVERED_DIBAO: "整户已纳入低保",
    Reason.COVERED_TEKUN: "有成员已纳入特困供养",
    Reason.NO_COUNTED_MEMBERS: "没有可认定的共同生活家庭成员, 请核实家庭成员",
    Reason.MEMBER_NOT_COUNTED: "有成员不计入共同生活家庭成员(服刑、失踪、宗教场所居住3年以上、不共同生活等)",
    Reason.MEMBER_DATA_MISSING: "有家庭成员缺少研判所需信息(如无身份证号的儿童缺少出生日期), 请补充后再研判",
    Reason.D1_HUKOU_OK: "户籍在本县(D1)",
    Reason.D1_HUKOU_OUTSIDE: "户籍不在本县, 不符合户籍条件(D1)",
    Reason.D1_HUKOU_MISSING: "户籍所在县或户口性质缺失, 请补充(D1)",
    Reason.D2_INCOME_BELOW: "家庭年人均可计收入低于当地低保标准(D2)",
    Reason.D2_INCOME_NOT_BELOW: "家庭年人均可计收入不低于当地低保标准(D2)",
    Reason.DEDUCTIONS_EXCEED_INCOME: "刚性支出和就业成本扣减超过收入, 可计收入按0计",
    Reason.D3_PROPERTY_OK: "家庭财产符合规定(D3)",
    Reason.D3_PROPERTY_MISSING: "家庭财产尚未核查, 请补充(D3)",
    Reason.D3_HOUSES: "家庭住房超过规定套数(D3)",
    Reason.D3_FINANCIAL: "人均金融资产超过上年度人均可支配收入的规定倍数(D3)",
    Reason.D3_VEHICLE: "近12个月购买了规定价值以上的机动车(残疾人代步车除外)(D3)",
    Reason.D3_NON_RESIDENTIAL: "拥有非居住类房屋(D3)",
    Reason.D3_COMPANY: "拥有经营实体且年净利润不低于规定限额(D3)",
    Reason.BENEFIT_GAP: "按补差发放: (月低保标准 - 月人均收入) x 保障人数",
    Reason.BENEFIT_TIERS: "按分档发放: 每人每月档次金额 x 保障人数",
    Reason.BELOW_EXIT_LINE: "保障金不足以使人均收入达到脱贫标准, 应按脱贫标准补足",
    Reason.T_ELIGIBLE: "有成员符合特困供养条件(T1-T3)",
    Reason.T_DATA_MISSING: "特困供养研判所需信息缺失(法定义务人或六项日常生活活动), 请补充",
    Reason.T_ENDS: "已纳入特困供养的成员不再符合条件(如年满18周岁且不在校), 应终止特困供养",
    Reason.P1_UNCOVERED: "有完全或部分丧失劳动能力的成员未纳入低保或特困供养, 请重点核查(P1)",
    Reason.P2_KEEP_DIBAO: "人均收入超过脱贫标准但低于低保标准, 脱贫不脱保(P2)",
    Reason.P3_GRADUAL_EXIT: "人均收入已不低于低保标准, 处于救助渐退期, 继续发放(P3)",
    Reason.P3_EXIT_ENDED: "救助渐退期满, 停发低保金, 退出低保(P3)",
    Reason.P4_SINGLE_PERSON: "重点对象本人申请, 参照单人户纳入低保(P4)",
    Reason.P4_CAN_APPLY: "有重点对象可本人申请参照单人户纳入低保(P4)",
    Reason.P4_NOT_ELIGIBLE: "参照单人户研判: 本人收入不低于低保标准(P4)",
    Reason.P5_NO_SUPPORT: "有劳动能力成员未落实经村、乡、县确认的产业或就业帮扶措施(只兜不扶)(P5)",
    Reason.P6_SANCTION: "有成员无正当理由连续拒绝参加扶贫项目达到规定次数, 减发或停发本人份额(P6)",
    Reason.M2_TEMPORARY: "符合临时救助条件, 按月低保标准的倍数给予临时救助(M2)",
    Reason.M3_EDGE: "人均收入高于低保标准但不超过规定倍数, 列为低保边缘家庭监测(M3)",
}
