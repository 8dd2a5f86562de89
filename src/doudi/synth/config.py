"""What to generate: size, place, seed, output formats, and the rates of everything planted.

Rates are documented in docs/synth.md. The policy figures the generator uses to decide the truth (who is eligible)
follow the provincial defaults in doudi/rules/parameters/53.yaml on the reference date `as_of`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

FORMATS = ("xlsx", "csv", "gb18030", "messy")
DEFAULT_FORMATS = ("xlsx", "csv")
DEFAULT_COUNTY = "530627"  # 镇雄县, 昭通市: one of Yunnan's largest formerly poor counties
EXCEL_MAX_DATA_ROWS = 1_048_575
BACKGROUND_FROM = 50_000  # persons per county from which xlsx is written by a child process


@dataclass(frozen=True)
class ErrorRates:
    """Planted roster errors. Per written roster row unless the comment says otherwise."""

    id_digit_typo: float = 0.01  # one digit of the ID changed
    id_transposition: float = 0.005  # two adjacent digits swapped
    id_15_digit: float = 0.01  # old 15-digit number (persons born before 2000 only)
    id_full_width: float = 0.01  # full-width digits (１２３)
    id_spaces: float = 0.01  # spaces inside or around the number
    id_apostrophe: float = 0.02  # leading apostrophe ('530...)
    id_excel_number: float = 0.005  # stored as an Excel number: digits lost (IDs ending in a digit only)
    id_lowercase_x: float = 0.3  # among IDs ending in X: written with a lowercase x
    child_without_id: float = 0.3  # among children under 6: ID cell left blank
    duplicate_row: float = 0.005  # the same person written twice in the same roster
    name_variant: float = 0.02  # one character replaced by a homophone or variant (张伟/章伟)
    sex_mismatch: float = 0.003  # 性别 disagrees with the ID (poverty registry)
    moved_person: float = 0.02  # per dibao household: a member still listed in her old card household
    deceased_listed: float = 0.02  # per dibao or tekun household: a member who died is still listed
    village_as_code: float = 0.1  # per village: civil-affairs rolls write the 12-digit code, not the name
    rare_name: float = 0.005  # per person: a given-name character outside the BMP (𠮷)
    rare_bmp_name: float = 0.005  # per person: a rare BMP character (䶮)

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"差错比例 {name}={value} 应在0到1之间")


@dataclass(frozen=True)
class CoverageRates:
    """Who is covered by which programme, and the planted coverage errors."""

    dibao: float = 0.38  # share of card households in the dibao roll (as a whole household)
    tekun: float = 0.03  # share of card households that are one tekun person
    single_person: float = (
        0.01  # share of card households with one member covered as a single-person household
    )
    missed: float = 0.03  # 漏保: share of card households eligible but not covered
    missed_tekun: float = 0.2  # among 漏保: a lone person eligible for tekun rather than dibao
    wrongly_covered: float = 0.05  # 错保: share of covered households (dibao or tekun) that are not eligible
    non_card_dibao: float = 0.5  # non-card dibao households per card dibao household
    non_card_tekun: float = 0.8  # non-card tekun persons per card tekun person
    safety_net_covered: float = 0.85  # S1 mark (兜底保障标识=是) on covered card households
    safety_net_missed: float = 0.9  # S1 mark on planted 漏保 households
    safety_net_other: float = 0.01  # S1 mark on other card households

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 0 or (value > 1 and not name.startswith("non_card")):
                raise ValueError(f"覆盖比例 {name}={value} 超出范围")
        if self.dibao + self.tekun + self.single_person + self.missed > 1:
            raise ValueError("低保、特困、单人户与漏保的比例之和不能超过1")


@dataclass(frozen=True)
class Parameters:
    """Policy figures on `as_of` (fen, yearly unless stated), as in doudi/rules/parameters/53.yaml."""

    dibao_standard_yearly: int = 450_000  # 4,500 yuan/year from 2020-06-01 (375 yuan/month)
    tekun_basic_monthly: int = 83_200  # 832 yuan/month from 2020-06-01
    care_home: tuple[int, int, int] = (15_100, 8_800, 5_000)  # full, partial, self-care; 分散供养
    care_institution: tuple[int, int, int] = (83_500, 41_800, 25_100)  # 集中供养
    max_houses: int = 2
    disposable_income_prior_year: int = 1_100_000  # placeholder of 53.yaml (assumption)
    financial_assets_multiple: int = 2
    vehicle_limit: int = 5_000_000  # bought in the last 12 months, mobility vehicles excepted
    company_profit_limit: int = 14_000_000  # 4 x urban disposable income placeholder 35,000 yuan
    basic_pension_monthly: int = 10_300  # assumption: 城乡居民基础养老金 in Yunnan, 2020
    excluded_income: frozenset[str] = frozenset(
        {"military_allowance", "family_planning_reward", "scholarship", "bravery_award", "social_assistance"}
    )


@dataclass(frozen=True)
class SynthConfig:
    out_dir: Path
    persons: int = 1_000  # members of card households (poverty registry persons), see docs/synth.md
    seed: int = 1
    county: str = DEFAULT_COUNTY
    province: bool = False  # spread the persons over every county of Yunnan, one folder per county
    formats: tuple[str, ...] = DEFAULT_FORMATS
    as_of: date = date(2020, 7, 1)
    errors: ErrorRates = field(default_factory=ErrorRates)
    coverage: CoverageRates = field(default_factory=CoverageRates)
    params: Parameters = field(default_factory=Parameters)
    background: bool | None = None  # xlsx in a child process; None = from BACKGROUND_FROM persons per county

    def __post_init__(self) -> None:
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown:
            raise ValueError(f"未知的输出格式 {','.join(unknown)}; 可选 {','.join(FORMATS)}")
        if not self.formats:
            raise ValueError("至少需要一种输出格式")
        if self.persons < 1:
            raise ValueError(f"人数应为正整数, 收到 {self.persons}")
