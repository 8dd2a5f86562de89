"""household_facts.jsonl: one household per line, in the JSON form of doudi.rules.model.Household (money in fen,
dates ISO), plus a `synth` object with what only the generator knows (person keys, names, the deceased)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from doudi.synth.economy import PropertyItem, Supporter
from doudi.synth.household import Coverage, Household
from doudi.synth.people import Person, counted

_RELATIONS = {
    "户主": "head",
    "配偶": "spouse",
    "之子": "child",
    "之女": "child",
    "之父": "parent",
    "之母": "parent",
    "之孙子": "grandchild",
    "之孙女": "grandchild",
    "之兄弟姐妹": "sibling",
}
_LABOR = {"普通劳动力": "full", "技能劳动力": "full", "弱劳动力或半劳动力": "partial"}
_SCHOOL = {
    "小学": "primary",
    "初中": "junior",
    "高中": "senior",
    "中职": "vocational",
    "高职": "college",
    "大专": "college",
    "本科": "bachelor",
}
ACTIVITIES = ("eating", "dressing", "bed", "toilet", "walking", "bathing")


def daily_activities(person: Person) -> dict[str, bool] | None:
    """Six activities consistent with the self-care level (全护理: 4+ failed, 半自理: 1-3, 全自理: none)."""
    if not person.self_care:
        return None
    failed = {"全护理": 5, "半自理": 2}.get(person.self_care, 0)
    rng = random.Random(person.key)
    lost = set(rng.sample(ACTIVITIES, failed))
    return {a: a not in lost for a in ACTIVITIES}


def _supporter(s: Supporter) -> dict[str, Any]:
    return {
        "age": s.age,
        "tekun": s.tekun,
        "dibao": s.dibao,
        "low_income": s.low_income,
        "severe_disability": s.severe_disability,
    }


def _member(h: Household, p: Person) -> dict[str, Any]:
    """A member; fields equal to the defaults of doudi.rules.model.Member are left out to keep lines short."""
    member: dict[str, Any] = {
        "person_id": p.id_number,
        "birth_date": p.born.isoformat(),
        "relation": _RELATIONS.get(p.relation, "other"),
        "labor_capacity": _LABOR.get(p.labor, "none"),
    }
    cert = p.disability
    if cert is not None:
        member["disability"] = {"category": cert.category.value, "grade": cert.grade}
    if p.major_illness:
        member["major_illness"] = True
        member["major_illness_assistance"] = p.labor in ("丧失劳动力", "弱劳动力或半劳动力")
    if p.self_care:
        member["daily_activities"] = daily_activities(p)
    if p.schooling in _SCHOOL:
        member["in_school"] = True
        member["school_level"] = _SCHOOL[p.schooling]
    if p.employment:
        member["employed"] = True
    if p.relation in ("之儿媳", "之女婿"):
        member["support_duty"] = True  # lives with the family long term: counted
    if h.supporters is not None:
        member["supporters"] = [_supporter(s) for s in h.supporters]
    if h.institution:
        member["care_mode"] = "institution"
    if h.plan.coverage is Coverage.SINGLE and p in h.covered:
        member["applies_single_person"] = True
    return member


def _property(item: PropertyItem) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": item.kind, "value": item.value}
    if item.count != 1:
        out["count"] = item.count
    if item.bought_on is not None:
        out["bought_on"] = item.bought_on.isoformat()
    if item.mobility_vehicle:
        out["mobility_vehicle"] = True
    if item.net_profit_yearly:
        out["net_profit_yearly"] = item.net_profit_yearly
    return out


def _person_note(p: Person, as_of: date) -> dict[str, Any]:
    return {
        "person_key": p.key,
        "person_id": p.id_number,
        "name": p.name,
        "relation": p.relation,
        "died_on": p.died_on.isoformat() if p.died_on else None,
    }


def facts_record(h: Household, county: str, as_of: date) -> dict[str, Any]:
    ids = {p.key: p.id_number for p in h.members}
    e = h.eligibility
    dibao = h.plan.coverage is Coverage.DIBAO
    return {
        "household_id": h.key,
        "region": h.village.code,
        "hukou_county": county,
        "hukou_type": "rural",
        "members": [_member(h, p) for p in h.members],
        "income": [
            {
                "kind": i.kind,
                "amount": i.amount,
                "period": "year",
                "member": ids.get(i.member) if i.member else None,
            }
            for i in h.economy.incomes
        ],
        "deductions": [
            {"kind": d.kind, "paid": d.paid, "reimbursed": d.reimbursed, "member": ids[d.member]}
            for d in h.economy.deductions
        ],
        "property": [_property(i) for i in h.economy.property],
        "enrolment": {
            "dibao": dibao,
            "dibao_benefit": h.monthly if dibao else 0,
            "tekun": [p.id_number for p in h.covered] if h.plan.coverage is Coverage.TEKUN else [],
        },
        "poverty": {"card_household": h.plan.card, "exited": h.exited, "safety_net": h.safety_net},
        "synth": {
            "as_of": as_of.isoformat(),
            "household_no": h.number,
            "status": h.status.value,
            "eligible_dibao": e.dibao,
            "eligible_tekun": e.tekun,
            "ineligible_reasons": list(e.reasons),
            "countable_income_yearly": e.countable_yearly,
            "counted": [p.id_number for p in h.members if counted(p)],
            "single_person_covered": [p.id_number for p in h.covered]
            if h.plan.coverage is Coverage.SINGLE
            else [],
            "members": [_person_note(p, as_of) for p in h.members],
            "deceased": _person_note(h.deceased, as_of) if h.deceased is not None else None,
            "moved_out": _person_note(h.stale, as_of) if h.stale is not None else None,
        },
    }
