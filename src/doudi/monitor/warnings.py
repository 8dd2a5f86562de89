"""M3 early warning (返贫和新增致贫预警), pure: which households to visit and why, with the figures.

Inputs are yearly figures in fen. The dibao-edge verdict is the rules' own (Assessment.edge); the other
thresholds come from doudi.rules (the dibao standard, the poverty-exit line) and from monitor parameters (sharp fall, spending ratio, unstable-exit ratio).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from doudi.core.money import yuan


class Signal(StrEnum):
    EDGE = "edge"  # 低保边缘
    UNSTABLE_EXIT = "unstable_exit"  # 脱贫不稳定
    SHARP_FALL = "sharp_fall"  # 收入骤减
    SPENDING = "spending"  # 刚性支出骤增


@dataclass(frozen=True)
class Finding:
    signal: Signal
    why: str  # Chinese, with the figures


@dataclass(frozen=True)
class Facts:
    persons: int
    net_income: int  # fen per year, household, after the rules' deductions
    gross_last_year: int | None  # fen, the household's income a year earlier (None = unknown)
    gross_now: int  # fen per year
    spending: int  # medical, disability and disaster spending paid, fen per year
    card_exited: bool  # an exited card household (已脱贫建档立卡户)
    covered: bool  # in dibao or tekun now
    edge: bool  # the rules' M3 verdict (doudi.rules.links.edge via the assessment)


def _ratio(value: Fraction) -> str:
    """1.5, 30, 0.25: a ratio as caseworkers write it."""
    text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _pc(amount: int | Fraction, persons: int) -> int:
    return int(Fraction(amount) / persons) if persons else 0


def findings(
    f: Facts,
    standard_yearly: int,
    edge_ratio: Fraction,
    exit_line_yearly: int,
    unstable_ratio: Fraction,
    fall_ratio: Fraction,
    spending_ratio: Fraction,
) -> list[Finding]:
    """Every warning signal the household shows (empty = no visit needed)."""
    out: list[Finding] = []
    pc = _pc(f.net_income, f.persons)
    if f.edge and not f.covered:
        out.append(
            Finding(
                Signal.EDGE,
                f"年人均收入 {yuan(pc)} 元, 高于低保标准 {yuan(standard_yearly)} 元且不超过其 {_ratio(edge_ratio)} 倍",
            )
        )
    line = unstable_ratio * exit_line_yearly
    if f.card_exited and not f.covered and f.persons and pc < line:
        out.append(
            Finding(
                Signal.UNSTABLE_EXIT,
                f"已脱贫户年人均收入 {yuan(pc)} 元, 低于脱贫标准 {yuan(exit_line_yearly)} 元的 {_ratio(unstable_ratio)} 倍",
            )
        )
    if f.gross_last_year and f.gross_now < (1 - fall_ratio) * f.gross_last_year:
        out.append(
            Finding(
                Signal.SHARP_FALL,
                f"家庭年收入由 {yuan(f.gross_last_year)} 元降至 {yuan(f.gross_now)} 元, 降幅超过 {_ratio(fall_ratio * 100)}%",
            )
        )
    base = f.gross_last_year if f.gross_last_year is not None else f.gross_now
    if f.spending and f.spending > spending_ratio * base:
        out.append(
            Finding(
                Signal.SPENDING,
                f"医疗、残疾、灾害支出 {yuan(f.spending)} 元, 超过上年收入 {yuan(base)} 元的 {_ratio(spending_ratio)} 倍",
            )
        )
    return out
