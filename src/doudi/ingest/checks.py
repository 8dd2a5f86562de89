"""Checks across the rows of one file: the same person twice, a poverty household without exactly one head."""

from __future__ import annotations

from collections import defaultdict

from doudi.core.rosters import RosterKind
from doudi.ingest.headers import HeaderMap
from doudi.ingest.problems import Problem
from doudi.ingest.rows import ParsedRow, RejectedRow

HEAD = "户主"


def _household(row: ParsedRow) -> object:
    if row.kind is RosterKind.POVERTY:
        return row.fields.get("household_no")
    if row.kind is RosterKind.DIBAO:
        return row.fields.get("head_id_number")
    return None


class Duplicates:
    """Remembers the first row of each person; a later row of the same person is rejected, pointing at the first.

    A person is their canonical ID; a person without an ID is their name and relation within the household.
    """

    def __init__(self, header: HeaderMap) -> None:
        self.header = header
        self._first: dict[object, int] = {}

    def check(self, row: ParsedRow) -> Problem | None:
        person_id = row.fields.get("id_number")
        key: object = (
            person_id
            if person_id is not None
            else (_household(row), row.fields["name"], row.fields["relation"])
        )
        first = self._first.setdefault(key, row.row)
        if first == row.row:
            return None
        if person_id is not None:
            column = self.header.header_of("id_number")
            what, value = "身份证号", str(person_id)
        else:
            column = self.header.header_of("name")
            what, value = "户内姓名和与户主关系", str(row.fields["name"])
        return Problem(
            row.row, column, value, "duplicate_in_file",
            f"与第{first}行重复(同一{what})", f"同一人只应出现一次;请核对第{first}行和本行,删除重复的一行",
        )  # fmt: skip


class Heads:
    """Poverty roster: every household number needs exactly one 户主 among its accepted rows."""

    def __init__(self) -> None:
        self._rows: dict[object, list[ParsedRow]] = defaultdict(list)
        self._heads: dict[object, list[int]] = defaultdict(list)
        self._rejected_heads: dict[str, list[int]] = defaultdict(list)

    def accepted(self, row: ParsedRow) -> None:
        household = row.fields["household_no"]
        self._rows[household].append(row)
        if row.fields["relation"] == HEAD:
            self._heads[household].append(row.row)

    def rejected(self, row: RejectedRow, household_no: str, relation: str) -> None:
        if relation in (HEAD, "本人"):
            self._rejected_heads[household_no].append(row.row)

    def failures(self) -> list[tuple[ParsedRow, Problem]]:
        """Rows to reject, each with the reason that applies to its whole household."""
        out = []
        for household, rows in self._rows.items():
            heads = self._heads.get(household, [])
            if len(heads) == 1:
                continue
            reason, fix = self._why(str(household), heads)
            for row in rows:
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
