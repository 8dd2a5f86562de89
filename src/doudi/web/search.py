"""Finding persons in scope by name, pinyin initials (pypinyin) or resident ID."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Substr
from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

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


@cache
def first_characters(letter: str) -> tuple[str, ...]:
    """The characters a name may start with when its initials start with `letter`: every Chinese character with
    a reading (any of its readings) beginning with that letter, and the letter itself in both cases."""
    found = {letter.lower(), letter.upper()}
    for code, readings in pinyin_dict.items():
        if any(unicodedata.normalize("NFD", r)[:1].lower() == letter for r in readings.split(",")):
            found.add(chr(code))
    return tuple(sorted(found))


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
        # The database keeps only names whose first character can start with the first letter (a twentieth of
        # a county or so), in result order; Python checks the whole initials and stops at LIMIT matches.
        wanted = query.lower()
        candidates = (
            persons.annotate(first=Substr("name", 1, 1))
            .filter(first__in=first_characters(wanted[0]))
            .values_list("id", "name")
        )
        found = []
        for pk, name in candidates.iterator(chunk_size=2000):
            if initials(name).startswith(wanted):
                found.append(pk)
                if len(found) == LIMIT:
                    break
        return list(persons.filter(pk__in=found))
    return list(persons.filter(name__contains=query)[:LIMIT])
