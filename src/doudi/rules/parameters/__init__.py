"""Parameters as dated data (OpenFisca style): YAML files keyed by start date, one file per region.

`parameters/53.yaml` holds the province's defaults; `parameters/<4 digits>.yaml` a prefecture's overrides and
`parameters/<6 digits>.yaml` a county's. `ParameterTable.at(on, region)` resolves county < prefecture <
province and returns a `ParameterSet` in which every value knows its start date, region and legal reference,
so an explanation can cite them. Files are validated on load; every error names the file, the parameter,
the date and how to fix it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from doudi.core.divisions import PROVINCE_CODE, UnknownDivision, yunnan

PARAMETER_DIR = Path(str(resources.files("doudi.rules.parameters")))

MONEY_UNITS = {"yuan", "yuan/year", "yuan/month"}
UNITS = MONEY_UNITS | {
    "yuan/year|null",
    "yuan/month|null",
    "ratio",
    "count",
    "months",
    "flag",
    "choice",
    "list",
    "tiers",
}


class ParameterError(ValueError):
    """A parameter file is invalid, or a parameter is not in force on a date."""


@dataclass(frozen=True)
class Tier:
    """One dibao tier (分档): per-capita monthly income below `income_below_share` x standard pays
    `amount`."""

    tier: str
    income_below_share: Fraction
    amount: int  # fen per person per month


@dataclass(frozen=True)
class Value:
    """One dated value of one parameter in one region."""

    name: str
    value: Any
    start: date
    end: date | None  # last day in force, inclusive; None = until the next value
    region: str
    reference: str | None
    note: str | None
    label: str
    unit: str

    def cite(self) -> str:
        source = self.reference or f"无正式依据({self.note})"
        return f"{self.label} [{self.region}, {self.start.isoformat()}起] 依据: {source}"

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "value": _json_value(self.value),
            "unit": self.unit,
            "start": self.start.isoformat(),
            "region": self.region,
            "reference": self.reference,
            "note": self.note,
        }


def _json_value(value: Any) -> Any:
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, Tier):
        return {
            "tier": value.tier,
            "income_below_share": str(value.income_below_share),
            "amount": value.amount,
        }
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    return value


@dataclass(frozen=True)
class Definition:
    name: str
    label: str
    unit: str
    minimum: bool
    choices: tuple[str, ...]


@dataclass
class ParameterSet:
    """The parameters in force on one date for one region; records which ones a computation used."""

    on: date
    region: str
    version: str
    _values: dict[str, Value]
    used: dict[str, Value] = field(default_factory=dict)

    def get(self, name: str) -> Value:
        try:
            value = self._values[name]
        except KeyError:
            raise ParameterError(
                f"参数 {name} 在 {self.on.isoformat()} 对区划 {self.region} 没有生效的值; "
                "请在参数文件中补充该日期起生效的值"
            ) from None
        self.used.setdefault(name, value)
        return value

    def has(self, name: str) -> bool:
        """Whether a value is in force (rules that began later than the date are simply not applied)."""
        return name in self._values

    def fen(self, name: str) -> int:
        value = self.get(name).value
        assert isinstance(value, int) and not isinstance(value, bool), name
        return value

    def optional_fen(self, name: str) -> int | None:
        value = self.get(name).value
        assert value is None or isinstance(value, int), name
        return value

    def ratio(self, name: str) -> Fraction:
        value = self.get(name).value
        assert isinstance(value, Fraction), name
        return value

    def count(self, name: str) -> int:
        return self.fen(name)

    def flag(self, name: str) -> bool:
        value = self.get(name).value
        assert isinstance(value, bool), name
        return value

    def text(self, name: str) -> str:
        value = self.get(name).value
        assert isinstance(value, str), name
        return value

    def names(self, name: str) -> frozenset[str]:
        value = self.get(name).value
        assert isinstance(value, tuple), name
        return frozenset(str(v) for v in value)

    def tiers(self, name: str) -> tuple[Tier, ...]:
        value = self.get(name).value
        assert isinstance(value, tuple), name
        return tuple(v for v in value if isinstance(v, Tier))

    def used_in_order(self) -> list[Value]:
        """The values used, in the order of the definitions (the order explanations list them in, so that the
        vectorised path, which records them as bits, gives the same list)."""
        return [v for name, v in self._values.items() if name in self.used]

    def fork(self) -> ParameterSet:
        """A copy with an empty `used` record (one per household assessment)."""
        return ParameterSet(self.on, self.region, self.version, self._values)


@dataclass(frozen=True)
class ParameterTable:
    """All regions' dated values, validated."""

    definitions: dict[str, Definition]
    series: dict[str, dict[str, list[Value]]]  # region -> name -> values sorted by start
    version: str

    def chain(self, region: str) -> list[str]:
        county = region[:6]
        return [code for code in (county, region[:4], PROVINCE_CODE) if code in self.series]

    def at(self, on: date, region: str) -> ParameterSet:
        values: dict[str, Value] = {}
        chain = self.chain(region)
        for name in self.definitions:
            for code in chain:
                found = _in_force(self.series[code].get(name, []), on)
                if found is not None:
                    values[name] = found
                    break
        return ParameterSet(on, region, self.version, values)


