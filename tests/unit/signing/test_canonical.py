from __future__ import annotations

import pytest

from doudi.signing import sm
from doudi.signing.canonical import CanonicalError, canonical_bytes, from_bytes

from .sample import ROWS, roster


def test_sm3_standard_vector() -> None:
    # GB/T 32905-2016 appendix A, example 1.
    assert sm.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_canonical_bytes_are_compact_sorted_utf8_json() -> None:
    data = canonical_bytes(roster())
    assert data.startswith(b'{"format":"doudi-roster/1","meta":{')
    assert "张𠮷".encode() in data and b"\\u" not in data and b" " not in data.replace("签发".encode(), b"")
    assert canonical_bytes(roster()) == data


def test_round_trip_through_bytes() -> None:
    original = roster()
    parsed = from_bytes(canonical_bytes(original))
    assert parsed.meta == original.meta
    assert parsed.sections[0].rows == ROWS
    assert canonical_bytes(parsed) == canonical_bytes(original)


def test_one_character_changes_the_digest() -> None:
    changed = ((1, "张吉", *ROWS[0][2:]), *ROWS[1:])
    assert sm.sm3_hex(canonical_bytes(roster(changed))) != sm.sm3_hex(canonical_bytes(roster()))


def test_empty_text_is_null() -> None:
    rows = ((1, "张三", "", 100, ""),)
    assert from_bytes(canonical_bytes(roster(rows))).sections[0].rows == ((1, "张三", None, 100, None),)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ((1, "张三", 532923196005010012, 100, None), "身份证号: 应为文字"),
        ((1, "张三", None, 12.5, None), "月保障金(元): 应为整数"),
        ((1, "张三", None), "应有5列"),
    ],
)
def test_wrong_values_are_refused_with_their_place(row: tuple[object, ...], message: str) -> None:
    with pytest.raises(CanonicalError, match=r"发放明细 第1行") as error:
        canonical_bytes(roster((row,)))
    assert message in str(error.value)


def test_not_a_roster_is_refused() -> None:
    with pytest.raises(CanonicalError, match="不是 doudi-roster/1"):
        from_bytes(b'{"format":"other"}')
