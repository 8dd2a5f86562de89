"""The adapter from the registry's models to the rules' input (doudi.rules.model), and the registry run of
`doudi assess`. The rules stay pure: this module is the only place that reads Django models for them.

What the registry does not hold is passed as unknown so the rules say so: supporters of tekun candidates (T3)
are `None` (the outcome asks for them), gradual-exit start months come from `gradual_exit_end` when present.
`store_assessments` keeps the results in `AssessmentResult`, one row per household, date and parameter version.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from django.db.models import F, Prefetch, Q

from doudi.registry import models as m
from doudi.rules import model as r
from doudi.rules.batch import BatchResult, assess_batch
from doudi.rules.engine import Assessment, assess
from doudi.rules.explain import Explanation
from doudi.rules.parameters import ParameterError, ParameterSet, default_table
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
LABOR = {c.value: c for c in r.LaborCapacity}  # a dict lookup per member instead of an enum call
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
        labor_capacity=LABOR.get(person.labor_capacity) or r.LaborCapacity(person.labor_capacity or "full"),
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
    record = r.Household(
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
    from doudi.feeds.assessment_evidence import with_evidence  # the feeds app reads the registry, not back

    return with_evidence(h, persons, on, record)  # verified income and property, with an authorisation


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
    from doudi.feeds.assessment_evidence import attached  # each with its departments' data

    return attached(
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
    yield from _assess_each(households(region), on)


def _assess_each(rows: Iterable[Any], on: date) -> Iterator[tuple[Any, Assessment | str]]:
    for h, params, record in _inputs(rows, on):
        if isinstance(record, IncompleteRecord):
            yield h, needs_data(h, on, params.version, str(record))
            continue
        if isinstance(record, str):
            yield h, record
            continue
        try:
            yield h, assess(record, on, params)
        except (ParameterError, TimelineError, ValueError) as exc:
            yield h, f"家庭户 {h}: {exc}"


def _inputs(
    rows: Iterable[Any], on: date
) -> Iterator[tuple[Any, ParameterSet, r.Household | IncompleteRecord | str]]:
    """Each household (a model instance or a columnar row) with its parameters and its rules input, or why
    there is none (an incomplete record, or an error text)."""
    table = default_table()
    months = "gradual_exit.months_default"
    sets: dict[str, ParameterSet] = {}
    for h in rows:
        region = h.village_code or h.county_code
        if region not in sets:
            sets[region] = table.at(on, region)
        params = sets[region]
        try:
            yield h, params, household_input(h, on, params.count(months) if params.has(months) else None)
        except IncompleteRecord as exc:
            yield h, params, exc
        except (ParameterError, TimelineError, ValueError) as exc:
            yield h, params, f"家庭户 {h}: {exc}"


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
    for _household, outcome in _assess_each(read_households(region), on):
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
    for household, outcome in _assess_each(read_households(region), on):
        if isinstance(outcome, str):
            errors.append(outcome)
            continue
        results.append(outcome)
        rows.append(
            m.AssessmentResult(
                household_id=household.pk,
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


# ---- the columnar read: values() queries instead of model instances and prefetching ----------------------------


class _Related(list[Any]):
    """A list that answers `.all()` like a prefetched related manager."""

    def all(self) -> _Related:
        return self


class HouseholdRow(SimpleNamespace):
    """A registry household read as plain values, with the attributes `household_input` reads."""

    def __str__(self) -> str:  # as models.Household.__str__
        head = self.head_name if self.head_id and self.head_name else "户主未知"
        return f"户编号 {self.household_no}({head})" if self.household_no else f"{head}户"


PERSON_FIELDS = (
    "id",
    "name",
    "id_number",
    "birth_date",
    "alive",
    "disability_category",
    "disability_grade",
    "schooling",
    "major_illness",
    "major_illness_assistance",
    "labor_capacity",
    "employment",
    *m.DAILY_ACTIVITIES,
)
OWNER = ("household_id", "person_id")
INCOME_FIELDS = (*OWNER, "kind", "amount_fen", "countable", "period_end")
DEDUCTION_FIELDS = (*OWNER, "kind", "amount_fen", "reimbursed_fen", "period_end")
PROPERTY_FIELDS = (*OWNER, "kind", "value_fen", "purchase_date", "disability_vehicle", "net_profit_fen")
CHUNK = 2000


def _rows(qs: Any, fields: tuple[str, ...]) -> Iterator[SimpleNamespace]:
    for values in qs.order_by("pk").values(*fields):
        yield SimpleNamespace(**values)


def _chunk(scope: Any, lo: int, hi: int) -> list[HouseholdRow]:
    """The region's households with a primary key in [lo, hi], each table read with one query filtered by the
    key range and the region (a subquery on the database side: no long lists of keys to prepare)."""
    chunk = scope.filter(pk__gte=lo, pk__lte=hi)
    in_chunk = chunk.values("pk")
    members = m.Membership.objects.filter(household_id__in=in_chunk).values("person_id")
    households: dict[int, HouseholdRow] = {}
    for values in (
        chunk.order_by("pk")
        .values("id", "household_no", "village_code", "county_code", "hukou_county_code", "hukou", "head_id")
        .annotate(head_name=F("head__name"))
    ):
        households[values["id"]] = HouseholdRow(
            pk=values["id"],
            **values,
            memberships=_Related(),
            incomeitems=_Related(),
            deductionitems=_Related(),
            propertyitems=_Related(),
            dibao_enrolments=_Related(),
        )
    for p in _rows(
        m.PovertyRegistration.objects.filter(household_id__in=in_chunk),
        ("household_id", "status", "safety_net_mark", "income_per_capita_fen"),
    ):
        households[p.household_id].poverty = p
    memberships = list(
        _rows(
            m.Membership.objects.filter(household_id__in=in_chunk),
            ("household_id", "relation", "valid_from", "valid_to", "person_id"),
        )
    )
    persons: dict[int, SimpleNamespace] = {}
    for values in m.Person.objects.filter(pk__in=members).values(*PERSON_FIELDS):
        persons[values["id"]] = SimpleNamespace(
            pk=values["id"],
            **values,
            incomeitems=_Related(),
            deductionitems=_Related(),
            propertyitems=_Related(),
            support_measures=_Related(),
            tekun_enrolments=_Related(),
        )
    for ms in memberships:
        ms.person = persons[ms.person_id]
        households[ms.household_id].memberships.append(ms)
    for model, fields, name in (
        (m.IncomeItem, INCOME_FIELDS, "incomeitems"),
        (m.DeductionItem, DEDUCTION_FIELDS, "deductionitems"),
        (m.PropertyItem, PROPERTY_FIELDS, "propertyitems"),
    ):
        for item in _rows(model.objects.filter(household_id__in=in_chunk), fields):
            getattr(households[item.household_id], name).append(item)
        for item in _rows(model.objects.filter(person_id__in=members), fields):
            getattr(persons[item.person_id], name).append(item)
    for e in _rows(
        m.DibaoEnrolment.objects.filter(household_id__in=in_chunk),
        (
            "household_id",
            "single_person",
            "status",
            "start_date",
            "end_date",
            "gradual_exit_end",
            "monthly_amount_fen",
        ),
    ):
        households[e.household_id].dibao_enrolments.append(e)
    for t in _rows(
        m.TekunEnrolment.objects.filter(person_id__in=members), ("person_id", "start_date", "end_date")
    ):
        persons[t.person_id].tekun_enrolments.append(t)
    for s in _rows(
        m.SupportMeasure.objects.filter(person_id__in=members),
        ("person_id", "kind", "village_confirmed_on", "township_confirmed_on", "county_confirmed_on"),
    ):
        persons[s.person_id].support_measures.append(s)
    from doudi.feeds.assessment_evidence import attach

    attach(households, memberships)  # the chunk's departments' data, as household_input would read it
    return list(households.values())


def read_households(region: str | None) -> Iterator[HouseholdRow]:
    """The registry's households (under a region prefix) as plain values, read a chunk at a time with one
    values() query per table: the same rules input as `households()` without building model instances.

    A chunk is a range of primary keys within the region: each table's query is filtered by that range and the
    region prefix (as a subquery), so no list of keys is sent to the database."""
    scope = m.Household.objects.all()
    if region:
        scope = scope.filter(Q(village_code__startswith=region) | Q(county_code__startswith=region))
    pks = list(scope.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), CHUNK):
        part = pks[start : start + CHUNK]
        with gc_paused():
            rows = _chunk(scope, part[0], part[-1])
        yield from rows


@contextmanager
def gc_paused() -> Iterator[None]:
    """Build many plain objects (a chunk's rows, a county's rules input) without the cyclic collector rescanning
    the growing heap again and again: at 100,000 households it otherwise takes about half the CPU time. The
    objects built form no reference cycles; the collector runs again on leaving."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class RegistryBatch:
    """`assess_registry_batch`: the vectorised results, row i for household `pks[i]`."""

    pks: list[int]
    household_ids: list[str]
    result: BatchResult
    needs_data: dict[int, str] = field(default_factory=dict)  # household pk -> what is missing
    errors: list[str] = field(default_factory=list)
    version: str = ""


def assess_registry_batch(on: date, region: str | None = None) -> RegistryBatch:
    """Assess every registry household (under a region prefix) through the vectorised path
    (`doudi.rules.batch`): outcomes, amounts and reason codes as arrays, without per-household explanations
    (`assess_registry` gives those). Incomplete records are listed in `needs_data`."""
    pks: list[int] = []
    records: list[r.Household] = []
    needs: dict[int, str] = {}
    errors: list[str] = []
    with gc_paused():
        for h, _params, record in _inputs(read_households(region), on):
            if isinstance(record, IncompleteRecord):
                needs[h.pk] = str(record)
            elif isinstance(record, str):
                errors.append(record)
            else:
                pks.append(h.pk)
                records.append(record)
        result = assess_batch(records, on)
    return RegistryBatch(
        pks, [x.household_id for x in records], result, needs, errors, default_table().version
    )
