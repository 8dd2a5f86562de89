"""Chinese labels for what users read: bands, stages, compared fields and their agreement levels."""

from __future__ import annotations

from typing import Any

BAND = {"auto": "自动链接", "review": "人工复核"}
STAGE = {"exact": "身份证号精确比对", "probabilistic": "概率比对", "household": "同户关联"}
ROSTER = {"poverty": "建档立卡", "dibao": "低保", "tekun": "特困"}
FIELD = {
    "id": "身份证号",
    "name": "姓名",
    "birth_date": "出生日期",
    "sex": "性别",
    "village": "行政村",
    "head_id": "户主身份证号",
    "relation": "与户主关系",
    "household": "家庭",
}
LEVEL = {
    "exact": "一致",
    "same_pinyin": "同音",
    "close_pinyin": "拼音相近",
    "one_character": "一字之差",
    "differs": "不一致",
    "one_edit_check_failed": "差一位(校验位不符,疑似录错)",
    "same_area_and_birth": "同地区同生日(前14位相同)",
    "two_edits": "差两位",
    "one_digit": "差一位",
    "one_edit": "差一位",
    "same_year": "同年",
    "same_township": "同乡镇",
    "linked": "已关联的同一户",
    "else": "不一致",
    "null": "缺失",
}


def evidence_text(evidence: dict[str, Any]) -> str:
    """e.g. 身份证号:一致;姓名:同音 — the fields compared and how they agreed."""
    fields = evidence.get("fields", {})
    return ";".join(f"{FIELD.get(k, k)}:{LEVEL.get(str(v), str(v))}" for k, v in fields.items())