def _in_force(values: list[Value], on: date) -> Value | None:
    current: Value | None = None
    for value in values:
        if value.start <= on and (value.end is None or on <= value.end):
            current = value
    return current


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that rejects a key given twice (two values with the same start date overlap)."""


def _construct_mapping(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ParameterError(
                f"第 {key_node.start_mark.line + 1} 行: 键 {key} 重复(同一开始日期有两个值, 重叠)"
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except ParameterError as exc:
        raise ParameterError(f"参数文件 {path.name}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ParameterError(f"参数文件 {path.name} 不是有效的 YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("parameters"), dict):
        raise ParameterError(f"参数文件 {path.name}: 缺少 region 和 parameters 两项")
    return data


def _region_of(path: Path, data: dict[str, Any]) -> str:
    region = str(data.get("region", ""))
    if region != path.stem:
        raise ParameterError(f"参数文件 {path.name}: region 为 {region!r}, 应与文件名一致({path.stem!r})")
    if len(region) not in (2, 4, 6):
        raise ParameterError(f"参数文件 {path.name}: 区划 {region} 应为省(2位)、州市(4位)或县(6位)代码")
    try:
        yunnan().get(region)
    except UnknownDivision:
        raise ParameterError(
            f"参数文件 {path.name}: 区划代码 {region} 不是云南省的州(市)或县(市、区); 请核对区划代码"
        ) from None
    return region


def _definition(where: str, name: str, spec: dict[str, Any]) -> Definition:
    unit = spec.get("unit")
    if unit not in UNITS:
        raise ParameterError(f"{where}: 参数 {name} 的 unit {unit!r} 无效, 应为 {sorted(UNITS)} 之一")
    label = spec.get("label")
    if not isinstance(label, str) or not label:
        raise ParameterError(f"{where}: 参数 {name} 缺少中文名称 label")
    choices = tuple(str(c) for c in spec.get("choices", []))
    return Definition(name, label, unit, bool(spec.get("minimum", False)), choices)


def _fen(where: str, raw: Any) -> int:
    try:
        fen = Decimal(str(raw)) * 100
    except InvalidOperation:
        raise ParameterError(f"{where}: 金额 {raw!r} 不是数字") from None
    if isinstance(raw, bool) or fen != fen.to_integral_value():
        raise ParameterError(f"{where}: 金额 {raw!r} 应为元, 最多两位小数")
    return int(fen)


def _ratio(where: str, raw: Any) -> Fraction:
    try:
        value = Fraction(str(raw))
    except (ValueError, ZeroDivisionError):
        raise ParameterError(f'{where}: 比例 {raw!r} 不是数字(可写 "1.5" 或 "1/3")') from None
    if value < 0:
        raise ParameterError(f"{where}: 比例 {raw!r} 不能为负")
    return value


def _convert(where: str, definition: Definition, raw: Any) -> Any:
    unit = definition.unit
    if unit.endswith("|null"):
        return None if raw is None else _fen(where, raw)
    if unit in MONEY_UNITS:
        return _fen(where, raw)
    if unit == "ratio":
        return _ratio(where, raw)
    if unit in ("count", "months"):
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
            raise ParameterError(f"{where}: 应为非负整数, 实为 {raw!r}")
        return raw
    if unit == "flag":
        if not isinstance(raw, bool):
            raise ParameterError(f"{where}: 应为 true 或 false, 实为 {raw!r}")
        return raw
    if unit == "choice":
        if raw not in definition.choices:
            raise ParameterError(f"{where}: 值 {raw!r} 无效, 应为 {list(definition.choices)} 之一")
        return str(raw)
    if not isinstance(raw, list):
        raise ParameterError(f"{where}: 应为列表, 实为 {raw!r}")
    if unit == "list":
        return tuple(str(v) for v in raw)
    return tuple(_tier(where, item) for item in raw)


def _tier(where: str, item: Any) -> Tier:
    if not isinstance(item, dict) or not {"tier", "income_below_share", "amount"} <= set(item):
        raise ParameterError(f"{where}: 每一档应写 tier、income_below_share、amount 三项, 实为 {item!r}")
    return Tier(str(item["tier"]), _ratio(where, item["income_below_share"]), _fen(where, item["amount"]))


def _reference(where: str, entry: dict[str, Any]) -> tuple[str | None, str | None]:
    if "reference" not in entry:
        raise ParameterError(
            f"{where}: 缺少 reference(文件名称和条款); 无依据时写 reference: null 并在 note 中写明 assumption"
        )
    reference, note = entry["reference"], entry.get("note")
    if reference is None:
        if not isinstance(note, str) or "assumption" not in note:
            raise ParameterError(
                f"{where}: reference 为空时必须有 note 且写明 assumption(假设), 说明为何无依据"
            )
        return None, note
    if not isinstance(reference, str) or not reference.strip():
        raise ParameterError(f"{where}: reference 应为文件名称和条款的文字")
    return reference, note if isinstance(note, str) else None


def _values(file: str, region: str, definition: Definition, spec: dict[str, Any]) -> list[Value]:
    entries = spec.get("values")
    if not isinstance(entries, dict) or not entries:
        raise ParameterError(f"参数文件 {file}: 参数 {definition.name} 缺少按开始日期排列的 values")
    out: list[Value] = []
    for start, entry in entries.items():
        where = f"参数文件 {file}, 参数 {definition.name}, {start} 起"
        if not isinstance(start, date):
            raise ParameterError(f"{where}: 键应为开始日期 YYYY-MM-DD")
        if not isinstance(entry, dict) or "value" not in entry:
            raise ParameterError(f"{where}: 应写成 {{value: ..., reference: ...}}")
        reference, note = _reference(where, entry)
        end = entry.get("until")
        if end is not None and (not isinstance(end, date) or end < start):
            raise ParameterError(f"{where}: until 应为不早于开始日期的日期")
        value = _convert(where, definition, entry["value"])
        out.append(
            Value(
                definition.name, value, start, end, region, reference, note, definition.label, definition.unit
            )
        )
    out.sort(key=lambda v: v.start)
    _check_continuity(file, definition.name, out)
    return out


def _check_continuity(file: str, name: str, values: list[Value]) -> None:
    for before, after in pairwise(values):
        if before.end is None:
            continue
        where = f"参数文件 {file}, 参数 {name}"
        if before.end >= after.start:
            raise ParameterError(
                f"{where}: {before.start} 起的值截至 {before.end}, 与 {after.start} 起的值重叠; "
                "请修改 until 或开始日期"
            )
        if before.end + timedelta(days=1) < after.start:
            raise ParameterError(
                f"{where}: {before.start} 起的值截至 {before.end}, "
                f"下一个值 {after.start} 才生效, 中间有空档; "
                "请补上空档期的值或修改日期"
            )


def _check_minimum(table: dict[str, dict[str, list[Value]]], definitions: dict[str, Definition]) -> None:
    province = table.get(PROVINCE_CODE, {})
    for region, series in table.items():
        if region == PROVINCE_CODE:
            continue
        for name, values in series.items():
            if not definitions[name].minimum:
                continue
            for value in values:
                checks = [value.start] + [p.start for p in province.get(name, []) if p.start > value.start]
                for on in checks:
                    if value.end is not None and on > value.end:
                        break
                    floor = _in_force(province.get(name, []), on)
                    if floor is not None and value.value < floor.value:
                        raise ParameterError(
                            f"参数文件 {region}.yaml, 参数 {name}: {value.start} 起的值 "
                            f"{value.value / 100:.2f} 元在 {on} 低于全省最低标准 {floor.value / 100:.2f} 元; "
                            "县级标准只能高于或等于省级标准"
                        )


TEKUN_RATIO = ("tekun.basic_living_monthly", "dibao.urban_standard_monthly", "tekun.basic_to_urban_min_ratio")


def _check_tekun_ratio(table: ParameterTable) -> None:
    """From 2020 the tekun basic living standard is at least 1.3x the local urban dibao standard (RULES.md §8)."""
    basic_name, urban_name, ratio_name = TEKUN_RATIO
    if ratio_name not in table.definitions:
        return
    for region in table.series:
        chain = table.chain(region)
        starts = sorted(
            {v.start for code in chain for name in TEKUN_RATIO for v in table.series[code].get(name, [])}
        )
        for on in starts:
            found = table.at(on, region)
            if not all(found.has(name) for name in TEKUN_RATIO):
                continue
            basic, urban, ratio = found.fen(basic_name), found.fen(urban_name), found.ratio(ratio_name)
            if basic < ratio * urban:
                raise ParameterError(
                    f"参数文件 {region}.yaml: {on} 起特困人员基本生活标准 {basic / 100:.2f} 元低于当地城市低保标准 "
                    f"{urban / 100:.2f} 元的 {float(ratio):g} 倍; 请同时提高 {basic_name}"
                )


def load(directory: Path | None = None) -> ParameterTable:
    """Read and validate every parameter file of a directory (default: the package's parameters/)."""
    directory = directory or PARAMETER_DIR
    paths = sorted(directory.glob("*.yaml"), key=lambda p: (len(p.stem), p.stem))
    if not paths or paths[0].stem != PROVINCE_CODE:
        raise ParameterError(f"参数目录 {directory} 中缺少全省默认参数文件 {PROVINCE_CODE}.yaml")
    digest = hashlib.sha256()
    definitions: dict[str, Definition] = {}
    table: dict[str, dict[str, list[Value]]] = {}
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        data = _read(path)
        region = _region_of(path, data)
        table[region] = {}
        for name, spec in data["parameters"].items():
            if not isinstance(spec, dict):
                raise ParameterError(f"参数文件 {path.name}: 参数 {name} 的写法无效")
            if region == PROVINCE_CODE:
                definitions[name] = _definition(f"参数文件 {path.name}", name, spec)
            elif name not in definitions:
                raise ParameterError(
                    f"参数文件 {path.name}: 参数 {name} 在全省文件 {PROVINCE_CODE}.yaml 中没有定义; "
                    "请核对参数名"
                )
            table[region][name] = _values(path.name, region, definitions[name], spec)
    _check_minimum(table, definitions)
    result = ParameterTable(definitions, table, digest.hexdigest()[:12])
    _check_tekun_ratio(result)
    return result


@cache
def default_table() -> ParameterTable:
    return load()


def at(on: date, region: str) -> ParameterSet:
    """The package's parameters in force on a date for a region (a county, township or village code)."""
    return _county_set(on, region[:6]).fork()


@lru_cache(maxsize=4096)
def _county_set(on: date, county: str) -> ParameterSet:
    return default_table().at(on, county)
