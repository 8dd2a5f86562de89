"""`doudi feeds check`: run the pure checks of doudi.evidence over a county's registry and feeds, store the
findings, and open review cases through the casework write path (doudi.casework.actions).

Integrity findings never change a benefit: a household without a case in the county's campaign gets one
(open_cases); a settled case goes back to assessment (reopen_on_change). Priority-group discoveries become
new S2 cases with the finding codes as their reasons. Economic feeds are used only for households with an
authorisation (or an audited override).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from doudi.evidence.model import Finding as PureFinding
from doudi.evidence.model import Household as PureHousehold
from doudi.evidence.model import Member
from doudi.evidence.pipeline import Run, check_all
from doudi.evidence.records import Evidence
from doudi.registry import access, audit
from doudi.registry.models import (
    DibaoMember,
    DibaoStatus,
    Membership,
    Person,
    PovertyRegistration,
    TekunEnrolment,
)

from .authorisation import authorised_households, authorised_persons
from .imports import typed
from .linking import LinkReport, evidence_keys, hukou_kin, learned_ids, link_county, link_descriptions
from .models import FeedBatch, FeedRecord, Filing, Finding, FindingStatus

ACTIVE_DIBAO = (DibaoStatus.ACTIVE, DibaoStatus.GRADUAL_EXIT)


@dataclass
class CheckReport:
    county: str
    households: int = 0
    unauthorised: int = 0
    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    new_findings: int = 0
    cases_opened: int = 0
    cases_reopened: int = 0
    links: LinkReport = field(default_factory=LinkReport)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Cover:
    """Who is covered now: dibao members of active enrolments (with the household of each enrolment), open tekun."""

    programs: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    dibao_via: dict[int, set[int]] = field(
        default_factory=lambda: defaultdict(set)
    )  # person -> roll households


def _cover(households: Any) -> _Cover:
    out = _Cover()
    dibao = DibaoMember.objects.filter(
        enrolment__household_id__in=households,
        enrolment__status__in=ACTIVE_DIBAO,
        enrolment__end_date__isnull=True,
    )
    for pid, hid in dibao.values_list("person_id", "enrolment__household_id"):
        out.programs[pid].add("dibao")
        out.dibao_via[pid].add(hid)
    tekun = TekunEnrolment.objects.filter(end_date__isnull=True).filter(
        Q(household_id__in=households) | Q(person__memberships__household_id__in=households)
    )
    for pid in tekun.values_list("person_id", flat=True):
        out.programs[pid].add("tekun")
    return out


def _moved_out(
    pid: int, hid: int, via: set[int], members: dict[int, set[int]], heads: dict[int, int]
) -> bool:
    """A member whose dibao comes only through another family's household: she is the one member of this household
    in it, not its head, beside members of its own (the rolls list her where she lives now; the poverty roster
    still lists her here). Her cover is that family's, not this household's (as doudi.linkage.coverage decides)."""
    if not via or hid in via:
        return False
    return all(
        members[e] & members[hid] == {pid} and heads.get(e) != pid and bool(members[e] - members[hid])
        for e in via
    )


def registry_households(
    user: Any, county: str, learned: dict[int, str] | None = None
) -> tuple[list[PureHousehold], dict[str, int]]:
    """The county's households as the checks see them, and resident ID -> person pk.

    A member without an ID in the registry (a child whose roster ID cell was blank) counts under the ID the feeds
    linked to them (`learned`), else under "p<pk>" (no feed row can name them, but they count in the household).
    The head the registry names is a member even when their own roster row was rejected. A member who moved to
    another family covered there (`_moved_out`) is listed with that cover as `elsewhere`, not as this household's."""
    learned = learned or {}
    households = access.households_for(user).filter(county_code=county)
    subquery = households.values("pk")
    rows = list(households.values_list("pk", "village_code", "head_id"))
    villages = {pk: village for pk, village, _ in rows}
    heads = {pk: head for pk, _, head in rows if head}
    cards = set(
        PovertyRegistration.objects.filter(household_id__in=subquery).values_list("household_id", flat=True)
    )
    authorised = authorised_households(subquery)
    cover = _cover(subquery)
    people: dict[int, tuple[str | None, str, str]] = {}
    member_pks: dict[int, set[int]] = defaultdict(set)
    listed = Membership.objects.filter(household_id__in=subquery, valid_to__isnull=True)
    for hid, pid, id_number, name, labor in listed.values_list(
        "household_id", "person_id", "person__id_number", "person__name", "person__labor_capacity"
    ):
        member_pks[hid].add(pid)
        people[pid] = (id_number, name, labor or "")
    missing = {pid for hid, pid in heads.items() if pid not in member_pks[hid]}
    for pid, id_number, name, labor in Person.objects.filter(pk__in=sorted(missing)).values_list(
        "pk", "id_number", "name", "labor_capacity"
    ):
        people[pid] = (id_number, name, labor or "")
    for hid, pid in heads.items():
        if pid in people:
            member_pks[hid].add(pid)
    person_pk: dict[str, int] = {}
    out = []
    for hid, _, _ in rows:
        members = []
        for pid in sorted(member_pks[hid]):
            id_number, name, labor = people[pid]
            key = id_number or learned.get(pid) or f"p{pid}"
            programs = frozenset(cover.programs.get(pid, ()))
            if _moved_out(pid, hid, cover.dibao_via.get(pid, set()), member_pks, heads):
                members.append(Member(key, name, labor, programs - {"dibao"}, programs & {"dibao"}))
            else:
                members.append(Member(key, name, labor, programs))
            person_pk[key] = pid
        if members:
            out.append(
                PureHousehold(str(hid), villages[hid], tuple(members), hid in cards, hid in authorised)
            )
    out += _lone_tekun(user, county, person_pk)
    return out, person_pk


