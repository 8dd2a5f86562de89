"""The monthly payroll's arithmetic (pure): lines in integer fen, totals by township and county, and the
changes from one month to the next, each explained."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum


class PayKind(StrEnum):
    DIBAO = "dibao"  # 低保金
    GRADUAL_EXIT = "gradual_exit"  # 救助渐退期低保金
    TEKUN_BASIC = "tekun_basic"  # 特困基本生活费
    TEKUN_CARE = "tekun_care"  # 特困照料护理费
    TEMPORARY = "temporary"  # 临时救助

    @property
    def text(self) -> str:
        return KIND_TEXT[self]


KIND_TEXT = {
    PayKind.DIBAO: "低保金",
    PayKind.GRADUAL_EXIT: "低保金(救助渐退期)",
    PayKind.TEKUN_BASIC: "特困人员基本生活费",
    PayKind.TEKUN_CARE: "特困人员照料护理费",
    PayKind.TEMPORARY: "临时救助金",
}


@dataclass(frozen=True)
class PayLine:
    key: str  # stable identity of what is paid: "<kind>:<household or person pk>"
    kind: PayKind
    household: str  # household number (or "household-<pk>")
    person: str  # recipient's name ("" for a household payment)
    village_code: str
    amount: int  # fen
    note: str = ""

    @property
    def township_code(self) -> str:
        return self.village_code[:9]

    @property
    def county_code(self) -> str:
        return self.village_code[:6]


def totals(lines: list[PayLine], level: int) -> dict[str, int]:
    """Sum of amounts by region prefix of `level` digits (9 = township, 6 = county)."""
    out: dict[str, int] = defaultdict(int)
    for line in lines:
        out[line.village_code[:level]] += line.amount
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class Change:
    key: str
    household: str
    person: str
    kind: PayKind
    before: int
    after: int
    why: str

    @property
    def difference(self) -> int:
        return self.after - self.before


def changes(previous: list[PayLine], current: list[PayLine]) -> list[Change]:
    """What differs from last month, line by line, with the reason in Chinese."""
    before = {line.key: line for line in previous}
    after = {line.key: line for line in current}
    out = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and old.amount == new.amount:
            continue
        line = new or old
        assert line is not None
        if old is None:
            why = f"本月新增{line.kind.text}" + (f"({line.note})" if line.note else "")
        elif new is None:
            why = f"本月停发{line.kind.text}" + (f"({old.note})" if old.note else "")
        else:
            why = ("增发" if new.amount > old.amount else "减发") + (f"({new.note})" if new.note else "")
        out.append(
            Change(
                key,
                line.household,
                line.person,
                line.kind,
                old.amount if old else 0,
                new.amount if new else 0,
                why,
            )
        )
    return out
