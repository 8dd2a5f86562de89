"""Resident ID cells: canonical 18-character numbers through doudi.core.ids, with a fast path for clean cells.

Rosters hold hundreds of thousands of IDs and most are already clean (18 ASCII characters). `canonical_id`
accepts such a cell after the same checks as `doudi.core.ids.problem` (area, birth date, check character) using
cached partial sums; anything else, and every failure, goes to `doudi.core.ids.validate`, which stays the single
authority on what is wrong. tests/unit/ingest/test_identity.py checks that both paths agree.
"""

from __future__ import annotations

import re
from datetime import date
from operator import mul

from doudi.core import ids
from doudi.ingest.cells import CellValue
from doudi.ingest.problems import FieldError

_CLEAN = re.compile(r"[0-9]{17}[0-9X]").fullmatch
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
        if isinstance(value, str) and self.fast(value):
            return value
        try:
            return ids.validate(value if isinstance(value, str) else str(value or ""), self.today)
        except ids.InvalidId as exc:
            raise _error(exc.problem) from None

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


def _weighted(digits: str, offset: int) -> int:
    return sum(map(mul, map(int, digits), ids.WEIGHTS[offset : offset + len(digits)]))


def _error(problem: ids.IdProblem) -> FieldError:
    return FieldError(problem.value, problem.message, FIXES[problem])
