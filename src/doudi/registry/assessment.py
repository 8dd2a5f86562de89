"""The adapter from the registry's models to the rules' input (doudi.rules.model), and the registry run of
`doudi assess`. The rules stay pure: this module is the only place that reads Django models for them.

What the registry does not hold is passed as unknown so the rules say so: supporters of tekun candidates (T3)
are `None` (the outcome asks for them), gradual-exit start months come from `gradual_exit_end` when present.
`store_assessments` keeps the results in `AssessmentResult`, one row per household, date and parameter version.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Prefetch, Q

from doudi.registry import models as m
from doudi.rules import model as r
from doudi.rules.engine import Assessment, assess
from doudi.rules.explain import Explanation
from doudi.rules.parameters import ParameterError, default_table
from doudi.rules.reasons import Outcome, Reason
from doudi.rules.timelines import TimelineError, add_months, month_of

RELATIONS = {
    "户主": r.Relation.HEAD,
    "配偶": r.Relation.SPOUSE,
    "之子": r.Relation.CHILD,
    "之女": r.Relation.CHILD,
    "之孙子": r.Relation.GRANDCHILD,
    "之孙女": r.Relation.GRANDCHILD,
    "之父": r.Relation.PARENT,
    "之母": r.Relation.PARENT,
    "之兄弟姐妹": r.Relation.SIBLING,
}
ACTIVITIES = dict(zip(m.DAILY_ACTIVITIES, r.SIX_ACTIVITIES, strict=True))
DEDUCTION_KINDS = {"illness", "disability", "schooling"}  # employment cost comes from the county parameter


class IncompleteRecord(ValueError):
    pass


def _in_force(start: date | None, end: date | None, on: date) -> bool:
    return (start is None or start <= on) and (end is None or end >= on)


def _member(person: m.Person, relation: str) -> r.Member:
    if person.birth_date is None:
        raise IncompleteRecord(f"{person.name} 缺少出生日期, 请补充后再研判")
    disability = None
    if person.disability_category and person.disability_grade:
        disability = r.Disability(person.disability_category, person.disability_grade)
    schooling = person.schooling or "none"
    return r.Member(
        person_id=person.id_number or f"person-{person.pk}",
        birth_date=person.birth_date,
        relation=RELATIONS.get(relation, r.Relation.OTHER),
        disability=disability,
        major_illness=person.major_illness,
        major_illness_assistance=person.major_illness_assistance,
        labor_capacity=r.LaborCapacity(person.labor_capacity or "full"),
        daily_activities={ACTIVITIES[f]: bool(getattr(person, f)) for f in m.DAILY_ACTIVITIES},
        in_school=schooling not in ("none", "preschool"),
        school_level=None if schooling in ("none", "preschool") else schooling,
        employed=(person.employment or "none") != "none",
        supporters=None,
    )


def _income(item: m.IncomeItem, ids: dict[int, str]) -> r.Income:
    kind = "basic_rural_pension" if item.kind == "pension_basic_rural" else item.kind
    default = item.kind not in m.EXCLUDED_INCOME_KINDS
    return r.Income(
        kind,
        item.amount_fen,
        "year",
        ids.get(item.person_id) if item.person_id else None,
        None if item.countable == default else item.countable,
    )


def _property(item: m.PropertyItem) -> r.PropertyItem:
    return r.PropertyItem(
        r.PropertyKind(item.kind),
        item.value_fen or 0,
        1,
        item.purchase_date,
        item.disability_vehicle,
        item.net_profit_fen or 0,
    )


def _enrolment(h: m.Household, persons: list[m.Person], on: date, exit_months: int | None) -> r.Enrolment:
    dibao = [
        e
        for e in h.dibao_enrolments.all()
        if not e.single_person
        and e.status in ("active", "gradual_exit")
        and _in_force(e.start_date, e.end_date, on)
    ]
    tekun = tuple(
        p.id_number or f"person-{p.pk}"
        for p in persons
        if any(_in_force(t.start_date, t.end_date, on) for t in p.tekun_enrolments.all())
    )
    current = dibao[0] if dibao else None
    since = None
    if current is not None and current.gradual_exit_end is not None and exit_months:
        # the registry records the end of the gradual exit; the county's period counts back to its first month
        since = add_months(month_of(current.gradual_exit_end), -exit_months + 1)
    return r.Enrolment(
        dibao=current is not None,
        dibao_benefit=current.monthly_amount_fen if current else 0,
        tekun=tekun,
        income_above_since=since,
    )


def household_input(h: m.Household, on: date, exit_months: int | None = None) -> r.Household:
    """One registry household as the rules' input on a date (its members on that date); `exit_months` is the
    county's gradual-exit period, to date the start of a recorded gradual exit."""
    memberships = [
        ms for ms in h.memberships.all() if _in_force(ms.valid_from, ms.valid_to, on) and ms.person.alive
    ]
    persons = [ms.person for ms in memberships]
    members = tuple(_member(ms.person, ms.relation) for ms in memberships)
    ids = {p.pk: mem.person_id for p, mem in zip(persons, members, strict=True)}
    year_ago = on - timedelta(days=365)
    items = [*h.incomeitems.all(), *(i for p in persons for i in p.incomeitems.all())]
    income = tuple(_income(i, ids) for i in items if i.period_end is None or i.period_end > year_ago)
    poverty = getattr(h, "poverty", None)
    if not items and poverty is not None and poverty.income_per_capita_fen is not None:
        income = (declared_income(poverty.income_per_capita_fen, len(members)),)
    deductions = tuple(
        r.Deduction(d.kind, d.amount_fen, d.reimbursed_fen, ids.get(d.person_id) if d.person_id else None)
        for d in [*h.deductionitems.all(), *(d for p in persons for d in p.deductionitems.all())]
        if d.kind in DEDUCTION_KINDS and (d.period_end is None or d.period_end > year_ago)
    )
    prop = tuple(
        _property(p) for p in [*h.propertyitems.all(), *(i for q in persons for i in q.propertyitems.all())]
    )
    support = tuple(
        r.SupportMeasure(
            ids[s.person_id],
            s.kind,
            _done(s.village_confirmed_on, on),
            _done(s.township_confirmed_on, on),
            _done(s.county_confirmed_on, on),
        )
        for p in persons
        for s in p.support_measures.all()
    )
    return r.Household(
        household_id=h.household_no or f"household-{h.pk}",
        region=h.village_code or h.county_code,
        hukou_county=h.hukou_county_code or None,
        hukou_type=r.Hukou(h.hukou) if h.hukou else None,
        members=members,
        income=income,
        deductions=deductions,
        property=prop,
        enrolment=_enrolment(h, persons, on, exit_months),
        poverty=r.Poverty(
            poverty is not None,
            poverty is not None and poverty.status == "已脱贫",
            poverty is not None and poverty.safety_net_mark,
        ),
        support=support,
    )


