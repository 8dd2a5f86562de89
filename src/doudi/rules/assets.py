"""Property tests (D3, RULES.md §3): counties set the limits as parameters."""

from __future__ import annotations

from datetime import date

from doudi.rules.model import PropertyItem, PropertyKind
from doudi.rules.parameters import ParameterSet
from doudi.rules.reasons import Reason


def bought_in_last_12_months(bought_on: date | None, on: date) -> bool:
    if bought_on is None:
        return True  # purchase date unknown: treated as recent, the caseworker checks
    try:
        year_ago = on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        year_ago = date(on.year - 1, 3, 1)
    return bought_on > year_ago


def property_failures(
    items: tuple[PropertyItem, ...], persons: int, on: date, params: ParameterSet
) -> list[Reason]:
    """Each failed property test as a reason code; an empty list means the property is within the limits."""
    failures: list[Reason] = []
    houses = sum(i.count for i in items if i.kind == PropertyKind.HOUSE)
    if houses > params.count("property.max_houses"):
        failures.append(Reason.D3_HOUSES)
    financial = sum(i.value for i in items if i.kind == PropertyKind.FINANCIAL)
    limit = params.ratio("property.financial_assets_multiple") * params.fen(
        "property.disposable_income_prior_year"
    )
    if financial > limit * max(persons, 1):
        failures.append(Reason.D3_FINANCIAL)
    vehicle_limit = params.fen("property.vehicle_limit")
    if any(
        i.kind == PropertyKind.VEHICLE
        and not i.mobility_vehicle
        and i.value >= vehicle_limit
        and bought_in_last_12_months(i.bought_on, on)
        for i in items
    ):
        failures.append(Reason.D3_VEHICLE)
    if any(i.kind == PropertyKind.NON_RESIDENTIAL for i in items):
        failures.append(Reason.D3_NON_RESIDENTIAL)
    profit_limit = params.ratio("property.company_profit_multiple") * params.fen(
        "property.urban_disposable_income_prior_year"
    )
    if any(i.kind == PropertyKind.COMPANY and i.net_profit_yearly >= profit_limit for i in items):
        failures.append(Reason.D3_COMPANY)
    return failures
