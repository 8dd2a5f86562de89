from __future__ import annotations

from doudi.signing.diff import diff

from .sample import ROWS, roster


def test_identical_versions_have_no_changes() -> None:
    assert all(d.empty for d in diff(roster(), roster()))


def test_added_removed_and_changed_rows_field_by_field() -> None:
    new_rows = (
        (1, "张𠮷", "532923196005010012", 40_000, "2019-07-01"),  # amount changed
        (2, "王五", None, 1, "2020-03-15"),  # renumbered only: not a change
        (3, "赵六", "532923195001010015", 50_000, None),  # added
    )  # 李䶮 removed
    (section,) = diff(roster(), roster(new_rows))
    assert [r[1] for r in section.added] == ["赵六"]
    assert [r[1] for r in section.removed] == ["李䶮"]
    assert len(section.changed) == 1
    change = section.changed[0]
    assert change.label == "张𠮷 532923196005010012"
    assert [(f.column, f.old, f.new) for f in change.changes] == [("月保障金(元)", 37_500, 40_000)]


def test_duplicate_keys_are_compared_in_order() -> None:
    rows = ((1, "甲", None, 1, None), (2, "乙", None, 2, None))
    changed = ((1, "甲", None, 1, None), (2, "乙", None, 3, None))
    (section,) = diff(roster(rows), roster(changed))
    assert not section.added and not section.removed
    assert [(f.old, f.new) for f in section.changed[0].changes] == [(2, 3)]


def test_a_section_missing_in_the_new_version_is_all_removed() -> None:
    old = roster()
    new = roster(())
    (section,) = diff(old, new)
    assert len(section.removed) == len(ROWS)
