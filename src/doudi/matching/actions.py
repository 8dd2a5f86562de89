"""The one write path of the matching app: run a match over the registry and store it; decide a review item."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.linkage import pipeline
from doudi.linkage.engines import ENGINES, EngineError
from doudi.linkage.records import frame
from doudi.registry import access, audit

from .models import (
    ClericalReview,
    CoverageClass,
    Decision,
    HouseholdCoverage,
    MatchRun,
    PersonLink,
    RunStatus,
)
from .sources import RegistryRecords, read_registry

BATCH_SIZE = 1000
MATCH_ACTION = "match"
REVIEW_ACTION = "match_review"


class MatchError(ValueError):
    """The match cannot run (no scope, nothing to match); the message says why in Chinese."""


def run_match(
    user: Any,
    *,
    engine: str = "duckdb",
    model: dict[str, Any] | None = None,
    train: bool | None = None,
    thresholds: pipeline.Thresholds | None = None,
    progress: Callable[[str], None] | None = None,
) -> MatchRun:
    """Match the registry rows in the user's region and store the run, its links, review queue and classes."""
    if engine not in ENGINES:
        raise MatchError(_("未知的计算引擎;可选 duckdb 或 spark"))
    scope = access.scope_of(user)
    if scope is None:
        raise MatchError(_("该用户没有管辖范围,不能运行比对;请先为其设置角色和区划"))
    records = read_registry(user)
    if not records.poverty:
        raise MatchError(_("管辖范围内没有建档立卡户成员;请先导入建档立卡贫困人口名册"))
    if model is None and train is None:
        model = stored_model(scope)
    try:
        result = pipeline.run(
            frame(records.poverty), frame(records.rolls), model=model, train=train,
            thresholds=thresholds, progress=progress, engine=engine,
        )  # fmt: skip
    except EngineError as exc:
        raise MatchError(str(exc)) from exc
    with transaction.atomic():
        run = _store(user, scope, engine, records, result)
    audit.record(user, MATCH_ACTION, run, region_code=scope, **run.counts)
    return run


def stored_model(scope: str) -> dict[str, Any] | None:
    """The model trained by the latest complete run over this region: trained once, reused (EM costs more than the
    whole rest of a run); `train=True` trains afresh. None when no run here has trained one."""
    run = (
        MatchRun.objects.filter(region_code=scope, status=RunStatus.COMPLETE, trained=True)
        .order_by("-started_at", "-pk")
        .first()
    )
    return run.model if run is not None and run.model.get("comparisons") else None


def _store(
    user: Any, scope: str, engine: str, records: RegistryRecords, result: pipeline.LinkageResult
) -> MatchRun:
    run = MatchRun.objects.create(
        run_by=user if getattr(user, "pk", None) else None,
        region_code=scope,
        engine=engine,
        model=result.model,
        trained=result.trained,
        thresholds={"auto": result.thresholds.auto, "review": result.thresholds.review},
        counts={**result.counts(), "timings": result.timings},
    )
    run.batches.set(sorted(records.batch_ids))
    links = _links(run, records, result)
    PersonLink.objects.bulk_create(links, batch_size=BATCH_SIZE)
    reviews = [ClericalReview(link=link) for link in links if link.band == "review"]
    ClericalReview.objects.bulk_create(reviews, batch_size=BATCH_SIZE)
    HouseholdCoverage.objects.bulk_create(_coverage(run, records, result), batch_size=BATCH_SIZE)
    run.status = RunStatus.COMPLETE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run


def _links(run: MatchRun, records: RegistryRecords, result: pipeline.LinkageResult) -> list[PersonLink]:
    village = dict(zip(result.poverty["uid"].tolist(), result.poverty["village"].tolist(), strict=True))
    out = []
    for row in result.links.itertuples(index=False):
        person_l, household_l = records.keys[row.uid_l]
        person_r, household_r = records.keys[row.uid_r]
        out.append(
            PersonLink(
                run=run,
                poverty_person_id=person_l,
                poverty_household_id=household_l,
                roll=row.roster_r,
                roll_person_id=person_r,
                roll_household_id=household_r,
                band=row.band,
                stage=row.stage,
                match_probability=float(row.match_probability),
                match_weight=float(row.match_weight),
                evidence=row.evidence,
                village_code=village.get(row.uid_l, ""),
            )
        )
    return out


def _person_ids(records: RegistryRecords, uids: list[str]) -> list[int]:
    return [records.keys[u][0] for u in uids]


def _coverage(
    run: MatchRun, records: RegistryRecords, result: pipeline.LinkageResult
) -> list[HouseholdCoverage]:
    out = []
    for h in result.households.to_dict("records"):  # "class" is a Python keyword: no itertuples here
        detail = dict(h["detail"])
        detail["priority"] = [{**p, "person": records.keys[p["uid"]][0]} for p in detail["priority"]]
        out.append(
            HouseholdCoverage(
                run=run,
                household_id=int(h["household_ref"]),
                coverage_class=h["class"],
                covered_members=_person_ids(records, h["covered_members"]),
                priority_members=_person_ids(records, h["priority_members"]),
                detail=detail,
                village_code=h["village"],
            )
        )
    for r in result.roll_only.itertuples(index=False):
        person, household = records.keys[r.uids[0]]
        tekun = r.roster == "tekun"
        out.append(
            HouseholdCoverage(
                run=run,
                household_id=household if not tekun else None,
                person_id=person if tekun else None,
                coverage_class=CoverageClass.ROLL_ONLY,
                covered_members=_person_ids(records, r.uids),
                detail={"roster": r.roster, "names": r.names, "members": int(r.members)},
                village_code=r.village,
            )
        )
    return out


def decide_review(user: Any, review: ClericalReview, decision: str, note: str = "") -> ClericalReview:
    """Record a reviewer's decision on one queue item (the item must be in the user's region)."""
    if decision not in (Decision.MATCH, Decision.NON_MATCH):
        raise MatchError(_("复核结论只能是“确认为同一人”或“确认不是同一人”"))
    if not access.in_scope(user, review.link.village_code):
        raise access.NotInScope(_("没有找到该记录,或该记录不在您的管辖范围内"))
    with transaction.atomic():
        review.decision = decision
        review.note = note
        review.decided_by = user
        review.decided_at = timezone.now()
        review.save(update_fields=["decision", "note", "decided_by", "decided_at"])
        audit.record(user, REVIEW_ACTION, review, region_code=review.link.village_code, decision=decision)
    return review
