"""The roster errors ROSTERS.md lists, planted on purpose, each recorded in the truth under its kind."""

from __future__ import annotations

import random
from enum import StrEnum

from doudi.synth.cells import ExcelNumber
from doudi.synth.config import ErrorRates


class ErrorKind(StrEnum):
    ID_DIGIT_TYPO = "id_digit_typo"
    ID_TRANSPOSITION = "id_transposition"
    ID_15_DIGIT = "id_15_digit"
    ID_FULL_WIDTH = "id_full_width"
    ID_SPACES = "id_spaces"
    ID_APOSTROPHE = "id_apostrophe"
    ID_EXCEL_NUMBER = "id_excel_number"
    ID_LOWERCASE_X = "id_lowercase_x"
    CHILD_WITHOUT_ID = "child_without_id"
    DUPLICATE_ROW = "duplicate_row"
    NAME_VARIANT = "name_variant"
    SEX_MISMATCH = "sex_mismatch"
    MOVED_PERSON = "moved_person"
    DECEASED_LISTED = "deceased_listed"
    VILLAGE_AS_CODE = "village_as_code"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def id_stays_valid(self) -> bool:
        """Format errors that doudi.core.ids.normalise repairs; the others make the ID invalid or absent."""
        return self in _REPAIRABLE


_LABELS = {
    ErrorKind.ID_DIGIT_TYPO: "身份证号录错一位",
    ErrorKind.ID_TRANSPOSITION: "身份证号相邻两位颠倒",
    ErrorKind.ID_15_DIGIT: "旧15位身份证号",
    ErrorKind.ID_FULL_WIDTH: "身份证号全角数字",
    ErrorKind.ID_SPACES: "身份证号含空格",
    ErrorKind.ID_APOSTROPHE: "身份证号前有单引号",
    ErrorKind.ID_EXCEL_NUMBER: "身份证号被存成数字(丢位)",
    ErrorKind.ID_LOWERCASE_X: "身份证号末位小写x",
    ErrorKind.CHILD_WITHOUT_ID: "儿童无身份证号",
    ErrorKind.DUPLICATE_ROW: "同一人重复登记",
    ErrorKind.NAME_VARIANT: "姓名同音字或异体字",
    ErrorKind.SEX_MISMATCH: "性别与身份证号不符",
    ErrorKind.MOVED_PERSON: "人员已迁入他户仍在原户名册",
    ErrorKind.DECEASED_LISTED: "已死亡人员仍在册",
    ErrorKind.VILLAGE_AS_CODE: "行政村写成12位代码",
}

_REPAIRABLE = frozenset(
    {
        ErrorKind.ID_15_DIGIT,
        ErrorKind.ID_FULL_WIDTH,
        ErrorKind.ID_SPACES,
        ErrorKind.ID_APOSTROPHE,
        ErrorKind.ID_LOWERCASE_X,
    }
)

# The ID format errors drawn with one uniform number per row, in this order.
_ID_KINDS = (
    ErrorKind.ID_DIGIT_TYPO,
    ErrorKind.ID_TRANSPOSITION,
    ErrorKind.ID_15_DIGIT,
    ErrorKind.ID_FULL_WIDTH,
    ErrorKind.ID_SPACES,
    ErrorKind.ID_APOSTROPHE,
    ErrorKind.ID_EXCEL_NUMBER,
)
_FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _typo(rng: random.Random, number: str) -> str:
    i = rng.randrange(17)
    digit = rng.choice([d for d in "0123456789" if d != number[i]])
    return number[:i] + digit + number[i + 1 :]


def _transpose(rng: random.Random, number: str) -> str | None:
    positions = [i for i in range(16) if number[i] != number[i + 1]]
    if not positions:
        return None
    i = rng.choice(positions)
    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]


def _spaces(rng: random.Random, number: str) -> str:
    u = rng.random()
    if u < 0.4:
        return f"{number[:6]} {number[6:14]} {number[14:]}"
    return f" {number}" if u < 0.6 else f"{number} "


def _apply(rng: random.Random, kind: ErrorKind, number: str) -> str | float | None:
    """The written cell for one ID error kind, or None when the kind does not apply to this number."""
    if kind is ErrorKind.ID_DIGIT_TYPO:
        return _typo(rng, number)
    if kind is ErrorKind.ID_TRANSPOSITION:
        return _transpose(rng, number)
    if kind is ErrorKind.ID_15_DIGIT:
        return number[:6] + number[8:17] if number[6:8] == "19" else None
    if kind is ErrorKind.ID_FULL_WIDTH:
        return number.translate(_FULL_WIDTH)
    if kind is ErrorKind.ID_SPACES:
        return _spaces(rng, number)
    if kind is ErrorKind.ID_APOSTROPHE:
        return "'" + number
    return ExcelNumber(float(number)) if number[-1] != "X" else None


class IdPlanter:
    """Draws at most one ID error per row (one uniform number against cumulative rates), plus lowercase x."""

    def __init__(self, rates: ErrorRates) -> None:
        self.rates = rates
        cumulative = 0.0
        self._thresholds: list[tuple[float, ErrorKind]] = []
        for kind in _ID_KINDS:
            cumulative += getattr(rates, kind.value)
            self._thresholds.append((cumulative, kind))
        self._total = cumulative

    def cell(self, rng: random.Random, number: str, child: bool) -> tuple[str | float, ErrorKind | None]:
        if child and rng.random() < self.rates.child_without_id:
            return "", ErrorKind.CHILD_WITHOUT_ID
        u = rng.random()
        if u < self._total:
            kind = next(k for threshold, k in self._thresholds if u < threshold)
            written = _apply(rng, kind, number)
            if written is not None:
                return written, kind
        if number[-1] == "X" and rng.random() < self.rates.id_lowercase_x:
            return number[:-1] + "x", ErrorKind.ID_LOWERCASE_X
        return number, None
