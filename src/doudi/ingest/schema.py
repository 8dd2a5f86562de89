"""What each roster column holds: its parser, and whether a blank cell is allowed.

The column names and aliases live in doudi.core.rosters; this module only says how to read each column's cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from doudi.core.rosters import (
    DIBAO_TIERS,
    EXIT_STATUS,
    HEALTH,
    LABOR,
    POVERTY_TYPES,
    RELATIONS,
    SELF_CARE,
    SUPPORT_MODES,
    RosterKind,
)
from doudi.ingest import values
from doudi.ingest.values import Parser

# Other spellings found in rosters for the closed vocabularies of doudi.core.rosters.
RELATION_SYNONYMS = {
    "本人": "户主",
    "妻子": "配偶",
    "丈夫": "配偶",
    "妻": "配偶",
    "夫": "配偶",
    "儿子": "之子",
    "长子": "之子",
    "次子": "之子",
    "女儿": "之女",
    "长女": "之女",
    "次女": "之女",
    "孙子": "之孙子",
    "孙女": "之孙女",
    "父亲": "之父",
    "母亲": "之母",
    "儿媳": "之儿媳",
    "女婿": "之女婿",
    "兄弟姐妹": "之兄弟姐妹",
}
LABOR_SYNONYMS = {"弱劳动力": "弱劳动力或半劳动力", "半劳动力": "弱劳动力或半劳动力"}
SELF_CARE_SYNONYMS = {
    "部分丧失": "半自理",
    "部分丧失生活自理能力": "半自理",
    "完全丧失": "全护理",
    "完全丧失生活自理能力": "全护理",
    "具备生活自理能力": "全自理",
}
SUPPORT_SYNONYMS = {"分散": "分散供养", "集中": "集中供养"}
TIER_SYNONYMS = {"A": "A类", "B": "B类", "C": "C类"}

# Cells that must not be blank, per roster. The ID of a poverty or dibao member may be blank (children without an
# ID yet): the row is accepted with a warning and the person is keyed within the household by name and relation.
MUST_FILL: dict[RosterKind, frozenset[str]] = {
    RosterKind.POVERTY: frozenset({"household_no", "name", "relation"}),
    RosterKind.DIBAO: frozenset({"head_name", "head_id_number", "name", "relation"}),
    RosterKind.TEKUN: frozenset({"name", "id_number", "support_mode"}),
}
ID_KEYS = frozenset({"id_number", "head_id_number"})
# Columns parsed apart from the table below (they depend on other cells of the row).
SPECIAL_KEYS = frozenset(
    {"county", "township", "village", "id_number", "head_id_number", "sex", "disability_cert"}
)


@dataclass(frozen=True)
class FieldSpec:
    key: str
    parse: Parser  # depends only on the cell value: each distinct value is parsed once per file
    # Optional shortcut: given the non-empty text cells of a chunk joined together, True when each of them
    # parses to itself (checked once per chunk instead of once per distinct value).
    clean: Callable[[str], bool] | None = None


def field_specs(kind: RosterKind, today: date) -> dict[str, FieldSpec]:
    """Parsers for the ordinary columns of a roster (everything but SPECIAL_KEYS)."""
    relation = values.choice(RELATIONS, RELATION_SYNONYMS)
    specs = {
        RosterKind.POVERTY: [
            FieldSpec("household_no", values.code, values.clean_code),
            FieldSpec("name", values.name, values.clean_name),
            FieldSpec("relation", relation),
            FieldSpec("labor", values.choice(LABOR, LABOR_SYNONYMS)),
            FieldSpec("health", values.choice(HEALTH)),
            FieldSpec("schooling", values.text),
            FieldSpec("employment", values.text),
            FieldSpec("poverty_type", values.choice(POVERTY_TYPES)),
            FieldSpec("exit_status", values.choice(EXIT_STATUS)),
            FieldSpec("exit_year", values.year(today)),
            FieldSpec("exit_pathway", values.text),
            FieldSpec("safety_net_mark", values.yes_no),
            FieldSpec("income_per_capita", values.amount),
        ],
        RosterKind.DIBAO: [
            FieldSpec("head_name", values.name, values.clean_name),
            FieldSpec("name", values.name, values.clean_name),
            FieldSpec("relation", relation),
            FieldSpec("covered_members", values.count),
            FieldSpec("tier", values.choice(DIBAO_TIERS, TIER_SYNONYMS)),
            FieldSpec("monthly_amount", values.amount),
            FieldSpec("enrolled_on", values.parse_date(today)),
            FieldSpec("single_person", values.yes_no),
            FieldSpec("card_household", values.yes_no),
        ],
        RosterKind.TEKUN: [
            FieldSpec("name", values.name, values.clean_name),
            FieldSpec("support_mode", values.choice(SUPPORT_MODES, SUPPORT_SYNONYMS)),
            FieldSpec("self_care", values.choice(SELF_CARE, SELF_CARE_SYNONYMS)),
            FieldSpec("basic_standard", values.amount),
            FieldSpec("care_standard", values.amount),
            FieldSpec("enrolled_on", values.parse_date(today)),
        ],
    }[kind]
    return {s.key: s for s in specs}
