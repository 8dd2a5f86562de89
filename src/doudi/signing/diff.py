"""Compare two versions of a roster: rows added, removed and changed field by field, per section.

Rows are matched on the section's `row_key` columns (e.g. category + resident ID); a key that occurs twice is
told apart by its occurrence number, so duplicates are compared in order rather than lost.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .canonical import Roster, Section, Value


@dataclass(frozen=True)
class FieldChange:
    column: str  # header
    old: Value
    new: Value


@dataclass(frozen=True)
class RowChange:
    key: tuple[Value, ...]
    label: str
    changes: tuple[FieldChange, ...]


@dataclass
class SectionDiff:
    key: str
    title: str
    headers: tuple[str, ...]
    added: list[tuple[Value, ...]] = field(default_factory=list)
    removed: list[tuple[Value, ...]] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.columns_added or self.columns_removed)


def _keyed(section: Section) -> dict[tuple[Value, ...], tuple[Value, ...]]:
    positions = [section.column_index(k) for k in section.row_key] or list(range(len(section.columns)))
    seen: Counter[tuple[Value, ...]] = Counter()
    keyed = {}
    for row in section.rows:
        base = tuple(row[i] for i in positions)
        seen[base] += 1
        keyed[(*base, seen[base])] = row
    return keyed


def _label(section: Section, row: tuple[Value, ...]) -> str:
    keys = [c.key for c in section.columns]
    parts = [row[keys.index(k)] for k in ("name", "id_number", "township") if k in keys]
    if not any(p is not None for p in parts):  # e.g. a report's row: its key columns name it (指标, 资金类别)
        parts = [row[keys.index(k)] for k in section.row_key if k in keys]
    return " ".join(str(p) for p in parts if p is not None)


def diff_section(old: Section, new: Section) -> SectionDiff:
    old_keys, new_keys = [c.key for c in old.columns], [c.key for c in new.columns]
    shared = [k for k in new_keys if k in old_keys]
    result = SectionDiff(
        new.key,
        new.title,
        tuple(c.header for c in new.columns),
        columns_added=[c.header for c in new.columns if c.key not in old_keys],
        columns_removed=[c.header for c in old.columns if c.key not in new_keys],
    )
    before, after = _keyed(old), _keyed(new)
    result.added = [row for key, row in after.items() if key not in before]
    result.removed = [row for key, row in before.items() if key not in after]
    headers = {c.key: c.header for c in new.columns}
    for key, row in after.items():
        if key not in before:
            continue
        was = before[key]
        changes = tuple(
            FieldChange(headers[k], was[old_keys.index(k)], row[new_keys.index(k)])
            for k in shared
            if was[old_keys.index(k)] != row[new_keys.index(k)] and k != "seq"
        )
        if changes:
            result.changed.append(RowChange(key[:-1], _label(new, row), changes))
    return result


def diff(old: Roster, new: Roster) -> list[SectionDiff]:
    """Per section of `new` (matched by key with `old`); a section only in one version is all added/removed."""
    olds = {s.key: s for s in old.sections}
    news = {s.key: s for s in new.sections}
    result = []
    for key, section in news.items():
        empty = Section(key, section.title, section.columns, (), section.row_key)
        result.append(diff_section(olds.get(key, empty), section))
    for key, section in olds.items():
        if key not in news:
            result.append(
                diff_section(section, Section(key, section.title, section.columns, (), section.row_key))
            )
    return result
