"""Runs the policy-readable rule cases in tests/rules/*.yaml (the same runner as `doudi rules test`)."""

from pathlib import Path

import pytest

from doudi.rules.cases import load_cases, run_case

CASES_DIR = Path(__file__).resolve().parents[2] / "rules"
CASES = [
    pytest.param(path, base, case, id=f"{path.stem}:{case.get('name')}")
    for path in sorted(CASES_DIR.glob("*.yaml"))
    for base, cases in [load_cases(path)]
    for case in cases
]


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize(("path", "base", "case"), CASES)
def test_rule_case(path: Path, base: dict, case: dict) -> None:
    result = run_case(path.name, case, base)
    assert result.ok, result.report()


def test_a_wrong_expectation_fails_with_a_readable_message() -> None:
    base, cases = load_cases(CASES_DIR / "dibao_income.yaml")
    case = {
        **cases[0],
        "expect": {"outcome": "not_eligible", "benefit_yuan": "1.00", "reasons": ["p2_keep_dibao"]},
    }
    result = run_case("dibao_income.yaml", case, base)
    assert not result.ok
    report = result.report()
    assert "outcome(结论): 期望 'not_eligible', 实际 'eligible_dibao'" in report
    assert "benefit(分): 期望 100, 实际 39750" in report
    assert "缺少理由 ['p2_keep_dibao']" in report
