"""Feed persons to registry persons through the matching engine's stages (doudi.evidence.linking)."""

from __future__ import annotations

from datetime import date

from doudi.core import ids
from doudi.evidence.linking import EXACT, HOUSEHOLD, PROBABILISTIC, FeedPerson, RegistryPerson, link

VILLAGE = "530627001002"
OTHER_VILLAGE = "530627001003"
HEAD = ids.make("530627", date(1970, 1, 1), 11)
CHILD = ids.make("530627", date(2015, 3, 4), 22)  # the child's real ID, which the roster left blank
NEIGHBOUR = ids.make("530627", date(1968, 2, 2), 31)
NEIGHBOUR_CHILD = ids.make("530627", date(2016, 6, 6), 42)


def registry_head(key: str = "1", number: str = HEAD, household: str = "10") -> RegistryPerson:
    return RegistryPerson(
        key, number, "王大", "M", "1970-01-01", household, "户主", VILLAGE, VILLAGE[:9], number
    )


def registry_child(
    name: str = "王小花", key: str = "2", household: str = "10", head: str = HEAD
) -> RegistryPerson:
    return RegistryPerson(key, "", name, "F", "", household, "之女", VILLAGE, VILLAGE[:9], head)


def test_an_exact_id_links_whatever_the_name() -> None:
    found = link([FeedPerson(HEAD, "王达")], [registry_head()])
    assert found[HEAD].method == EXACT and found[HEAD].person == "1"


def test_a_child_without_an_id_links_inside_the_hukou_household_of_its_linked_head() -> None:
    feed = [FeedPerson(HEAD, "王大", "HK1", "户主", HEAD), FeedPerson(CHILD, "王小花", "HK1", "子女", HEAD)]
    found = link(feed, [registry_head(), registry_child()])
    assert found[CHILD].method == HOUSEHOLD and found[CHILD].person == "2"


def test_a_namesake_outside_the_household_is_not_linked() -> None:
    # The neighbour's child has the same name as our child, but lives in another hukou household whose head is
    # linked to another registry household; a namesake with no hukou context at all is not linked either.
    feed = [
        FeedPerson(HEAD, "王大", "HK1", "户主", HEAD),
        FeedPerson(NEIGHBOUR, "李二", "HK2", "户主", NEIGHBOUR),
        FeedPerson(NEIGHBOUR_CHILD, "王小花", "HK2", "子女", NEIGHBOUR),
        FeedPerson(ids.make("530627", date(2014, 1, 1), 52), "王小花"),
    ]
    neighbour = RegistryPerson(
        "3", NEIGHBOUR, "李二", "M", "1968-02-02", "11", "户主", VILLAGE, VILLAGE[:9], NEIGHBOUR
    )
    found = link(feed, [registry_head(), registry_child(), neighbour])
    assert set(found) == {HEAD, NEIGHBOUR}


def test_two_different_valid_ids_are_never_linked() -> None:
    twin = ids.make(
        "530627", date(2015, 3, 4), 24
    )  # same name, household, birth date: another person by the ID
    registry = [
        registry_head(),
        RegistryPerson("2", twin, "王小花", "F", "2015-03-04", "10", "之女", VILLAGE),
    ]
    feed = [FeedPerson(HEAD, "王大", "HK1", "户主", HEAD), FeedPerson(CHILD, "王小花", "HK1", "子女", HEAD)]
    found = link(feed, registry)
    assert CHILD not in found


def test_a_homophone_child_links_probabilistically_with_its_weight() -> None:
    feed = [FeedPerson(HEAD, "王大", "HK1", "户主", HEAD), FeedPerson(CHILD, "王永宇", "HK1", "子女", HEAD)]
    found = link(feed, [registry_head(), registry_child("王勇宇")])
    assert found[CHILD].method == PROBABILISTIC and found[CHILD].person == "2"
    assert found[CHILD].weight > 0 and found[CHILD].evidence["match_probability"] >= 0.99


def test_a_homophone_in_another_village_with_another_head_is_not_linked() -> None:
    feed = [FeedPerson(HEAD, "王大", "HK1", "户主", HEAD), FeedPerson(CHILD, "王永宇", "HK1", "子女", HEAD)]
    stranger = RegistryPerson(
        "2", "", "王勇宇", "F", "", "12", "之女", OTHER_VILLAGE, OTHER_VILLAGE[:9], NEIGHBOUR
    )
    found = link(feed, [registry_head(), stranger])
    assert CHILD not in found
