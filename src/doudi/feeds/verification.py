"""Verification of one household (家庭经济状况核对): the declaration from the registry, the evidence from the
latest feeds, and the pure comparison of doudi.evidence.verify. Refused without authorisation."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q

from doudi.evidence.model import Household as PureHousehold
from doudi.evidence.model import Member, limits_on
from doudi.evidence.records import Evidence
from doudi.evidence.verify import Declared, Verification, verify
from doudi.registry.models import Household, IncomeItem, Membership, PropertyItem

from .authorisation import is_authorised
from .checking import _cover, latest_batches
from .imports import typed
from .linking import evidence_keys
from .models import FeedRecord


def pure_household(household: Household) -> PureHousehold:
    """The household as the checks see it; a member without an ID counts under the ID the feeds linked to them."""
    programs = _cover([household.pk]).programs
    rows = Membership.objects.filter(household=household, valid_to__isnull=True)
    learned = dict(
        FeedRecord.objects.filter(person__memberships__in=rows, person__id_number__isnull=True)
        .values_list("person_id", "id_number")
        .distinct()
    )
    members = tuple(
        Member(id_number or learned.get(pid, f"p{pid}"), name, labor or "", frozenset(programs.get(pid, ())))
        for pid, id_number, name, labor in rows.values_list(
            "person_id", "person__id_number", "person__name", "person__labor_capacity"
        )
    )
    card = hasattr(household, "poverty")
    return PureHousehold(str(household.pk), household.village_code, members, card, is_authorised(household))


def evidence_of(county: str, ids: list[str]) -> Evidence:
    """The newest batches' rows of these persons: by their ID, and rows the matching engine linked to them."""
    batches = latest_batches(county)
    keys = evidence_keys(batches)
    wanted = set(ids) | {i for i, p in keys.items() if p in set(ids)}
    evidence = Evidence()
    for batch in batches:
        rows = FeedRecord.objects.filter(batch=batch, id_number__in=sorted(wanted)).values_list(
            "id_number", "fields"
        )
        evidence.add_all(batch.kind, ((keys.get(i, i), typed(batch.kind, f)) for i, f in rows))
    return evidence


def declared(household: Household) -> Declared:
    owner = Q(household=household) | Q(
        person__memberships__household=household, person__memberships__valid_to=None
    )
    totals: dict[str, int] = defaultdict(int)
    for kind, amount in IncomeItem.objects.filter(owner).distinct().values_list("kind", "amount_fen"):
        totals[kind] += amount
    counts: dict[str, int] = defaultdict(int)
    financial = 0
    for kind, value in PropertyItem.objects.filter(owner).distinct().values_list("kind", "value_fen"):
        counts[kind] += 1
        financial += (value or 0) if kind == "financial" else 0
    return Declared(
        wage_yearly=totals["wage"],
        houses=counts["house"],
        vehicles=counts["vehicle"],
        financial=financial,
        businesses=counts["company"],
    )


def verification(household: Household, on: date) -> Verification:
    pure = pure_household(household)
    evidence = evidence_of(household.county_code, [m.person_id for m in pure.members])
    return verify(pure, evidence, declared(household), limits_on(on, household.county_code))
