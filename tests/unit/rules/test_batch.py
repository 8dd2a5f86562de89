"""The vectorised path gives the per-household path's results, to the fen, on generated households."""

from datetime import date

import pytest

from doudi.rules.batch import OUTCOMES, assess_batch
from doudi.rules.engine import assess
from doudi.rules.reasons import Reason
from doudi.rules.sample import households


@pytest.mark.parametrize(
    ("on", "seed", "complex_share", "n"),
    [
        (date(2022, 3, 1), 1, 0.1, 400),
        (date(2021, 8, 15), 2, 0.1, 400),
        (date(2019, 8, 1), 3, 0.1, 400),
        (date(2022, 3, 1), 5, 0.8, 3000),
    ],
)
def test_batch_equals_per_household(on: date, seed: int, complex_share: float, n: int) -> None:
    hs = households(n, on, seed=seed, complex_share=complex_share)
    result = assess_batch(hs, on)
    assert (
        int(result.fallback.sum()) == 0
    )  # only an out-of-range gradual-exit period leaves the vectorised path
    outcomes = set()
    for i, h in enumerate(hs):
        a = assess(h, on)
        outcomes.add(a.outcome)
        review = -1 if a.review_months is None else a.review_months
        expected = (
            a.outcome,
            a.benefit,
            a.tekun_total,
            a.single_person_total,
            a.temporary.amount if a.temporary else 0,
            a.edge,
            review,
            set(a.reasons),
        )
        got = (
            OUTCOMES[result.outcome[i]],
            int(result.benefit[i]),
            int(result.tekun[i]),
            int(result.single[i]),
            int(result.temporary[i]),
            bool(result.edge[i]),
            int(result.review[i]),
            result.reason_set(i),
        )
        assert got == expected, h.household_id
    assert len(outcomes) == 5  # the sample reaches every outcome
    if (
        complex_share > 0.5
    ):  # refusals (P6), single-person cover (P4) and hardship (M2) on the vectorised path
        vectorised = ~result.fallback
        for reason in (
            Reason.P6_SANCTION,
            Reason.P4_SINGLE_PERSON,
            Reason.P4_NOT_ELIGIBLE,
            Reason.M2_TEMPORARY,
        ):
            assert any(reason in result.reason_set(i) for i in map(int, vectorised.nonzero()[0])), reason


def test_province_total_is_the_sum_of_household_amounts() -> None:
    on = date(2022, 3, 1)
    hs = households(300, on, seed=9)
    result = assess_batch(hs, on)
    assert int(result.benefit.sum()) == sum(assess(h, on).benefit for h in hs)


def test_a_large_batch_in_slices_equals_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    from doudi.rules import batch

    on = date(2022, 3, 1)
    hs = households(300, on, seed=6, complex_share=0.5)
    whole = assess_batch(hs, on)
    monkeypatch.setattr(batch, "CHUNK", 37)
    sliced = assess_batch(hs, on)
    for name in (
        "outcome",
        "benefit",
        "tekun",
        "single",
        "temporary",
        "edge",
        "review",
        "reasons",
        "fallback",
    ):
        assert (getattr(whole, name) == getattr(sliced, name)).all(), name


def test_every_rule_case_gives_the_same_result_on_the_vectorised_path() -> None:
    """The YAML rule cases (boundaries: birthdays, grades, exit months, refusals, tiers...) through both paths."""
    from pathlib import Path

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
            a = assess(h, on)
            r = assess_batch([h], on)
            assert not r.fallback[0], case["name"]
            got = (
                OUTCOMES[r.outcome[0]],
                int(r.benefit[0]),
                int(r.tekun[0]),
                int(r.single[0]),
                r.reason_set(0),
            )
            assert got == (a.outcome, a.benefit, a.tekun_total, a.single_person_total, set(a.reasons)), case[
                "name"
            ]
            checked += 1
    assert checked > 100
