"""Reading a transition's payload: each helper returns a clean value or raises a TransitionError in Chinese."""

from __future__ import annotations

from typing import Any

from .case import CaseSnapshot, Decision, TransitionError
from .reasons import check_reason
from .states import Program

MAX_BENEFIT_FEN = 100_000_000  # 1,000,000 yuan a month: anything above is a typing error


def text(payload: dict[str, Any], key: str, what: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TransitionError(f"请填写{what}(字段 {key})")
    return value.strip()


def optional_text(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key, "")
    if not isinstance(value, str):
        raise TransitionError(f"字段 {key} 应为文字")
    return value.strip()


def reason(payload: dict[str, Any], case: CaseSnapshot) -> tuple[str, str]:
    """Reason code and note for a not-eligible decision: from the payload, else those already on the case."""
    code = payload.get("reason_code") or case.reason_code
    if not isinstance(code, str) or not code:
        raise TransitionError(
            "不符合条件须标注具体原因: 请填写原因代码(字段 reason_code), 代码表见 docs/campaign.md"
        )
    try:
        check_reason(code)
    except ValueError as exc:
        raise TransitionError(str(exc)) from None
    note = payload.get("note") or case.note
    if not isinstance(note, str) or not note.strip():
        raise TransitionError("不符合条件须对人对户作说明: 请填写说明(字段 note)")
    return code, note.strip()


def program(payload: dict[str, Any], case: CaseSnapshot) -> Program:
    raw = payload.get("program") or (case.program.value if case.program else "")
    try:
        return Program(raw)
    except ValueError:
        known = "、".join(f"{p.value}({p.text})" for p in Program)
        raise TransitionError(f"请选择纳入方式(字段 program): {known}") from None


def benefit(payload: dict[str, Any], case: CaseSnapshot) -> int:
    raw = payload.get("benefit_fen", case.benefit_fen)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw <= MAX_BENEFIT_FEN:
        raise TransitionError(
            f"保障金额须为正整数, 单位为分/月, 不超过 {MAX_BENEFIT_FEN} (字段 benefit_fen), 收到 {raw!r}; "
            "通常取自研判结果"
        )
    return raw


def person(payload: dict[str, Any], case: CaseSnapshot, chosen: Program) -> str:
    raw = payload.get("person_id") or case.person_id
    if chosen is Program.DIBAO:
        return ""
    if not raw:
        raise TransitionError(f"{chosen.text}须指明保障对象(字段 person_id)")
    if not str(raw).isdigit():
        raise TransitionError(f"保障对象编号(字段 person_id)应为人员编号(整数), 收到 {raw!r}")
    return str(int(raw))


def decision(payload: dict[str, Any]) -> Decision:
    try:
        return Decision(payload.get("decision", ""))
    except ValueError:
        raise TransitionError(
            "请填写核查结论(字段 decision): eligible(符合) 或 not_eligible(不符合)"
        ) from None
