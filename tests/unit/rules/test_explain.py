"""Every decision carries its inputs, intermediate values and the parameters used (date, region, reference)."""

import json
from datetime import date

from doudi.rules.engine import assess
from doudi.rules.model import Household, Hukou, Income, Member, Relation


def _household() -> Household:
    return Household(
        "H",
        "530523101201",
        "530523",
        Hukou.RURAL,
        (Member("A", date(1975, 6, 1), Relation.HEAD), Member("B", date(1977, 2, 3), Relation.SPOUSE)),
        income=(Income("wage", 30_000, "month", "A"),),
        property=(),
    )


def test_explanation_lists_values_and_parameters() -> None:
    a = assess(_household(), date(2022, 3, 1))
    ex = a.explanation
    assert ex.value("income.gross") == 360_000
    assert ex.value("income.employment") == 72_000  # 龙陵县: 20% of wage, cap 200 yuan a month
    assert ex.value("income.net") == 288_000
    used = {p.name: p for p in ex.parameters}
    assert used["deduction.employment_cost_share"].region == "530523"
    assert used["dibao.rural_standard_yearly"].start == date(2022, 1, 1)
    assert "tekun.basic_living_monthly" not in used  # only what the decision used


def test_explanation_json_is_serialisable_and_round_trips_inputs() -> None:
    a = assess(_household(), date(2022, 3, 1))
    data = json.loads(json.dumps(a.as_json(), ensure_ascii=False))
    assert data["explanation"]["inputs"]["members"][1]["birth_date"] == "1977-02-03"
    steps = {s["key"]: s for s in data["explanation"]["steps"]}
    assert steps["dibao.per_person"]["value"] == 30_500  # 425 - 2,880 / 2 / 12 = 305 yuan per person
    assert data["benefit_fen"] == 61_000


def test_exact_fractions_are_kept_until_the_one_rounding() -> None:
    h = _household()
    one = Household(
        h.household_id,
        h.region,
        h.hukou_county,
        h.hukou_type,
        h.members[:1],
        income=(Income("agriculture", 100, "year", "A"),),
        property=(),
    )
    data = assess(one, date(2022, 3, 1)).as_json()
    steps = {s["key"]: s for s in data["explanation"]["steps"]}
    assert steps["dibao.per_person"]["value"] == "127475/3"  # 42,500 - 100/12 fen
    assert data["benefit_fen"] == 42_492  # 42,491.67 rounded half up once


def test_render_is_chinese_text_for_a_caseworker() -> None:
    text = assess(_household(), date(2022, 3, 1)).render()
    assert "结论: 符合农村(城市)低保条件" in text
    assert "就业成本扣减: 720.00 元" in text
    assert "[530523, 2022-01-01起]" in text
