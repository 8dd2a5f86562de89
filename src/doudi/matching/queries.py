"""Read-side questions about match results that several faces share (the web's coverage and case page, the
campaign's case inputs): which match run speaks for a region, and what it found for given households.

Only match results are read here; who may see which household is still decided by the caller through the access
layer (doudi.registry.access, doudi.casework.access).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from doudi.linkage.labels import BAND, ROSTER, STAGE, evidence_text

from .models import CoverageClass, HouseholdCoverage, MatchRun, PersonLink, RunStatus

# Card-household classes meaning "some roll already covers (some of) the household".
COVERED_CLASSES = (
    CoverageClass.COVERED_DIBAO,
    CoverageClass.COVERED_TEKUN,
    CoverageClass.COVERED_BOTH,
    CoverageClass.PARTLY,
)
# Classes meaning "the whole household is on the rolls": the case can go to routine management (S2).
FULLY_COVERED_CLASSES = (CoverageClass.COVERED_DIBAO, CoverageClass.COVERED_TEKUN, CoverageClass.COVERED_BOTH)


def latest_run_for(region: str) -> MatchRun | None:
    """The latest complete match run whose region contains `region` (a village, township or county code)."""
    runs = MatchRun.objects.filter(status=RunStatus.COMPLETE).order_by("-started_at", "-pk")[:50]
    return next((run for run in runs if region.startswith(run.region_code)), None)


def covered_households(run: MatchRun) -> QuerySet[HouseholdCoverage]:
    """`household_id` values of the card households the run found (partly) covered, for a subquery."""
    return HouseholdCoverage.objects.filter(
        run=run, coverage_class__in=COVERED_CLASSES, household__isnull=False
    ).values("household_id")


def link_json(link: PersonLink) -> dict[str, Any]:
    """One matched record as evidence: whose, on which roll, how found, how sure, which fields agreed."""
    return {
        "poverty_person": link.poverty_person_id,
        "roll": link.roll,
        "roll_name": ROSTER.get(link.roll, link.roll),
        "roll_person": link.roll_person_id,
        "stage": STAGE.get(link.stage, link.stage),
        "band": BAND.get(link.band, link.band),
        "probability": round(link.match_probability, 4),
        "fields": evidence_text(link.evidence or {}),
    }


def coverage_json(coverage: HouseholdCoverage, links: list[PersonLink]) -> dict[str, Any]:
    """A household's class and the evidence behind it, as stored with a case (names, not ID numbers)."""
    detail = coverage.detail or {}
    return {
        "class": coverage.coverage_class,
        "class_name": str(coverage.get_coverage_class_display()),
        "rolls": [ROSTER.get(r, r) for r in detail.get("rosters", [])],
        "covered": list(detail.get("covered_names", [])),
        "uncovered": list(detail.get("uncovered_names", [])),
        "priority": [
            {"name": p.get("name", ""), "reason": p.get("reason", "")} for p in detail.get("priority", [])
        ],
        "conflicts": list(detail.get("conflicts", [])),
        "pending_review": len(detail.get("pending_review", [])),
        "links": [link_json(link) for link in links],
    }


def household_coverage(
    run: MatchRun, region: str, household_ids: Iterable[int] | None = None
) -> dict[int, Any]:
    """Card household id -> its class and evidence in the run, for the card households in `region` (a division
    code prefix; optionally only `household_ids`)."""
    rows = HouseholdCoverage.objects.filter(run=run, household__isnull=False, village_code__startswith=region)
    links = PersonLink.objects.filter(
        run=run, poverty_household__isnull=False, village_code__startswith=region
    )
    if household_ids is not None:
        wanted = list(household_ids)
        rows, links = rows.filter(household_id__in=wanted), links.filter(poverty_household_id__in=wanted)
    by_household: dict[int, list[PersonLink]] = {}
    for link in links.exclude(roll="").order_by("poverty_person_id", "-match_probability"):
        by_household.setdefault(int(link.poverty_household_id or 0), []).append(link)
    rows = rows.exclude(coverage_class=CoverageClass.ROLL_ONLY)
    return {
        int(c.household_id or 0): coverage_json(c, by_household.get(int(c.household_id or 0), []))
        for c in rows
    }
