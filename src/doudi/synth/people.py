"""Persons and household composition: ages, sex, relations, disability, illness, schooling, labor, work."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from doudi.core import ids
from doudi.core.ids import DisabilityCategory, DisabilityCertificate
from doudi.synth import names

# Household size of rural card households (1..8, mean about 3.8).
_SIZES = (1, 2, 3, 4, 5, 6, 7, 8)
_SIZE_CUM = (10, 25, 43, 66, 83, 93, 98, 100)

_CATEGORIES = tuple(DisabilityCategory)
_CATEGORY_CUM = (15, 30, 33, 73, 83, 91, 100)  # visual, hearing, speech, limb, intellectual, mental, multiple
_GRADES = (1, 2, 3, 4)
_GRADE_CUM = (15, 40, 70, 100)

# Work away from home (务工状况) of labor-capable adults.
_WORK = ("省外务工", "省内县外务工", "县内务工", "")
_WORK_CUM = (22, 37, 52, 100)


@dataclass(slots=True)
class Person:
    key: str
    name: str
    id_number: str  # the true 18-character number
    born: date
    male: bool
    relation: str  # 与户主关系
    labor: str = ""  # 劳动技能
    health: str = "健康"  # 健康状况
    disability: DisabilityCertificate | None = None
    major_illness: bool = False
    chronic: bool = False
    schooling: str = ""  # 在校生状况
    employment: str = ""  # 务工状况
    died_on: date | None = None
    self_care: str = ""  # 自理能力 (tekun persons and candidates)
    years: int = -1  # completed years on the generator's reference date (cached)

    def age(self, on: date) -> int:
        return ids.age_from_birth(self.born, on)

    @property
    def sex_label(self) -> str:
        return "男" if self.male else "女"


class SequenceExhausted(RuntimeError):
    pass


class IdAllocator:
    """Issues unique resident IDs: the sequence is a per-(area, birth date, sex) counter, permuted."""

    def __init__(self) -> None:
        self._next: dict[int, int] = {}

    def issue(self, area: str, born: date, male: bool) -> str:
        key = (int(area) * 1_000_000 + born.toordinal()) * 2 + male
        k = self._next.get(key, 0)
        if k >= 500:
            raise SequenceExhausted(
                f"地区 {area} 出生日期 {born} 的顺序码已用尽, 请减少单县人数或使用 --province"
            )
        self._next[key] = k + 1
        sequence = ((k * 37 + key) % 500) * 2 + (1 if male else 0)
        return ids.make(area, born, sequence)


@dataclass
class PersonFactory:
    """Makes persons for one county: keys, names, IDs (mostly issued in the county) and health."""

    rng: random.Random
    county: str
    as_of: date
    other_areas: tuple[str, ...]
    rare_name: float
    rare_bmp: float
    away_issued: float = 0.08  # ID first issued in another Yunnan county (born or registered elsewhere)
    ids: IdAllocator = field(default_factory=IdAllocator)
    count: int = 0

    def person(self, relation: str, age: int, male: bool, surname: str | None = None) -> Person:
        rng = self.rng
        self.count += 1
        born = self.as_of - timedelta(days=age * 365 + rng.randrange(365) + age // 4 + 1)
        area = rng.choice(self.other_areas) if rng.random() < self.away_issued else self.county
        rare = names.rare_char(rng, self.rare_name, self.rare_bmp)
        name = (surname or names.surname(rng)) + names.given_name(rng, male, rare)
        person = Person(
            key=f"{self.county}P{self.count:08d}",
            name=name,
            id_number=self.ids.issue(area, born, male),
            born=born,
            male=male,
            relation=relation,
            years=ids.age_from_birth(born, self.as_of),
        )
        describe(rng, person, person.years)
        return person


def household_size(rng: random.Random) -> int:
    return rng.choices(_SIZES, cum_weights=_SIZE_CUM)[0]


def _disability(rng: random.Random, person: Person, age: int) -> None:
    rate = 0.03 if age < 18 else 0.065 if age < 60 else 0.16
    if rng.random() >= rate:
        return
    category = rng.choices(_CATEGORIES, cum_weights=_CATEGORY_CUM)[0]
    grade = rng.choices(_GRADES, cum_weights=_GRADE_CUM)[0]
    person.disability = DisabilityCertificate(person.id_number, category, grade)


def _schooling(rng: random.Random, age: int) -> str:
    if age < 3 or age > 22:
        return ""
    if age < 6:
        return "学前教育" if rng.random() < 0.7 else ""
    if age < 12:
        return "小学"
    if age < 15:
        return "初中"
    if age < 18:
        u = rng.random()
        return "高中" if u < 0.5 else "中职" if u < 0.8 else ""
    u = rng.random()
    return "大专" if u < 0.08 else "本科" if u < 0.14 else "高职" if u < 0.22 else ""


def _labor(rng: random.Random, person: Person, age: int) -> str:
    severe = person.disability is not None and person.disability.grade <= 2
    if age < 16 or person.schooling:
        return "无劳动力"
    if severe or (person.major_illness and rng.random() < 0.5) or (age >= 65 and rng.random() < 0.7):
        return "丧失劳动力"
    if person.disability is not None or person.major_illness or age >= 60 or person.chronic:
        return "弱劳动力或半劳动力"
    return "技能劳动力" if rng.random() < 0.2 else "普通劳动力"


def describe(rng: random.Random, person: Person, age: int) -> None:
    """Health, disability, schooling, labor capacity and work, consistent with age."""
    _disability(rng, person, age)
    old = age >= 60
    person.major_illness = rng.random() < (0.05 if old else 0.012)
    person.chronic = rng.random() < (0.25 if old else 0.05)
    person.schooling = _schooling(rng, age)
    if person.disability is not None:
        person.health = "残疾"
    elif person.major_illness:
        person.health = "患有大病"
    elif person.chronic:
        person.health = "长期慢性病"
    person.labor = _labor(rng, person, age)
    if person.labor in ("普通劳动力", "技能劳动力") and age < 60:
        person.employment = rng.choices(_WORK, cum_weights=_WORK_CUM)[0]


_FULL_LABOR = ("普通劳动力", "技能劳动力")
_COUNTED_SCHOOL = frozenset({"小学", "初中", "高中", "中职", "高职", "大专", "本科"})
# In-laws living with the family are written with support_duty: true in the facts, so they count too.
_ALWAYS_COUNTED = frozenset({"户主", "配偶", "之父", "之母", "之孙子", "之孙女", "之儿媳", "之女婿"})


def counted(person: Person) -> bool:
    """共同生活家庭成员 (RULES.md §3), as doudi.rules.composition derives it from the facts the generator writes:
    children count while minor, at school up to bachelor level, or unable to live on their own."""
    if person.relation in _ALWAYS_COUNTED:
        return True
    if person.relation in ("之子", "之女"):
        return person.years < 18 or person.schooling in _COUNTED_SCHOOL or person.labor not in _FULL_LABOR
    return False


def no_labor_capacity(person: Person, age: int) -> bool:
    """Tekun condition T1: 60+, under 16, or the severe disabilities of RULES.md §4."""
    if age >= 60 or age < 16:
        return True
    cert = person.disability
    if cert is None:
        return False
    category, grade = cert.category, cert.grade
    return (
        (category in (DisabilityCategory.INTELLECTUAL, DisabilityCategory.MENTAL) and grade <= 3)
        or (category is DisabilityCategory.LIMB and grade <= 2)
        or (category is DisabilityCategory.VISUAL and grade == 1)
        or (category is DisabilityCategory.MULTIPLE and grade <= 2)
    )


def make_severe(rng: random.Random, person: Person) -> None:
    """Give a person a disability that removes labor capacity (tekun candidates of working age)."""
    category = rng.choice(
        (DisabilityCategory.INTELLECTUAL, DisabilityCategory.MENTAL, DisabilityCategory.LIMB)
    )
    person.disability = DisabilityCertificate(person.id_number, category, rng.choice((1, 2)))
    person.health = "残疾"
    person.labor = "无劳动力" if person.years < 16 or person.schooling else "丧失劳动力"
    person.employment = ""


def family(
    factory: PersonFactory, size: int, head_age: int | None = None, surname: str | None = None
) -> list[Person]:
    """A plausible rural household of `size` persons: head, spouse, children, parents, grandchildren."""
    rng = factory.rng
    if head_age is None:
        head_age = rng.randint(62, 88) if size == 1 and rng.random() < 0.7 else rng.randint(24, 66)
    head_male = rng.random() < (0.6 if size == 1 else 0.88)
    family_name = surname or names.surname(rng)
    members = [factory.person("户主", head_age, head_male, family_name)]
    if size >= 2 and rng.random() < 0.88:
        spouse_age = max(18, min(95, head_age + rng.randint(-6, 4) * (1 if head_male else -1)))
        members.append(factory.person("配偶", spouse_age, not head_male))
    if len(members) < size and head_age < 58 and rng.random() < 0.3:
        father = rng.random() < 0.35
        parent_age = min(96, head_age + rng.randint(22, 32))
        members.append(factory.person("之父" if father else "之母", parent_age, father))
    _descendants(factory, members, size, head_age, family_name if head_male else None)
    return members


def _descendants(
    factory: PersonFactory, members: list[Person], size: int, head_age: int, surname: str | None
) -> None:
    rng = factory.rng
    grown_son = False
    in_law = False
    while len(members) < size:
        if grown_son and not in_law and rng.random() < 0.5:
            members.append(factory.person("之儿媳", max(18, head_age - rng.randint(22, 30)), False))
            in_law = True
        elif grown_son and head_age >= 40 and rng.random() < 0.6:
            male = rng.random() < 0.53
            age = max(0, head_age - rng.randint(40, 55))
            members.append(factory.person("之孙子" if male else "之孙女", age, male, surname))
        else:
            male = rng.random() < 0.53
            age = max(0, min(head_age - 18, head_age - rng.randint(20, 38)))
            members.append(factory.person("之子" if male else "之女", age, male, surname))
            grown_son = grown_son or (male and age >= 20)
