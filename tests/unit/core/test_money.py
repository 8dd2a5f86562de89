from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from doudi.core import money


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        ("1,234.50", 123450),
        ("1234.5元", 123450),
        ("￥12", 1200),
        ("１２３．４５", 12345),
        (375, 37500),
        (375.5, 37550),
        (1234.5000000001, 123450),
        ("-12.30", -1230),
        ("", None),
        ("—", None),
        ("无", None),
        (None, None),
    ],
)
def test_parses_what_rosters_hold(raw: object, fen: int | None) -> None:
    assert money.parse_yuan(raw) == fen


@pytest.mark.parametrize("raw", ["十二元", "12.345", "1.2.3", True])
def test_rejects_what_is_not_an_amount(raw: object) -> None:
    with pytest.raises(money.InvalidAmount):
        money.parse_yuan(raw)


@pytest.mark.parametrize(
    ("amount", "fen"),
    [(Fraction(1, 2), 1), (Fraction(3, 2), 2), (Fraction(149, 100), 1), (Fraction(-1, 2), -1), (7, 7)],
)
def test_rounds_half_up_once(amount: Fraction, fen: int) -> None:
    assert money.round_half_up(amount) == fen


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_format_and_parse_round_trip(fen: int) -> None:
    assert money.parse_yuan(money.yuan(fen)) == fen


def test_formats_with_separators() -> None:
    assert money.yuan(123456789) == "1,234,567.89"
    assert money.yuan(-5) == "-0.05"
