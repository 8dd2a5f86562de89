"""Administrative divisions of Yunnan (statistical codes, NBS 2023 edition; see data/PROVENANCE.md).

Levels: province (2 digits) → prefecture (4) → county (6) → township (9) → village (12). Every division carries its
code system and edition: the Ministry of Civil Affairs' codes differ for some townships with the same name, so codes
of different editions are never mixed silently.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from importlib import resources

CODE_SYSTEM = "NBS"
EDITION = "2023"
PROVINCE_CODE = "53"
PROVINCE_NAME = "云南省"


class Level(IntEnum):
    PROVINCE = 2
    PREFECTURE = 4
    COUNTY = 6
    TOWNSHIP = 9
    VILLAGE = 12

    @property
    def label(self) -> str:
        return {2: "省", 4: "州(市)", 6: "县(市、区)", 9: "乡(镇、街道)", 12: "村(社区)"}[self.value]


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    parent_code: str | None
    system: str = CODE_SYSTEM
    edition: str = EDITION

    @property
    def level(self) -> Level:
        return Level(len(self.code))


class UnknownDivision(LookupError):
    pass


class Gazetteer:
    """All divisions of one code system and edition, indexed by code and by (parent, name)."""

    def __init__(self, divisions: list[Division]) -> None:
        self.by_code: dict[str, Division] = {d.code: d for d in divisions}
        self._children: dict[str | None, list[Division]] = defaultdict(list)
        self._by_name: dict[tuple[str | None, str], Division] = {}
        for d in divisions:
            self._children[d.parent_code].append(d)
            self._by_name[(d.parent_code, d.name)] = d
            short = short_name(d.name)
            self._by_name.setdefault((d.parent_code, short), d)

    def get(self, code: str) -> Division:
        try:
            return self.by_code[code]
        except KeyError:
            raise UnknownDivision(f"区划代码 {code} 不存在({self.system} {self.edition} 版)") from None

    @property
    def system(self) -> str:
        return CODE_SYSTEM

    @property
    def edition(self) -> str:
        return EDITION

    def children(self, code: str | None) -> list[Division]:
        return list(self._children.get(code, []))

    def find(self, name: str, parent_code: str | None) -> Division | None:
        """Look a name up within a parent, accepting the short form (e.g. 大理 for 大理市, 和平村 for 和平村委会)."""
        name = name.strip()
        return self._by_name.get((parent_code, name)) or self._by_name.get((parent_code, short_name(name)))

    def resolve(self, value: str, parent_code: str | None, level: Level) -> Division:
        """A cell that holds either a code of the level or a name within the parent."""
        value = value.strip()
        if value.isdigit() and len(value) == level.value:
            division = self.get(value)
            if parent_code is not None and division.parent_code != parent_code:
                parent = self.by_code.get(parent_code)
                raise UnknownDivision(
                    f"{level.label}代码 {value}({division.name})不属于 {parent.name if parent else parent_code}"
                )
            return division
        found = self.find(value, parent_code)
        if found is None:
            parent = self.by_code.get(parent_code or "")
            where = f"{parent.name}下" if parent else ""
            raise UnknownDivision(f"{where}没有名为“{value}”的{level.label}")
        return found

    def path(self, code: str) -> list[Division]:
        """From the province down to this division."""
        out: list[Division] = []
        current: str | None = code
        while current is not None:
            division = self.get(current)
            out.append(division)
            current = division.parent_code
        return list(reversed(out))

    def full_name(self, code: str) -> str:
        return "".join(d.name for d in self.path(code)[1:])

    def within(self, code: str, scope: str) -> bool:
        return code.startswith(scope)


# Long official suffixes and the short form rosters use instead: 和平村民委员会 -> 和平村.
_SHORT_FORMS = (
    ("社区居民委员会", "社区"),
    ("社区居委会", "社区"),
    ("村民委员会", "村"),
    ("居民委员会", "社区"),
    ("村委会", "村"),
    ("居委会", "社区"),
    ("街道办事处", "街道"),
)


def short_name(name: str) -> str:
    for suffix, short in _SHORT_FORMS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)] + short
    return name


def _rows(filename: str) -> list[dict[str, str]]:
    with resources.files("doudi.core").joinpath("data", filename).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def yunnan() -> Gazetteer:
    """The Yunnan gazetteer, loaded once from the CSV files shipped with the package."""
    divisions = [Division(PROVINCE_CODE, PROVINCE_NAME, None)]
    divisions += [Division(r["code"], r["name"], r["provinceCode"]) for r in _rows("cities.csv")]
    divisions += [Division(r["code"], r["name"], r["cityCode"]) for r in _rows("areas.csv")]
    divisions += [Division(r["code"], r["name"], r["areaCode"]) for r in _rows("streets.csv")]
    divisions += [Division(r["code"], r["name"], r["streetCode"]) for r in _rows("villages.csv")]
    return Gazetteer(divisions)