LONE = "p"  # key prefix of a tekun person without a household: "p<person pk>"


def _lone_tekun(user: Any, county: str, person_pk: dict[str, int]) -> list[PureHousehold]:
    """Tekun persons the registry keeps without a household (集中供养, or a roll without a family): each is
    checked as a household of one, with the economic checks when they signed their own authorisation
    (`Authorisation.person`)."""
    rows = (
        access.tekun_enrolments_for(user)
        .filter(end_date__isnull=True, person__county_code=county, person__id_number__isnull=False)
        .exclude(person_id__in=Membership.objects.filter(valid_to__isnull=True).values("person_id"))
        .values_list(
            "person_id", "person__id_number", "person__name", "person__labor_capacity", "person__village_code"
        )
    )
    rows = list(rows)
    authorised = authorised_persons([r[0] for r in rows])
    out = []
    for pid, id_number, name, labor, village in rows:
        person_pk[id_number] = pid
        member = Member(id_number, name, labor or "", frozenset({"tekun"}))
        out.append(PureHousehold(f"{LONE}{pid}", village, (member,), False, pid in authorised))
    return out


def with_kin(
    households: list[PureHousehold], person_pk: dict[str, int], batches: list[FeedBatch]
) -> list[PureHousehold]:
    """The households with their hukou kin (`hukou_kin`): family members the hukou feed lists with them whom the
    registry does not hold; the deposits check counts their assets and them."""
    members = {
        h.key: {person_pk[m.person_id] for m in h.members if m.person_id in person_pk}
        for h in households
        if not h.key.startswith(LONE)
    }
    kin = hukou_kin(batches, members)
    return [replace(h, kin=kin[h.key]) if h.key in kin else h for h in households]


def latest_batches(county: str) -> list[FeedBatch]:
    """The newest batch of each feed for the county (a newer file of a feed replaces the older one)."""
    latest: dict[str, FeedBatch] = {}
    for batch in FeedBatch.objects.filter(region_code__startswith=county).order_by("imported_at", "pk"):
        latest[batch.kind] = batch
    return list(latest.values())


def evidence_for(county: str, batches: list[FeedBatch] | None = None) -> Evidence:
    """The evidence of the county's newest batches, by resident ID; a row a further stage of the matching engine
    linked to a registry person with another ID counts under the registry's ID."""
    batches = latest_batches(county) if batches is None else batches
    keys = evidence_keys(batches)
    evidence = Evidence()
    for batch in batches:
        rows = FeedRecord.objects.filter(batch=batch).values_list("id_number", "fields")
        evidence.add_all(
            batch.kind,
            ((keys.get(i, i), typed(batch.kind, f)) for i, f in rows.iterator(chunk_size=5000)),
        )
    return evidence


def filings_for(county: str) -> frozenset[tuple[str, str]]:
    rows = Filing.objects.filter(campaign__county_code=county).values_list(
        "official_id_number", "relative__id_number"
    )
    return frozenset((o, r) for o, r in rows if r)


