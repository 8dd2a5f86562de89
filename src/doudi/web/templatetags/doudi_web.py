"""Template filters of the pages."""

from __future__ import annotations

from django import template

from doudi.web.queries import place_name

register = template.Library()


@register.filter
def place(code: str) -> str:
    """The short name of a division code (the code itself when unknown)."""
    return place_name(code) if code else ""
