"""YAML rule cases that policy staff can read (in the style of OpenFisca's YAML tests).

A file holds an optional `base` household (fields shared by its cases) and a list of `cases`; each case has a
`name`, a `date`, a `household` (merged over `base`) and what it `expect`s. Format: docs/rules.md.
Failures are reported in Chinese with the file, case and field: what was expected and what came out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from doudi.core.money import InvalidAmount, parse_yuan
from doudi.rules.engine import Assessment, MemberResult, assess
from doudi.rules.explain import jsonable
from doudi.rules.io import InvalidHousehold, household_from_json
from doudi.rules.parameters import ParameterError
from doudi.rules.timelines import TimelineError


@dataclass
class CaseResult:
    file: str
    name: str
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def report(self) -> str:
        head = f"{self.file} · {self.name}"
        return head if self.ok else head + "\n" + "\n".join(f"    ✗ {f}" for f in self.failures)


def _fen(raw: Any, where: str) -> int:
    try:
        value = parse_yuan(raw)
    except InvalidAmount as exc:
        raise ValueError(f"{where}: {exc}") from None
    if value is None:
        raise ValueError(f"{where}: 金额不能为空")
    return value


def _amount(expect: dict[str, Any], name: str) -> int | None:
    if f"{name}_fen" in expect:
        return int(expect[f"{name}_fen"])
    if f"{name}_yuan" in expect:
        return _fen(expect[f"{name}_yuan"], f"expect.{name}_yuan")
    return None


def _check(failures: list[str], what: str, expected: Any, actual: Any) -> None:
    if expected != actual:
        failures.append(f"{what}: 期望 {expected!r}, 实际 {actual!r}")


def _check_member(failures: list[str], pid: str, want: dict[str, Any], got: MemberResult | None) -> None:
    if got is None:
        failures.append(f"成员 {pid}: 家庭中没有该成员")
        return
    for key in ("counted", "tekun", "single_person", "sanctioned"):
        if key in want:
            _check(failures, f"成员 {pid}.{key}", want[key], getattr(got, key))
    if "care_level" in want:
        _check(
            failures,
            f"成员 {pid}.care_level",
            want["care_level"],
            got.care_level.value if got.care_level else None,
        )
    for name, attr in (("tekun_amount", "tekun_amount"), ("single_person_benefit", "single_person_benefit")):
        amount = _amount(want, name)
        if amount is not None:
            _check(failures, f"成员 {pid}.{name}(分)", amount, getattr(got, attr))
    for reason in want.get("reasons", []):
        if reason not in [r.value for r in got.reasons]:
            failures.append(f"成员 {pid}: 缺少理由 {reason}; 实际 {[r.value for r in got.reasons]}")
    if "sanctioned_months" in want:
        months = [s.month.isoformat()[:7] for s in got.sanction_timeline if s.sanctioned]
        _check(failures, f"成员 {pid}.sanctioned_months", list(want["sanctioned_months"]), months)


def _check_timeline(failures: list[str], want: dict[str, Any], a: Assessment) -> None:
    paid = [s for s in a.gradual_exit if s.state == "gradual_exit"]
    if "months" in want:
        _check(failures, "gradual_exit.months(渐退月数)", want["months"], len(paid))
    if "first_month" in want:
        _check(
            failures,
            "gradual_exit.first_month",
            str(want["first_month"]),
            paid[0].month.isoformat()[:7] if paid else None,
        )
    if "exit_month" in want:
        exited = [s.month.isoformat()[:7] for s in a.gradual_exit if s.state == "exited"]
        _check(
            failures,
            "gradual_exit.exit_month(退出月份)",
            str(want["exit_month"]),
            exited[0] if exited else None,
        )


def compare(expect: dict[str, Any], a: Assessment) -> list[str]:
    failures: list[str] = []
    if "outcome" in expect:
        _check(failures, "outcome(结论)", expect["outcome"], a.outcome.value)
    for name, actual in (("benefit", a.benefit), ("total", a.total)):
        amount = _amount(expect, name)
        if amount is not None:
            _check(failures, f"{name}(分)", amount, actual)
    got = [r.value for r in a.reasons]
    missing = [r for r in expect.get("reasons", []) if r not in got]
    if missing:
        failures.append(f"reasons: 缺少理由 {missing}; 实际理由 {got}")
    present = [r for r in expect.get("not_reasons", []) if r in got]
    if present:
        failures.append(f"not_reasons: 不应出现理由 {present}")
    for key in ("edge", "review_months"):
        if key in expect:
            _check(failures, key, expect[key], getattr(a, key))
    for pid, want in (expect.get("members") or {}).items():
        _check_member(failures, str(pid), want, next((m for m in a.members if m.person_id == str(pid)), None))
    if "gradual_exit" in expect:
        _check_timeline(failures, expect["gradual_exit"], a)
    if "temporary" in expect:
        _check_temporary(failures, expect["temporary"], a)
    for key, value in (expect.get("steps") or {}).items():
        try:
            _check(failures, f"计算步骤 {key}", value, jsonable(a.explanation.value(key)))
        except KeyError:
            failures.append(f"计算步骤 {key}: 解释中没有这一步")
    used = {p.name: p for p in a.explanation.parameters}
    for name, region in (expect.get("parameter_regions") or {}).items():
        _check(
            failures, f"参数 {name} 的区划", str(region), used[name].region if name in used else "(未使用)"
        )
    return failures


def _check_temporary(failures: list[str], want: dict[str, Any], a: Assessment) -> None:
    if a.temporary is None:
        failures.append("temporary: 期望有临时救助, 实际没有")
        return
    amount = _amount(want, "amount")
    if amount is not None:
        _check(failures, "temporary.amount(分)", amount, a.temporary.amount)
    for key in ("route", "township_may_pay", "same_month"):
        if key in want:
            _check(failures, f"temporary.{key}", want[key], getattr(a.temporary, key))


def _merge(base: dict[str, Any], household: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in household.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def run_case(file: str, case: dict[str, Any], base: dict[str, Any]) -> CaseResult:
    name = str(case.get("name", "(未命名)"))
    result = CaseResult(file, name)
    expect = case.get("expect") or {}
    try:
        on = case["date"] if isinstance(case.get("date"), date) else date.fromisoformat(str(case.get("date")))
        raw = _merge(base, case.get("household") or {})
        raw.setdefault("household_id", name)
        assessment = assess(household_from_json(raw, "household"), on)
    except (InvalidHousehold, ParameterError, TimelineError, ValueError) as exc:
        if "error" in expect and str(expect["error"]) in str(exc):
            return result
        result.failures.append(f"研判出错: {exc}")
        return result
    if "error" in expect:
        result.failures.append(f"期望出错(含“{expect['error']}”), 实际研判成功: {assessment.outcome.value}")
        return result
    try:
        result.failures = compare(expect, assessment)
    except ValueError as exc:
        result.failures.append(f"期望写法有误: {exc}")
    return result


def load_cases(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        return {}, data
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise ValueError(f"{path}: 应为案例列表, 或含 base 和 cases 的对象")
    return data.get("base") or {}, data["cases"]


def run_file(path: Path) -> list[CaseResult]:
    base, cases = load_cases(path)
    return [run_case(path.name, case, base) for case in cases]


def case_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        out.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return out
