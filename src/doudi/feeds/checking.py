"""`doudi feeds check`: run the pure checks of doudi.evidence over a county's registry and feeds, store the
findings, and open review cases through the casework write path (doudi.casework.actions).

Integrity findings never change a benefit: a household without a case in the county's campaign gets one
(open_cases); a settled case goes back to assessment (reopen_on_change). Priority-group discoveries become
new S2 cases with the finding codes as their reasons. Economic feeds are used only for households with an
authorisation (or an audited override).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
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
    PovertyRegistration,
    TekunEnrolment,
)

from .authorisation import authorised_households
from .imports import typed
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
    notes: list[str] = field(default_factory=list)


def _programs(household_ids: list[int]) -> dict[int, set[str]]:
    """Person pk -> the programmes covering them now (dibao member of an active enrolment, open tekun)."""
    out: dict[int, set[str]] = defaultdict(set)
    dibao = DibaoMember.objects.filter(
        enrolment__household_id__in=household_ids,
        enrolment__status__in=ACTIVE_DIBAO,
        enrolment__end_date__isnull=True,
    )
    for pid in dibao.values_list("person_id", flat=True):
        out[pid].add("dibao")
    tekun = TekunEnrolment.objects.filter(end_date__isnull=True).filter(
        Q(household_id__in=household_ids) | Q(person__memberships__household_id__in=household_ids)
    )
    for pid in tekun.values_list("person_id", flat=True):
        out[pid].add("tekun")
    return out


def registry_households(user: Any, county: str) -> tuple[list[PureHousehold], dict[str, int]]:
    """The county's households as the checks see them, and resident ID -> person pk."""
    households = access.households_for(user).filter(county_code=county)
    ids = list(households.values_list("pk", flat=True))
    villages = dict(households.values_list("pk", "village_code"))
    cards = set(
        PovertyRegistration.objects.filter(household_id__in=ids).values_list("household_id", flat=True)
    )
    authorised = authorised_households(ids)
    programs = _programs(ids)
    members: dict[int, list[Member]] = defaultdict(list)
    person_pk: dict[str, int] = {}
    rows = Membership.objects.filter(
        household_id__in=ids, valid_to__isnull=True, person__id_number__isnull=False
    )
    for hid, pid, id_number, name, labor in rows.values_list(
        "household_id", "person_id", "person__id_number", "person__name", "person__labor_capacity"
    ):
        members[hid].append(Member(id_number, name, labor or "", frozenset(programs.get(pid, ()))))
        person_pk[id_number] = pid
    out = [
        PureHousehold(str(hid), villages[hid], tuple(members[hid]), hid in cards, hid in authorised)
        for hid in ids
        if members[hid]
    ]
    out += _lone_tekun(user, county, person_pk)
    return out, person_pk


LONE = "p"  # key prefix of a tekun person without a household: "p<person pk>"


def _lone_tekun(user: Any, county: str, person_pk: dict[str, int]) -> list[PureHousehold]:
    """Tekun persons the registry keeps without a household (集中供养, or a roll without a family): each is
    checked as a household of one. They sign their own authorisation, which the registry cannot hold without a
    household, so only the non-economic checks apply to them."""
    rows = (
        access.tekun_enrolments_for(user)
        .filter(end_date__isnull=True, person__county_code=county, person__id_number__isnull=False)
        .exclude(person_id__in=Membership.objects.filter(valid_to__isnull=True).values("person_id"))
        .values_list(
            "person_id", "person__id_number", "person__name", "person__labor_capacity", "person__village_code"
        )
    )
    out = []
    for pid, id_number, name, labor, village in rows:
        person_pk[id_number] = pid
        member = Member(id_number, name, labor or "", frozenset({"tekun"}))
        out.append(PureHousehold(f"{LONE}{pid}", village, (member,), False, False))
    return out


def latest_batches(county: str) -> list[FeedBatch]:
    """The newest batch of each feed for the county (a newer file of a feed replaces the older one)."""
    latest: dict[str, FeedBatch] = {}
    for batch in FeedBatch.objects.filter(region_code__startswith=county).order_by("imported_at", "pk"):
        latest[batch.kind] = batch
    return list(latest.values())


def evidence_for(county: str) -> Evidence:
    evidence = Evidence()
    for batch in latest_batches(county):
        rows = FeedRecord.objects.filter(batch=batch).values_list("id_number", "fields")
        evidence.add_all(batch.kind, ((i, typed(batch.kind, f)) for i, f in rows.iterator(chunk_size=5000)))
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
    households, person_pk = registry_households(user, county)
    report.households = len(households)
    report.unauthorised = sum(1 for h in households if h.covered and not h.authorised)
    run = check_all(households, evidence_for(county), on, county, filings_for(county))
    campaigns = campaigns_for(user).filter(county_code=county)
    campaign = (campaigns.filter(year=year) if year else campaigns.order_by("-year")).first()
    if campaign is None:
        report.notes.append(
            f"{county} 还没有兜底保障行动, 发现已保存但未立案; 请先运行 doudi campaign create"
        )
    with transaction.atomic():
        new = _store(run, person_pk, on, report)
        if campaign is not None and new:
            _open_cases(user, campaign, new, on, report)
    audit.record(user, "feeds.check", None, region_code=county, found=dict(report.found), new=report.new_findings,
                 opened=report.cases_opened, reopened=report.cases_reopened)  # fmt: skip
    return report


def _store(run: Run, person_pk: dict[str, int], on: date, report: CheckReport) -> list[Finding]:
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
