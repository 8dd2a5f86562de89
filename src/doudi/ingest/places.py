"""County -> township -> village cells to division codes (NBS 2023 edition), by name or by code.

A county name is looked up across Yunnan's prefectures (optionally prefixed by the prefecture, 昭通市盐津县); the
township must lie in that county and the village in that township. Results are cached per distinct triple, so a
roster of 300,000 rows resolves each village once.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from doudi.core.divisions import PROVINCE_CODE, Division, Gazetteer, Level, UnknownDivision, yunnan
from doudi.ingest.cells import CellValue, cell_text
from doudi.ingest.problems import FieldError

PLACE_KEYS = ("county", "township", "village")
_FIXES = {
    "county": "请填写县(市、区)的名称(如“盐津县”)或6位区划代码(如“530623”)",
    "township": "请核对该乡(镇)是否属于所填的县,或改填9位区划代码",
    "village": "请核对该行政村是否属于所填的乡(镇),或改填12位区划代码",
}
_LEVELS = {"county": Level.COUNTY, "township": Level.TOWNSHIP, "village": Level.VILLAGE}


@dataclass(frozen=True)
class PlaceError:
    key: str  # which of county / township / village is wrong
    error: FieldError


class PlaceResolver:
    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or yunnan()
        self._cache: dict[tuple[str, str, str], tuple[str, str, str] | PlaceError] = {}

    def resolve(
        self, county: CellValue, township: CellValue, village: CellValue
    ) -> tuple[str, str, str] | PlaceError:
        """(county code, township code, village code), or which cell is wrong and why."""
        key = (_clean(county), _clean(township), _clean(village))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._resolve(*key)
        return found

    def _resolve(self, county: str, township: str, village: str) -> tuple[str, str, str] | PlaceError:
        codes: list[str] = []
        parent: str | None = None
        for key, value in zip(PLACE_KEYS, (county, township, village), strict=True):
            if not value:
                return PlaceError(key, FieldError("required_blank", "必填项为空", _FIXES[key]))
            try:
                division = (
                    self._county(value)
                    if key == "county"
                    else self.gazetteer.resolve(value, parent, _LEVELS[key])
                )
            except UnknownDivision as exc:
                return PlaceError(key, FieldError(f"{key}_unknown", str(exc), _FIXES[key]))
            parent = division.code
            codes.append(division.code)
        return codes[0], codes[1], codes[2]

    def _county(self, value: str) -> Division:
        if value.isdigit():
            return self.gazetteer.resolve(value, None, Level.COUNTY)
        prefectures = self.gazetteer.children(PROVINCE_CODE)
        for prefecture in prefectures:
            if value.startswith(prefecture.name) and len(value) > len(prefecture.name):
                return self.gazetteer.resolve(value[len(prefecture.name) :], prefecture.code, Level.COUNTY)
        matches = [d for p in prefectures if (d := self.gazetteer.find(value, p.code)) is not None]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise UnknownDivision(f"云南省有{len(matches)}个名为“{value}”的县(市、区),请改填6位区划代码")
        raise UnknownDivision(f"云南省没有名为“{value}”的县(市、区)")


def _clean(value: CellValue) -> str:
    return "".join(unicodedata.normalize("NFKC", cell_text(value)).split())
