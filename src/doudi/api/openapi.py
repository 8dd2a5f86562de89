"""The OpenAPI 3.0 document of the API, built from the same enums the code uses."""

from __future__ import annotations

from functools import cache
from typing import Any

from doudi.campaign import TRANSITIONS, Program, State, Step

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(schema: str, text: str = "成功") -> dict[str, Any]:
    return {"description": text, "content": {JSON: {"schema": _ref(schema)}}}


ERRORS = {
    "400": _ok("Error", "请求内容有误(缺少字段、格式不对、守卫条件不满足)"),
    "401": _ok("Error", "未登录或令牌无效"),
    "403": _ok("Error", "角色无权执行, 或 CSRF 校验失败"),
    "404": _ok("Error", "不存在, 或不在管辖范围内(两者不作区分)"),
    "409": _ok("Error", "冲突: 个案已被他人修改, 或当前状态不允许该操作(步骤顺序)"),
}
PK = {"name": "pk", "in": "path", "required": True, "schema": {"type": "integer"}}


def _get(summary: str, schema: str, params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "get": {"summary": summary, "parameters": params or [], "responses": {"200": _ok(schema), **ERRORS}}
    }


def _post(summary: str, body: str, schema: str, status: str = "200", path: bool = True) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "parameters": [PK] if path else [],
            "requestBody": {"required": True, "content": {JSON: {"schema": _ref(body)}}},
            "responses": {status: _ok(schema), **ERRORS},
        }
    }


