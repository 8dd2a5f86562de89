"""Seeded random households for the batch-equivalence tests and the benchmark (not synthetic rosters: those are
`doudi synth`). They exercise every branch of the rules: composition, exclusions, deductions, property, tekun,
tiers and the cases the batch path hands to the per-household path."""

from __future__ import annotations

import random
from datetime import date, timedelta

from doudi.rules.model import (
    SIX_ACTIVITIES,
    CareMode,
    Deduction,
    Disability,
    Enrolment,
    Hardship,
    Household,
    Hukou,
    Income,
    LaborCapacity,
    Member,
    Offer,
    Poverty,
    PropertyItem,
    PropertyKind,
    RefusalResponse,
    Relation,
    Supporter,
    SupportMeasure,
)

COUNTIES = ("530521", "530523", "530524", "530102", "532923")
KINDS = (
    "wage",
    "agriculture",
    "business",
    "transfer",
    "basic_rural_pension",
    "scholarship",
    "social_assistance",
)


def _member(rng: random.Random, pid: str, relation: Relation, on: date, complex_: bool) -> Member:
    years = {
        Relation.HEAD: (20, 90),
        Relation.SPOUSE: (20, 90),
        Relation.CHILD: (0, 30),
        Relation.PARENT: (55, 95),
    }.get(relation, (0, 80))
    born = on - timedelta(days=rng.randint(years[0] * 365, years[1] * 365 + 364))
    disability = None
    if rng.random() < 0.15:
        disability = Disability(rng.choice("1234567"), rng.randint(1, 4))
    acts = None if rng.random() < 0.1 else {a: rng.random() > 0.2 for a in SIX_ACTIVITIES}
    supporters = (
        None
        if rng.random() < 0.1
        else tuple(
            Supporter(
                rng.randint(20, 85),
                rng.random() < 0.1,
                rng.random() < 0.2,
                rng.random() < 0.3,
                rng.random() < 0.1,
            )
            for _ in range(rng.choice((0, 0, 1, 2)))
        )
    )
    offers: tuple[Offer, ...] = ()
    if complex_ and rng.random() < 0.3:
        offers = tuple(
            Offer(on - timedelta(days=30 * k), rng.choice(list(RefusalResponse))) for k in range(4, 0, -1)
        )
    return Member(
        person_id=pid,
        birth_date=born,
        relation=relation,
        disability=disability,
        major_illness_assistance=rng.random() < 0.05,
        labor_capacity=rng.choice((LaborCapacity.FULL,) * 4 + (LaborCapacity.PARTIAL, LaborCapacity.NONE)),
        daily_activities=acts,
        in_school=rng.random() < 0.2,
        school_level=rng.choice((None, "senior", "master")),
        in_prison=rng.random() < 0.02,
        missing=rng.random() < 0.01,
        clergy_years=rng.choice((0,) * 30 + (3,)),
        can_live_independently=rng.choice((None, None, True, False)),
        support_duty=rng.choice((None, None, True)),
        supporters=supporters,
        care_mode=rng.choice((CareMode.HOME,) * 5 + (CareMode.INSTITUTION,)),
        employed=rng.random() < 0.3,
        applies_single_person=complex_ and rng.random() < 0.2,
        offers=offers,
    )


def _property(rng: random.Random, on: date) -> tuple[PropertyItem, ...] | None:
    if rng.random() < 0.05:
        return None
    items = [PropertyItem(PropertyKind.HOUSE, count=rng.choice((1, 1, 2, 3)))]
    if rng.random() < 0.3:
        items.append(PropertyItem(PropertyKind.FINANCIAL, value=rng.randint(0, 6_000_000)))
    if rng.random() < 0.1:
        items.append(
            PropertyItem(
                PropertyKind.VEHICLE,
                value=rng.randint(1_000_000, 9_000_000),
                bought_on=on - timedelta(days=rng.randint(0, 800)),
                mobility_vehicle=rng.random() < 0.2,
            )
        )
    if rng.random() < 0.03:
        items.append(PropertyItem(PropertyKind.NON_RESIDENTIAL, value=5_000_000))
    if rng.random() < 0.05:
        items.append(PropertyItem(PropertyKind.COMPANY, net_profit_yearly=rng.randint(0, 30_000_000)))
    return tuple(items)


def household(rng: random.Random, key: int, on: date, complex_share: float = 0.1) -> Household:
    complex_ = rng.random() < complex_share
    county = rng.choice(COUNTIES)
    relations = [
        Relation.HEAD,
        *rng.sample(
            [
                Relation.SPOUSE,
                Relation.CHILD,
                Relation.CHILD,
                Relation.PARENT,
                Relation.SIBLING,
                Relation.GRANDCHILD,
            ],
            rng.randint(0, 4),
        ),
    ]
    members = tuple(_member(rng, f"{key}-{j}", r, on, complex_) for j, r in enumerate(relations))
    income = tuple(
        Income(
            rng.choice(KINDS),
            rng.randint(0, 60_000 if rng.random() < 0.5 else 600_000),
            rng.choice(("year", "month")),
            rng.choice([None, *[m.person_id for m in members]]),
            rng.choice((None,) * 8 + (True, False)),
        )
        for _ in range(rng.randint(0, 4))
    )
    deductions = tuple(
        Deduction(
            rng.choice(("illness", "disability", "schooling")),
            rng.randint(0, 1_000_000),
            rng.randint(0, 500_000),
            rng.choice([None, members[0].person_id]),
        )
        for _ in range(rng.choice((0, 0, 1, 2)))
    )
    enrolled = rng.random() < 0.25
    enrolment = Enrolment(
        dibao=enrolled,
        dibao_benefit=rng.randint(0, 100_000) if enrolled else 0,
        tekun=(members[0].person_id,) if complex_ and rng.random() < 0.2 else (),
        income_above_since=on - timedelta(days=rng.randint(0, 400)) if enrolled else None,
        gradual_exit_months=rng.choice((None, 6, 9, 12)) if enrolled else None,
    )
    hukou_county = rng.choice((county,) * 18 + (None, "530521"))
    return Household(
        household_id=f"H{key}",
        region=county + "101201",
        hukou_county=hukou_county,
        hukou_type=rng.choice((Hukou.RURAL,) * 4 + (Hukou.URBAN,)),
        members=members,
        income=income,
        deductions=deductions,
        property=_property(rng, on),
        enrolment=enrolment,
        poverty=Poverty(rng.random() < 0.7, rng.random() < 0.5, rng.random() < 0.3),
        support=tuple(
            SupportMeasure(m.person_id, "employment", True, True, rng.random() < 0.7)
            for m in members
            if rng.random() < 0.6
        ),
        irregular_income=rng.random() < 0.3,
        hardship=Hardship(rng.choice(("general", "severe", "extreme")))
        if complex_ and rng.random() < 0.3
        else None,
    )


def households(n: int, on: date, seed: int = 0, complex_share: float = 0.1) -> list[Household]:
    rng = random.Random(seed)
    return [household(rng, i, on, complex_share) for i in range(n)]
