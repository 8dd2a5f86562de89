"""Explanations from the vectorised path: one household's `Explanation` (and its readable Chinese text) rendered
from the columns of `batch.BatchExplain`, equal to the one `engine.assess` builds for that household: the same
steps with the same values and the same parameters (tests/unit/rules/test_batch_explain.py checks this).

The batch computes the columns for every household (arrays only); rendering builds Python objects for the one
household asked for. Identifiers (household and person ids) come from `Columns.ids` or the household records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from doudi.rules.batch import (
    D3,
    OUTCOMES,
    REASONS,
    STEP_BENEFIT,
    STEP_EXIT,
    TABLES,
    BatchExplain,
    BatchResult,
    Columns,
)
from doudi.rules.explain import Explanation
from doudi.rules.io import household_to_json
from doudi.rules.model import Household
from doudi.rules.tekun import T1_GROUNDS, CareLevel

_LEVELS = list(CareLevel)


def _record(cols: Columns, i: int) -> Household | None:
    records = cols.households
    try:
        if isinstance(records, Mapping):
            return records.get(i)
        return records[i] if i < len(records) else None
    except (KeyError, IndexError, ValueError):
        return None


def _ids(cols: Columns, i: int) -> tuple[str, str, Sequence[str]]:
    if cols.ids is not None:
        household_id, region = cols.ids.household(i)
        return household_id, region, cols.ids.members(i)
    record = _record(cols, i)
    if record is None:
        raise ValueError(
            f"row {i}: no identifiers to render its explanation (give Columns.ids or the household records)"
        )
    return record.household_id, record.region, [m.person_id for m in record.members]


def _rows(table: dict[str, Any], owner: str, lo: int, hi: int) -> tuple[int, int]:
    column = table[owner]
    a, b = np.searchsorted(column, np.array([lo, hi], dtype=column.dtype))
    return int(a), int(b)


def inputs(cols: Columns, i: int) -> dict[str, Any]:
    """Household i's rows of every input table (the columns the rules read), as plain values."""
    m_lo, m_hi = _rows(cols.m, "hh", i, i + 1)
    out: dict[str, Any] = {"county": cols.counties[int(cols.h["county"][i])]}
    for name, keys in TABLES.items():
        table = getattr(cols, name)
        if name == "h":
            lo, hi = i, i + 1
        elif name in ("sup", "off"):
            lo, hi = _rows(table, "member", m_lo, m_hi)
        elif name == "m":
            lo, hi = m_lo, m_hi
        else:
            lo, hi = _rows(table, "hh", i, i + 1)
        rows: list[dict[str, Any]] = [{k: int(table[k][r]) for k in keys} for r in range(lo, hi)]
        if name in ("inc",):
            for row in rows:
                row["kind"] = cols.kinds[row["kind"]]
        out[name] = rows[0] if name == "h" else rows
    return out


