"""Helpers for the 动态管理 tests: a covered rural card household of 祥云县 with countable income."""

from __future__ import annotations

from datetime import date

from doudi.registry.models import Household
from tests.factories import (
    COUNTY,
    VILLAGE,
    create_dibao_enrolment,
    create_household,
    create_income,
    create_member,
)

OTHER_VILLAGE = "532923102201"


def household(village: str = VILLAGE, income_fen: int = 300_000, worker: bool = False) -> Household:
    """Head (born 1960) and spouse, rural hukou in the county, agricultural income per year (no employment
    deduction), property checked and clean."""
    h = create_household(village, hukou_county_code=COUNTY)
    create_member(h, "配偶", birth_date=date(1962, 1, 1), sex="F", name="李四")
    if worker:
        create_member(h, "之子", birth_date=date(1995, 1, 1), name="张五", labor_capacity="full")
    if income_fen:
        create_income(h, kind="agriculture", amount_fen=income_fen, period_end=None)
    return h


def covered(
    village: str = VILLAGE, income_fen: int = 300_000, amount: int = 37_500, **kw: object
) -> Household:
    h = household(village, income_fen, **kw)  # type: ignore[arg-type]
    create_dibao_enrolment(h, covered_members=2, monthly_amount_fen=amount, start_date=date(2019, 7, 1))
    return h