def _query(name: str, schema: dict[str, Any], text: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": text}


DATE = {"type": "string", "format": "date"}
NULL_DATE = {"type": "string", "format": "date", "nullable": True}
TEXT = {"type": "string"}
INT = {"type": "integer"}
NULL_INT = {"type": "integer", "nullable": True}
BOOL = {"type": "boolean"}


def _object(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """An object schema; every property required unless `required` names some (an empty list: none; OpenAPI 3.0
    wants `required` non-empty, so it is left out then)."""
    needed = list(props) if required is None else required
    return {"type": "object", "properties": props, **({"required": needed} if needed else {})}


CASE = {
    "id": INT,
    "campaign": INT,
    "household_no": TEXT,
    "head_name": TEXT,
    "head_id": {"type": "string", "description": "身份证号(脱敏)"},
    "township_code": TEXT,
    "township": TEXT,
    "village_code": TEXT,
    "village": TEXT,
    "state": {"type": "string", "enum": [s.value for s in State]},
    "state_name": TEXT,
    "due_step": {"type": "string", "enum": ["", *[s.value for s in Step]]},
    "due_date": NULL_DATE,
    "overdue": BOOL,
    "safety_net": BOOL,
    "assessment_outcome": TEXT,
    "assessment_reasons": {"type": "array", "items": TEXT},
    "coverage_class": {"type": "string", "description": "名册比对结果(如 covered_dibao), 未比对为空"},
    "decision": TEXT,
    "program": {"type": "string", "enum": ["", *[p.value for p in Program]]},
    "benefit_fen": NULL_INT,
    "reason_code": TEXT,
    "reason_text": TEXT,
    "note": TEXT,
    "disputed": BOOL,
    "reopen_count": INT,
    "version": INT,
}
EVENT = {
    "at": {"type": "string", "format": "date-time"},
    "on": DATE,
    "user": TEXT,
    "role": TEXT,
    "transition": TEXT,
    "from_state": TEXT,
    "to_state": TEXT,
    "payload": {"type": "object"},
    "writes": {"type": "array", "items": TEXT},
}
CAMPAIGN = {
    "id": INT,
    "year": INT,
    "county_code": TEXT,
    "name": TEXT,
    "deadlines": _object({s.value: DATE for s in Step}),
    "cases": {"type": "integer", "description": "管辖范围内个案数"},
}
GROUP = {
    "step": TEXT,
    "step_name": TEXT,
    "due": DATE,
    "township_code": TEXT,
    "township": TEXT,
    "village_code": TEXT,
    "village": TEXT,
    "state": TEXT,
    "state_name": TEXT,
    "holder": TEXT,
    "cases": INT,
    "days_late": INT,
}
COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}


def _schemas() -> dict[str, Any]:
    names = [t.name for t in TRANSITIONS.values()]
    return {
        "Error": _object({"error": TEXT, "message": {"type": "string", "description": "中文说明"}}),
        "Campaign": _object(CAMPAIGN),
        "CampaignDetail": _object({**CAMPAIGN, "states": COUNTS, "steps": COUNTS}),
        "CampaignList": _object({"results": {"type": "array", "items": _ref("Campaign")}}),
        "Case": _object(CASE),
        "CasePage": _object(
            {
                "count": INT,
                "page": {**NULL_INT, "description": "页码; 用 after 翻页时为 null"},
                "page_size": INT,
                "next_after": {
                    **NULL_INT,
                    "description": "下一页的 after 参数(本页最后一个个案编号); 没有下一页时为 null",
                },
                "results": {"type": "array", "items": _ref("Case")},
            }
        ),
        "CaseDetail": _object(
            {
                **CASE,
                "match_run": {**NULL_INT, "description": "名册比对运行编号"},
                "coverage": {
                    "type": "object",
                    "description": "名册比对依据: 哪个名册覆盖该户(rolls)、已纳入与未纳入成员、重点对象、冲突、"
                    "每条匹配记录的比对方式、概率和各项比对结果(links)",
                },
                "allowed_transitions": {"type": "array", "items": _object({"name": TEXT, "text": TEXT})},
                "events": {"type": "array", "items": _object(EVENT)},
            }
        ),
        "TransitionRequest": _object(
            {
                "transition": {"type": "string", "enum": names},
                "payload": {
                    "type": "object",
                    "description": "操作内容, 见 docs/campaign.md(如 note, reason_code, "
                    "program, benefit_fen, person_id, decision, measures, cause, result)",
                },
                "version": {"type": "integer", "description": "个案版本; 与当前版本不同则返回 409"},
                "on": {"type": "string", "format": "date", "description": "办理日期, 默认今天, 不能晚于今天"},
            },
            ["transition"],
        ),
        "CommitteeRequest": _object(
            {
                "held_on": DATE,
                "attendees": TEXT,
                "case_ids": {"type": "array", "items": INT, "minItems": 1},
                "note": TEXT,
            },
            ["held_on", "attendees", "case_ids"],
        ),
        "Meeting": _object({"id": INT, "held_on": DATE, "cases": INT}),
        "CampaignRequest": _object(
            {
                "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
                "county_code": {"type": "string", "pattern": "^[0-9]{6}$", "description": "县级区划代码"},
                "deadlines": {
                    "type": "object",
                    "properties": {s.value: DATE for s in Step},
                    "additionalProperties": False,
                    "description": "修改的步骤时限, 其余取行动方案默认值",
                },
            },
            ["year", "county_code"],
        ),
        "OpenCasesRequest": _object(
            {
                "on": DATE,
                "assessments": {
                    "type": "array",
                    "items": {"type": "object"},
                    "description": "研判结果(doudi assess --out 每行的格式)",
                },
                "assess": {"type": "boolean", "description": "立即用政策规则研判本县家庭"},
                "match": {"type": "boolean", "description": "采用最近一次名册比对结果, 默认 true"},
            },
            [],
        ),
        "OpenCasesReport": _object(
            {
                "created": INT,
                "refreshed": INT,
                "unchanged": INT,
                "rejected": {"type": "array", "items": TEXT},
                "notes": {"type": "array", "items": TEXT},
            }
        ),
        "Overdue": _object({"on": DATE, "cases": INT, "groups": {"type": "array", "items": _object(GROUP)}}),
        "ReasonList": _object({"results": {"type": "array", "items": _object({"code": TEXT, "text": TEXT})}}),
    }


@cache
def document() -> dict[str, Any]:
    case_filters = [
        PK,
        _query("state", {"type": "string", "enum": [s.value for s in State]}, "状态"),
        _query("step", {"type": "string", "enum": [s.value for s in Step]}, "当前步骤"),
        _query("region", TEXT, "区划代码前缀(乡镇或村)"),
        _query("overdue_on", DATE, "只看该日已逾期的个案"),
        _query("page", {"type": "integer", "minimum": 1}, "页码(按个案编号排序; 与 after 二选一)"),
        _query(
            "after",
            {"type": "integer", "minimum": 0},
            "只列个案编号大于该值的个案(键集分页: 传上一页的 next_after, 翻到最后一页也一样快)",
        ),
        _query("page_size", {"type": "integer", "minimum": 1, "maximum": 200}, "每页条数"),
    ]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "兜底 Doudi API",
            "version": "1",
            "description": "兜底保障行动的行动、个案、办理和逾期。所有查询按账号管辖区划过滤; 身份证号一律脱敏。",
        },
        "servers": [{"url": "/api"}],
        "security": [{"session": []}, {"bearer": []}],
        "paths": {
            "/campaigns": {
                **_get("管辖范围内的兜底保障行动", "CampaignList"),
                **_post("建立某县某年的兜底保障行动", "CampaignRequest", "Campaign", "201", path=False),
            },
            "/campaigns/{pk}": _get("行动详情与各状态个案数", "CampaignDetail", [PK]),
            "/campaigns/{pk}/cases": _get("个案列表(分页)", "CasePage", case_filters),
            "/campaigns/{pk}/overdue": _get(
                "逾期个案: 步骤、乡镇、村、在谁手上",
                "Overdue",
                [PK, _query("on", DATE, "截至日期, 默认今天")],
            ),
            "/campaigns/{pk}/open-cases": _post(
                "按兜底保障标识名单、研判结果和名册比对立案(可重复)", "OpenCasesRequest", "OpenCasesReport"
            ),
            "/campaigns/{pk}/committee-meetings": _post(
                "记录领导小组会议并批量审定", "CommitteeRequest", "Meeting", "201"
            ),
            "/cases/{pk}": _get("个案详情、办理记录与可执行操作", "CaseDetail", [PK]),
            "/cases/{pk}/transitions": _post("执行一项操作", "TransitionRequest", "CaseDetail"),
            "/reasons": _get("不符合条件原因代码表", "ReasonList"),
        },
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "doudi campaign token --user 账号",
                },
            },
        },
    }
