"""The whole linkage on a small fixed county, with the shipped model (no training: fast and deterministic)."""

import pandas as pd
import pytest

from doudi.linkage import pipeline
from doudi.linkage.records import frame
from tests.unit.linkage import world


@pytest.fixture(scope="module")
def result() -> pipeline.LinkageResult:
    return pipeline.run(frame(world.poverty()), frame(world.rolls()), train=False)


def linked(result: pipeline.LinkageResult, left: str, band: str = "auto") -> set[str]:
    links = result.links
    return set(links.loc[(links["uid_l"] == left) & (links["band"] == band), "uid_r"])


def household(result: pipeline.LinkageResult, key: str) -> pd.Series:
    return result.households.set_index("household").loc[key]


def test_one_digit_typo_links(result: pipeline.LinkageResult) -> None:
    assert linked(result, "poverty:2") == {"dibao:2"}


def test_adjacent_swap_links(result: pipeline.LinkageResult) -> None:
    assert linked(result, "poverty:3") == {"tekun:2"}


def test_fifteen_digit_id_links_in_the_exact_stage(result: pipeline.LinkageResult) -> None:
    assert linked(result, "poverty:4") == {"dibao:3"}
    row = result.links.set_index("uid_l").loc["poverty:4"]
    assert row["stage"] == "exact"


def test_homophone_name_links_with_its_evidence(result: pipeline.LinkageResult) -> None:
    assert linked(result, "poverty:5") == {"dibao:4"}
    evidence = result.links.set_index("uid_l").loc["poverty:5", "evidence"]
    assert evidence["fields"]["name"] == "same_pinyin"
    assert evidence["fields"]["id"] == "one_edit_check_failed"


def test_unrelated_person_born_the_same_day_does_not_link(result: pipeline.LinkageResult) -> None:
    assert linked(result, "poverty:6") == set()
    assert "dibao:5" not in set(result.auto["uid_r"])


def test_child_without_id_links_through_its_household(result: pipeline.LinkageResult) -> None:
    assert linked(result, "poverty:9") == {"dibao:7"}


def test_within_roster_duplicate_is_reported_and_left_out(result: pipeline.LinkageResult) -> None:
    dups = result.duplicates
    assert list(dups["uid"]) == ["poverty:13"]
    assert dups.iloc[0]["first_uid"] == "poverty:12"
    assert "poverty:13" not in set(result.poverty["uid"])


def test_links_are_one_to_one(result: pipeline.LinkageResult) -> None:
    assert not result.links["uid_r"].duplicated().any()
    assert not result.links[["uid_l", "roster_r"]].duplicated().any()


def test_household_classes(result: pipeline.LinkageResult) -> None:
    assert household(result, "P:1")["class"] == "covered_dibao"
    assert household(result, "P:2")["class"] == "covered_tekun"
    assert household(result, "P:6")["class"] == "covered_dibao"
    partly = household(result, "P:7")
    assert partly["class"] == "partly_covered"
    assert partly["uncovered_members"] == ["poverty:11"]


def test_not_covered_household_flags_priority_members(result: pipeline.LinkageResult) -> None:
    missed = household(result, "P:5")
    assert missed["class"] == "not_covered"
    assert missed["priority_members"] == ["poverty:6"]
    assert missed["detail"]["priority"][0]["reason"] == "一二级残疾"


def test_roll_households_not_in_the_registry(result: pipeline.LinkageResult) -> None:
    only = set(result.roll_only["household"])
    assert only == {"D:" + world.LIU, "D:" + world.HE}


def test_member_who_moved_into_a_linked_households_roll_leaves_hers_not_covered(
    result: pipeline.LinkageResult,
) -> None:
    """杨小芳 is listed in card household P:9 but is in the dibao roll of 杨军's household (P:6): that covers P:6,
    not P:9, whose other member is covered by nothing — a 漏保 candidate, the move in its detail."""
    row = household(result, "P:9")
    assert row["class"] == "not_covered"
    assert row["moved_members"] == ["poverty:15"]
    assert row["covered_members"] == []
    assert "已迁入他户" in row["detail"]["conflicts"][0]
    assert household(result, "P:6")["class"] == "covered_dibao"


def test_member_who_married_into_a_dibao_household_outside_the_registry_leaves_hers_not_covered(
    result: pipeline.LinkageResult,
) -> None:
    """吴丽 is the only member of P:10 in 周强's dibao household, as its 之儿媳, beside its own head."""
    row = household(result, "P:10")
    assert linked(result, "poverty:17") == {"dibao:12"}
    assert row["class"] == "not_covered"
    assert row["moved_members"] == ["poverty:17"]
    assert row["detail"]["moved_names"] == ["吴丽"]


def test_single_person_dibao_household_still_covers_its_member(result: pipeline.LinkageResult) -> None:
    """孙丽 heads her own single-person dibao household: she is covered, not moved (P:7 partly covered)."""
    assert household(result, "P:7")["moved_members"] == []
