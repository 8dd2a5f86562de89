"""The vectorised path gives the per-household path's results, to the fen, on generated households."""

from datetime import date

import pytest

from doudi.rules.batch import OUTCOMES, assess_batch
from doudi.rules.engine import assess
from doudi.rules.sample import households


@pytest.mark.parametrize(
    ("on", "seed"), [(date(2022, 3, 1), 1), (date(2021, 8, 15), 2), (date(2019, 8, 1), 3)]
)
def test_batch_equals_per_household(on: date, seed: int) -> None:
    hs = households(400, on, seed=seed)
    result = assess_batch(hs, on)
    assert 0 < int(result.fallback.sum()) < len(hs) // 2  # most households stay on the vectorised path
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
            a.edge,
            review,
            set(a.reasons),
        )
        got = (
            OUTCOMES[result.outcome[i]],
            int(result.benefit[i]),
            int(result.tekun[i]),
            int(result.single[i]),
            bool(result.edge[i]),
            int(result.review[i]),
            result.reason_set(i),
        )
        assert got == expected, h.household_id
    assert len(outcomes) == 5  # the sample reaches every outcome


def test_province_total_is_the_sum_of_household_amounts() -> None:
    on = date(2022, 3, 1)
    hs = households(300, on, seed=9)
    result = assess_batch(hs, on)
    assert int(result.benefit.sum()) == sum(assess(h, on).benefit for h in hs)
