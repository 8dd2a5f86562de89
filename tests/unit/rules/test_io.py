"""The household JSON format: round trip, the synth form, and errors that name the field."""

import json
from datetime import date
from pathlib import Path

import pytest

from doudi.rules.engine import assess
from doudi.rules.io import InvalidHousehold, household_from_json, household_to_json
from doudi.rules.sample import households


def test_round_trip_through_json() -> None:
    for h in households(50, date(2022, 3, 1), seed=4, complex_share=0.5):
        again = household_from_json(json.loads(json.dumps(household_to_json(h))))
        assert again == h


def test_yuan_fen_and_bare_fen_are_the_same_amount() -> None:
    base = {
        "household_id": "H",
        "region": "530521",
        "hukou": {"county": "530521", "type": "rural"},
        "members": [{"person_id": "A", "birth_date": "1970-01-01", "relation": "head"}],
    }
    forms = [
        {"kind": "wage", "amount_yuan": "1,200.50"},
        {"kind": "wage", "amount_fen": 120050},
        {"kind": "wage", "amount": 120050},
    ]
    amounts = {household_from_json({**base, "income": [f]}).income[0].amount for f in forms}
    assert amounts == {120050}


def test_synth_facts_form_is_accepted() -> None:
    record = {
        "household_id": "S1",
        "region": "530521101201",
        "hukou_county": "530521",
        "hukou_type": "rural",
        "members": [
            {
                "person_id": "A",
                "birth_date": "1950-01-01",
                "relation": "head",
                "supporters": [],
                "daily_activities": None,
            }
        ],
        "income": [{"kind": "pension_basic_rural", "amount": 120000, "period": "year", "member": "A"}],
        "property": [],
        "synth": {"status": "missed"},
    }
    h = household_from_json(record)
    assert (h.hukou_county, h.income[0].kind) == ("530521", "basic_rural_pension")
    assert assess(h, date(2022, 3, 1)).explanation.value("income.gross") == 0


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        (
            {"members": [{"person_id": "A", "birth_date": "1970-13-01", "relation": "head"}]},
            "household.members[0].birth_date: 日期 '1970-13-01' 无效",
        ),
        (
            {"members": [{"person_id": "A", "birth_date": "1970-01-01", "relation": "boss"}]},
            "household.members[0].relation: 'boss' 无效",
        ),
        (
            {"income": [{"kind": "wage", "amount_yuan": "12.345"}]},
            "household.income[0].amount_yuan: 金额最多两位小数",
        ),
        ({"income": [{"kind": "wage"}]}, "household.income[0]: 缺少金额 amount_fen(分) 或 amount_yuan(元)"),
        ({"deductions": [{"kind": "food", "paid_fen": 1}]}, "household.deductions[0].kind: 应为 illness"),
    ],
)
def test_errors_name_the_field_and_the_fix(patch: dict, message: str) -> None:
    base = {
        "household_id": "H",
        "region": "530521",
        "members": [{"person_id": "A", "birth_date": "1970-01-01", "relation": "head"}],
    }
    with pytest.raises(InvalidHousehold) as err:
        household_from_json({**base, **patch})
    assert message in str(err.value)


def test_canonical_json_matches_the_published_schema() -> None:
    import jsonschema

    schema_path = Path(__file__).resolve().parents[3] / "src/doudi/rules/schema/household.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for h in households(30, date(2022, 3, 1), seed=5, complex_share=0.5):
        validator.validate(json.loads(json.dumps(household_to_json(h))))
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"household_id": "H", "region": "530521", "members": [{"person_id": "A"}]})
