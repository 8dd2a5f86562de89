import pytest

from doudi.core import divisions
from doudi.core.divisions import Level, UnknownDivision


@pytest.fixture(scope="module")
def yn() -> divisions.Gazetteer:
    return divisions.yunnan()


def test_counts_match_the_provenance_note(yn: divisions.Gazetteer) -> None:
    by_level = {level: 0 for level in Level}
    for d in yn.by_code.values():
        by_level[d.level] += 1
    assert by_level == {
        Level.PROVINCE: 1,
        Level.PREFECTURE: 16,
        Level.COUNTY: 129,
        Level.TOWNSHIP: 1461,
        Level.VILLAGE: 14888,
    }


def test_path_from_province_to_village(yn: divisions.Gazetteer) -> None:
    path = yn.path("530102001001")
    assert [d.level for d in path] == list(Level)
    assert [d.name for d in path][:3] == ["云南省", "昆明市", "五华区"]
    assert yn.full_name("530102001001") == "昆明市五华区华山街道翠湖西路社区居民委员会"


def test_every_division_says_its_code_system(yn: divisions.Gazetteer) -> None:
    d = yn.get("530102")
    assert (d.system, d.edition) == ("NBS", "2023")


def test_lookup_by_name_within_parent_accepts_short_forms(yn: divisions.Gazetteer) -> None:
    assert yn.resolve("五华区", "5301", Level.COUNTY).code == "530102"
    assert yn.resolve("华山街道", "530102", Level.TOWNSHIP).code == "530102001"
    assert yn.resolve("翠湖西路社区", "530102001", Level.VILLAGE).code == "530102001001"
    assert yn.resolve("530102001001", "530102001", Level.VILLAGE).name.startswith("翠湖西路")


def test_a_village_of_another_township_is_refused(yn: divisions.Gazetteer) -> None:
    with pytest.raises(UnknownDivision, match="不属于"):
        yn.resolve("530102001001", "530102002", Level.VILLAGE)


def test_an_unknown_name_says_where_it_looked(yn: divisions.Gazetteer) -> None:
    with pytest.raises(UnknownDivision, match="华山街道下没有名为“不存在村”的村"):
        yn.resolve("不存在村", "530102001", Level.VILLAGE)


def test_children_are_listed(yn: divisions.Gazetteer) -> None:
    townships = yn.children("530102")
    assert townships and all(t.code.startswith("530102") and len(t.code) == 9 for t in townships)
