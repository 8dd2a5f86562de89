"""Region scope for feed rows through the one access layer (doudi.registry.access)."""

from __future__ import annotations

from typing import Any

from django.db import models

from doudi.registry import access

from .models import Authorisation, FeedBatch, FeedRecord, Filing, Finding

REGION_PATHS: dict[type[models.Model], tuple[str, ...]] = {
    Finding: ("village_code",),
    FeedBatch: ("region_code",),
    FeedRecord: ("person__village_code",),
    Authorisation: ("household__village_code", "person__village_code"),
    Filing: ("relative__village_code",),
}


def register() -> None:
    for model, paths in REGION_PATHS.items():
        access.REGION_PATHS.setdefault(model, paths)


def findings_for(user: Any) -> models.QuerySet[Finding]:
    return access.scoped(user, Finding)


def records_for(user: Any) -> models.QuerySet[FeedRecord]:
    return access.scoped(user, FeedRecord)


def batches_for(user: Any) -> models.QuerySet[FeedBatch]:
    return access.scoped(user, FeedBatch)
