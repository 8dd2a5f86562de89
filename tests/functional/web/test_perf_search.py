"""Search by pinyin initials reads only the names that can match, and still finds every kind of name."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from doudi.registry import access
from doudi.web.search import LIMIT, first_characters, initials, search_persons
from tests.factories import create_person, create_user

pytestmark = pytest.mark.django_db


def _found(client: Client, q: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-person="(\d+)"', client.get("/search/", {"q": q}).text)]


def test_initials_find_polyphonic_and_latin_names_within_scope(client: Client) -> None:
    names = ["单田芳", "曾国藩", "长孙无忌", "Anna李", "尉迟恭", "乐嘉"]
    people = {name: create_person(name=name) for name in names}
    create_person(name="单田芳", village_code="532923102201")  # another village: out of scope
    client.force_login(create_user("village"))
    for name, person in people.items():
        assert _found(client, initials(name)) == [person.pk], name
        assert _found(client, initials(name)[:1].upper()) and person.pk in _found(client, initials(name)[:1])


def test_initials_stop_at_the_limit_in_the_listing_order() -> None:
    for i in range(LIMIT + 5):
        create_person(name=f"张{'三四森山水石'[i % 6]}")
    create_person(name="张飞")
    create_person(name="李四")
    user = create_user("village")
    found = search_persons(user, "zs")
    expected = [
        p.pk
        for p in access.persons_for(user).order_by("village_code", "name", "id")
        if initials(p.name).startswith("zs")
    ][:LIMIT]
    assert [p.pk for p in found] == expected and len(found) == LIMIT


def test_first_characters_cover_every_reading() -> None:
    assert {"张", "曾", "z", "Z"} <= set(first_characters("z"))
    assert {"曾", "单"} <= set(first_characters("c"))  # 曾 céng, 单 chán
    assert "单" in first_characters("s") and "单" in first_characters("d")
