"""The clerical-review queue of stored match runs: which pairs a user sees, deciding one, and what follows.

- `queue_for(user)`: the review items of the current match runs (a run stops being current where a later complete
  run covers the same villages) whose poverty-side village lies in the user's region. Every page, count and command
  reads the queue through it, so another region's pairs are never seen, not even as a number.
- `decide(user, pk, decision, note)`: the reviewer's decision, through `actions.decide_review` (the one write path
  of a decision, audited as `match_review`), then `reclassify` in the same transaction.
- `reclassify(user, review)`: the classes of the card households the decision touches, recomputed with
  `doudi.linkage.coverage.classify` exactly as the run computed them, except that a confirmed pair counts as a link
  (it covers the person) and a rejected one does not (the person stays uncovered unless linked elsewhere). The roll
  household of the pair leaves, or comes back to, the "not in the registry" list. Audited as `match_reclassify`.

The households touched are the pair's card household and every card household linked to the pair's roll
household (its owner may change, and with it their conflicts). Their members and the roll households' members are
read from the registry as it is now; the links from the run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from doudi.linkage.coverage import classify
from doudi.linkage.links import AUTO, REVIEW
from doudi.linkage.records import frame
from doudi.registry import access, audit
from doudi.registry.models import DibaoMember, Membership, Role, TekunEnrolment

from .actions import MatchError, decide_review
from .models import (
    Band,
    ClericalReview,
    CoverageClass,
    Decision,
    HouseholdCoverage,
    MatchRun,
    PersonLink,
    RollKind,
    RunStatus,
)
from .sources import ACTIVE_DIBAO

RECLASSIFY_ACTION = "match_reclassify"
NOTE_MAX = 500
# Roles that work with named persons and may decide a pair; supervisors (the leading-group secretary, prefecture,
# province) read the queue only.
DECIDE_ROLES = frozenset({Role.VILLAGE, Role.TOWNSHIP, Role.COUNTY_CIVIL, Role.COUNTY_POVERTY, Role.ADMIN})


class ReviewError(ValueError):
    """A decision that cannot be recorded; the message says why in Chinese."""


class DecidedMeanwhile(ReviewError):
    """Someone else decided the pair after the reviewer opened it: nothing recorded."""


def may_decide(user: Any) -> bool:
    if access.scope_of(user) is None:
        return False
    profile = getattr(user, "profile", None)
    if profile is None:
        return bool(getattr(user, "is_superuser", False))
    return profile.role in DECIDE_ROLES


# --- reading the queue ----------------------------------------------------------------------------------------------


def _current_runs_filter(scope: str) -> Q | None:
    """Review items of the current runs touching `scope`: newest run first; an older run keeps only the villages no
    newer run covers. None when no run touches the scope."""
    runs = MatchRun.objects.filter(status=RunStatus.COMPLETE).order_by("-started_at", "-pk")
    newer: list[str] = []
    query: Q | None = None
    for run_pk, region in runs.values_list("pk", "region_code"):
        superseded = any(region.startswith(code) for code in newer)
        newer.append(region)
        if superseded or not (region.startswith(scope) or scope.startswith(region)):
            continue
        item = Q(link__run_id=run_pk)
        for code in {c for c in newer[:-1] if c.startswith(region)}:
            item &= ~Q(link__village_code__startswith=code)
        query = item if query is None else query | item
    return query


def queue_for(user: Any) -> QuerySet[ClericalReview]:
    """Every review item the user may see (pending and decided), in the current runs, in the user's region."""
    scope = access.scope_of(user)
    if scope is None:
        return ClericalReview.objects.none()
    runs = _current_runs_filter(scope)
    if runs is None:
        return ClericalReview.objects.none()
    return ClericalReview.objects.filter(runs, link__village_code__startswith=scope)


@dataclass(frozen=True)
class QueueFilter:
    township: str = ""
    village: str = ""
    status: str = "pending"
    sort: str = "weight"
    household: int | None = None


def filtered(user: Any, chosen: QueueFilter | None = None) -> QuerySet[ClericalReview]:
    """The queue narrowed to a township, village, household and status, sorted by weight (most likely the same
    person first) or by village."""
    chosen = chosen or QueueFilter()
    items = queue_for(user)
    if chosen.village:
        items = items.filter(link__village_code=chosen.village)
    elif chosen.township:
        items = items.filter(link__village_code__startswith=chosen.township)
    if chosen.household is not None:
        items = items.filter(link__poverty_household_id=chosen.household)
    if chosen.status == "pending":
        items = items.filter(decision=Decision.PENDING)
    elif chosen.status == "decided":
        items = items.exclude(decision=Decision.PENDING)
    order = ("-link__match_weight", "link__village_code", "pk")
    if chosen.sort == "village":
        order = ("link__village_code", "-link__match_weight", "pk")
    return items.select_related(
        "link__run", "link__poverty_person", "link__roll_person", "link__poverty_household__head",
        "link__roll_household__head", "decided_by",
    ).order_by(*order)  # fmt: skip


