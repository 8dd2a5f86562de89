"""Reassess one registry household with the rules engine (through doudi.registry.assessment's adapter)."""

from __future__ import annotations

import dataclasses
from datetime import date

from doudi.registry import models as m
from doudi.registry.assessment import household_input
from doudi.rules.engine import Assessment, assess
from doudi.rules.model import Hardship
from doudi.rules.parameters import ParameterSet, default_table

EXIT_MONTHS = "gradual_exit.months_default"


def parameters_for(household: m.Household, on: date) -> ParameterSet:
    return default_table().at(on, household.village_code or household.county_code)


def irregular_income(household: m.Household) -> bool:
    """As the last review recorded it (收入不稳定); False until a review says so."""
    last = household.watch_reviews.order_by("-reviewed_on", "-pk").first()
    return bool(last and last.irregular_income)


def reassess(
    household: m.Household, on: date, irregular: bool | None = None, hardship: Hardship | None = None
) -> Assessment:
    """The rules' assessment of the household on `on`, with the reviewed irregular-income flag (M1)."""
    params = parameters_for(household, on)
    record = household_input(household, on, params.count(EXIT_MONTHS) if params.has(EXIT_MONTHS) else None)
    flag = irregular_income(household) if irregular is None else irregular
    return assess(dataclasses.replace(record, irregular_income=flag, hardship=hardship), on, params)
