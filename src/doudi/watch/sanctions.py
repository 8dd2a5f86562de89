"""P6 (RULES.md §5): refusal records through one write path (`record_refusal`), and the cuts they make to a
member's own share of the household's dibao in a month's payroll (`cuts_for`), each with its explanation.

The enrolment's amount is never changed by a sanction: the payroll withholds the share month by month, so the
share comes back by itself the month after the person accepts (doudi.rules.timelines.sanctions)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from doudi.monitor import sanctions as p6
from doudi.registry import models as m
from doudi.registry.access import scoped
from doudi.registry.audit import record
from doudi.rules.model import Offer
from doudi.rules.model import RefusalResponse as Response

from .actions import WatchError, _check_scope
from .assess import parameters_for
from .models import Refusal, RefusalKind, RefusalResponse

THRESHOLD = "sanction.refusal_threshold"
REDUCTION = "sanction.share_reduction"


def _household_of(person: m.Person) -> m.Household | None:
    """The person's current household, a card household first."""
    open_ = person.memberships.filter(valid_to__isnull=True).select_related("household")
    ordered = sorted(open_, key=lambda ms: (ms.household.origin != "card", ms.pk))
    return ordered[0].household if ordered else None


def record_refusal(
    user: Any, person: m.Person, offered_on: date, response: str, kind: str = "project", note: str = ""
) -> Refusal:
    """Record an offer to a person and the response (refused / refused with valid reason / accepted)."""
    if response not in RefusalResponse.values:
        raise WatchError(
            _("本人表现 %(r)s 无效; 可选: %(c)s") % {"r": response, "c": "、".join(RefusalResponse.values)}
        )
    if kind not in RefusalKind.values:
        raise WatchError(_("事项 %(k)s 无效; 可选: %(c)s") % {"k": kind, "c": "、".join(RefusalKind.values)})
    household = _household_of(person)
    if household is None:
        raise WatchError(_("%(p)s 不是任何家庭户的现有成员, 无法登记; 请先核实其家庭户") % {"p": person.name})
    _check_scope(user, household)
    if response == RefusalResponse.REFUSED_VALID and not note.strip():
        raise WatchError(_("有正当理由未参加的, 请在情况说明中写明理由"))
    with transaction.atomic():
        refusal = Refusal.objects.create(
            person=person,
            household=household,
            kind=kind,
            offered_on=offered_on,
            response=response,
            note=note[:200],
            recorded_by=user if getattr(user, "pk", None) else None,
        )
        record(user, "refusal", refusal, household.village_code, kind=kind, response=response)
    return refusal


# The payroll's side ---------------------------------------------------------------------------------------


@dataclass
class Refusals:
    """The offers of every person with a record, and the households they were recorded in."""

    offers: dict[int, tuple[Offer, ...]]
    persons: dict[int, m.Person]
    by_household: dict[int, set[int]]
    card: set[int]  # persons recorded in a card household

    def candidates(self, e: m.DibaoEnrolment, members: list[m.Person]) -> list[m.Person]:
        """Persons with records who are covered by `e` now (its members, or the household's current members)."""
        ids = set(self.by_household.get(e.household_id, set()))
        ids |= {p.pk for p in members if p.pk in self.offers}
        if not ids:
            return []
        current = set(
            e.household.memberships.filter(valid_to__isnull=True).values_list("person_id", flat=True)
        )
        ids &= current | {p.pk for p in members}
        if e.single_person:
            ids &= {e.person_id}
        return [self.persons[i] for i in sorted(ids)]


def load(user: Any, region: str = "") -> Refusals:
    qs = scoped(user, Refusal).select_related("person", "household")
    if region:
        qs = qs.filter(Q(household__village_code__startswith=region))
    offers: dict[int, list[Offer]] = defaultdict(list)
    out = Refusals({}, {}, defaultdict(set), set())
    for r in qs.order_by("offered_on", "pk"):
        offers[r.person_id].append(Offer(r.offered_on, Response(r.response)))
        out.persons[r.person_id] = r.person
        out.by_household[r.household_id].add(r.person_id)
        if r.household.origin == "card":
            out.card.add(r.person_id)
    out.offers = {k: tuple(v) for k, v in offers.items()}
    return out


def _facts(person: m.Person, card: bool) -> p6.Person:
    return p6.Person(
        person.name,
        person.birth_date or date(1900, 1, 1),
        person.labor_capacity,
        (person.schooling or "none") not in ("none", "preschool"),
        (person.employment or "none") != "none",
        card,
    )


def cuts_for(
    e: m.DibaoEnrolment, members: list[m.Person], month: date, amount: int, refusals: Refusals
) -> list[p6.Cut]:
    """The P6 cuts of the enrolment's members in `month` (empty for almost every household)."""
    people = refusals.candidates(e, members)
    if not people:
        return []
    params = parameters_for(e.household, month)
    if not params.has(THRESHOLD):
        return []
    card = e.household.origin == "card"
    out = []
    for person in people:
        if person.birth_date is None or (
            not person.alive and person.death_date and person.death_date < month
        ):
            continue
        cut = p6.cut_in(
            _facts(person, card or person.pk in refusals.card),
            refusals.offers[person.pk],
            month,
            amount,
            e.covered_members,
            params.count(THRESHOLD),
            params.ratio(REDUCTION),
        )
        if cut is not None:
            out.append(cut)
    return out


def sanctions_in(user: Any, month: date, region: str = "") -> list[tuple[m.Person, p6.Cut | None, str]]:
    """Every person with refusal records in scope: the cut in `month` (None = not cut) and the run so far."""
    from .actions import current_dibao

    refusals = load(user, region)
    out = []
    for pk, person in sorted(refusals.persons.items()):
        household = next(h for h, ids in refusals.by_household.items() if pk in ids)
        h = m.Household.objects.get(pk=household)
        e = current_dibao(h, month)
        cut = None
        if e is not None:
            cut = next(iter(cuts_for(e, [], month, e.monthly_amount_fen, _only(refusals, pk))), None)
        params = parameters_for(h, month)
        timeline = p6.state_in(refusals.offers[pk], params.count(THRESHOLD), month)
        run = timeline[-1].refusals_in_a_row if timeline else 0
        out.append((person, cut, _("连续无正当理由拒绝 %(n)d 次") % {"n": run}))
    return out


def _only(refusals: Refusals, pk: int) -> Refusals:
    households = {h: {pk} for h, ids in refusals.by_household.items() if pk in ids}
    return Refusals({pk: refusals.offers[pk]}, {pk: refusals.persons[pk]}, households, refusals.card & {pk})