def villages_in_queue(user: Any) -> list[str]:
    """The village codes of the user's queue (pending or decided), sorted."""
    codes = queue_for(user).values_list("link__village_code", flat=True).distinct()
    return sorted(set(codes))


def pending_count(user: Any, household_id: int | None = None) -> int:
    items = queue_for(user).filter(decision=Decision.PENDING)
    if household_id is not None:
        items = items.filter(link__poverty_household_id=household_id)
    return items.count()


def get_review_for_user(user: Any, pk: object) -> ClericalReview:
    try:
        return filtered(user, QueueFilter(status="all")).get(pk=pk)
    except (ClericalReview.DoesNotExist, ValueError, TypeError):
        raise access.NotInScope(_("没有找到该复核项,或不在您的管辖范围内")) from None


# --- deciding -------------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    review: ClericalReview
    changes: dict[int, tuple[str, str]] = field(default_factory=dict)  # household id -> (class before, after)


def decide(user: Any, pk: object, decision: str, note: str, seen: str | None = None) -> Outcome:
    """Record a decision on one item of the user's queue and re-classify the households it touches.

    `seen`: the decision the reviewer saw when deciding; if someone changed it meanwhile, nothing is recorded."""
    if not may_decide(user):
        raise ReviewError(_("您的角色只能查看复核队列,不能下复核结论"))
    if decision not in (Decision.MATCH, Decision.NON_MATCH):
        raise ReviewError(_("复核结论只能是“确认为同一人”或“确认不是同一人”"))
    note = (note or "").strip()
    if not note:
        raise ReviewError(_("请写明复核依据(如“户口簿核实,低保名册证号录错一位”)"))
    if len(note) > NOTE_MAX:
        raise ReviewError(_("复核说明最多 %(n)d 个字") % {"n": NOTE_MAX})
    with transaction.atomic():
        review = get_review_for_user(user, pk)
        review = ClericalReview.objects.select_for_update().get(pk=review.pk)
        if seen is not None and seen != review.decision:
            raise DecidedMeanwhile(_("该复核项已由他人处理(现为“%(d)s”),请刷新后再看") % {
                "d": review.get_decision_display()
            })  # fmt: skip
        try:
            decide_review(user, review, decision, note)
        except MatchError as exc:
            raise ReviewError(str(exc)) from exc
        changes = reclassify(user, review)
    return Outcome(review, changes)


# --- re-classifying -------------------------------------------------------------------------------------------------

_EFFECTIVE = Q(band=Band.AUTO) | Q(band=Band.REVIEW, review__decision=Decision.MATCH)


@dataclass(frozen=True)
class _RollKey:
    roll: str
    household_id: int | None  # dibao: the roll household
    person_id: int | None  # tekun: the supported person

    @classmethod
    def of(cls, link: PersonLink) -> _RollKey:
        if link.roll == RollKind.TEKUN:
            return cls(RollKind.TEKUN, None, link.roll_person_id)
        return cls(RollKind.DIBAO, link.roll_household_id, None)

    def links(self) -> Q:
        if self.roll == RollKind.TEKUN:
            return Q(roll=RollKind.TEKUN, roll_person_id=self.person_id)
        return Q(roll=RollKind.DIBAO, roll_household_id=self.household_id)


def _any(keys: set[_RollKey]) -> Q:
    query = Q(pk__in=[])
    for key in keys:
        query |= key.links()
    return query


def reclassify(user: Any, review: ClericalReview) -> dict[int, tuple[str, str]]:
    """Re-classify the card households the decision on `review` touches; returns household id -> (before, after)
    for those whose class changed. Also keeps the roll household's "not in the registry" row and the run's counts
    in step."""
    with transaction.atomic():
        return _reclassify(user, review)