def explanation(result: BatchResult, cols: Columns, i: int) -> Explanation:
    """The explanation of household i of a batch (`assess_batch(..., explain=True)` over `cols`)."""
    if i in result.assessments:  # a household the per-household path assessed
        return result.assessments[i].explanation
    ex = result.explain
    if ex is None:
        raise ValueError("the batch was run with explain=False: no explanation columns")
    c = int(cols.h["county"][i])
    params = ex.sets[c]
    D, R = int(ex.scale["D"][c]), int(ex.scale["R"][c])
    record = _record(cols, i)
    out = Explanation(lambda: household_to_json(record) if record is not None else inputs(cols, i))
    persons = int(ex.persons[i])
    standard = ex.standard(c, int(cols.h["urban"][i]) == 1)
    net = Fraction(int(ex.net[i]), D)
    out.add("members.counted", "共同生活家庭成员人数", persons, "人")
    out.add("dibao.standard_yearly", "年低保标准", standard, "fen", "城市户口按月标准 x 12")
    out.add("income.gross", "可计收入(近12个月)", int(ex.gross[i]), "fen")
    out.add("income.excluded", "不计入的收入", int(ex.excluded[i]), "fen")
    out.add("income.rigid", "刚性支出扣减(扣除报销)", int(ex.rigid[i]), "fen")
    out.add(
        "income.employment",
        "就业成本扣减",
        Fraction(int(ex.employment[i]), D),
        "fen",
        "工资性收入 x 扣减比例, 不超过每月上限 x 12",
    )
    out.add("income.net", "扣减后可计收入", net, "fen", "不低于0")
    pc_yearly = net / persons if persons else Fraction(0)
    out.add("income.per_capita_yearly", "年人均可计收入", pc_yearly, "fen")
    out.add("d2.below", "年人均收入低于低保标准(D2)", persons > 0 and net < standard * persons)
    hukou = int(cols.h["hukou"][i])
    out.add("d1.hukou_in_county", "户籍在本县(D1)", "未知" if hukou == 0 else hukou == 1)
    bits = int(ex.property[i])
    failures = "未核查" if bits < 0 else [r.value for k, r in enumerate(D3) if bits >> k & 1]
    out.add("d3.failures", "财产核查未通过项(D3)", failures)
    if record is not None:
        from doudi.rules.engine import _evidence

        _evidence(record, out)
    m_lo, m_hi = _rows(cols.m, "hh", i, i + 1)
    ids: Sequence[str] | None = None

    def person(row: int) -> str:
        nonlocal ids
        if ids is None:
            ids = _ids(cols, i)[2]
        return ids[row - m_lo]

    lo, hi = np.searchsorted(ex.tekun_member, [m_lo, m_hi])
    for k in range(int(lo), int(hi)):
        pid = person(int(ex.tekun_member[k]))
        level = _LEVELS[int(ex.tekun_level[k])]
        out.add(
            f"tekun.{pid}",
            f"成员 {pid} 特困供养: {T1_GROUNDS[int(ex.tekun_ground[k])]}, {level.text}",
            int(ex.tekun_amount[k]),
            "fen",
            "基本生活标准 + 照料护理补贴",
        )
    steps = int(ex.steps[i])
    if steps & STEP_BENEFIT:
        units = Fraction(int(ex.units[i]), R)
        out.add("dibao.units", "保障人数(扣除特困人员和被处理成员份额)", units, "人")
        if params.text("dibao.benefit_method") == "tiers":
            t = int(ex.tier[i])
            tier = params.tiers("dibao.tiers")[t] if t >= 0 else None
            per_person = Fraction(tier.amount if tier else 0)
            formula = f"分档 {tier.tier if tier else None}"
        else:
            per_person = max(Fraction(0), Fraction(standard, 12) - pc_yearly / 12)
            formula = "月低保标准 - 月人均收入"
        out.add("dibao.per_person", "每人每月保障金", per_person, "fen", formula)
        out.add("dibao.benefit", "每月低保金(四舍五入到分)", int(result.benefit[i]), "fen")
    elif steps & STEP_EXIT:
        out.add("p3.months", "救助渐退期(月)", int(ex.months[i]), "月")
    lo, hi = np.searchsorted(ex.single_member, [m_lo, m_hi])
    for k in range(int(lo), int(hi)):
        pid = person(int(ex.single_member[k]))
        own = Fraction(int(ex.single_net[k]), D)
        out.add(
            f"p4.{pid}", f"成员 {pid} 参照单人户: 本人年收入 {own / 100} 元", int(ex.single_amount[k]), "fen"
        )
    used = int(ex.parameters[i])
    out.parameters = [params.get(name) for k, name in enumerate(ex.names) if used >> k & 1]
    return out


def render(result: BatchResult, cols: Columns, i: int) -> str:
    """Household i's decision as readable Chinese text: outcome, amounts, reasons and the explanation (the
    layout of `Assessment.render`, reasons in the order of the reason list)."""
    from doudi.core.money import yuan

    if i in result.assessments:
        return result.assessments[i].render()
    household_id, region, _ = _ids(cols, i)
    ex: BatchExplain | None = result.explain
    assert ex is not None
    params = ex.sets[int(cols.h["county"][i])]
    outcome = OUTCOMES[int(result.outcome[i])]
    reasons = [r for k, r in enumerate(REASONS) if int(result.reasons[i]) >> k & 1]
    lines = [
        f"户 {household_id}({region}), 研判日期 {params.on.isoformat()}, 参数版本 {params.version}",
        f"结论: {outcome.text}",
        f"每月低保金 {yuan(int(result.benefit[i]))} 元; 特困供养 {yuan(int(result.tekun[i]))} 元; "
        f"单人户保障 {yuan(int(result.single[i]))} 元",
        "理由:",
        *[f"  - [{r.value}] {r.text}" for r in reasons],
    ]
    return "\n".join(lines) + "\n" + explanation(result, cols, i).render()
