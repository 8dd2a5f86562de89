"""The household JSON format (docs/rules.md, rules/schema/household.schema.json) <-> the input dataclasses.

Money keys end in `_fen` (integer fen) or `_yuan` (yuan as a number or text, up to two decimals); the bare
field name (e.g. `amount`) is fen, as `doudi synth` writes it. Errors name the field path
(e.g. `members[2].birth_date`) and say how to fix it.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from doudi.core.money import InvalidAmount, parse_yuan
from doudi.rules.model import (
    SIX_ACTIVITIES,
    CareMode,
    Deduction,
    Disability,
    Enrolment,
    Hardship,
    Household,
    Hukou,
    Income,
    LaborCapacity,
    Member,
    Offer,
    Poverty,
    PropertyItem,
    PropertyKind,
    RefusalResponse,
    Relation,
    Supporter,
    SupportMeasure,
)

E = TypeVar("E", bound=StrEnum)


class InvalidHousehold(ValueError):
    pass


KIND_ALIASES = {"pension_basic_rural": "basic_rural_pension"}  # the registry's name for the same income


def _obj(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InvalidHousehold(f"{where}: 应为对象 {{...}}, 实为 {raw!r}")
    return raw


def _list(raw: Any, where: str) -> list[Any]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidHousehold(f"{where}: 应为列表 [...], 实为 {raw!r}")
    return raw


def _date(raw: Any, where: str) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidHousehold(f"{where}: 日期 {raw!r} 无效, 应写 YYYY-MM-DD") from None


def _opt_date(raw: Any, where: str) -> date | None:
    return None if raw is None else _date(raw, where)


def _enum(kind: type[E], raw: Any, where: str) -> E:
    try:
        return kind(raw)
    except ValueError:
        raise InvalidHousehold(f"{where}: {raw!r} 无效, 应为 {[e.value for e in kind]} 之一") from None


def _bool(d: dict[str, Any], key: str, where: str, default: bool = False) -> bool:
    raw = d.get(key, default)
    if not isinstance(raw, bool):
        raise InvalidHousehold(f"{where}.{key}: 应为 true 或 false, 实为 {raw!r}")
    return raw


def _int(d: dict[str, Any], key: str, where: str, default: int = 0) -> int:
    raw = d.get(key, default)
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
        raise InvalidHousehold(f"{where}.{key}: 应为非负整数, 实为 {raw!r}")
    return raw


def _money(d: dict[str, Any], name: str, where: str, default: int | None = 0) -> int:
    if f"{name}_fen" in d:
        value = _int(d, f"{name}_fen", where)
    elif f"{name}_yuan" in d:
        try:
            parsed = parse_yuan(d[f"{name}_yuan"])
        except InvalidAmount as exc:
            raise InvalidHousehold(f"{where}.{name}_yuan: {exc}") from None
        if parsed is None or parsed < 0:
            raise InvalidHousehold(f"{where}.{name}_yuan: 应为非负金额")
        value = parsed
    elif name in d and d[name] is not None:  # the dataclass field name itself: fen (as doudi synth writes it)
        value = _int(d, name, where)
    elif default is None:
        raise InvalidHousehold(f"{where}: 缺少金额 {name}_fen(分) 或 {name}_yuan(元)")
    else:
        value = default
    return value


def _member(raw: Any, where: str) -> Member:
    d = _obj(raw, where)
    for key in ("person_id", "birth_date", "relation"):
        if key not in d:
            raise InvalidHousehold(f"{where}: 缺少 {key}")
    disability = None
    if d.get("disability") is not None:
        dd = _obj(d["disability"], f"{where}.disability")
        category, grade = str(dd.get("category", "")), dd.get("grade")
        if category not in "1234567" or len(category) != 1 or grade not in (1, 2, 3, 4):
            raise InvalidHousehold(f"{where}.disability: 类别应为 1-7, 等级应为 1-4, 实为 {dd!r}")
        disability = Disability(category, int(grade))
    activities = None
    if d.get("daily_activities") is not None:
        acts = _obj(d["daily_activities"], f"{where}.daily_activities")
        if set(acts) != set(SIX_ACTIVITIES) or not all(isinstance(v, bool) for v in acts.values()):
            raise InvalidHousehold(
                f"{where}.daily_activities: 应写六项日常生活活动 {list(SIX_ACTIVITIES)}, "
                "每项 true(能自理)或 false"
            )
        activities = {k: bool(v) for k, v in acts.items()}
    supporters = None
    if "supporters" in d and d["supporters"] is not None:
        supporters = tuple(
            _supporter(s, f"{where}.supporters[{i}]") for i, s in enumerate(_list(d["supporters"], where))
        )
    offers = tuple(
        Offer(
            _date(_obj(o, f"{where}.offers[{i}]").get("date"), f"{where}.offers[{i}].date"),
            _enum(RefusalResponse, o.get("response"), f"{where}.offers[{i}].response"),
        )
        for i, o in enumerate(_list(d.get("offers"), f"{where}.offers"))
    )
    optional = {k: d.get(k) for k in ("can_live_independently", "support_duty")}
    for key, value in optional.items():
        if value is not None and not isinstance(value, bool):
            raise InvalidHousehold(f"{where}.{key}: 应为 true、false 或 null")
    return Member(
        person_id=str(d["person_id"]),
        birth_date=_date(d["birth_date"], f"{where}.birth_date"),
        relation=_enum(Relation, d["relation"], f"{where}.relation"),
        disability=disability,
        major_illness=_bool(d, "major_illness", where),
        major_illness_assistance=_bool(d, "major_illness_assistance", where),
        labor_capacity=_enum(LaborCapacity, d.get("labor_capacity", "full"), f"{where}.labor_capacity"),
        daily_activities=activities,
        in_school=_bool(d, "in_school", where),
        school_level=None if d.get("school_level") is None else str(d["school_level"]),
        in_prison=_bool(d, "in_prison", where),
        missing=_bool(d, "missing", where),
        clergy_years=_int(d, "clergy_years", where),
        lives_with_family=_bool(d, "lives_with_family", where, True),
        can_live_independently=optional["can_live_independently"],
        support_duty=optional["support_duty"],
        dependent_on_family=_bool(d, "dependent_on_family", where, True),
        supporters=supporters,
        care_mode=_enum(CareMode, d.get("care_mode", "home"), f"{where}.care_mode"),
        employed=_bool(d, "employed", where),
        applies_single_person=_bool(d, "applies_single_person", where),
        offers=offers,
    )


def _supporter(raw: Any, where: str) -> Supporter:
    d = _obj(raw, where)
    return Supporter(
        age=_int(d, "age", where),
        tekun=_bool(d, "tekun", where),
        dibao=_bool(d, "dibao", where),
        low_income=_bool(d, "low_income", where),
        severe_disability=_bool(d, "severe_disability", where),
    )


def _income(raw: Any, where: str) -> Income:
    d = _obj(raw, where)
    period = d.get("period", "year")
    if period not in ("year", "month"):
        raise InvalidHousehold(f"{where}.period: 应为 year(近12个月合计)或 month(每月), 实为 {period!r}")
    countable = d.get("countable")
    if countable is not None and not isinstance(countable, bool):
        raise InvalidHousehold(f"{where}.countable: 应为 true、false 或 null")
    kind = str(d.get("kind", "other"))
    return Income(
        KIND_ALIASES.get(kind, kind),
        _money(d, "amount", where, None),
        period,
        None if d.get("member") is None else str(d["member"]),
        countable,
        None if d.get("source") is None else str(d["source"]),
    )


def _deduction(raw: Any, where: str) -> Deduction:
    d = _obj(raw, where)
    kind = d.get("kind")
    if kind not in ("illness", "disability", "schooling"):
        raise InvalidHousehold(f"{where}.kind: 应为 illness(因病)、disability(因残)或 schooling(因学)")
    return Deduction(
        str(kind),
        _money(d, "paid", where, None),
        _money(d, "reimbursed", where),
        None if d.get("member") is None else str(d["member"]),
    )


def _property(raw: Any, where: str) -> PropertyItem:
    d = _obj(raw, where)
    return PropertyItem(
        kind=_enum(PropertyKind, d.get("kind"), f"{where}.kind"),
        value=_money(d, "value", where),
        count=_int(d, "count", where, 1),
        bought_on=_opt_date(d.get("bought_on"), f"{where}.bought_on"),
        mobility_vehicle=_bool(d, "mobility_vehicle", where),
        net_profit_yearly=_money(d, "net_profit_yearly", where),
        source=None if d.get("source") is None else str(d["source"]),
    )


def _support(raw: Any, where: str) -> SupportMeasure:
    d = _obj(raw, where)
    confirmed = set(_list(d.get("confirmed"), f"{where}.confirmed"))
    return SupportMeasure(
        str(d.get("member")),
        str(d.get("kind", "employment")),
        "village" in confirmed,
        "township" in confirmed,
        "county" in confirmed,
    )


def _enrolment(raw: Any, where: str) -> Enrolment:
    d = _obj(raw or {}, where)
    months = d.get("gradual_exit_months")
    if months is not None and (not isinstance(months, int) or isinstance(months, bool)):
        raise InvalidHousehold(f"{where}.gradual_exit_months: 应为整数月数")
    return Enrolment(
        dibao=_bool(d, "dibao", where),
        dibao_benefit=_money(d, "dibao_benefit", where),
        tekun=tuple(str(p) for p in _list(d.get("tekun"), f"{where}.tekun")),
        income_above_since=_opt_date(d.get("income_above_since"), f"{where}.income_above_since"),
        gradual_exit_months=months,
    )


def household_from_json(raw: Any, where: str = "household") -> Household:
    d = _obj(raw, where)
    if "household_id" not in d or "region" not in d:
        raise InvalidHousehold(f"{where}: 缺少 household_id 或 region(县级区划代码)")
    hukou = _obj(
        d.get("hukou") or {"county": d.get("hukou_county"), "type": d.get("hukou_type")}, f"{where}.hukou"
    )
    members = tuple(_member(m, f"{where}.members[{i}]") for i, m in enumerate(_list(d.get("members"), where)))
    ids = [m.person_id for m in members]
    if len(set(ids)) != len(ids):
        raise InvalidHousehold(f"{where}.members: person_id 重复")
    poverty = _obj(d.get("poverty") or {}, f"{where}.poverty")
    hardship = None
    if d.get("hardship") is not None:
        h = _obj(d["hardship"], f"{where}.hardship")
        severity = h.get("severity", "general")
        if severity not in ("general", "severe", "extreme"):
            raise InvalidHousehold(f"{where}.hardship.severity: 应为 general、severe 或 extreme")
        hardship = Hardship(str(severity), _bool(h, "epidemic_patient", where), _bool(h, "emergency", where))
    prop = d.get("property", [])
    return Household(
        household_id=str(d["household_id"]),
        region=str(d["region"]),
        hukou_county=None if hukou.get("county") is None else str(hukou["county"]),
        hukou_type=None if hukou.get("type") is None else _enum(Hukou, hukou["type"], f"{where}.hukou.type"),
        members=members,
        income=tuple(_income(x, f"{where}.income[{i}]") for i, x in enumerate(_list(d.get("income"), where))),
        deductions=tuple(
            _deduction(x, f"{where}.deductions[{i}]") for i, x in enumerate(_list(d.get("deductions"), where))
        ),
        property=None
        if prop is None
        else tuple(_property(x, f"{where}.property[{i}]") for i, x in enumerate(_list(prop, where))),
        enrolment=_enrolment(d.get("enrolment"), f"{where}.enrolment"),
        poverty=Poverty(
            _bool(poverty, "card_household", where),
            _bool(poverty, "exited", where),
            _bool(poverty, "safety_net", where),
        ),
        support=tuple(
            _support(x, f"{where}.support[{i}]") for i, x in enumerate(_list(d.get("support"), where))
        ),
        irregular_income=_bool(d, "irregular_income", where),
        evidence_notes=tuple(str(n) for n in _list(d.get("evidence_notes"), where)),
        hardship=hardship,
    )


def _clean(value: Any) -> Any:
    """Dataclasses to plain JSON values (a shallow walk: faster than dataclasses.asdict's deep copies)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return {name: _clean(getattr(value, name)) for name in value.__dataclass_fields__}


def _fen_keys(item: dict[str, Any], *names: str) -> dict[str, Any]:
    return {f"{k}_fen" if k in names else k: v for k, v in item.items()}


def _declared(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items without a department source leave `source` out (the form before evidence was used)."""
    for item in items:
        if item.get("source", "") is None:
            del item["source"]
    return items


def household_to_json(h: Household) -> dict[str, Any]:
    """The canonical JSON form (money in fen) that `household_from_json` reads back."""
    d: dict[str, Any] = _clean(h)
    if not d["evidence_notes"]:
        del d["evidence_notes"]
    _declared(d["income"])
    _declared(d["property"] or [])
    d["hukou"] = {"county": d.pop("hukou_county"), "type": d.pop("hukou_type")}
    d["income"] = [_fen_keys(i, "amount") for i in d["income"]]
    d["deductions"] = [_fen_keys(i, "paid", "reimbursed") for i in d["deductions"]]
    if d["property"] is not None:
        d["property"] = [_fen_keys(i, "value", "net_profit_yearly") for i in d["property"]]
    d["enrolment"] = _fen_keys(d["enrolment"], "dibao_benefit")
    for member in d["members"]:
        member["offers"] = [{"date": o["on"], "response": o["response"]} for o in member["offers"]]
    d["support"] = [
        {
            "member": s["member"],
            "kind": s["kind"],
            "confirmed": [lvl for lvl in ("village", "township", "county") if s[f"confirmed_{lvl}"]],
        }
        for s in d["support"]
    ]
    return d