def _reclassify(user: Any, review: ClericalReview) -> dict[int, tuple[str, str]]:
    link = PersonLink.objects.select_related("run").get(pk=review.link_id)
    run = link.run
    effective = PersonLink.objects.filter(run=run).filter(_EFFECTIVE)
    pair = _RollKey.of(link)
    targets = {link.poverty_household_id} | set(
        effective.filter(pair.links()).values_list("poverty_household_id", flat=True)
    )
    targets.discard(None)
    rows = {
        c.household_id: c
        for c in HouseholdCoverage.objects.select_for_update()
        .filter(run=run, household_id__in=targets)
        .exclude(coverage_class=CoverageClass.ROLL_ONLY)
    }
    changes: dict[int, tuple[str, str]] = {}
    if rows:
        classes = _classify(run, effective, set(rows))
        for household_id, row in rows.items():
            new = classes.get(household_id)
            if new is None:
                continue
            before = row.coverage_class
            _apply(row, new)
            if before != row.coverage_class:
                changes[int(household_id)] = (before, row.coverage_class)
    _roll_only(run, pair, effective.filter(pair.links()).exists())
    _recount(run)
    audit.record(
        user, RECLASSIFY_ACTION, run, region_code=link.village_code, review=review.pk,
        decision=review.decision, changes={str(k): list(v) for k, v in changes.items()},
    )  # fmt: skip
    return changes


def _poverty_entry(membership: Membership) -> dict[str, Any]:
    p, h = membership.person, membership.household
    return {
        "uid": f"poverty:{p.pk}:{h.pk}",
        "roster": "poverty",
        "household": f"P:{h.pk}",
        "household_ref": str(h.pk),
        "relation": membership.relation,
        "name": p.name,
        "village": p.village_code,
        "alive": p.alive,
        "disability_category": p.disability_category or "",
        "disability_grade": p.disability_grade,
        "major_illness": bool(p.major_illness_assistance or p.major_illness),
        "labor": p.labor_capacity or "",
    }


def _classify(run: MatchRun, effective: QuerySet[PersonLink], targets: set[int]) -> dict[int, dict[str, Any]]:
    """household id -> classify()'s row, for the target households, from exactly the data their class depends on:
    their members and links, and every link into and member of the roll households they are linked to."""
    own = list(effective.filter(poverty_household_id__in=targets))
    keys = {_RollKey.of(x) for x in own}
    into = (
        list(effective.filter(_any(keys)).select_related("poverty_person", "poverty_household"))
        if keys
        else []
    )
    memberships = list(
        Membership.objects.filter(household_id__in=targets, valid_to=None).select_related(
            "person", "household"
        )
    )
    poverty = [_poverty_entry(m) for m in memberships]
    seen = {e["uid"] for e in poverty}
    for x in into:  # members of other card households linked to the same roll households: their votes count
        uid = f"poverty:{x.poverty_person_id}:{x.poverty_household_id}"
        if uid not in seen and x.poverty_household is not None:
            seen.add(uid)
            relation = Membership(person=x.poverty_person, household=x.poverty_household, relation="")
            poverty.append(_poverty_entry(relation))
    rolls, uid_r = _roll_members(keys, into)
    kept = [
        {
            "uid_l": f"poverty:{x.poverty_person_id}:{x.poverty_household_id}",
            "uid_r": uid_r[x.pk],
            "band": AUTO,
        }
        for x in into
        if f"poverty:{x.poverty_person_id}:{x.poverty_household_id}" in seen
    ]
    pending = PersonLink.objects.filter(
        run=run, band=Band.REVIEW, review__decision=Decision.PENDING, poverty_household_id__in=targets
    )
    kept += [
        {"uid_l": f"poverty:{x.poverty_person_id}:{x.poverty_household_id}", "uid_r": "", "band": REVIEW}
        for x in pending
    ]
    households, _roll_only_rows = classify(
        frame(poverty), frame(rolls), pd.DataFrame(kept, columns=["uid_l", "uid_r", "band"])
    )
    out: dict[int, dict[str, Any]] = {}
    for row in households.to_dict("records") if len(households) else []:
        household_id = int(row["household_ref"])
        if household_id in targets:
            out[household_id] = row
    return out