DECLARED_INCOME = "declared_net_income"  # 建档立卡家庭年人均纯收入, as the poverty registry recorded it


def declared_income(per_capita_fen: int, members: int) -> r.Income:
    """Without income items of its own, a card household's income is the registry's per-capita net income."""
    return r.Income(DECLARED_INCOME, per_capita_fen * members)


def _done(day: date | None, on: date) -> bool:
    return day is not None and day <= on


def households(region: str | None) -> Iterator[m.Household]:
    qs = m.Household.objects.all()
    if region:
        qs = qs.filter(Q(village_code__startswith=region) | Q(county_code__startswith=region))
    person_related = [
        "incomeitems",
        "deductionitems",
        "propertyitems",
        "support_measures",
        "tekun_enrolments",
    ]
    return (
        qs.select_related("poverty")
        .prefetch_related(
            Prefetch("memberships", queryset=m.Membership.objects.select_related("person")),
            *[f"memberships__person__{name}" for name in person_related],
            "incomeitems",
            "deductionitems",
            "propertyitems",
            "dibao_enrolments",
        )
        .order_by("pk")
        .iterator(chunk_size=2000)
    )


def assessments(on: date, region: str | None = None) -> Iterator[tuple[m.Household, Assessment | str]]:
    """Each registry household (under a region prefix) with its assessment, or why it could not be assessed.

    A household whose records lack what the rules need (a member's birth date) is assessed as needing data, so
    it reaches a caseworker's list instead of an error log."""
    table = default_table()
    months = "gradual_exit.months_default"
    for h in households(region):
        params = table.at(on, h.village_code or h.county_code)
        try:
            record = household_input(h, on, params.count(months) if params.has(months) else None)
            yield h, assess(record, on, params)
        except IncompleteRecord as exc:
            yield h, needs_data(h, on, params.version, str(exc))
        except (ParameterError, TimelineError, ValueError) as exc:
            yield h, f"家庭户 {h}: {exc}"


def needs_data(h: m.Household, on: date, version: str, why: str) -> Assessment:
    result = Assessment(
        household_id=h.household_no or f"household-{h.pk}",
        on=on,
        region=h.village_code or h.county_code,
        parameter_version=version,
        outcome=Outcome.NEEDS_DATA,
        explanation=Explanation({"missing": why}),
    )
    result.add(Reason.MEMBER_DATA_MISSING)
    return result


def assess_registry(on: date, region: str | None = None) -> tuple[list[Assessment], list[str], str]:
    """Assess every registry household (under a region prefix): results, errors per household, parameter version."""
    results: list[Assessment] = []
    errors: list[str] = []
    for _household, outcome in assessments(on, region):
        if isinstance(outcome, str):
            errors.append(outcome)
        else:
            results.append(outcome)
    return results, errors, default_table().version


@transaction.atomic
def store_assessments(on: date, region: str | None = None) -> tuple[list[Assessment], list[str], str]:
    """Assess and store the results (one row per household, date and parameter version; a rerun replaces them)."""
    version = default_table().version
    rows: list[m.AssessmentResult] = []
    results: list[Assessment] = []
    errors: list[str] = []
    for household, outcome in assessments(on, region):
        if isinstance(outcome, str):
            errors.append(outcome)
            continue
        results.append(outcome)
        rows.append(
            m.AssessmentResult(
                household=household,
                assessed_on=on,
                parameter_version=outcome.parameter_version,
                outcome=outcome.outcome.value,
                reasons=[reason.value for reason in outcome.reasons],
                benefit_fen=outcome.benefit,
                total_fen=outcome.total,
                edge=outcome.edge,
                result=outcome.as_json(explanation=True),
            )
        )
    m.AssessmentResult.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["household", "assessed_on", "parameter_version"],
        update_fields=["outcome", "reasons", "benefit_fen", "total_fen", "edge", "result", "created_at"],
    )
    return results, errors, version
