from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from doudi.core import ids
from doudi.core.ids import IdProblem

# Fixed vectors: the GB 11643-1999 annex example and Yunnan numbers checked by hand.
VALID = ["11010519491231002X", "440524188001010014", "530102198001011237"]


@pytest.mark.parametrize("number", VALID)
def test_fixed_vectors_are_valid(number: str) -> None:
    assert ids.validate(number) == number


def test_check_character_of_the_standards_example() -> None:
    assert ids.check_char("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),  # full-width digits and letter
        ("'11010519491231002x", "11010519491231002X"),  # leading apostrophe, lowercase x
        (" 110105 19491231 002X ", "11010519491231002X"),  # spaces
        ("110105491231002", "11010519491231002X"),  # old 15-digit number upgraded
    ],
)
def test_normalises_what_rosters_hold(raw: str, expected: str) -> None:
    assert ids.validate(raw) == expected


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", IdProblem.EMPTY),
        ("5301021980010112", IdProblem.BAD_LENGTH),
        ("53010219800101123A", IdProblem.BAD_CHARACTERS),
        ("5301021980010112\u0663\u0667", IdProblem.BAD_CHARACTERS),  # Arabic-Indic digits pass str.isdigit
        ("53010280010\u0661123", IdProblem.BAD_CHARACTERS),
        ("000102198001011237", IdProblem.BAD_AREA),
        ("530102198002301237", IdProblem.BAD_BIRTH_DATE),
        ("530102209901011237", IdProblem.FUTURE_BIRTH_DATE),
        ("530102198001011238", IdProblem.BAD_CHECK),
        (5.30102198001011e17, IdProblem.SCIENTIFIC),
        ("5.30102E+17", IdProblem.SCIENTIFIC),
    ],
)
def test_each_failure_has_its_own_reason(raw: object, problem: IdProblem) -> None:
    assert ids.problem(raw, today=date(2026, 1, 1)) is problem
    with pytest.raises(ids.InvalidId) as err:
        ids.validate(raw, today=date(2026, 1, 1))
    assert err.value.problem is problem
    assert problem.message in str(err.value)


def test_derives_birth_sex_and_age() -> None:
    number = "530102198002291237"[:17]
    number += ids.check_char(number)
    assert ids.birth_date(number) == date(1980, 2, 29)
    assert ids.sex(number) == "M"  # sequence 123 is odd
    assert ids.age_on(number, date(2040, 2, 28)) == 59
    assert ids.age_on(number, date(2040, 2, 29)) == 60
    assert ids.age_from_birth(date(1980, 2, 29), date(2041, 2, 28)) == 60
    assert ids.age_from_birth(date(1980, 2, 29), date(2041, 3, 1)) == 61


def test_mask_keeps_area_and_last_four() -> None:
    assert ids.mask("530102198001011238") == "530102********1238"


births = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))
areas = st.sampled_from(["530102", "530423", "532931", "110105", "440524"])
sequences = st.integers(min_value=0, max_value=999)


@given(areas, births, sequences)
def test_made_numbers_validate_and_round_trip(area: str, born: date, seq: int) -> None:
    number = ids.make(area, born, seq)
    assert ids.validate(number) == number
    assert ids.birth_date(number) == born
    assert ids.sex(number) == ("M" if seq % 2 else "F")


@given(
    areas, births, sequences, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9)
)
def test_any_single_digit_typo_is_caught(area: str, born: date, seq: int, pos: int, delta: int) -> None:
    number = ids.make(area, born, seq)
    typo = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    assert not ids.is_valid(typo, today=date(2026, 1, 1))


@given(areas, births, sequences, st.integers(min_value=0, max_value=15))
def test_any_adjacent_swap_of_different_digits_is_caught(area: str, born: date, seq: int, pos: int) -> None:
    number = ids.make(area, born, seq)
    a, b = number[pos], number[pos + 1]
    if a == b or not b.isdigit():
        return
    swapped = number[:pos] + b + a + number[pos + 2 :]
    assert not ids.is_valid(swapped, today=date(2026, 1, 1))


@given(areas, st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), sequences)
def test_fifteen_digit_numbers_upgrade_to_the_same_person(area: str, born: date, seq: int) -> None:
    old = f"{area}{born:%y%m%d}{seq:03d}"
    assert ids.validate(old) == ids.make(area, born, seq)


def test_disability_certificate_parses_category_and_grade() -> None:
    cert = ids.parse_certificate("53010219800101123752", holder_id="530102198001011237")
    assert cert.category is ids.DisabilityCategory.INTELLECTUAL
    assert cert.category.label == "智力"
    assert cert.grade == 2
    assert cert.number == "53010219800101123752"


@pytest.mark.parametrize(
    ("raw", "holder", "fragment"),
    [
        ("5301021980010112375", None, "20位"),
        ("53010219800101123852", None, "校验位"),
        ("53010219800101123782", None, "类别"),
        ("53010219800101123755", None, "等级"),
        ("53010219800101123752", "11010519491231002X", "不一致"),
    ],
)
def test_disability_certificate_problems(raw: str, holder: str | None, fragment: str) -> None:
    with pytest.raises(ids.InvalidCertificate, match=fragment):
        ids.parse_certificate(raw, holder_id=holder)
