"""Registry rows -> canonical linkage records (doudi.linkage.records), read through the access layer.

Poverty side: open memberships of card households. Roll side: members of dibao enrolments not ended, and tekun
enrolments not ended. Every queryset comes from doudi.registry.access, so a run sees only the user's region.
A record's uid carries the registry keys: '<roster>:<person pk>:<household pk or enrolment pk>'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from doudi.registry import access
from doudi.registry.models import DibaoMember, DibaoStatus, HouseholdOrigin, Person

ACTIVE_DIBAO = (DibaoStatus.ACTIVE, DibaoStatus.GRADUAL_EXIT)


@dataclass
class RegistryRecords:
    poverty: list[dict[str, Any]] = field(default_factory=list)
    rolls: list[dict[str, Any]] = field(default_factory=list)
    batch_ids: set[int] = field(default_factory=set)
    # uid -> (person pk, household pk or None)
    keys: dict[str, tuple[int, int | None]] = field(default_factory=dict)


def _person(person: Person, **extra: Any) -> dict[str, Any]:
    return {
        "person_ref": str(person.pk),
        "name": person.name,
        "id_raw": person.id_number or "",
        "sex_written": person.sex or "",
        "county": person.county_code,
        "township": person.township_code,
        "village": person.village_code,
        "alive": person.alive,
        **extra,
    }


def _priority(person: Person) -> dict[str, Any]:
    cert = person.disability_certificate or ""
    return {
        "id_alt": cert[:18] if len(cert) == 20 else "",
        "disability_category": person.disability_category or "",
        "disability_grade": person.disability_grade,
        "major_illness": bool(person.major_illness_assistance or person.major_illness),
        "labor": person.labor_capacity or "",
    }


def read_registry(user: Any) -> RegistryRecords:
    out = RegistryRecords()
    _poverty(user, out)
    _dibao(user, out)
    _tekun(user, out)
    out.batch_ids.discard(None)  # type: ignore[arg-type]
    return out


def _poverty(user: Any, out: RegistryRecords) -> None:
    memberships = (
        access.memberships_for(user)
        .filter(valid_to=None, household__origin=HouseholdOrigin.CARD)
        .select_related("person", "household", "household__head")
        .order_by("household_id", "pk")
    )
    for m in memberships:
        h, p = m.household, m.person
        uid = f"poverty:{p.pk}:{h.pk}"
        out.keys[uid] = (p.pk, h.pk)
        out.batch_ids.update((m.source_batch_id, h.source_batch_id))
        out.poverty.append(
            _person(
                p,
                uid=uid,
                roster="poverty",
                household=f"P:{h.county_code}:{h.household_no}",
                household_ref=str(h.pk),
                relation=m.relation,
                head_id_raw=(h.head.id_number or "") if h.head else "",
                **_priority(p),
            )
        )


def _relations(user: Any, household_ids: set[int]) -> dict[tuple[int, int], str]:
    rows = access.memberships_for(user).filter(valid_to=None, household_id__in=household_ids)
    return {
        (m.person_id, m.household_id): m.relation for m in rows.only("person_id", "household_id", "relation")
    }


def _dibao(user: Any, out: RegistryRecords) -> None:
    members = list(
        access.scoped(user, DibaoMember)
        .filter(enrolment__end_date=None, enrolment__status__in=ACTIVE_DIBAO)
        .select_related("person", "enrolment", "enrolment__household", "enrolment__household__head")
        .order_by("enrolment_id", "pk")
    )
    relations = _relations(user, {m.enrolment.household_id for m in members})
    for m in members:
        e, p, h = m.enrolment, m.person, m.enrolment.household
        uid = f"dibao:{p.pk}:{e.pk}"
        out.keys[uid] = (p.pk, h.pk)
        out.batch_ids.add(e.source_batch_id)
        head_id = (h.head.id_number or "") if h.head else ""
        out.rolls.append(
            _person(
                p,
                uid=uid,
                roster="dibao",
                household=f"D:{h.pk}",
                household_ref=str(h.pk),
                relation=relations.get((p.pk, h.pk), "户主" if h.head_id == p.pk else ""),
                head_id_raw=head_id,
            )
        )


def _tekun(user: Any, out: RegistryRecords) -> None:
    enrolments = access.tekun_enrolments_for(user).filter(end_date=None).select_related("person")
    for e in enrolments.order_by("pk"):
        p = e.person
        uid = f"tekun:{p.pk}:{e.pk}"
        out.keys[uid] = (p.pk, e.household_id)
        out.batch_ids.add(e.source_batch_id)
        out.rolls.append(
            _person(
                p,
                uid=uid,
                roster="tekun",
                household=f"T:{uid}",
                household_ref=str(e.household_id or ""),
                relation="户主",
                head_id_raw=p.id_number or "",
            )
        )
