"""Explanations: every intermediate value of a decision, and every parameter used with its date, region
and reference.

Renderable as plain Chinese text for a caseworker and as JSON for storage and tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from doudi.core.money import round_half_up, yuan
from doudi.rules.parameters import Value


@dataclass(frozen=True)
class Step:
    key: str  # stable identifier, e.g. "income.net_yearly"
    label: str  # Chinese
    value: Any  # int fen, Fraction of fen, bool, str, list
    unit: str = ""  # "fen", "count", "" ...
    formula: str = ""  # how it was computed, in Chinese


def show(value: Any, unit: str) -> str:
    if unit == "fen" and isinstance(value, int | Fraction) and not isinstance(value, bool):
        exact = Fraction(value)
        text = f"{yuan(round_half_up(exact))} 元"
        return text if exact.denominator == 1 else f"{text}(精确值 {float(exact) / 100:.4f} 元)"
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "无(不设)"
    if isinstance(value, list | tuple):
        return "、".join(show(v, "") for v in value) or "无"
    if isinstance(value, Fraction):
        return str(value) if value.denominator != 1 else str(value.numerator)
    return str(value)


def jsonable(value: Any) -> Any:
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


@dataclass
class Explanation:
    source: dict[str, Any] | Callable[[], dict[str, Any]]  # the inputs, or how to make them when asked
    steps: list[Step] = field(default_factory=list)
    parameters: list[Value] = field(default_factory=list)

    @property
    def inputs(self) -> dict[str, Any]:
        if callable(self.source):
            self.source = self.source()
        return self.source

    def add(self, key: str, label: str, value: Any, unit: str = "", formula: str = "") -> None:
        self.steps.append(Step(key, label, value, unit, formula))

    def value(self, key: str) -> Any:
        for step in self.steps:
            if step.key == key:
                return step.value
        raise KeyError(key)

    def as_json(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "steps": [
                {
                    "key": s.key,
                    "label": s.label,
                    "value": jsonable(s.value),
                    "unit": s.unit,
                    "formula": s.formula,
                }
                for s in self.steps
            ],
            "parameters": [p.as_json() for p in self.parameters],
        }

    def render(self) -> str:
        lines = ["计算过程:"]
        for step in self.steps:
            formula = f"  ({step.formula})" if step.formula else ""
            lines.append(f"  - {step.label}: {show(step.value, step.unit)}{formula}")
        lines.append("使用的政策参数:")
        for p in self.parameters:
            lines.append(f"  - {p.cite()}: {show(p.value, 'fen' if p.unit.startswith('yuan') else '')}")
        return "\n".join(lines)
