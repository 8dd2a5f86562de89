"""What a newer roster version means for 动态管理 (S5 巩固衔接, RULES.md §1): `after_import(batch)` is called by
doudi.registry.imports inside the batch's own transaction, once the batch is written.

- Every card household the batch changed (its members came or went or changed, a member's dibao or tekun
  enrolment was added or changed, or its poverty registration changed, e.g. its status) gets a roster
  ChangeEvent through `record_change(kind="roster")`, which reassesses it and reopens its settled campaign
  cases (doudi.casework.actions.reopen_on_change).
- Every person the registry holds for that roster and region who is missing from the newer version gets a
  ReviewFlag (shown in the review worklist) instead of only an audit line; nothing is deleted.

A first version of a roster (a batch that supersedes nothing) is a load, not a change: nothing happens.

What the batch changed is read from the registry itself: every record a batch writes or changes carries it as
`source_batch`, and a record the batch merely created has no history yet (doudi.registry.imports writes a
record's first history row when it first changes), so "changed" = carries this batch and has history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from doudi.registry import models as m
from doudi.registry.access import in_scope

from .actions import record_change
from .models import ChangeKind, FlagKind, ReviewFlag

MISSING_ACTION = (
    "review_missing_from_roster"  # the audit line doudi.registry.imports writes per missing person
)
CHUNK = 2000


@dataclass
class HookReport:
    events: int = 0
    reopened: int = 0
    flags: int = 0


def after_import(batch: m.ImportBatch) -> HookReport:
    """Reassess (and reopen the cases of) the card households a newer roster changed; flag the missing."""
    report = HookReport()
    if batch.supersedes_id is None:
        return report
    user = batch.imported_by
    on = timezone.localdate()
    source = f"{batch.get_kind_display()} {batch.file_name}"[:200]
    for household, what in changed_card_households(batch):
        actor = user if user is None or in_scope(user, household.village_code) else None
        detail = {"batch": batch.pk, "changed": sorted(what)}
        event = record_change(
            actor, household, ChangeKind.ROSTER, on, detail=detail, source=source, registry_changed=True
        )
        report.events += 1
        report.reopened += event.cases_reopened
    report.flags = flag_missing(batch)
    return report


# What changed --------------------------------------------------------------------------------------------


def _in_chunks(qs: models.QuerySet[Any], field: str, values: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for start in range(0, len(values), CHUNK):
        out.extend(qs.filter(**{f"{field}__in": values[start : start + CHUNK]}))
    return out


def _with_history(model: type[models.Model], pks: Iterable[int]) -> set[int]:
    """The records among `pks` that existed before the batch (they have history rows)."""
    historical = model.history.model  # type: ignore[attr-defined]
    ids = sorted(set(pks))
    return set(_in_chunks(historical._default_manager.values_list("id", flat=True), "id", ids))


def _touched(model: type[models.Model], batch: m.ImportBatch, *fields: str) -> list[tuple[Any, ...]]:
    return list(model._default_manager.filter(source_batch=batch).values_list("pk", *fields))


def _card_households_of(persons: Iterable[int], batch: m.ImportBatch) -> dict[int, set[int]]:
    """person -> the card households they belong to now (or left in this batch)."""
    qs = m.Membership.objects.filter(household__origin="card").filter(
        Q(valid_to__isnull=True) | Q(source_batch=batch)
    )
    out: dict[int, set[int]] = defaultdict(set)
    for person, household in _in_chunks(
        qs.values_list("person_id", "household_id"), "person_id", sorted(set(persons))
    ):
        out[person].add(household)
    return out


def changed_card_households(batch: m.ImportBatch) -> list[tuple[m.Household, set[str]]]:
    """The card households the batch changed (created ones excluded), each with what changed:
    members / enrolment / status."""
    what: dict[int, set[str]] = defaultdict(set)
    registrations = _touched(m.PovertyRegistration, batch, "household_id")
    old = _with_history(m.PovertyRegistration, [pk for pk, _ in registrations])
    for pk, household in registrations:
        if pk in old:
            what[household].add("status")
    memberships = _touched(m.Membership, batch, "household_id", "person_id")
    for _pk, household, _person in memberships:
        what[household].add("members")
    persons = [pk for (pk,) in _touched(m.Person, batch)]
    enrolled = _enrolled_persons(batch)
    changed_people = _with_history(m.Person, persons)
    by_person = _card_households_of([*changed_people, *enrolled], batch)
    for person in changed_people:
        for household in by_person.get(person, ()):
            what[household].add("members")
    for person in enrolled:
        for household in by_person.get(person, ()):
            what[household].add("enrolment")
    new = _created_households(batch)
    ids = sorted(h for h in what if h not in new)
    households = _in_chunks(m.Household.objects.filter(origin="card").order_by("pk"), "pk", ids)
    return [(h, what[h.pk]) for h in households]


def _enrolled_persons(batch: m.ImportBatch) -> set[int]:
    """Persons whose dibao or tekun enrolment the batch added or changed."""
    persons = {p for _, p in _touched(m.TekunEnrolment, batch, "person_id")}
    dibao = _touched(m.DibaoEnrolment, batch, "person_id", "household_id")
    persons |= {p for _, p, _h in dibao if p is not None}
    enrolments = [pk for pk, _p, _h in dibao]
    members = m.DibaoMember.objects.values_list("person_id", flat=True)
    persons |= set(_in_chunks(members, "enrolment_id", enrolments))
    return persons


def _created_households(batch: m.ImportBatch) -> set[int]:
    created = [pk for (pk,) in _touched(m.Household, batch)]
    return set(created) - _with_history(m.Household, created)


# Persons missing from the newer version -------------------------------------------------------------------


def _household_of(person: m.Person) -> m.Household | None:
    open_ = [ms for ms in person.memberships.all() if ms.valid_to is None]
    open_.sort(key=lambda ms: (ms.household.origin != "card", ms.pk))
    return open_[0].household if open_ else None


def flag_missing(batch: m.ImportBatch) -> int:
    """A ReviewFlag for every person the import found missing from the newer version (idempotent)."""
    events = m.AuditEvent.objects.filter(
        action=MISSING_ACTION, object_type="registry.person", detail__batch=batch.pk
    )
    pks = sorted({int(e.object_id) for e in events})
    done = set(
        ReviewFlag.objects.filter(batch=batch, kind=FlagKind.MISSING_FROM_ROSTER).values_list(
            "person_id", flat=True
        )
    )
    # select_related, not a second prefetch level: Django's forward-key prefetch writes one OR term per household,
    # past SQLite's expression-depth limit (1000) for a chunk of 2,000 persons
    memberships = models.Prefetch("memberships", queryset=m.Membership.objects.select_related("household"))
    people = m.Person.objects.prefetch_related(memberships).order_by("pk")
    flags = [
        ReviewFlag(
            kind=FlagKind.MISSING_FROM_ROSTER,
            person=p,
            household=_household_of(p),
            village_code=p.village_code,
            roster_kind=batch.kind,
            batch=batch,
            previous_batch_id=batch.supersedes_id,
        )
        for p in _in_chunks(people, "pk", [pk for pk in pks if pk not in done])
    ]
    ReviewFlag.objects.bulk_create(flags, batch_size=500)
    return len(flags)
