"""Cell parsers: one small function per kind of value a roster holds. Each returns the canonical value (None for a
blank cell) or raises FieldError with a reason code, a Chinese reason and a Chinese how-to-fix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta

from doudi.core import money
from doudi.ingest.cells import CellValue, cell_text
from doudi.ingest.problems import FieldError

Parser = Callable[[CellValue], object]

EXCEL_EPOCH = date(
    1899, 12, 30
)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug makes the epoch the 30th)
EARLIEST = date(1900, 1, 1)
_SPACE = re.compile(r"[\s\u3000]+")
_DATE_FORMS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0{1,2}:0{2}(?::0{2})?)?"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_DATE_FIX = "请写成 2020-03-01、2020/3/1、2020.3.1、20200301 或 2020年3月1日 的形式"
_PLAIN_YUAN = re.compile(r"([0-9]{1,15})(?:[.]([0-9]{1,2}))?").fullmatch
YES = frozenset({"是", "Y", "YES", "1", "√", "TRUE"})
NO = frozenset({"否", "N", "NO", "0", "×", "FALSE"})


def _fold(value: CellValue) -> str:
    """Cell text with full-width characters folded and all spaces removed (for codes, enums, dates, numbers)."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", cell_text(value)))


def text(value: CellValue) -> str | None:
    """Free text, trimmed; blank -> None."""
    out = cell_text(value).strip()
    return out or None


def name(value: CellValue) -> str | None:
    """A person's name: spaces removed, characters kept exactly (rare characters such as 𠮷 and 䶮 included)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise FieldError("name_not_text", "姓名是数字", "请填写姓名")
    out = _SPACE.sub("", cell_text(value))
    return out or None


def clean_name(text: str) -> bool:
    """Text cells that `name` returns unchanged: no spaces of any kind."""
    return _SPACE.search(text) is None


def clean_code(text: str) -> bool:
    """Text cells that `code` returns unchanged: ASCII (NFKC leaves it alone) without spaces."""
    return text.isascii() and _SPACE.search(text) is None


def code(value: CellValue) -> str | None:
    """A number used as a code (户编号). An Excel number is accepted only while it is exact (at most 15 digits)."""
    if isinstance(value, float) and not (value.is_integer() and abs(value) < 1e15):
        raise FieldError(
            "code_stored_as_number",
            "编号被Excel存成了数字,末几位已丢失",
            "把该列设为“文本”格式后从原始材料重新录入完整编号",
        )
    out = _fold(value)
    return out or None


def parse_date(today: date) -> Parser:
    def parse(value: CellValue) -> date | None:
        if isinstance(value, datetime):
            return _plausible(value.date(), value, today)
        if isinstance(value, date):
            return _plausible(value, value, today)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _plausible(_serial(value), value, today)
        folded = _fold(value)
        if not folded:
            return None
        for form in _DATE_FORMS:
            match = form.fullmatch(folded)
            if match:
                return _plausible(_ymd(*match.groups()), value, today)
        raise FieldError("date_unreadable", "日期格式无法识别", _DATE_FIX)

    return parse


def _serial(value: float) -> date:
    if not 1 <= value < 2958466:
        raise FieldError("date_unreadable", "日期是一个数字,不是有效的Excel日期", _DATE_FIX)
    return EXCEL_EPOCH + timedelta(days=int(value))


def _ymd(year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise FieldError("date_invalid", "日期不存在(月份或日期超出范围)", "请核对年、月、日后更正") from None


def _plausible(day: date, value: CellValue, today: date) -> date:
    if day < EARLIEST:
        raise FieldError("date_too_early", "日期早于1900年,不可能是真实日期", "请核对后更正")
    if day > today:
        raise FieldError("date_in_future", f"日期晚于今天({today:%Y-%m-%d})", "请核对年份后更正")
    return day


def year(today: date) -> Parser:
    def parse(value: CellValue) -> int | None:
        folded = _fold(value).removesuffix("年")
        if not folded:
            return None
        if not (folded.isdigit() and len(folded) == 4) or not 1949 <= int(folded) <= today.year:
            raise FieldError("year_invalid", "年度应为4位年份,且不晚于今年", "请填写如 2019 的年份")
        return int(folded)

    return parse


def yes_no(value: CellValue) -> bool | None:
    if isinstance(value, bool):
        return value
    folded = _fold(value).upper()
    if not folded:
        return None
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise FieldError("yes_no_invalid", "应填写“是”或“否”", "请填写“是”或“否”(也可用Y/N或1/0)")


def choice(vocabulary: Sequence[str], synonyms: Mapping[str, str] | None = None) -> Parser:
    """One value of a closed list; `synonyms` maps other spellings seen in rosters to the canonical value."""
    accepted = {v: v for v in vocabulary} | dict(synonyms or {})
    listed = "、".join(vocabulary)

    def parse(value: CellValue) -> str | None:
        folded = _fold(value)
        if not folded:
            return None
        found = accepted.get(folded)
        if found is None:
            raise FieldError(
                "value_not_in_list", f"“{cell_text(value)}”不是可选值", f"请填写以下之一:{listed}"
            )
        return found

    return parse


def amount(value: CellValue) -> int | None:
    """Money in yuan -> integer fen; negative amounts are rejected."""
    # The usual cells, 10788.25 or "10788.25": what money.parse_yuan gives (it reads a float as its repr), directly.
    text = value if type(value) is str else repr(value) if type(value) is float else None
    if text is not None:
        plain = _PLAIN_YUAN(text)
        if plain is not None:
            whole, cents = plain.groups()
            return int(whole) * 100 + (int(cents.ljust(2, "0")) if cents else 0)
    try:
        fen = money.parse_yuan(value)
    except money.InvalidAmount as exc:
        raise FieldError(
            "amount_invalid", str(exc), "请只填写金额数字(单位:元,最多两位小数),如 1234.50"
        ) from None
    if fen is not None and fen < 0:
        raise FieldError("amount_negative", "金额不能为负数", "请核对后填写不小于0的金额")
    return fen


def count(value: CellValue) -> int | None:
    """A positive whole number (people in a household)."""
    folded = _fold(value).removesuffix("人")
    if not folded:
        return None
    if folded.endswith(".0"):
        folded = folded[:-2]
    if not folded.isdigit() or int(folded) < 1:
        raise FieldError("count_invalid", "人数应为正整数", "请填写人数,如 3")
    return int(folded)


def sex(value: CellValue) -> str | None:
    folded = _fold(value).upper()
    if not folded:
        return None
    found = {"男": "M", "M": "M", "1": "M", "女": "F", "F": "F", "2": "F"}.get(folded)
    if found is None:
        raise FieldError("sex_invalid", "性别应为“男”或“女”", "请填写“男”或“女”")
    return found
