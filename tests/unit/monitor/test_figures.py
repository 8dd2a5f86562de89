"""The warnings' vectorised income figures equal the per-household rules' explanation, to the fen."""

from datetime import date
from fractions import Fraction

import pytest

from doudi.monitor.warnings import Facts, Signal, figures, findings
from doudi.rules.batch import county_parameters, flatten
from doudi.rules.engine import assess
from doudi.rules.parameters import default_table
from doudi.rules.sample import households


@pytest.mark.parametrize(
    ("on", "seed", "complex_share"), [(date(2022, 3, 1), 1, 0.1), (date(2021, 8, 15), 4, 0.8)]
)
def test_figures_equal_the_explanation(on: date, seed: int, complex_share: float) -> None:
    hs = households(500, on, seed=seed, complex_share=complex_share)
    cols = flatten(hs)
    table = default_table()
    fig = figures(cols, county_parameters(table, on, cols.counties, cols.kinds), on)
    checked = 0
    for i, h in enumerate(hs):
        ex = assess(h, on).explanation
        try:
            expected = (
                int(ex.value("members.counted")),
                int(ex.value("income.gross")),
                int(ex.value("income.net")),
                int(ex.value("dibao.standard_yearly")),
            )
        except KeyError:
            continue  # not explained (no counted members)
        got = (int(fig.persons[i]), int(fig.gross[i]), int(fig.net[i]), int(fig.standard[i]))
        assert got == expected, h.household_id
        checked += 1
    assert checked > 400


def test_a_sudden_hardship_is_a_warning_with_its_date() -> None:
    f = Facts(3, 3_000_000, None, 3_000_000, 0, False, False, False, hardship="2021-03-02 新增残疾")
    ratios = (Fraction("1.5"), Fraction("0.3"), Fraction(1))
    found = findings(f, 500_000, Fraction("1.5"), 400_000, *ratios)
    assert [x.signal for x in found] == [Signal.HARDSHIP]
    assert "2021-03-02 新增残疾" in found[0].why
