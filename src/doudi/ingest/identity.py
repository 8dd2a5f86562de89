"""Resident ID cells: canonical 18-character numbers through doudi.core.ids, with a fast path for clean cells.

Rosters hold hundreds of thousands of IDs and most are already clean (18 ASCII characters). `IdChecker.column`
accepts such cells a whole column at a time, with numpy, after the same checks as `doudi.core.ids.problem` (area,
birth date, check character); `IdChecker.fast` does the same for one cell with cached partial sums. A cell that is
not clean is normalised (`ids.normalise`: spaces, apostrophes, full-width digits, lowercase x; 15 digits upgraded)
and tried again; anything else, and every failure, goes to `doudi.core.ids.validate`, which stays the single
authority on what is wrong. tests/unit/ingest/test_identity.py checks that the paths agree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from operator import mul
from typing import cast

import numpy as np
import numpy.typing as npt

from doudi.core import ids
from doudi.ingest.cells import CellValue
from doudi.ingest.problems import FieldError

_CLEAN = re.compile(r"[0-9]{17}[0-9X]").fullmatch
_FILLER = "?" * 18  # stands in for a cell that is not an 18-character string in the column check
_WEIGHTS = np.array(ids.WEIGHTS, dtype=np.int64)
_AREA_PLACES = 10 ** np.arange(5, -1, -1, dtype=np.int64)
_BIRTH_PLACES = 10 ** np.arange(7, -1, -1, dtype=np.int64)
_CHECK_BYTES = np.frombuffer(ids.CHECK_CHARS.encode(), dtype=np.uint8)
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
_PROVINCE = np.zeros(100, dtype=np.bool_)  # by the first two digits: a province code?
_PROVINCE[[int(code) for code in ids.PROVINCE_CODES]] = True
_FIX_RETYPE = "请对照身份证或户口簿逐位核对后更正"
FIXES = {
    ids.IdProblem.EMPTY: "请填写身份证号",
    ids.IdProblem.BAD_LENGTH: "身份证号应为18位(旧证15位);请对照身份证或户口簿核对位数后重新录入",
    ids.IdProblem.BAD_CHARACTERS: "只能填写数字,最后一位可以是X;请删除其中的字母、空格或其他符号",
    ids.IdProblem.SCIENTIFIC: (
        "把该列单元格格式设为“文本”,再从身份证或户口簿重新录入完整号码;"
        "不要从显示为科学计数(如5.30102E+17)的单元格复制,系统不会猜测丢失的数字"
    ),
    ids.IdProblem.BAD_AREA: _FIX_RETYPE,
    ids.IdProblem.BAD_BIRTH_DATE: _FIX_RETYPE,
    ids.IdProblem.FUTURE_BIRTH_DATE: _FIX_RETYPE,
    ids.IdProblem.BAD_CHECK: _FIX_RETYPE,
}


class IdChecker:
    """Validates ID cells against one 'today'; keeps small caches of the area, birth-date and sequence parts."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._area: dict[str, int | None] = {}
        self._birth: dict[str, int | None] = {}
        self._seq: dict[str, int] = {}

    def canonical(self, value: CellValue) -> str:
        """The canonical 18-character number; FieldError (with the ids reason code) when it is not valid."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise _error(ids.IdProblem.SCIENTIFIC)
        if isinstance(value, str):
            if self.fast(value):
                return value
            if not _SCIENTIFIC(value):
                number = _upgraded(ids.normalise(value))
                if self.fast(number):
                    return number  # what ids.validate returns after the same checks
        try:
            return ids.validate(value if isinstance(value, str) else str(value or ""), self.today)
        except ids.InvalidId as exc:
            raise _error(exc.problem) from None

    def column(self, values: Sequence[CellValue]) -> list[bool]:
        """Per cell: True when it is already a clean, valid 18-character number (checked a column at a time)."""
        if not values:
            return []
        return cast(list[bool], self._column(values).tolist())

    def normalised(self, values: Sequence[CellValue]) -> list[str | None]:
        """Per cell: the number `canonical` gives when cleaning the text makes it a valid number, else None
        (`canonical` then says why, or the cell is blank).

        For many cells at once: `ids.normalise` once over the cells joined by NUL (NFKC, the character removal
        and upper-casing work character by character, and leave NUL alone), then the numpy column check.
        """
        out: list[str | None] = [None] * len(values)
        picked = [i for i, v in enumerate(values) if type(v) is str and "\0" not in v and not _SCIENTIFIC(v)]
        texts = cast(list[str], [values[i] for i in picked])
        numbers = ids.normalise("\0".join(texts)).split("\0") if texts else []
        if len(numbers) != len(texts):
            return out
        numbers = list(map(_upgraded, numbers))
        for index, number in zip(picked, numbers, strict=True):
            out[index] = number
        for position in self.failing(numbers):
            out[picked[position]] = None
        return out

    def failing(self, values: Sequence[CellValue]) -> list[int]:
        """The positions of the cells that `column` does not accept (to be normalised or rejected one by one)."""
        if not values:
            return []
        failing: list[int] = np.flatnonzero(~self._column(values)).tolist()
        return failing

    def _column(self, values: Sequence[CellValue]) -> npt.NDArray[np.bool_]:
        blob = "".join([v if type(v) is str and len(v) == 18 else _FILLER for v in values])
        raw = np.frombuffer(blob.encode("ascii", "replace"), dtype=np.uint8).reshape(len(values), 18)
        digits = raw.astype(np.int64) - 48
        body = digits[:, :17]
        ok = ((body >= 0) & (body <= 9)).all(axis=1)
        ok &= _CHECK_BYTES[(body @ _WEIGHTS) % 11] == raw[:, 17]
        area = digits[:, :6] @ _AREA_PLACES
        ok &= _PROVINCE[np.clip(area // 10000, 0, 99)] & (
            area % 10000 != 0
        )  # rows not all digits fail anyway
        ok &= self._births_ok(digits[:, 6:14] @ _BIRTH_PLACES, ok)
        return cast(npt.NDArray[np.bool_], ok)

    def _births_ok(
        self, births: npt.NDArray[np.int64], candidates: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.bool_]:
        """YYYYMMDD as integers: a real date, not before 1880, not after today (as `_birth_sum`)."""
        year, month, day = births // 10000, births // 100 % 100, births % 100
        leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
        days = _MONTH_DAYS[np.clip(month, 0, 12)] + (leap & (month == 2))
        today = self.today.year * 10000 + self.today.month * 100 + self.today.day
        real = (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)
        ok: npt.NDArray[np.bool_] = candidates & real & (year >= 1880) & (births <= today)
        return ok

    def fast(self, number: str) -> bool:
        """True when the cell is already a clean, valid 18-character number (the common case); else use canonical."""
        if not _CLEAN(number):
            return False
        area = self._area_sum(number[:6])
        birth = self._birth_sum(number[6:14])
        if area is None or birth is None:
            return False
        seq = self._seq.get(number[14:17])
        if seq is None:
            seq = self._seq[number[14:17]] = _weighted(number[14:17], 14)
        return ids.CHECK_CHARS[(area + birth + seq) % 11] == number[17]

    def _area_sum(self, area: str) -> int | None:
        if area not in self._area:
            ok = area[:2] in ids.PROVINCE_CODES and area[2:] != "0000"
            self._area[area] = _weighted(area, 0) if ok else None
        return self._area[area]

    def _birth_sum(self, birth: str) -> int | None:
        if birth not in self._birth:
            try:
                born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
                ok = born.year >= 1880 and born <= self.today
            except ValueError:
                ok = False
            self._birth[birth] = _weighted(birth, 6) if ok else None
        return self._birth[birth]


_SCIENTIFIC = re.compile(r"\d[.]\d*E\+?\d", re.I).search  # as ids.problem: digits lost, never guessed


def _upgraded(number: str) -> str:
    """An old 15-digit number in 18 digits (as `ids.validate` does); anything else unchanged."""
    if len(number) == 15 and number.isascii() and number.isdigit():
        return ids.upgrade15(number)
    return number


def _weighted(digits: str, offset: int) -> int:
    return sum(map(mul, map(int, digits), ids.WEIGHTS[offset : offset + len(digits)]))


def _error(problem: ids.IdProblem) -> FieldError:
    return FieldError(problem.value, problem.message, FIXES[problem])
