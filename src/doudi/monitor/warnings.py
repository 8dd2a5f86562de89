"""M3 early warning (返贫和新增致贫预警), pure: which households to visit and why, with the figures.

Inputs are yearly figures in fen. The dibao-edge verdict is the rules' own (Assessment.edge); the other
thresholds come from doudi.rules (the dibao standard, the poverty-exit line) and from monitor parameters (sharp
fall, spending ratio, unstable-exit ratio, how recent a sudden hardship is). `figures` gives the income figures
over the columns of the vectorised rules path (doudi.rules.batch), so a county is screened at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from doudi.core.money import yuan
from doudi.rules.batch import Columns, CountyParameters, _ages, _counted


class Signal(StrEnum):
    EDGE = "edge"  # 低保边缘
    UNSTABLE_EXIT = "unstable_exit"  # 脱贫不稳定
    SHARP_FALL = "sharp_fall"  # 收入骤减
    SPENDING = "spending"  # 刚性支出骤增
    HARDSHIP = "hardship"  # 突发困难(新增残疾、患重特大疾病)


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
    hardship: str = ""  # a sudden hardship recorded lately, in Chinese ("2021-03-02 新增残疾"), "" = none


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
    if f.hardship:
        out.append(Finding(Signal.HARDSHIP, f"近期突发困难: {f.hardship}"))
    return out


# The vectorised figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Per household (row of a `doudi.rules.batch.Columns`): counted persons, countable gross income and net
    income after the rules' deductions, yearly in fen, and the yearly dibao standard per person."""

    persons: NDArray[np.int64]
    gross: NDArray[np.int64]
    net: NDArray[np.int64]
    standard: NDArray[np.int64]


def figures(cols: Columns, cp: CountyParameters, on: date) -> Figures:
    """The income figures the warnings quote, over columns, with the same arithmetic as
    `doudi.rules.batch.assess_batch` (composition, countable income, rigid and employment deductions).

    TODO(rules): BatchResult does not expose persons, gross and net; once it does, read them from there."""
    h, m, inc, ded, P = cols.h, cols.m, cols.inc, cols.ded, cp.values
    n_h = len(h["county"])
    county = h["county"].astype(np.int64)
    counted = _counted(m, _ages(m, on))
    mh = m["hh"].astype(np.int64)
    n_m = len(mh)
    persons = np.bincount(mh[counted], minlength=n_h).astype(np.int64)
    ih, imem = inc["hh"].astype(np.int64), inc["member"].astype(np.int64)
    of_counted = np.append(counted, False)  # index n_m: "no member"
    in_hh = (imem == -1) | of_counted[np.where(imem >= 0, imem, n_m)]
    countable = np.where(inc["override"] >= 0, inc["override"] == 1, ~cp.excluded[county[ih], inc["kind"]])
    use = in_hh & countable
    yearly = inc["yearly"].astype(np.int64)
    gross = np.zeros(n_h, dtype=np.int64)
    np.add.at(gross, ih[use], yearly[use])
    dh, dmem = ded["hh"].astype(np.int64), ded["member"].astype(np.int64)
    ded_in = (dmem == -1) | of_counted[np.where(dmem >= 0, dmem, n_m)]
    rigid = np.zeros(n_h, dtype=np.int64)
    paid = np.maximum(ded["paid"].astype(np.int64) - ded["reimbursed"].astype(np.int64), 0)
    np.add.at(rigid, dh[ded_in], paid[ded_in])
    rigid = np.minimum(rigid, P["rigid_cap"][county]) * P["rigid_on"][county]
    D = P["s_den"][county]
    wage_rows = np.flatnonzero(use & (inc["wage"] == 1))
    wmem = imem[wage_rows]
    buckets, where_ = np.unique(np.where(wmem >= 0, wmem, n_m + ih[wage_rows]), return_inverse=True)
    wage_sum = np.zeros(len(buckets), dtype=np.int64)
    np.add.at(wage_sum, where_, yearly[wage_rows])
    owner = buckets - n_m
    of_member = buckets < n_m
    owner[of_member] = mh[buckets[of_member]]
    oc = county[owner]
    cost = np.minimum(P["s_num"][oc] * wage_sum, P["e_cap12"][oc] * P["s_den"][oc])
    employment = np.zeros(n_h, dtype=np.int64)
    np.add.at(employment, owner, cost)
    net = np.maximum(gross * D - rigid * D - employment, 0) // D
    standard = np.where(h["urban"] == 1, P["std_urban"][county], P["std_rural"][county])
    return Figures(persons, gross, net, standard.astype(np.int64))
