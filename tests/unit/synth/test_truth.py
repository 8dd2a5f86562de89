"""The truth files agree with the rosters and with the household facts."""

from collections import Counter, defaultdict
from fractions import Fraction

from doudi.core.money import round_half_up
from doudi.synth import Parameters
from doudi.synth.names import HOMOPHONES
from tests.unit.synth.conftest import NOISY, Generated


def test_every_row_has_a_person_and_households_exist(noisy: Generated) -> None:
    truth = noisy.table("truth.csv")
    households = {h["household_key"] for h in noisy.table("truth_households.csv")}
    assert all(t["person_key"] and t["true_id"] and t["true_name"] for t in truth)
    assert {t["listed_household_key"] for t in truth} <= households
    assert {t["true_household_key"] for t in truth} <= households
    # a person has one true ID and one true household across all rosters
    ids_of: dict[str, set[str]] = defaultdict(set)
    for t in truth:
        ids_of[t["person_key"]].add(t["true_id"])
    assert all(len(v) == 1 for v in ids_of.values())
    keys_of: dict[str, set[str]] = defaultdict(set)
    for t in truth:
        keys_of[t["true_id"]].add(t["person_key"])
    assert all(len(v) == 1 for v in keys_of.values())


def _rate(truth: list[dict[str, str]], kind: str) -> float:
    return sum(kind in t["errors"].split(";") for t in truth) / len(truth)


def test_row_errors_are_planted_at_about_their_rates(noisy: Generated) -> None:
    truth = noisy.table("truth.csv")
    assert len(truth) > 2000
    for kind in ("id_digit_typo", "id_transposition", "id_full_width", "id_spaces", "id_apostrophe"):
        assert abs(_rate(truth, kind) - getattr(NOISY, kind)) < 0.015, kind
    assert abs(_rate(truth, "name_variant") - NOISY.name_variant) < 0.03
    assert abs(_rate(truth, "duplicate_row") - NOISY.duplicate_row) < 0.015


def test_name_variants_change_one_character_to_a_homophone(noisy: Generated) -> None:
    rows = {r: noisy.table(f"{r}.csv") for r in ("poverty", "dibao", "tekun")}
    checked = 0
    for t in noisy.table("truth.csv"):
        written = rows[t["roster"]][int(t["row"]) - 1]["姓名"]
        if "name_variant" not in t["errors"]:
            assert written == t["true_name"]
            continue
        diff = [(a, b) for a, b in zip(t["true_name"], written, strict=True) if a != b]
        assert len(diff) == 1 and diff[0][1] in HOMOPHONES[diff[0][0]]
        checked += 1
    assert checked > 20


def test_duplicates_repeat_a_person_of_the_same_roster(noisy: Generated) -> None:
    truth = noisy.table("truth.csv")
    seen: Counter[tuple[str, str]] = Counter((t["roster"], t["person_key"]) for t in truth)
    duplicated = [t for t in truth if "duplicate_row" in t["errors"]]
    assert duplicated
    assert all(seen[(t["roster"], t["person_key"])] >= 2 for t in duplicated)


def test_deaths_and_moves_are_events_and_still_listed(noisy: Generated) -> None:
    truth = noisy.table("truth.csv")
    events = noisy.table("truth_events.csv")
    died = {e["person_key"] for e in events if e["event"] == "died"}
    moved = {e["person_key"]: e for e in events if e["event"] == "moved"}
    assert died and moved
    listed_dead = {t["person_key"] for t in truth if "deceased_listed" in t["errors"]}
    assert listed_dead == died
    assert all(t["roster"] == "dibao" for t in truth if t["person_key"] in died)
    for t in truth:
        if "moved_person" in t["errors"]:
            event = moved[t["person_key"]]
            assert t["roster"] == "poverty"
            assert t["listed_household_key"] == event["household_key"] != t["true_household_key"]
            assert t["true_household_key"] == event["to_household_key"]
    in_dibao = {t["person_key"]: t for t in truth if t["roster"] == "dibao"}
    assert all(in_dibao[k]["listed_household_key"] == e["to_household_key"] for k, e in moved.items())


def test_statuses_follow_the_facts(county: Generated) -> None:
    params = Parameters()
    households = {h["household_key"]: h for h in county.table("truth_households.csv")}
    statuses: Counter[str] = Counter()
    for facts in county.facts():
        truth = households[facts["household_id"]]
        family = set(facts["synth"]["counted"])
        size = len(family)
        assert size == int(truth["counted_members"]) > 0
        countable = sum(
            i["amount"]
            for i in facts["income"]
            if i["kind"] not in params.excluded_income and (i["member"] is None or i["member"] in family)
        )
        countable -= sum(d["paid"] - d["reimbursed"] for d in facts["deductions"] if d["member"] in family)
        assert int(truth["countable_income_yearly_fen"]) == max(0, countable)
        below = countable < params.dibao_standard_yearly * size
        reasons = truth["ineligible_reasons"].split(";") if truth["ineligible_reasons"] else []
        assert ("income_above_standard" in reasons) == (not below)
        assert truth["eligible_dibao"] == str(int(not reasons))
        statuses[truth["status"]] += 1
        if truth["status"] == "missed":
            assert truth["card_household"] == "是" and truth["coverage"] == "none"
            assert "1" in (truth["eligible_dibao"], truth["eligible_tekun"])
        if truth["status"] == "wrongly_covered":
            assert truth["coverage"] in ("dibao", "tekun") and truth["eligible_" + truth["coverage"]] == "0"
    card = sum(v for k, v in statuses.items())
    assert 0.25 < statuses["covered"] / card < 0.55
    assert statuses["missed"] > 0 and statuses["wrongly_covered"] > 0


def test_dibao_amounts_make_up_the_gap_to_the_standard(county: Generated) -> None:
    households = {h["household_key"]: h for h in county.table("truth_households.csv")}
    checked = 0
    for facts in county.facts():
        truth = households[facts["household_id"]]
        if truth["coverage"] != "dibao" or truth["status"] != "covered":
            continue
        size = int(truth["counted_members"])
        gap = Fraction(450_000, 12) - Fraction(int(truth["countable_income_yearly_fen"]), 12 * size)
        assert int(truth["monthly_benefit_fen"]) == round_half_up(gap * int(truth["covered_persons"]))
        assert facts["enrolment"]["dibao_benefit"] == int(truth["monthly_benefit_fen"])
        checked += 1
    assert checked > 30


def test_safety_net_mark_covers_most_covered_and_missed_households(county: Generated) -> None:
    card = [h for h in county.table("truth_households.csv") if h["card_household"] == "是"]
    marked = Counter(h["status"] for h in card if h["safety_net_mark"] == "是")
    total = Counter(h["status"] for h in card)
    assert marked["covered"] / total["covered"] > 0.7
    assert marked["not_eligible"] / total["not_eligible"] < 0.05
    poverty = county.table("poverty.csv")
    assert {r["兜底保障标识"] for r in poverty} == {"是", "否"}
