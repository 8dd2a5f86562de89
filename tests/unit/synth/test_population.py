"""Households, persons and names look like rural Yunnan."""

from collections import Counter
from datetime import date
from pathlib import Path

from doudi.core import ids
from doudi.core.rosters import HEALTH, LABOR, RELATIONS
from doudi.synth import ErrorRates
from doudi.synth.names import NON_BMP_CHARS, RARE_BMP_CHARS
from tests.unit.synth.conftest import Generated, make

AS_OF = date(2020, 7, 1)


def test_household_sizes_and_disability_prevalence(county: Generated) -> None:
    card = [h for h in county.table("truth_households.csv") if h["card_household"] == "是"]
    sizes = [int(h["size"]) for h in card]
    assert 3.0 < sum(sizes) / len(sizes) < 4.5
    assert min(sizes) == 1 and max(sizes) <= 8
    assert sum(sizes) == county.summary.persons == 800
    persons = [m for f in county.facts() if f["poverty"]["card_household"] for m in f["members"]]
    disabled = sum(1 for m in persons if "disability" in m) / len(persons)
    assert 0.04 < disabled < 0.10


def test_roster_vocabularies_and_sex_agree_with_ids(county: Generated) -> None:
    truth = {int(t["row"]): t for t in county.table("truth.csv") if t["roster"] == "poverty"}
    for number, row in enumerate(county.table("poverty.csv"), start=1):
        assert row["与户主关系"] in RELATIONS
        assert row["劳动技能"] in LABOR
        assert row["健康状况"] in HEALTH
        sex = "男" if ids.sex(truth[number]["true_id"]) == "M" else "女"
        assert (row["性别"] == sex) != ("sex_mismatch" in truth[number]["errors"])


def test_labor_capacity_follows_age(county: Generated) -> None:
    truth = {int(t["row"]): t for t in county.table("truth.csv") if t["roster"] == "poverty"}
    for number, row in enumerate(county.table("poverty.csv"), start=1):
        age = ids.age_on(truth[number]["true_id"], AS_OF)
        if age < 16:
            assert row["劳动技能"] == "无劳动力"
        if age >= 60:
            assert row["劳动技能"] in ("丧失劳动力", "弱劳动力或半劳动力")


def test_ids_are_mostly_issued_in_the_county(county: Generated) -> None:
    areas = Counter(t["true_id"][:6] for t in county.table("truth.csv"))
    assert areas.most_common(1)[0][0] == "530627"
    assert len(areas) > 5 and all(area.startswith("53") for area in areas)


def test_rare_characters_survive_every_format(tmp_path: Path) -> None:
    rates = ErrorRates(rare_name=0.2, rare_bmp_name=0.2)
    generated = make(tmp_path, persons=120, seed=3, formats=("xlsx", "csv", "gb18030"), errors=rates)
    names = [r["姓名"] for r in generated.table("poverty.csv")]
    assert any(c in NON_BMP_CHARS for name in names for c in name)
    assert any(c in RARE_BMP_CHARS for name in names for c in name)
    assert [r["姓名"] for r in generated.table("poverty.gb18030.csv", encoding="gb18030")] == names
    assert [row[4] for row in generated.sheet("poverty.xlsx")[1:]] == names


def test_household_facts_follow_the_rules_model(county: Generated) -> None:
    facts = county.facts()
    assert len(facts) == len(county.table("truth_households.csv"))
    kinds = Counter(i["kind"] for f in facts for i in f["income"])
    assert {"wage", "agriculture", "basic_rural_pension", "social_assistance"} <= set(kinds)
    for record in facts:
        assert record["region"].startswith("530627") and len(record["region"]) == 12
        ids_here = {m["person_id"] for m in record["members"]}
        assert all(i["member"] in ids_here for i in record["income"] if i["member"])
        assert all(isinstance(i["amount"], int) and i["amount"] >= 0 for i in record["income"])
        assert {p["kind"] for p in record["property"]} <= {
            "house",
            "financial",
            "vehicle",
            "company",
            "non_residential",
        }
        assert record["members"][0]["relation"] == "head" or len(record["members"]) == 1
