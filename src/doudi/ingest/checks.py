"""Checks across the rows of one file: the same person twice, a poverty household without exactly one head.

Both work on a parsed chunk's columns (doudi.ingest.rows.ParsedChunk), before any ParsedRow is built.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import compress, count, repeat
from operator import eq, is_, ne, not_

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

    def check(self, chunk: ParsedChunk, keep: Sequence[int]) -> dict[int, Problem]:
        """The rows (by index in the chunk) that repeat a person seen before, each with its problem.

        Only the rows whose `keep` flag is set take part, in order; the work is done with C-level map/compress.
        """
        columns, numbers = chunk.columns, chunk.numbers
        person_ids = columns.get("id_number") or [None] * len(numbers)
        keys: list[object] = list(person_ids)
        if None in keys:
            household = HOUSEHOLD_KEY.get(self.kind)
            households = columns.get(household) if household else None
            names, relations = columns["name"], columns.get("relation") or [None] * len(numbers)
            for index in list(compress(count(), map(is_, keys, repeat(None)))):
                keys[index] = (households[index] if households else None, names[index], relations[index])
        indices = list(compress(count(), keep))
        picked = list(compress(numbers, keep))
        seen = list(map(self._first.setdefault, compress(keys, keep), picked))
        out: dict[int, Problem] = {}
        for position in list(compress(count(), map(ne, seen, picked))):
            index = indices[position]
            out[index] = self._problem(
                numbers[index], seen[position], person_ids[index], columns["name"][index]
            )
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
        self._head_rows: list[ParsedRow] = []  # the accepted 户主 rows, and their household numbers
        self._head_households: list[object] = []
        self._rejected_heads: dict[str, list[int]] = defaultdict(list)
        self._wrong: set[object] = set()

    def accepted(
        self, rows: Sequence[ParsedRow], households: Sequence[object], relations: Sequence[object]
    ) -> None:
        """Accepted rows with their household number and relation (columns of the same length)."""
        self._rows.extend(rows)
        self._households.extend(households)
        is_head = list(map(eq, relations, repeat(HEAD)))
        self._head_rows.extend(compress(rows, is_head))
        self._head_households.extend(compress(households, is_head))

    def rejected(self, row: RejectedRow, household_no: str, relation: str) -> None:
        if relation in (HEAD, "本人"):
            self._rejected_heads[household_no].append(row.row)

    def failures(self) -> list[tuple[ParsedRow, Problem]]:
        """Rows to reject, each with the reason that applies to its whole household."""
        counts = Counter(self._head_households)
        wrong = self._wrong = set(self._households).difference([h for h, n in counts.items() if n == 1])
        if not wrong:
            return []
        heads: dict[object, list[int]] = defaultdict(list)
        pairs = zip(self._head_households, self._head_rows, strict=True)
        for household, head in compress(pairs, map(wrong.__contains__, self._head_households)):
            heads[household].append(head.row)
        reasons = {h: self._why(str(h), heads.get(h, [])) for h in wrong}
        out = []
        rows = zip(self._rows, self._households, strict=True)
        for row, household in compress(rows, map(wrong.__contains__, self._households)):
            reason, fix = reasons[household]
            out.append((row, Problem(row.row, "", str(household), "household_head", reason, fix)))
        return out

    def kept(self) -> list[ParsedRow]:
        """The accepted rows, in order, less those of the households that `failures` rejects."""
        return list(compress(self._rows, map(not_, map(self._wrong.__contains__, self._households))))

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