def _roll_members(keys: set[_RollKey], into: list[PersonLink]) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The current members of the roll households (as doudi.matching.sources reads them) and, per link, the uid of
    its roll record."""
    dibao_ids = {k.household_id for k in keys if k.roll == RollKind.DIBAO and k.household_id is not None}
    tekun_ids = {k.person_id for k in keys if k.roll == RollKind.TEKUN and k.person_id is not None}
    members: dict[str, dict[str, Any]] = {}
    by_person: dict[tuple[str, int, int | None], str] = {}
    dibao = (
        DibaoMember.objects.filter(
            enrolment__household_id__in=dibao_ids,
            enrolment__end_date=None,
            enrolment__status__in=ACTIVE_DIBAO,
        )
        .select_related("person", "enrolment__household")
        .order_by("enrolment_id", "pk")
    )
    relations = {
        (m.person_id, m.household_id): m.relation
        for m in Membership.objects.filter(household_id__in=dibao_ids, valid_to=None)
    }
    for m in dibao:
        h, p = m.enrolment.household, m.person
        uid = f"dibao:{p.pk}:{h.pk}"
        by_person[(RollKind.DIBAO, p.pk, h.pk)] = uid
        members[uid] = {
            "uid": uid, "roster": RollKind.DIBAO, "household": f"D:{h.pk}", "household_ref": str(h.pk),
            "relation": relations.get((p.pk, h.pk), "户主" if h.head_id == p.pk else ""),
            "name": p.name, "village": p.village_code,
        }  # fmt: skip
    tekun = TekunEnrolment.objects.filter(person_id__in=tekun_ids, end_date=None).select_related("person")
    for e in tekun.order_by("pk"):
        uid = f"tekun:{e.person_id}:{e.pk}"
        by_person.setdefault((RollKind.TEKUN, e.person_id, None), uid)
        members[uid] = {
            "uid": uid, "roster": RollKind.TEKUN, "household": f"T:{uid}", "household_ref": str(e.household_id or ""),
            "relation": "户主", "name": e.person.name, "village": e.person.village_code,
        }  # fmt: skip
    uid_r: dict[int, str] = {}
    for x in into:  # a roll record gone from the roll since the run still counts as linked, as the run saw it
        key = _RollKey.of(x)
        found = by_person.get((x.roll, x.roll_person_id, key.household_id))
        if found is None:
            found = f"{x.roll}:{x.roll_person_id}:{key.household_id or 'gone'}"
            household = f"D:{key.household_id}" if x.roll == RollKind.DIBAO else f"T:{found}"
            members[found] = {"uid": found, "roster": x.roll, "household": household, "relation": ""}
        uid_r[x.pk] = found
    return list(members.values()), uid_r


def _person_of(uid: str) -> int:
    return int(uid.split(":")[1])


def _apply(row: HouseholdCoverage, new: dict[str, Any]) -> None:
    detail = dict(new["detail"])
    detail["priority"] = [{**p, "person": _person_of(p["uid"])} for p in detail["priority"]]
    row.coverage_class = new["class"]
    row.covered_members = [_person_of(u) for u in new["covered_members"]]
    row.priority_members = [_person_of(u) for u in new["priority_members"]]
    row.detail = {**(row.detail or {}), **detail, "reclassified_after_review": True}
    row.save(update_fields=["coverage_class", "covered_members", "priority_members", "detail"])


def _roll_only(run: MatchRun, pair: _RollKey, linked: bool) -> None:
    """The pair's roll household is "not in the registry" exactly when none of its members is linked."""
    rows = HouseholdCoverage.objects.filter(run=run, coverage_class=CoverageClass.ROLL_ONLY)
    rows = (
        rows.filter(person_id=pair.person_id)
        if pair.roll == RollKind.TEKUN
        else rows.filter(household_id=pair.household_id)
    )
    if linked:
        rows.delete()
        return
    if rows.exists():
        return
    members, _uids = _roll_members({pair}, [])
    if not members:
        return
    ids = [_person_of(m["uid"]) for m in members]
    tekun = pair.roll == RollKind.TEKUN
    HouseholdCoverage.objects.create(
        run=run, household_id=None if tekun else pair.household_id, person_id=ids[0] if tekun else None,
        coverage_class=CoverageClass.ROLL_ONLY, covered_members=ids,
        detail={"roster": pair.roll, "names": "、".join(m["name"] for m in members), "members": len(members)},
        village_code=members[0]["village"],
    )  # fmt: skip


def _recount(run: MatchRun) -> None:
    """The run's class counts (households_<class>, roll_only_households) as they stand after the decisions."""
    rows = HouseholdCoverage.objects.filter(run=run).values("coverage_class").annotate(n=Count("id"))
    classes = Counter({r["coverage_class"]: r["n"] for r in rows.order_by()})
    counts = {k: v for k, v in (run.counts or {}).items() if not k.startswith("households_")}
    roll_only = classes.pop(CoverageClass.ROLL_ONLY, 0)
    counts.update({f"households_{k}": int(v) for k, v in sorted(classes.items())})
    counts["roll_only_households"] = int(roll_only)
    decided = ClericalReview.objects.filter(link__run=run).exclude(decision=Decision.PENDING)
    counts["review_decided"] = decided.count()
    run.counts = counts
    run.save(update_fields=["counts"])
