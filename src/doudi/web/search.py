"""Finding persons in scope by name, pinyin initials (pypinyin) or resident ID."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from pypinyin import Style, lazy_pinyin

from doudi.core import ids
from doudi.registry import access
from doudi.registry.models import Person

LIMIT = 50
ID_LIKE = re.compile(r"^[0-9]{6,17}[0-9Xx]?$")
INITIALS = re.compile(r"^[A-Za-z]{1,6}$")


@lru_cache(maxsize=200_000)
def initials(name: str) -> str:
    """张三丰 -> zsf (each character's first pinyin letter; letters kept, other characters dropped)."""
    return "".join(p[:1] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p[:1].isalpha()).lower()


def search_persons(user: Any, raw: str) -> list[Person]:
    query = ids.normalise(raw).strip() if ID_LIKE.match(ids.normalise(raw)) else raw.strip()
    if not query:
        return []
    persons: QuerySet[Person] = access.persons_for(user).order_by("village_code", "name", "id")
    if ID_LIKE.match(query):
        if len(query) == 18:
            return list(persons.filter(id_number=query)[:LIMIT])
        return list(persons.filter(id_number__startswith=query)[:LIMIT])
    if INITIALS.match(query):
        wanted = query.lower()
        found = [
            pk
            for pk, name in persons.values_list("id", "name").iterator()
            if initials(name).startswith(wanted)
        ]
        return list(persons.filter(pk__in=found[:LIMIT]))
    return list(persons.filter(name__contains=query)[:LIMIT])
