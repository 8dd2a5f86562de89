from datetime import date
from fractions import Fraction

import pytest

from doudi.monitor import parameters
from doudi.monitor.payroll import PayKind, PayLine, changes, totals
from doudi.monitor.reviews import Decision, decide, is_due, next_due
from doudi.monitor.warnings import Facts, Signal, findings


def test_next_review_is_counted_in_whole_months():
    assert next_due(date(2020, 3, 17), 6) == date(2020, 9, 1)
    assert next_due(date(2020, 11, 2), 12) == date(2021, 11, 1)
    assert not is_due(date(2020, 3, 17), 6, date(2020, 8, 31))
    assert is_due(date(2020, 3, 17), 6, date(2020, 9, 1))


@pytest.mark.parametrize(
    ("old", "new", "covered", "gradual", "expected"),
    [
        (30_000, 35_000, True, False, Decision.INCREASE),
        (30_000, 20_000, True, False, Decision.DECREASE),
        (30_000, 30_000, True, False, Decision.UNCHANGED),
        (30_000, 30_000, True, True, Decision.GRADUAL_EXIT),
        (30_000, 0, False, False, Decision.STOP),
    ],
)
def test_decision(old, new, covered, gradual, expected):
    assert decide(old, new, covered, gradual) is expected


def _line(key, amount, village="532923101201", kind=PayKind.DIBAO, note=""):
    return PayLine(key, kind, "H1", "张三", village, amount, note)


def test_totals_by_township_and_county_are_exact_fen():
    lines = [_line("a", 10_001), _line("b", 20_002, "532923102203"), _line("c", 5, "532923101999")]
    assert totals(lines, 9) == {"532923101": 10_006, "532923102": 20_002}
    assert totals(lines, 6) == {"532923": 30_008}


def test_changes_from_last_month_are_explained():
    before = [_line("a", 10_000), _line("b", 5_000), _line("c", 7_000)]
    after = [_line("a", 12_000), _line("c", 7_000), _line("d", 100_000, kind=PayKind.TEMPORARY, note="火灾")]
    diff = {c.key: c for c in changes(before, after)}
    assert set(diff) == {"a", "b", "d"}
    assert diff["a"].difference == 2_000 and diff["a"].why.startswith("增发")
    assert diff["b"].after == 0 and "停发" in diff["b"].why
    assert diff["d"].before == 0 and "临时救助" in diff["d"].why and "火灾" in diff["d"].why


def _facts(**kw):
    values = dict(
        persons=2,
        net_income=1_000_000,
        gross_last_year=None,
        gross_now=1_000_000,
        spending=0,
        card_exited=False,
        covered=False,
        edge=False,
    )
    values.update(kw)
    return Facts(**values)


ARGS = (477_000, Fraction(3, 2), 400_000, Fraction(3, 2), Fraction(3, 10), Fraction(1))


def test_edge_uses_the_rules_verdict_and_skips_covered_households():
    assert [f.signal for f in findings(_facts(edge=True), *ARGS)] == [Signal.EDGE]
    assert findings(_facts(edge=True, covered=True), *ARGS) == []


def test_unstable_exit_sharp_fall_and_spending():
    f = _facts(
        card_exited=True,
        net_income=1_100_000,
        gross_last_year=2_000_000,
        gross_now=1_100_000,
        spending=2_500_000,
    )
    signals = [x.signal for x in findings(f, *ARGS)]
    assert signals == [Signal.UNSTABLE_EXIT, Signal.SHARP_FALL, Signal.SPENDING]
    why = [x.why for x in findings(f, *ARGS)]
    assert "5,500.00 元" in why[0] and "1.5 倍" in why[0] and "30%" in why[1]
    steady = _facts(card_exited=True, net_income=1_300_000, gross_last_year=1_300_000, gross_now=1_300_000)
    assert findings(steady, *ARGS) == []


def test_monitor_parameters_are_dated_and_referenced():
    assert parameters.at("warning.sharp_fall_ratio", date(2021, 1, 1)).value == Fraction(3, 10)
    assert "assumption" in parameters.at("warning.sharp_fall_ratio", date(2021, 1, 1)).cite()
    with pytest.raises(parameters.MonitorParameterError):
        parameters.at("warning.sharp_fall_ratio", date(2019, 1, 1))
    with pytest.raises(parameters.MonitorParameterError):
        parameters.at("no.such", date(2021, 1, 1))


def test_what_if_replaces_one_parameter_without_touching_the_original():
    from doudi.monitor.whatif import RURAL_STANDARD, replaced
    from doudi.rules.parameters import at

    base = at(date(2021, 3, 1), "532923")
    raised = replaced(base, RURAL_STANDARD, 600_000)
    assert raised.fen(RURAL_STANDARD) == 600_000 and base.fen(RURAL_STANDARD) == 450_000
    assert raised.version.endswith("+what-if") and raised.fen("poverty.exit_line_yearly") == 400_000