def run_checks(user: Any, county: str, on: date, year: int | None = None) -> CheckReport:
    """Check a county; store new findings; open or reopen review cases when the county has a campaign."""
    from doudi.casework.access import campaigns_for

    report = CheckReport(county)
    batches = latest_batches(county)
    report.links = link_county(county, batches)
    households, person_pk = registry_households(user, county, learned_ids(batches))
    households = with_kin(households, person_pk, batches)
    report.households = len(households)
    report.unauthorised = sum(1 for h in households if h.covered and not h.authorised)
    run = check_all(households, evidence_for(county, batches), on, county, filings_for(county))
    campaigns = campaigns_for(user).filter(county_code=county)
    campaign = (campaigns.filter(year=year) if year else campaigns.order_by("-year")).first()
    if campaign is None:
        report.notes.append(
            f"{county} 还没有兜底保障行动, 发现已保存但未立案; 请先运行 doudi campaign create"
        )
    with transaction.atomic():
        new = _store(run, person_pk, on, report, batches)
        if campaign is not None and new:
            _open_cases(user, campaign, new, on, report)
    audit.record(user, "feeds.check", None, region_code=county, found=dict(report.found), new=report.new_findings,
                 opened=report.cases_opened, reopened=report.cases_reopened)  # fmt: skip
    return report


def _store(
    run: Run, person_pk: dict[str, int], on: date, report: CheckReport, batches: list[FeedBatch]
) -> list[Finding]:
    existing = {
        (code, str(hid) if hid else f"{LONE}{person}", subject)
        for code, hid, person, subject in Finding.objects.filter(county_code=report.county).values_list(
            "code", "household_id", "person_id", "subject"
        )
    }
    new: list[Finding] = []
    for pure in [*run.integrity, *run.priority]:
        report.found[pure.code.value] += 1
        if pure.key in existing:
            continue
        new.append(_finding(pure, person_pk, on))
    described = link_descriptions(batches, sorted({f.person_id for f in new if f.subject and f.person_id}))
    for f in new:
        if f.subject and f.person_id in described:
            f.evidence = {**f.evidence, "关联方式": described[f.person_id]}
    Finding.objects.bulk_create(new, batch_size=2000)
    report.new_findings = len(new)
    return list(
        Finding.objects.filter(county_code=report.county, status=FindingStatus.OPEN, household__isnull=False)
    )


def _finding(pure: PureFinding, person_pk: dict[str, int], on: date) -> Finding:
    lone = pure.household.startswith(LONE)
    finding = Finding(
        code=pure.code.value,
        household_id=None if lone else int(pure.household),
        subject=pure.person_id,
        person_id=int(pure.household[len(LONE) :]) if lone else person_pk.get(pure.person_id),
        evidence=pure.evidence,
        found_on=on,
    )
    finding.set_village(pure.village)
    return finding


def _open_cases(user: Any, campaign: Any, findings: list[Finding], on: date, report: CheckReport) -> None:
    from doudi.campaign import State
    from doudi.casework.actions import CaseInput, open_cases, reopen_on_change
    from doudi.casework.models import Case

    by_household: dict[int, list[Finding]] = defaultdict(list)
    for f in findings:
        by_household[f.household_id].append(f)
    cases = {
        c.household_id: c for c in Case.objects.filter(campaign=campaign, household_id__in=list(by_household))
    }
    to_open = [hid for hid in by_household if hid not in cases]
    if to_open:
        inputs = [
            CaseInput(hid, reasons=tuple(sorted({f.code for f in by_household[hid]}))) for hid in to_open
        ]
        report.cases_opened = open_cases(user, campaign, inputs, on).created
    for hid, case in cases.items():
        if State(case.state).settled and any(f.integrity for f in by_household[hid]):
            codes = "、".join(sorted({f.code for f in by_household[hid]}))
            report.cases_reopened += len(
                reopen_on_change(case.household, f"部门数据比对发现: {codes}", on, user)
            )
    linked = {
        c.household_id: c.pk
        for c in Case.objects.filter(campaign=campaign, household_id__in=list(by_household))
    }
    for f in findings:
        if f.household_id in linked:
            f.case_id, f.status = linked[f.household_id], FindingStatus.CASE
    Finding.objects.bulk_update(findings, ["case", "status"], batch_size=2000)
