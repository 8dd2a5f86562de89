"""What-if (测算): the rules' parameters with one value replaced, e.g. a county raising its dibao standard, and
the comparison of two assessments of the same household."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from doudi.rules.engine import Assessment
from doudi.rules.parameters import ParameterSet
from doudi.rules.reasons import Outcome

RURAL_STANDARD = "dibao.rural_standard_yearly"
PAID = (Outcome.ALREADY_COVERED, Outcome.ELIGIBLE_DIBAO, Outcome.MEMBERS_ELIGIBLE)


def replaced(params: ParameterSet, name: str, value: int) -> ParameterSet:
    """A copy of `params` where `name` takes `value` (fen for money), marked as a what-if version."""
    old = params.get(name)
    values = {n: params.get(n) for n in params._values}
    values[name] = dataclasses.replace(
        old, reference=None, note=f"what-if: {old.value} -> {value}", value=value
    )
    return ParameterSet(params.on, params.region, f"{params.version}+what-if", values)


@dataclass
class WhatIf:
    households: int = 0
    gained: int = 0  # paid under the new value, not under the old
    lost: int = 0
    monthly_cost_before: int = 0  # fen
    monthly_cost_after: int = 0

    @property
    def monthly_difference(self) -> int:
        return self.monthly_cost_after - self.monthly_cost_before

    def add(self, before: Assessment, after: Assessment) -> None:
        self.households += 1
        was, now = before.outcome in PAID and before.total > 0, after.outcome in PAID and after.total > 0
        self.gained += int(now and not was)
        self.lost += int(was and not now)
        self.monthly_cost_before += before.total if was else 0
        self.monthly_cost_after += after.total if now else 0
