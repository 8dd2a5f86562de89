"""The departmental feeds: which department sends what, and each feed's columns with their Chinese headers.

One source for the synthetic feeds (which write the canonical header) and the importer (which accepts any alias,
in any column order, through doudi.ingest.headers). docs/evidence.md lists the same columns for the departments.
`economic` feeds describe a household's economic status (家庭经济状况): they may be used for a household only
with its written authorisation (家庭经济状况核对授权) or an audited override.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from doudi.core.rosters import Column


class FieldType(StrEnum):
    ID = "id"  # resident ID, cleaned like the matching engine does
    NAME = "name"
    TEXT = "text"
    CODE = "code"  # a number used as a code (division codes, certificate numbers)
    DATE = "date"
    MONTH = "month"  # a calendar month (2020-05 or a date in it), kept as its first day
    MONEY = "money"  # yuan -> integer fen
    COUNT = "count"  # a whole number >= 0
    YES_NO = "yes_no"
    CHOICE = "choice"


@dataclass(frozen=True)
class FeedColumn:
    key: str
    header: str
    type: FieldType
    aliases: tuple[str, ...] = ()
    required: bool = False
    choices: tuple[str, ...] = ()

    def as_column(self) -> Column:
        return Column(self.key, self.header, self.aliases, self.required)


class FeedKind(StrEnum):
    HUKOU = "hukou"
    DEATHS = "deaths"
    VEHICLES = "vehicles"
    REAL_ESTATE = "real_estate"
    BUSINESS = "business"
    TAX = "tax"
    SOCIAL_SECURITY = "social_security"
    HOUSING_FUND = "housing_fund"
    BANK = "bank"
    DISABILITY = "disability"
    MEDICAL = "medical"
    PAYROLL = "payroll"
    ASSISTANCE = "assistance"
    PAYMENTS = "payments"
    OFFICIALS = "officials"


@dataclass(frozen=True)
class FeedSpec:
    kind: FeedKind
    label: str  # the feed's Chinese name, also the file name synth writes
    department: str
    columns: tuple[FeedColumn, ...]
    economic: bool  # needs the household's authorisation (家庭经济状况核对)

    def column(self, key: str) -> FeedColumn:
        return next(c for c in self.columns if c.key == key)


T = FieldType
_PERSON = (
    FeedColumn("id_number", "公民身份号码", T.ID, ("身份证号", "身份证号码", "证件号码"), required=True),
    FeedColumn("name", "姓名", T.NAME, ("人员姓名",), required=True),
)
USES = ("住宅", "商业", "办公", "工业", "其他")
BUSINESS_ROLES = ("法定代表人", "经营者", "投资人")
BUSINESS_STATUS = ("存续", "在营", "注销", "吊销")
SOCIAL_ITEMS = ("工资", "职工养老金", "失业保险金")
BANK_PRODUCTS = ("存款", "理财", "证券", "保险")
FUND_STATUS = ("正常", "封存")
PROGRAMS = ("低保", "特困")
OFFICIAL_ROLES = ("村委会主任", "村委会委员", "村党组织书记", "村务监督委员", "低保经办人员")
CATEGORIES = ("视力", "听力", "言语", "肢体", "智力", "精神", "多重")

FEEDS: dict[FeedKind, FeedSpec] = {
    spec.kind: spec
    for spec in (
        FeedSpec(
            FeedKind.HUKOU,
            "户籍人口信息",
            "公安局",
            (
                *_PERSON,
                FeedColumn("hukou_no", "户号", T.CODE, ("户籍户号",), required=True),
                FeedColumn("relation", "与户主关系", T.TEXT, ("关系",)),
                FeedColumn("county", "户籍地县级代码", T.CODE, ("户籍所在县代码",), required=True),
            ),
            economic=False,
        ),
        FeedSpec(
            FeedKind.DEATHS,
            "死亡注销人员",
            "公安局",
            (
                *_PERSON,
                FeedColumn("died_on", "死亡日期", T.DATE, required=True),
                FeedColumn("cancelled_on", "注销日期", T.DATE, ("户籍注销日期",)),
            ),
            economic=False,
        ),
        FeedSpec(
            FeedKind.VEHICLES,
            "机动车登记信息",
            "公安局交警大队",
            (
                *_PERSON,
                FeedColumn("plate", "号牌号码", T.TEXT, ("车牌号",), required=True),
                FeedColumn("vehicle_type", "车辆类型", T.TEXT),
                FeedColumn("registered_on", "初次登记日期", T.DATE, ("登记日期",), required=True),
                FeedColumn("price", "购置价格(元)", T.MONEY, ("购置价格", "车辆价格"), required=True),
                FeedColumn("mobility", "残疾人专用车", T.YES_NO, ("是否残疾人功能性补偿代步车",)),
            ),
            economic=True,
        ),
        FeedSpec(
            FeedKind.REAL_ESTATE,
            "不动产登记信息",
            "自然资源局(不动产登记中心)",
            (
                *_PERSON,
                FeedColumn("certificate", "不动产权证号", T.TEXT, ("权证号",), required=True),
                FeedColumn("use", "用途", T.CHOICE, ("房屋用途",), required=True, choices=USES),
                FeedColumn("registered_on", "登记日期", T.DATE, required=True),
                FeedColumn("area", "建筑面积(平方米)", T.TEXT, ("建筑面积",)),
                FeedColumn("price", "交易价格(元)", T.MONEY, ("交易价格",)),
            ),
            economic=True,
        ),
        FeedSpec(
            FeedKind.BUSINESS,
            "市场主体登记信息",
            "市场监督管理局",
            (
                *_PERSON,
                FeedColumn("credit_code", "统一社会信用代码", T.TEXT, ("注册号",), required=True),
                FeedColumn("business_name", "市场主体名称", T.TEXT, ("企业名称", "字号名称"), required=True),
                FeedColumn("role", "人员身份", T.CHOICE, ("身份",), required=True, choices=BUSINESS_ROLES),
                FeedColumn(
                    "status", "登记状态", T.CHOICE, ("经营状态",), required=True, choices=BUSINESS_STATUS
                ),
                FeedColumn("registered_on", "成立日期", T.DATE),
                FeedColumn("capital", "注册资本(元)", T.MONEY, ("注册资本",)),
            ),
            economic=True,
        ),
        FeedSpec(
            FeedKind.TAX,
            "个人所得税收入信息",
            "税务局",
            (
                *_PERSON,
                FeedColumn("year", "纳税年度", T.COUNT, ("所属年度",), required=True),
                FeedColumn("income", "年度收入额(元)", T.MONEY, ("收入额",), required=True),
                FeedColumn("tax", "已缴税额(元)", T.MONEY, ("已缴税额",)),
            ),
            economic=True,
        ),
        FeedSpec(
            FeedKind.SOCIAL_SECURITY,
            "社会保险及工资信息",
            "人力资源和社会保障局",
            (
                *_PERSON,
                FeedColumn("item", "项目", T.CHOICE, ("类别",), required=True, choices=SOCIAL_ITEMS),
                FeedColumn("monthly", "月金额(元)", T.MONEY, ("月金额",), required=True),
                FeedColumn("months", "近12个月月数", T.COUNT, ("月数",), required=True),
                FeedColumn("employer", "单位名称", T.TEXT, ("工作单位",)),
            ),
            economic=True,
        ),
        FeedSpec(
            FeedKind.HOUSING_FUND,
            "住房公积金缴存信息",
            "住房公积金管理中心",
            (
                *_PERSON,
                FeedColumn("employer", "单位名称", T.TEXT, ("缴存单位",), required=True),
                FeedColumn("base", "缴存基数(元)", T.MONEY, ("缴存基数",), required=True),
                FeedColumn("months", "近12个月缴存月数", T.COUNT, ("缴存月数",), required=True),
                FeedColumn("status", "账户状态", T.CHOICE, required=True, choices=FUND_STATUS),
            ),
            economic=True,
        ),
        FeedSpec(
            FeedKind.BANK,
            "存款及金融资产信息",
            "银行业金融机构",
            (
                *_PERSON,
                FeedColumn("institution", "金融机构", T.TEXT, ("开户行", "机构名称"), required=True),
                FeedColumn("product", "资产类别", T.CHOICE, ("类别",), required=True, choices=BANK_PRODUCTS),
                FeedColumn("balance", "余额(元)", T.MONEY, ("余额", "金额(元)"), required=True),
                FeedColumn("as_of", "余额日期", T.DATE, ("截止日期",)),
            ),
            economic=True,
        ),
        FeedSpec(
            FeedKind.DISABILITY,
            "残疾人证信息",
            "残疾人联合会",
            (
                *_PERSON,
                FeedColumn("certificate", "残疾证号", T.CODE, required=True),
                FeedColumn("category", "残疾类别", T.CHOICE, required=True, choices=CATEGORIES),
                FeedColumn("grade", "残疾等级", T.COUNT, required=True),
                FeedColumn("issued_on", "发证日期", T.DATE),
            ),
            economic=False,
        ),
        FeedSpec(
            FeedKind.MEDICAL,
            "重特大疾病医疗救助信息",
            "医疗保障局",
            (
                *_PERSON,
                FeedColumn("paid_on", "救助日期", T.DATE, ("结算日期",), required=True),
                FeedColumn("amount", "救助金额(元)", T.MONEY, ("救助金额",), required=True),
                FeedColumn("disease", "病种", T.TEXT, ("疾病名称",)),
            ),
            economic=False,
        ),
        FeedSpec(
            FeedKind.PAYROLL,
            "财政供养人员信息",
            "财政局(编办、组织人社部门)",
            (
                *_PERSON,
                FeedColumn("employer", "单位名称", T.TEXT, ("工作单位",), required=True),
                FeedColumn("post", "人员类别", T.TEXT, ("编制类别",)),
                FeedColumn("monthly", "月工资(元)", T.MONEY, ("应发工资",), required=True),
                FeedColumn("since", "入编日期", T.DATE),
            ),
            economic=True,
        ),
        FeedSpec(
            FeedKind.ASSISTANCE,
            "全省社会救助对象信息",
            "省社会救助信息系统(民政厅)",
            (
                *_PERSON,
                FeedColumn("program", "救助类别", T.CHOICE, required=True, choices=PROGRAMS),
                FeedColumn("county", "所在县级代码", T.CODE, ("县级区划代码",), required=True),
                FeedColumn("since", "纳入日期", T.DATE),
            ),
            economic=False,
        ),
        FeedSpec(
            FeedKind.PAYMENTS,
            "惠民惠农一卡通发放信息",
            "财政局(代发银行)",
            (
                *_PERSON,
                FeedColumn("program", "项目", T.CHOICE, ("补贴项目",), required=True, choices=PROGRAMS),
                FeedColumn("month", "所属月份", T.MONTH, ("发放月份",), required=True),
                FeedColumn("amount", "发放金额(元)", T.MONEY, ("金额",), required=True),
                FeedColumn("persons", "保障人数", T.COUNT),
                FeedColumn("paid_on", "到账日期", T.DATE, ("入账日期",)),
            ),
            economic=False,
        ),
        FeedSpec(
            FeedKind.OFFICIALS,
            "村干部及经办人员名单",
            "县民政局(乡镇人民政府)",
            (
                *_PERSON,
                FeedColumn("role", "职务", T.CHOICE, required=True, choices=OFFICIAL_ROLES),
                FeedColumn("village", "所在村代码", T.CODE, ("村级区划代码",), required=True),
                FeedColumn("since", "任职日期", T.DATE),
            ),
            economic=False,
        ),
    )
}


def spec_of(kind: FeedKind | str) -> FeedSpec:
    return FEEDS[FeedKind(kind)]


def kind_of_file(stem: str) -> FeedKind | None:
    """The feed a file holds, by its name: the kind ('vehicles') or the Chinese label ('机动车登记信息')."""
    for spec in FEEDS.values():
        if stem in (spec.kind.value, spec.label) or stem.startswith(
            (f"{spec.kind.value}.", f"{spec.label}.")
        ):
            return spec.kind
    return None
