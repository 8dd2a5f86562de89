"""Template helpers of the clerical-review queue (人工复核): the nav link and the case page's link."""

from __future__ import annotations

from typing import Any

from django import template

from doudi.matching import review_queue

register = template.Library()


@register.filter
def may_decide_reviews(user: Any) -> bool:
    """The user's role may decide review pairs (supervisors only read the queue)."""
    return review_queue.may_decide(user)


@register.inclusion_tag("web/review/case_link.html", takes_context=True)
def review_link(context: template.Context, household: Any) -> dict[str, Any]:
    """A link to the household's pairs waiting for review in the user's queue (nothing when there are none)."""
    user = context.get("user")
    pending = review_queue.pending_count(user, household.pk) if household is not None and user else 0
    return {"pending": pending, "household_id": getattr(household, "pk", None)}
