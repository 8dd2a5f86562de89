"""Checks across the rows of one file: the same person twice, a poverty household without exactly one head.

Both work on a parsed chunk's columns (doudi.ingest.rows.ParsedChunk), before any ParsedRow is built.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from doudi.core.rosters import RosterKind
from doudi.ingest.headers import HeaderMap
from doudi.ingest.problems import Problem
from doudi.ingest.rows import ParsedChunk, ParsedRow, RejectedRow

HEAD = "户主"
HOUSEHOLD_KEY = {RosterKind.POVERTY: "household_no", RosterKind.DIBAO: "head_id_number"}


class Duplicates:
    """Remembers the first row of each person; a later row of the same person is rejected, pointing at the first.

    A person is their canonical ID; a person without an ID is their name and relation within the household.
    """

    def __init__(self, header: HeaderMap, kind: RosterKind) -> None:
        self.header = header
        self.kind = kind
        self._first: dict[object, int] = {}

    def check(self, chunk: ParsedChunk, indices: Sequence[int]) -> dict[int, Problem]:
        """The rows (by index in the chunk) that repeat a person seen before, each with its problem."""
        columns, numbers, first = chunk.columns, chunk.numbers, self._first
        person_ids = columns.get("id_number") or [None] * len(numbers)
        household = HOUSEHOLD_KEY.get(self.kind)
        households = columns.get(household) if household else None
        names = columns["name"]
        relations = columns.get("relation") or [None] * len(numbers)
        out: dict[int, Problem] = {}
        for index in indices:
            person_id = person_ids[index]
            key = (
                person_id
                if person_id is not None
                else (households[index] if households else None, names[index], relations[index])
            )
            number = numbers[index]
            seen = first.setdefault(key, number)
            if seen != number:
                out[index] = self._problem(number, seen, person_id, names[index])
        return out

    def _problem(self, number: int, first: int, person_id: object, name: object) -> Problem:
        if person_id is not None:
            column = self.header.header_of("id_number")
            what, value = "身份证号", str(person_id)
        else:
            column = self.header.header_of("name")
            what, value = "户内姓名和与户主关系", str(name)
        return Problem(
            number, column, value, "duplicate_in_file",
            f"与第{first}行重复(同一{what})", f"同一人只应出现一次;请核对第{first}行和本行,删除重复的一行",
        )  # fmt: skip


class Heads:
    """Poverty roster: every household number needs exactly one 户主 among its accepted rows."""

    def __init__(self) -> None:
        self._rows: list[ParsedRow] = []
        self._households: list[object] = []
        self._heads: dict[object, list[int]] = defaultdict(list)
        self._rejected_heads: dict[str, list[int]] = defaultdict(list)

    def accepted(
        self, rows: Sequence[ParsedRow], households: Sequence[object], relations: Sequence[object]
    ) -> None:
        """Accepted rows with their household number and relation (columns of the same length)."""
        self._rows.extend(rows)
        self._households.extend(households)
        for row, household, relation in zip(rows, households, relations, strict=True):
            if relation == HEAD:
                self._heads[household].append(row.row)

    def rejected(self, row: RejectedRow, household_no: str, relation: str) -> None:
        if relation in (HEAD, "本人"):
            self._rejected_heads[household_no].append(row.row)

    def failures(self) -> list[tuple[ParsedRow, Problem]]:
        """Rows to reject, each with the reason that applies to its whole household."""
        heads = self._heads
        wrong = {h for h in set(self._households) if len(heads.get(h, ())) != 1}
        if not wrong:
            return []
        reasons = {h: self._why(str(h), heads.get(h, [])) for h in wrong}
        out = []
        for row, household in zip(self._rows, self._households, strict=True):
            if household in wrong:
                reason, fix = reasons[household]
                out.append((row, Problem(row.row, "", str(household), "household_head", reason, fix)))
        return out

    def _why(self, household: str, heads: list[int]) -> tuple[str, str]:
        if len(heads) > 1:
            rows = "、".join(f"第{n}行" for n in heads)
            return (
                f"户编号{household}有{len(heads)}个户主({rows})",
                "每户只能有一个户主;请更正多余户主的“与户主关系”",
            )
        rejected = self._rejected_heads.get(household)
        if rejected:
            return (
                f"户编号{household}的户主行(第{rejected[0]}行)有错误未能导入,本户其他成员随之退回",
                f"请先更正第{rejected[0]}行,再重新导入整份名册",
            )
        return f"户编号{household}没有户主", "请补上户主一行,或更正本户某位成员的“与户主关系”为“户主”"
