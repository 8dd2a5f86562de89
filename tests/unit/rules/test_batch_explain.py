"""The vectorised path's explanation columns render, for any household, the explanation `engine.assess` gives:
the same steps with the same values and the same parameters (date, region, reference)."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from doudi.rules import batch
from doudi.rules.batch import assess_batch, flatten
from doudi.rules.batch_explain import explanation, inputs, render
from doudi.rules.columnar import read_parquet, write_parquet
from doudi.rules.engine import assess
from doudi.rules.model import Income
from doudi.rules.parameters import default_table
from doudi.rules.sample import households


@pytest.mark.parametrize(
    ("on", "seed", "complex_share", "n"),
    [
        (date(2022, 3, 1), 11, 0.1, 300),
        (date(2021, 8, 15), 12, 0.3, 300),
        (date(2019, 8, 1), 13, 0.3, 300),
        (date(2022, 3, 1), 14, 0.8, 1200),
    ],
)
def test_each_household_explanation_equals_the_per_household_one(
    on: date, seed: int, complex_share: float, n: int
) -> None:
    hs = households(n, on, seed=seed, complex_share=complex_share)
    cols = flatten(hs)
    result = assess_batch(None, on, cols=cols)
    keys: set[str] = set()
    for i, h in enumerate(hs):
        want = assess(h, on).explanation
        got = explanation(result, cols, i)
        assert got.steps == want.steps, h.household_id
        assert got.parameters == want.parameters, h.household_id
        assert got.as_json() == want.as_json(), h.household_id  # inputs too: the household's record
        assert got.render() == want.render(), h.household_id
        keys.update(s.key.split(".")[0] for s in got.steps)
    if complex_share > 0.5:  # member steps (tekun, single-person cover) and the benefit steps are reached
        assert {"tekun", "p4", "dibao"} <= keys


def test_every_rule_case_explanation_is_the_same_on_the_vectorised_path() -> None:
    """The YAML rule cases reach every branch (tiers, gradual exit, sanctions, temporary assistance...)."""
    from doudi.rules.cases import _merge, case_files, load_cases
    from doudi.rules.io import household_from_json

    checked = 0
    for path in case_files([Path(__file__).parents[2] / "rules"]):
        base, cases = load_cases(path)
        for case in cases:
            if "error" in (case.get("expect") or {}):
                continue
            on = case["date"] if isinstance(case["date"], date) else date.fromisoformat(str(case["date"]))
            raw = _merge(base, case.get("household") or {})
            raw.setdefault("household_id", case["name"])
            h = household_from_json(raw)
            want = assess(h, on).explanation
            cols = flatten([h])
            got = explanation(assess_batch(None, on, cols=cols), cols, 0)
            assert (got.steps, got.parameters) == (want.steps, want.parameters), case["name"]
            checked += 1
    assert checked > 100


def test_engine_lists_parameters_in_the_order_of_their_definitions() -> None:
    on = date(2022, 3, 1)
    order = list(default_table().definitions)
    for h in households(50, on, seed=3, complex_share=0.5):
        names = [p.name for p in assess(h, on).explanation.parameters]
        assert names == sorted(names, key=order.index)


def test_slices_give_the_same_columns_and_money_widens_past_int32(monkeypatch: pytest.MonkeyPatch) -> None:
    on = date(2022, 3, 1)
    hs = households(200, on, seed=21, complex_share=0.5)
    rich = hs[150]
    hs[150] = replace(rich, income=(*rich.income, Income(kind="business", amount=5_000_000_000)))
    cols = flatten(hs)
    whole = assess_batch(None, on, cols=cols)
    monkeypatch.setattr(batch, "CHUNK", 37)
    sliced = assess_batch(None, on, cols=cols)
    assert sliced.explain is not None and whole.explain is not None
    assert sliced.explain.gross.dtype == np.int64  # the slice with 5e9 fen widened the column, exactly
    assert int(sliced.explain.gross[150]) == int(whole.explain.gross[150]) > 2**31
    for i, h in enumerate(hs):
        want = assess(h, on).explanation
        got = explanation(sliced, cols, i)
        assert (got.steps, got.parameters) == (want.steps, want.parameters), i


def test_explanations_render_from_parquet_with_identifiers(tmp_path: Path) -> None:
    on = date(2022, 3, 1)
    hs = households(120, on, seed=31, complex_share=0.5)
    write_parquet(flatten(hs), tmp_path)
    cols = read_parquet(tmp_path)
    result = assess_batch(None, on, cols=cols)
    for i, h in enumerate(hs):
        a = assess(h, on)
        got = explanation(result, cols, i)
        assert (got.steps, got.parameters) == (a.explanation.steps, a.explanation.parameters), i
        text = render(result, cols, i)
        assert text.startswith(f"户 {h.household_id}({h.region}), 研判日期 2022-03-01")
        assert text.endswith(a.explanation.render())
        assert f"结论: {a.outcome.text}" in text
    row = inputs(cols, 0)  # the columns' rows of one household, when no full record is kept
    assert row["h"]["county"] == cols.h["county"][0] and len(row["m"]) == len(hs[0].members)


def test_no_columns_without_explain() -> None:
    on = date(2022, 3, 1)
    hs = households(20, on, seed=1)
    cols = flatten(hs)
    result = assess_batch(None, on, cols=cols, explain=False)
    assert result.explain is None
    with pytest.raises(ValueError, match="explain=False"):
        explanation(result, cols, 0)


def test_two_threads_give_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    on = date(2022, 3, 1)
    hs = households(200, on, seed=51, complex_share=0.5)
    cols = flatten(hs)
    monkeypatch.setattr(batch, "CHUNK", 30)
    one = assess_batch(None, on, cols=cols)
    two = assess_batch(None, on, cols=cols, workers=2)
    assert one.explain is not None and two.explain is not None
    for name in ("outcome", "benefit", "tekun", "single", "temporary", "review", "reasons"):
        assert (getattr(one, name) == getattr(two, name)).all(), name
    for name in ("net", "parameters", "tekun_member", "single_member", "units"):
        assert (getattr(one.explain, name) == getattr(two.explain, name)).all(), name


def test_the_result_keeps_its_columns_for_rendering() -> None:
    """A caller that passed household records (the registry) renders from `result.explain.columns`."""
    on = date(2022, 3, 1)
    hs = households(30, on, seed=61)
    result = assess_batch(hs, on)
    assert result.explain is not None and result.explain.columns is not None
    text = render(result, result.explain.columns, 4)
    assert text.endswith(assess(hs[4], on).explanation.render())
