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


def test_member_listed_in_another_households_roll_is_a_conflict(result: pipeline.LinkageResult) -> None:
    row = household(result, "P:9")
    assert row["class"] == "conflict"
    assert row["covered_members"] == ["poverty:15"]
    assert "他户" in row["detail"]["conflicts"][0]
    assert household(result, "P:6")["class"] == "covered_dibao"
