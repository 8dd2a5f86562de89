"""The plan's steps and their default deadlines, read from plans.yaml (law as dated data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .states import Step

PLANS = Path(__file__).with_name("plans.yaml")


@dataclass(frozen=True)
class StepInfo:
    step: Step
    name: str
    owner: str
    reference: str


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(PLANS.read_text(encoding="utf-8"))
    return data


def steps() -> list[StepInfo]:
    raw = _data()["steps"]
    return [
        StepInfo(Step(k), v["name"], v["owner"], f"{_data()['source']} {v['reference']}")
        for k, v in raw.items()
    ]


def plan_year(year: int) -> int:
    """The plan year whose dates a campaign of `year` uses: that year, or the latest earlier one."""
    years = sorted(int(y) for y in _data()["years"])
    earlier = [y for y in years if y <= year]
    if not earlier:
        raise ValueError(f"{year} 年早于行动方案({years[0]} 年), 没有默认时限; 请逐步填写各步骤截止日期")
    return earlier[-1]


def default_deadlines(year: int) -> dict[Step, date]:
    """S1-S5 deadlines for a campaign of `year`."""
    month_days: dict[str, str] = _data()["years"][plan_year(year)]
    out = {}
    for step in Step:
        month, day = (int(part) for part in month_days[step.value].split("-"))
        out[step] = date(year, month, day)
    return out


def check_deadlines(deadlines: dict[Step, date]) -> None:
    """Every step has a date and the dates do not go backwards (S1 <= S2 <= ... <= S5)."""
    missing = [s.value for s in Step if s not in deadlines]
    if missing:
        raise ValueError(f"缺少步骤截止日期: {'、'.join(missing)}")
    ordered = [deadlines[s] for s in Step]
    for before, after, step in zip(ordered, ordered[1:], list(Step)[1:], strict=False):
        if after < before:
            raise ValueError(
                f"{step.value} {step.text}的截止日期 {after.isoformat()} 早于上一步骤的 {before.isoformat()}; "
                "请按 S1 至 S5 的顺序填写不倒退的日期"
            )
