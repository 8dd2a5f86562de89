"""The one write path for the audit log: reads of full IDs, exports and imports."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent


def record(
    user: Any,
    action: str,
    obj: models.Model | None = None,
    region_code: str = "",
    **detail: Any,
) -> AuditEvent:
    """Append one audit event. `obj` gives the object type ('registry.person') and id; `detail` must be
    JSON-serialisable and should not repeat personal data the event is about."""
    return AuditEvent.objects.create(
        user=user if getattr(user, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        region_code=region_code,
        detail=detail,
    )
