"""Money as integer fen (分). Never float.

Rounding rule (one, documented): amounts are kept exact, as fen or as `fractions.Fraction` of fen in the middle
of a computation, and rounded half up to the whole fen only once, on the final amount (RULES.md §3).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

Fen = int

_EMPTY = {"", "-", "—", "--", "——", "/", "无", "空", "nan", "none", "null"}
_NOISE = re.compile(r"[\s,，元¥￥]|人民币|RMB", re.I)


class InvalidAmount(ValueError):
    pass


def parse_yuan(raw: object) -> Fen | None:
    """Parse an amount in yuan as rosters write it ("1,234.50", "1234.5元", "￥12", 12.5) into fen.

    Blank-like cells ("", "—", "无") give None. More than two decimals, or text that is not a number, raise
    InvalidAmount with a message a caseworker can act on.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise InvalidAmount(f"金额不是数字: {raw!r}")
    if isinstance(raw, int):
        return raw * 100
    if isinstance(raw, float):
        raw = repr(raw)
    text = _NOISE.sub("", unicodedata.normalize("NFKC", str(raw)))
    if text.lower() in _EMPTY:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidAmount(f"金额不是数字: {raw!r}(请只填写数字,如 1234.50)") from None
    if not value.is_finite():
        raise InvalidAmount(f"金额不是数字: {raw!r}")
    fen = value * 100
    if fen != fen.to_integral_value():
        # Excel floats such as 1234.5000000001 are rounded to the fen; real third decimals are rejected.
        if abs(fen - fen.to_integral_value(ROUND_HALF_UP)) < Decimal("0.0001"):
            return int(fen.to_integral_value(ROUND_HALF_UP))
        raise InvalidAmount(f"金额最多两位小数(到分): {raw!r}")
    return int(fen)


def round_half_up(amount: Fraction | int) -> Fen:
    """Round an exact amount of fen half up (away from zero for halves) to a whole fen."""
    value = Fraction(amount)
    sign = -1 if value < 0 else 1
    value = abs(value)
    whole = value.numerator // value.denominator
    if value - whole >= Fraction(1, 2):
        whole += 1
    return sign * whole


def yuan(fen: Fen) -> str:
    """Format fen as yuan with two decimals and thousands separators: 123456 -> '1,234.56'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def from_yuan(amount: int) -> Fen:
    """A whole-yuan figure from a parameter file, in fen."""
    return amount * 100
