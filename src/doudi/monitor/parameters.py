"""Dated monitoring parameters (parameters.yaml): the early-warning thresholds doudi.rules does not hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import yaml

FILE = Path(__file__).with_name("parameters.yaml")


class MonitorParameterError(ValueError):
    pass


@dataclass(frozen=True)
class Value:
    name: str
    since: date
    value: Fraction
    reference: str | None
    note: str | None

    def cite(self) -> str:
        return self.reference or self.note or ""


@cache
def _table() -> dict[str, list[Value]]:
    data: dict[str, Any] = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    table: dict[str, list[Value]] = {}
    for name, spec in data["parameters"].items():
        values = []
        for since, entry in spec["values"].items():
            if not entry.get("reference") and "assumption" not in str(entry.get("note", "")):
                raise MonitorParameterError(
                    f"{FILE.name}: 参数 {name} {since} 缺少依据(reference 或 assumption 说明)"
                )
            values.append(
                Value(name, since, Fraction(str(entry["value"])), entry.get("reference"), entry.get("note"))
            )
        table[name] = sorted(values, key=lambda v: v.since)
    return table


def at(name: str, on: date) -> Value:
    """The value of `name` in force on `on`."""
    values = _table().get(name)
    if values is None:
        raise MonitorParameterError(f"没有监测参数 {name}; 请在 {FILE.name} 中补充")
    in_force = [v for v in values if v.since <= on]
    if not in_force:
        raise MonitorParameterError(f"监测参数 {name} 在 {on.isoformat()} 尚未生效(最早 {values[0].since})")
    return in_force[-1]
