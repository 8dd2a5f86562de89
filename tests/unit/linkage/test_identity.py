"""Two valid IDs more than one slip apart are two persons: rejected outright, not sent to review."""

from datetime import date

import pytest

from doudi.core import ids
from doudi.linkage import pipeline
from doudi.linkage.identity import NEAR, SAME, TWO_PERSONS, UNKNOWN, relation, slips
from doudi.linkage.records import frame
from tests.unit.linkage.world import AREA, person, pid, typo, with_heads

BORN = date(1971, 3, 3)
ZHOU = pid(BORN, 101)


def recomputed(number: str, position: int, digit: str) -> str:
    """A slip in the body with the check character computed again (what some entry systems do): valid."""
    body = number[:position] + digit + number[position + 1 : 17]
    return body + ids.check_char(body)


def test_slips_counts_one_substitution_or_one_adjacent_swap() -> None:
    assert slips("12345", "12345") == 0
    assert slips("12345", "12945") == 1
    assert slips("12345", "13245") == 1
    assert slips("12345", "13254") == 2
    assert slips("12345", "1234") == 2


def test_two_valid_ids_apart_by_more_than_one_slip_are_two_persons() -> None:
    other = pid(BORN, 357)  # same area and birth date: a namesake born the same day
    assert relation(ZHOU, True, False, other, True, False) == TWO_PERSONS
    assert relation(ZHOU, True, False, ZHOU, True, False) == SAME


def test_one_slip_with_a_recomputed_check_character_is_near() -> None:
    assert relation(ZHOU, True, False, recomputed(ZHOU, 9, "8"), True, False) == NEAR
    swapped = ZHOU[:10] + ZHOU[11] + ZHOU[10] + ZHOU[12:17]
    assert relation(ZHOU, True, False, swapped + ids.check_char(swapped), True, False) == NEAR


def test_an_invalid_or_missing_id_leaves_the_decision_to_the_model() -> None:
    assert relation(ZHOU, True, False, typo(ZHOU, 15), False, False) == UNKNOWN
    assert relation("", False, False, ZHOU, True, False) == UNKNOWN


def test_digits_lost_to_excel_are_not_read_as_another_person() -> None:
    lost = next(n for n in (pid(BORN, s)[:15] + "000" for s in range(100, 999)) if ids.is_valid(n))
    true = next(
        pid(BORN, s) for s in range(100, 999) if pid(BORN, s)[:15] == lost[:15] and pid(BORN, s) != lost
    )
    assert relation(true, True, False, lost, True, False) == NEAR


def test_a_converted_fifteen_digit_id_is_compared_on_its_fifteen_digits() -> None:
    old = ZHOU[:6] + ZHOU[8:17]
    mistyped = old[:12] + ("9" if old[12] != "9" else "8") + old[13:]
    assert relation(ids.upgrade15(mistyped), True, True, ZHOU, True, False) == NEAR
    far = old[:12] + "999"
    assert relation(ids.upgrade15(far), True, True, ZHOU, True, False) == TWO_PERSONS


@pytest.fixture(scope="module")
def result() -> pipeline.LinkageResult:
    village = AREA + "001001"
    poverty = with_heads(
        [
            person("poverty", 2, "P:1", "周杰", ZHOU),
            person("poverty", 3, "P:2", "吴敏", pid(BORN, 211)),
            person("poverty", 4, "P:3", "郑强", pid(date(1965, 5, 5), 311)),
            person("poverty", 5, "P:3", "郑小红", "", "之女"),
        ]
    )
    rolls = with_heads(
        [
            person("dibao", 2, "D:1", "周杰", pid(BORN, 357), village=village),  # namesake: two valid IDs
            person(
                "dibao", 3, "D:2", "吴敏", recomputed(pid(BORN, 211), 15, "7")
            ),  # one slip, check recomputed
            person("dibao", 4, "D:3", "李明", pid(date(1966, 6, 6), 411)),  # another family
            person("dibao", 5, "D:3", "郑小红", "", "之女"),  # a child without an ID, namesake in that family
        ]
    )
    return pipeline.run(frame(poverty), frame(rolls), train=False)


def test_namesakes_born_the_same_day_are_not_linked_nor_reviewed(result: pipeline.LinkageResult) -> None:
    assert "poverty:2" not in set(result.links["uid_l"])


def test_one_slip_between_two_valid_ids_goes_to_review(result: pipeline.LinkageResult) -> None:
    row = result.links.set_index("uid_l").loc["poverty:3"]
    assert row["uid_r"] == "dibao:3" and row["band"] == "review"


def test_a_child_without_id_in_another_family_is_not_linked(result: pipeline.LinkageResult) -> None:
    assert "poverty:5" not in set(result.links["uid_l"])
