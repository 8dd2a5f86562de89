"""Resident identity numbers (居民身份号码, GB 11643-1999) and disability certificate numbers.

An 18-character number is: 6-digit area code (where first issued), 8-digit birth date, 3-digit sequence
(odd = male), and a check character. Old 15-digit numbers lack the century and the check character.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from operator import mul

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_ZERO_SUM = ord("0") * sum(WEIGHTS)

# Province-level area codes of GB/T 2260 (first two digits).
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)

_STRIP = re.compile(r"[\s'\"`‘’“”\u200b\ufeff-]")


class IdProblem(StrEnum):
    """Why a resident ID number is not valid; the value is a stable reason code."""

    EMPTY = "id_empty"
    BAD_LENGTH = "id_bad_length"
    BAD_CHARACTERS = "id_bad_characters"
    SCIENTIFIC = "id_stored_as_number"
    BAD_AREA = "id_bad_area"
    BAD_BIRTH_DATE = "id_bad_birth_date"
    FUTURE_BIRTH_DATE = "id_future_birth_date"
    BAD_CHECK = "id_bad_check_character"

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES = {
    IdProblem.EMPTY: "身份证号为空",
    IdProblem.BAD_LENGTH: "身份证号应为18位(或旧15位)",
    IdProblem.BAD_CHARACTERS: "身份证号含有数字和末位X以外的字符",
    IdProblem.SCIENTIFIC: "身份证号被Excel存成了数字,后几位已丢失,请把该列设为文本后从原始材料重新录入",
    IdProblem.BAD_AREA: "身份证号前6位不是有效的行政区划代码",
    IdProblem.BAD_BIRTH_DATE: "身份证号中的出生日期不存在",
    IdProblem.FUTURE_BIRTH_DATE: "身份证号中的出生日期晚于今天",
    IdProblem.BAD_CHECK: "身份证号校验位不符,可能有数字录错或顺序颠倒",
}


class InvalidId(ValueError):
    def __init__(self, raw: object, problem: IdProblem) -> None:
        super().__init__(f"{problem.message}: {raw!r}")
        self.raw = raw
        self.problem = problem


def normalise(raw: object) -> str:
    """Clean what rosters hold: full-width characters, spaces, apostrophes, dashes, lowercase x.

    Does not validate; a number that Excel turned into a float or scientific notation is returned as text
    so that `validate` can reject it (digits are lost and must never be guessed).
    """
    if raw is None:
        return ""
    if isinstance(raw, float):
        return repr(raw)
    text = unicodedata.normalize("NFKC", str(raw))
    return _STRIP.sub("", text).upper()


def check_char(first17: str) -> str:
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"check_char needs 17 ASCII digits, got {first17!r}")
    # weighted sum of the digit bytes minus that of b"0" * 17: three times faster than int() per digit
    return CHECK_CHARS[(sum(map(mul, first17.encode(), WEIGHTS)) - _ZERO_SUM) % 11]


def upgrade15(id15: str) -> str:
    """Convert an old 15-digit number to 18 digits: insert '19' before the year and add the check."""
    if len(id15) != 15 or not (id15.isascii() and id15.isdigit()):
        raise InvalidId(id15, IdProblem.BAD_LENGTH)
    body = id15[:6] + "19" + id15[6:]
    return body + check_char(body)


def _birth(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def problem(raw: object, today: date | None = None) -> IdProblem | None:
    """The first reason the number is invalid, or None. Accepts 15 or 18 characters after normalising."""
    if isinstance(raw, float) or (isinstance(raw, str) and re.search(r"\d[.]\d*E\+?\d", raw, re.I)):
        return IdProblem.SCIENTIFIC
    number = normalise(raw)
    if not number:
        return IdProblem.EMPTY
    if not number.isascii():
        return IdProblem.BAD_CHARACTERS if len(number) in (15, 18) else IdProblem.BAD_LENGTH
    if len(number) == 15 and number.isdigit():
        number = upgrade15(number)
    if len(number) != 18:
        if re.fullmatch(r"\d+", number) and len(number) > 18:
            return IdProblem.SCIENTIFIC
        return IdProblem.BAD_LENGTH
    if not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        return IdProblem.BAD_CHARACTERS
    if number[:2] not in PROVINCE_CODES or number[2:6] == "0000":
        return IdProblem.BAD_AREA
    born = _birth(number)
    if born is None or born.year < 1880:
        return IdProblem.BAD_BIRTH_DATE
    if born > (today or date.today()):
        return IdProblem.FUTURE_BIRTH_DATE
    if check_char(number[:17]) != number[17]:
        return IdProblem.BAD_CHECK
    return None


def validate(raw: object, today: date | None = None) -> str:
    """Return the canonical 18-character number, or raise InvalidId with the specific problem."""
    found = problem(raw, today)
    if found is not None:
        raise InvalidId(raw, found)
    number = normalise(raw)
    return upgrade15(number) if len(number) == 15 else number


def is_valid(raw: object, today: date | None = None) -> bool:
    return problem(raw, today) is None


def birth_date(number: str) -> date:
    born = _birth(validate(number))
    assert born is not None
    return born


def sex(number: str) -> str:
    """'M' or 'F' from the sequence digit (odd = male)."""
    return "M" if int(validate(number)[16]) % 2 else "F"


def age_on(number: str, on: date) -> int:
    return age_from_birth(birth_date(number), on)


def age_from_birth(born: date, on: date) -> int:
    """Completed years on a date; a person born on 29 February turns a year older on 1 March."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def mask(number: str) -> str:
    """530102********1238: area code and last four, for anyone not allowed to see the full number."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def make(area: str, born: date, sequence: int) -> str:
    """Build a valid 18-character number (for synthetic data and tests)."""
    body = f"{area}{born.year:04d}{born.month:02d}{born.day:02d}{sequence:03d}"  # strftime is 5x slower
    return body + check_char(body)


# Disability certificates (第二代残疾人证): the 18-character ID, a category digit and a grade digit.
class DisabilityCategory(StrEnum):
    VISUAL = "1"
    HEARING = "2"
    SPEECH = "3"
    LIMB = "4"
    INTELLECTUAL = "5"
    MENTAL = "6"
    MULTIPLE = "7"

    @property
    def label(self) -> str:
        return {"1": "视力", "2": "听力", "3": "言语", "4": "肢体", "5": "智力", "6": "精神", "7": "多重"}[
            self.value
        ]


@dataclass(frozen=True)
class DisabilityCertificate:
    resident_id: str
    category: DisabilityCategory
    grade: int  # 1 most severe .. 4

    @property
    def number(self) -> str:
        return f"{self.resident_id}{self.category.value}{self.grade}"


class InvalidCertificate(ValueError):
    pass


def parse_certificate(raw: object, holder_id: str | None = None) -> DisabilityCertificate:
    """Parse a 20-character certificate number; check the embedded ID, and that it is the holder's."""
    text = normalise(raw)
    if len(text) != 20:
        raise InvalidCertificate(f"残疾证号应为20位(身份证号18位+类别1位+等级1位): {raw!r}")
    try:
        resident_id = validate(text[:18])
    except InvalidId as exc:
        raise InvalidCertificate(f"残疾证号中的身份证号无效({exc.problem.message}): {raw!r}") from exc
    if text[18] not in "1234567":
        raise InvalidCertificate(f"残疾证号第19位残疾类别应为1-7: {raw!r}")
    if text[19] not in "1234":
        raise InvalidCertificate(f"残疾证号第20位残疾等级应为1-4: {raw!r}")
    if holder_id is not None and validate(holder_id) != resident_id:
        raise InvalidCertificate(f"残疾证号中的身份证号与持证人身份证号不一致: {raw!r}")
    return DisabilityCertificate(resident_id, DisabilityCategory(text[18]), int(text[19]))
