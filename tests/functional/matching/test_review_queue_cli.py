"""The clerical-review queue (doudi.matching.review_queue) and `doudi match review list|decide`: region scope,
decisions recorded and audited, the household classes of the run re-classified by a decision, clear errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from doudi.cli import main
from doudi.matching import review_queue
from doudi.matching.actions import run_match
from doudi.matching.models import ClericalReview, HouseholdCoverage
from doudi.registry.access import NotInScope
from doudi.registry.models import AuditEvent
from tests.functional.matching.review_helpers import ReviewCounty, review_county

pytestmark = pytest.mark.django_db


@pytest.fixture
def county() -> ReviewCounty:
    return review_county()


def names(user: object) -> set[str]:
    return {r.link.poverty_person.name for r in review_queue.filtered(user)}


def test_each_user_sees_the_pairs_of_his_own_region_only(county: ReviewCounty) -> None:
    assert names(county.village) == {"周杰", "王秀英"}
    assert names(county.other_village) == {"赵刚"}
    assert names(county.township) == names(county.civil) == {"周杰", "王秀英", "赵刚"}
    assert names(county.other_civil) == {"孙丽"}
    assert review_queue.pending_count(county.village) == 2
    assert review_queue.pending_count(county.other_village, county.zhou.pk) == 0
    assert review_queue.villages_in_queue(county.village) == [county.zhou.village_code]
    with pytest.raises(NotInScope):
        review_queue.get_review_for_user(county.village, county.review_of(county.zhao).pk)
    with pytest.raises(NotInScope):
        review_queue.get_review_for_user(county.civil, county.review_of(county.sun).pk)


def test_a_later_run_over_the_region_replaces_the_queue(county: ReviewCounty) -> None:
    old = county.review_of(county.zhou).pk
    run_match(county.civil)
    current = review_queue.filtered(county.village)
    assert {r.link.poverty_person.name for r in current} == {"周杰", "王秀英"}
    assert old not in {r.pk for r in current}
    assert names(county.other_civil) == {"孙丽"}  # the other county's run is still its current one


def test_confirming_a_pair_covers_the_person_and_is_audited(county: ReviewCounty) -> None:
    before = county.coverage_of(county.zhou)
    assert before.coverage_class == "not_covered" and before.detail["pending_review"]
    assert HouseholdCoverage.objects.filter(
        run=county.run, household=county.zhou_roll, coverage_class="roll_only"
    )
    review = county.review_of(county.zhou)

    outcome = review_queue.decide(county.village, review.pk, "match", "户口簿核实,低保名册证号录错一位")

    assert outcome.changes == {county.zhou.pk: ("not_covered", "covered_dibao")}
    review.refresh_from_db()
    assert (
        review.decision == "match"
        and review.decided_by == county.village
        and review.note.startswith("户口簿")
    )
    after = county.coverage_of(county.zhou)
    assert after.coverage_class == "covered_dibao"
    assert after.covered_members == [county.zhou.head_id]
    assert after.detail["pending_review"] == [] and after.detail["rosters"] == ["dibao"]
    # the dibao household is no longer "not in the registry"
    assert not HouseholdCoverage.objects.filter(
        run=county.run, household=county.zhou_roll, coverage_class="roll_only"
    )
    county.run.refresh_from_db()
    assert county.run.counts["households_covered_dibao"] == 1 and county.run.counts["review_decided"] == 1
    actions = list(AuditEvent.objects.filter(user=county.village).values_list("action", "object_id"))
    assert ("match_review", str(review.pk)) in actions and ("match_reclassify", str(county.run.pk)) in actions


def test_confirming_the_wife_settles_the_conflict_of_her_household(county: ReviewCounty) -> None:
    before = county.coverage_of(county.li)
    assert before.coverage_class == "conflict" and before.detail["uncovered_names"] == ["王秀英"]
    review_queue.decide(county.township, county.review_of(county.li).pk, "match", "同一人,名册证号录错")
    after = county.coverage_of(county.li)
    assert after.coverage_class == "covered_dibao" and after.detail["conflicts"] == []
    assert set(after.covered_members) == {county.li.head_id, county.li_wife.pk}


def test_rejecting_a_pair_leaves_the_person_uncovered_and_a_change_of_mind_is_followed(
    county: ReviewCounty,
) -> None:
    review = county.review_of(county.zhou)
    outcome = review_queue.decide(county.civil, review.pk, "non_match", "同日出生的两个人,户口簿核实")
    assert outcome.changes == {}
    after = county.coverage_of(county.zhou)
    assert after.coverage_class == "not_covered" and after.detail["pending_review"] == []
    assert after.priority_members == []  # a 50-year-old without disability: not a §2 priority member

    review_queue.decide(county.civil, review.pk, "match", "复查后确认是同一人", seen="non_match")
    assert county.coverage_of(county.zhou).coverage_class == "covered_dibao"
    review_queue.decide(county.civil, review.pk, "non_match", "再次核实:不是同一人", seen="match")
    assert county.coverage_of(county.zhou).coverage_class == "not_covered"
    roll_only = HouseholdCoverage.objects.get(
        run=county.run, household=county.zhou_roll, coverage_class="roll_only"
    )
    assert roll_only.detail["names"] == "周杰" and roll_only.detail["members"] == 1


@pytest.mark.parametrize(
    ("who", "decision", "note", "message"),
    [
        ("prefecture", "match", "核实", "只能查看复核队列"),
        ("village", "maybe", "核实", "复核结论只能是"),
        ("village", "match", "  ", "请写明复核依据"),
        ("village", "match", "长" * 501, "最多 500 个字"),
    ],
)
def test_invalid_decisions_are_refused_with_a_reason(
    county: ReviewCounty, who: str, decision: str, note: str, message: str
) -> None:
    review = county.review_of(county.zhou)
    with pytest.raises(review_queue.ReviewError, match=message):
        review_queue.decide(getattr(county, who), review.pk, decision, note)
    review.refresh_from_db()
    assert review.decision == "pending"
    assert not AuditEvent.objects.filter(action__in=("match_review", "match_reclassify")).exists()


def test_a_decision_taken_meanwhile_is_not_overwritten(county: ReviewCounty) -> None:
    review = county.review_of(county.zhou)
    review_queue.decide(county.township, review.pk, "non_match", "两个人")
    with pytest.raises(review_queue.ReviewError, match="已由他人处理"):
        review_queue.decide(county.village, review.pk, "match", "同一人", seen="pending")
    assert ClericalReview.objects.get(pk=review.pk).decision == "non_match"


def test_another_regions_pair_cannot_be_decided(county: ReviewCounty) -> None:
    with pytest.raises(NotInScope):
        review_queue.decide(county.village, county.review_of(county.zhao).pk, "match", "核实")
    with pytest.raises(NotInScope):
        review_queue.decide(county.civil, county.review_of(county.sun).pk, "match", "核实")


# --- the command ----------------------------------------------------------------------------------------------------


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["match", "review", *args])
    return result.exit_code, result.output


def test_cli_lists_the_users_pairs_with_ids_masked(county: ReviewCounty) -> None:
    username = county.village.username
    code, output = cli("list", "--user", username)
    assert code == 0, output
    assert "共 2 对" in output and "周杰" in output and "王秀英" in output and "赵刚" not in output
    assert county.zhou.head.id_number not in output
    assert county.zhou.head.id_number[:6] in output  # masked: the area code stays
    code, output = cli("list", "--user", county.township.username, "--village", county.zhao.village_code)
    assert code == 0 and "共 1 对" in output and "赵刚" in output
    code, output = cli("list", "--user", county.other_civil.username)
    assert "共 1 对" in output and "孙丽" in output and "周杰" not in output
    code, output = cli("list", "--user", username, "--status", "decided")
    assert code == 0 and "没有符合条件的配对" in output


def test_cli_decides_and_reports_the_class_change(county: ReviewCounty) -> None:
    review = county.review_of(county.zhou)
    code, output = cli(
        "decide",
        str(review.pk),
        "--user",
        county.village.username,
        "--decision",
        "match",
        "--note",
        "户口簿核实",
    )
    assert code == 0, output
    assert "已记录:确认为同一人" in output and "未纳入(疑似漏保) → 已纳入低保" in output
    assert county.coverage_of(county.zhou).coverage_class == "covered_dibao"
    code, output = cli("list", "--user", county.village.username, "--status", "decided")
    assert "共 1 对" in output and "确认为同一人" in output


def test_cli_errors_say_how_to_fix(county: ReviewCounty) -> None:
    zhao = county.review_of(county.zhao).pk
    code, output = cli(
        "decide", str(zhao), "--user", county.village.username, "--decision", "match", "--note", "x"
    )
    assert code != 0 and "不在您的管辖范围内" in output and "doudi match review list" in output
    code, output = cli("decide", str(zhao), "--user", "nobody", "--decision", "match", "--note", "x")
    assert code != 0 and "没有名为“nobody”的有效用户" in output
    code, output = cli(
        "decide", str(zhao), "--user", county.civil.username, "--decision", "match", "--note", " "
    )
    assert code != 0 and "请写明复核依据" in output
    code, output = cli("list", "--user", county.civil.username, "--village", "5329")
    assert code != 0 and "不是 12 位区划代码" in output
    assert ClericalReview.objects.get(pk=zhao).decision == "pending"


def test_match_without_a_subcommand_is_still_the_match_command() -> None:
    result = CliRunner().invoke(main, ["match"])
    assert result.exit_code != 0 and "请给出名册文件" in result.output
