"""Write a linkage result as Chinese tables: one xlsx workbook (a sheet per table) and a CSV per table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from doudi.linkage.coverage import CLASS_LABELS
from doudi.linkage.labels import BAND, ROSTER, STAGE, evidence_text
from doudi.linkage.pipeline import LinkageResult

WORKBOOK = "比对结果.xlsx"
MODEL = "模型.json"
PERSON_COLUMNS = {"roster": "名册", "source_row": "行号", "name": "姓名", "id_raw": "身份证号(原文)"}


def _side(frame: pd.DataFrame, suffix: str) -> pd.DataFrame:
    cols = ["uid", "source_row", "name", "id_raw", "household", "village"]
    return frame[cols].rename(columns={c: f"{c}{suffix}" for c in cols})


def link_table(result: LinkageResult, links: pd.DataFrame) -> pd.DataFrame:
    merged = links.merge(_side(result.poverty, "_l"), on="uid_l").merge(_side(result.rolls, "_r"), on="uid_r")
    return pd.DataFrame(
        {
            "建档立卡行号": merged["source_row_l"],
            "姓名": merged["name_l"],
            "身份证号": merged["id_raw_l"],
            "户": merged["household_l"].str.split(":").str[-1],
            "行政村代码": merged["village_l"],
            "救助名册": merged["roster_r"].map(ROSTER),
            "名册行号": merged["source_row_r"],
            "名册姓名": merged["name_r"],
            "名册身份证号": merged["id_raw_r"],
            "名册户": merged["household_r"].str.split(":").str[-1],
            "结果": merged["band"].map(BAND),
            "比对方式": merged["stage"].map(STAGE),
            "匹配概率": merged["match_probability"].round(6),
            "匹配权重": merged["match_weight"].round(3),
            "各项比对": [evidence_text(e) for e in merged["evidence"]],
        }
    )


def household_table(result: LinkageResult) -> pd.DataFrame:
    h = result.households
    if h.empty:
        return pd.DataFrame()
    detail = h["detail"]
    return pd.DataFrame(
        {
            "户编号": h["household"].str.split(":").str[-1],
            "行政村代码": h["village"],
            "户主": h["head_name"],
            "分类": h["class"].map(CLASS_LABELS),
            "人数": h["members"],
            "已纳入成员": ["、".join(d["covered_names"]) for d in detail],
            "未纳入成员": ["、".join(d["uncovered_names"]) for d in detail],
            "重点对象(行动方案二(一)2)": [
                "、".join(f"{p['name']}({p['reason']})" for p in d["priority"]) for d in detail
            ],
            "冲突说明": ["；".join(d["conflicts"]) for d in detail],
            "待复核成员数": [len(d["pending_review"]) for d in detail],
        }
    )


def roll_only_table(result: LinkageResult) -> pd.DataFrame:
    r = result.roll_only
    return pd.DataFrame(
        {
            "救助名册": r["roster"].map(ROSTER),
            "户(户主身份证号或行号)": r["household"].str.split(":").str[-1],
            "行政村代码": r["village"],
            "人数": r["members"],
            "成员": r["names"],
        }
    )


def person_table(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[list(PERSON_COLUMNS)].rename(columns=PERSON_COLUMNS)
    out["名册"] = out["名册"].map(ROSTER)
    return out


def duplicate_table(
    result: LinkageResult, file_duplicates: list[dict[str, Any]] | None = None
) -> pd.DataFrame:
    d = result.duplicates
    rows = [
        {"名册": ROSTER[r], "行号": row, "姓名": n, "重复于行号": first, "原因": why}
        for r, row, n, first, why in zip(
            d["roster"].tolist(),
            d["source_row"].tolist(),
            d["name"].tolist(),
            d["first_row"].tolist(),
            d["reason"].tolist(),
            strict=True,
        )
    ]
    rows += [
        {
            "名册": ROSTER[x["roster"]],
            "行号": x["source_row"],
            "姓名": x["value"],
            "重复于行号": "",
            "原因": x["reason"],
        }
        for x in file_duplicates or []
    ]
    return pd.DataFrame(rows, columns=["名册", "行号", "姓名", "重复于行号", "原因"])


def summary_table(result: LinkageResult) -> pd.DataFrame:
    names = {
        "poverty_records": "建档立卡人员(去重后)",
        "roll_records": "低保特困人员(去重后)",
        "duplicates": "名册内重复",
        "auto_links": "自动链接",
        "review_links": "人工复核",
        "unmatched_poverty": "建档立卡未匹配人员",
        "unmatched_rolls": "低保特困未匹配人员",
        "roll_only_households": "不在建档立卡名册的低保特困户",
    }
    rows = []
    for key, value in result.counts().items():
        label = names.get(key) or CLASS_LABELS.get(key.removeprefix("households_"), key)
        rows.append(
            {"项目": f"建档立卡户:{label}" if key.startswith("households_") else label, "数量": value}
        )
    return pd.DataFrame(rows)


def tables(
    result: LinkageResult, file_duplicates: list[dict[str, Any]] | None = None
) -> dict[str, pd.DataFrame]:
    return {
        "汇总": summary_table(result),
        "自动链接": link_table(result, result.auto),
        "人工复核": link_table(result, result.review),
        "户分类": household_table(result),
        "仅在救助名册": roll_only_table(result),
        "建档立卡未匹配": person_table(result.unmatched("poverty")),
        "救助名册未匹配": person_table(result.unmatched("rolls")),
        "名册内重复": duplicate_table(result, file_duplicates),
    }


def write(
    result: LinkageResult, out_dir: Path, file_duplicates: list[dict[str, Any]] | None = None
) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    sheets = tables(result, file_duplicates)
    workbook = out_dir / WORKBOOK
    with pd.ExcelWriter(workbook, engine="xlsxwriter") as writer:
        for name, table in sheets.items():
            table.to_excel(writer, sheet_name=name, index=False)
    written.append(workbook)
    for name, table in sheets.items():
        path = out_dir / f"{name}.csv"
        table.to_csv(path, index=False, encoding="utf-8-sig")  # with BOM: Excel opens it as UTF-8
        written.append(path)
    model = out_dir / MODEL
    model.write_text(json.dumps(result.model, ensure_ascii=False, indent=1), encoding="utf-8")
    written.append(model)
    return written
