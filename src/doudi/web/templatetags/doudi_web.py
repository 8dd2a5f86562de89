"""Template filters of the pages."""

from __future__ import annotations

from django import template

from doudi.web.queries import place_name

register = template.Library()


@register.filter
def place(code: str) -> str:
    """The short name of a division code (the code itself when unknown)."""
    return place_name(code) if code else ""


@register.filter
def yuan(fen: int | None) -> str:
    """Integer fen as yuan with two decimals (e.g. 35050 -> 350.50)."""
    from doudi.core.money import yuan as to_yuan

    return to_yuan(int(fen)) if fen is not None else ""
