"""The rules' input: a household as plain dataclasses (no Django). Money in integer fen, dates as `date`.

The JSON form of these classes is documented in docs/rules.md and rules/schema/household.schema.json;
`doudi.rules.io` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Relation(StrEnum):
    HEAD = "head"  # 户主
    SPOUSE = "spouse"  # 配偶
    CHILD = "child"  # 子女
    PARENT = "parent"  # 父母(含配偶父母)
    GRANDPARENT = "grandparent"  # (外)祖父母
    GRANDCHILD = "grandchild"  # (外)孙子女
    SIBLING = "sibling"  # 兄弟姐妹
    OTHER = "other"  # 其他


class LaborCapacity(StrEnum):
    FULL = "full"  # 有劳动能力
    PARTIAL = "partial"  # 部分丧失劳动能力
    NONE = "none"  # 完全丧失劳动能力


class Hukou(StrEnum):
    RURAL = "rural"  # 农业户口
    URBAN = "urban"  # 非农业户口


class CareMode(StrEnum):
    HOME = "home"  # 分散供养
    INSTITUTION = "institution"  # 集中供养


class PropertyKind(StrEnum):
    HOUSE = "house"
    FINANCIAL = "financial"
    VEHICLE = "vehicle"
    NON_RESIDENTIAL = "non_residential"
    COMPANY = "company"


class RefusalResponse(StrEnum):
    ACCEPTED = "accepted"  # 参加
    REFUSED = "refused"  # 无正当理由拒绝
    REFUSED_VALID = "refused_valid"  # 有正当理由不参加


SIX_ACTIVITIES = (
    "eating",
    "dressing",
    "bed",
    "toilet",
    "walking",
    "bathing",
)  # 吃饭 穿衣 上下床 如厕 室内行走 洗澡
SCHOOL_LEVELS_COUNTED = ("primary", "junior", "senior", "vocational", "college", "bachelor")  # 本科及以下


@dataclass(frozen=True)
class Disability:
    category: str  # certificate category digit "1".."7" (doudi.core.ids.DisabilityCategory)
    grade: int  # 1 most severe .. 4


@dataclass(frozen=True)
class Supporter:
    """A person with a legal support duty (法定赡养、抚养、扶养义务人) of a tekun candidate (T3)."""

    age: int
    tekun: bool = False
    dibao: bool = False
    low_income: bool = False
    severe_disability: bool = False


@dataclass(frozen=True)
class Offer:
    """One offer to join a poverty project (P6), with the person's response."""

    on: date
    response: RefusalResponse


@dataclass(frozen=True)
class Member:
    person_id: str
    birth_date: date
    relation: Relation
    disability: Disability | None = None
    major_illness: bool = False  # 患重特大疾病
    major_illness_assistance: bool = False  # 享受重特大疾病医疗救助
    labor_capacity: LaborCapacity = LaborCapacity.FULL
    daily_activities: dict[str, bool] | None = (
        None  # six activities, True = manages alone; None = not assessed
    )
    in_school: bool = False
    school_level: str | None = None
    in_prison: bool = False  # 服刑或强制隔离戒毒
    missing: bool = False  # 宣告失踪
    clergy_years: int = 0  # 在宗教场所居住年数
    lives_with_family: bool = True
    can_live_independently: bool | None = None  # adult children; None = derived from labor capacity
    support_duty: bool | None = None  # others living with the family; None = derived from relation
    dependent_on_family: bool = True  # 依靠家庭供养且无法单独立户 (§2)
    supporters: tuple[Supporter, ...] | None = None  # None = not recorded
    care_mode: CareMode = CareMode.HOME
    employed: bool = False
    applies_single_person: bool = False  # 本人申请参照单人户 (P4)
    offers: tuple[Offer, ...] = ()


@dataclass(frozen=True)
class Income:
    kind: str  # wage, business, agriculture, transfer, pension, military_allowance, ... (docs/rules.md)
    amount: int  # fen per period
    period: str = "year"  # "year" (last 12 months), "month" (x12)
    member: str | None = None  # person_id; None = household income
    countable: bool | None = None  # None = decided by the excluded-types parameter
    source: str | None = None  # the department's record it came from (Chinese); None = declared

    @property
    def yearly(self) -> int:
        return self.amount * 12 if self.period == "month" else self.amount


@dataclass(frozen=True)
class Deduction:
    kind: str  # illness, disability, schooling (因病、因残、因学刚性支出)
    paid: int  # fen paid over the last 12 months
    reimbursed: int = 0  # fen reimbursed (medical insurance, assistance)
    member: str | None = None


@dataclass(frozen=True)
class PropertyItem:
    kind: PropertyKind
    value: int = 0  # fen
    count: int = 1
    bought_on: date | None = None  # vehicles
    mobility_vehicle: bool = False  # 残疾人功能性补偿代步车
    net_profit_yearly: int = 0  # companies, fen
    source: str | None = None  # the department's record it came from (Chinese); None = declared


@dataclass(frozen=True)
class SupportMeasure:
    """Industry or employment support (产业/就业帮扶) recorded for a member, and who confirmed it (P5)."""

    member: str
    kind: str
    confirmed_village: bool = False
    confirmed_township: bool = False
    confirmed_county: bool = False

    @property
    def confirmed(self) -> bool:
        return self.confirmed_village and self.confirmed_township and self.confirmed_county


@dataclass(frozen=True)
class Poverty:
    card_household: bool = False  # 建档立卡贫困户
    exited: bool = False  # 已脱贫
    safety_net: bool = False  # 兜底保障一批


@dataclass(frozen=True)
class Enrolment:
    dibao: bool = False
    dibao_benefit: int = 0  # current monthly benefit, fen
    tekun: tuple[str, ...] = ()  # person_ids in tekun
    income_above_since: date | None = None  # first month per-capita income was not below the standard (P3)
    gradual_exit_months: int | None = None  # per-case gradual exit period within the county's range


@dataclass(frozen=True)
class Hardship:
    """A request for temporary assistance (临时救助, M2)."""

    severity: str = "general"  # general | severe | extreme
    epidemic_patient: bool = False
    emergency: bool = False


@dataclass(frozen=True)
class Household:
    household_id: str
    region: str  # county (6) or finer division code where the household lives
    hukou_county: str | None
    hukou_type: Hukou | None
    members: tuple[Member, ...]
    income: tuple[Income, ...] = ()
    deductions: tuple[Deduction, ...] = ()
    property: tuple[PropertyItem, ...] | None = ()  # None = property not yet checked
    enrolment: Enrolment = field(default_factory=Enrolment)
    poverty: Poverty = field(default_factory=Poverty)
    support: tuple[SupportMeasure, ...] = ()
    irregular_income: bool = False
    hardship: Hardship | None = None
    evidence_notes: tuple[str, ...] = ()  # how departments' data was used, or why not (Chinese, explained)

    def member(self, person_id: str) -> Member | None:
        return next((m for m in self.members if m.person_id == person_id), None)
