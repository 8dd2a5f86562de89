"""The campaign's rosters, built from doudi.casework cases (read through casework.access, so in scope):
screening results (S2), newly covered (S3/S4), not covered with reasons for the poverty office, the committee's
confirmation roster (S4) and the referral list. The campaign is the latest one of the region's county."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from doudi.campaign import Program, State, reason_text
from doudi.casework.access import campaigns_for, cases_for
from doudi.casework.models import Campaign, Case, Referral
from doudi.registry import access
from doudi.signing.canonical import Column, ColumnType, Section

from . import KindSpec, KindUnavailable, register
from .common import SEQ, TOWNSHIP, VILLAGE, division_name, numbered

HOUSEHOLD = (
    SEQ,
    TOWNSHIP,
    VILLAGE,
    Column("household_no", "户编号"),
    Column("name", "户主(保障对象)姓名"),
    Column("id_number", "身份证号"),
)
ROW_KEY = ("household_no",)
COVERED = (State.ENROLLED,)
NOT_COVERED = (State.NOT_ELIGIBLE, State.CONFIRMED_NOT_COVERED, State.REFERRED)
DECIDED = (State.APPROVED, State.NOT_ELIGIBLE, State.CONFIRMED_NOT_COVERED, State.ENROLLED, State.REFERRED)


class NoCampaign(KindUnavailable):
    pass


def campaign_of(user: Any, region_code: str) -> Campaign:
    found = campaigns_for(user).filter(county_code=region_code[:6]).order_by("-year").first()
    if found is None:
        raise NoCampaign(f"{division_name(region_code[:6])} 还没有兜底保障行动,无法签发行动名册")
    return found


def _cases(user: Any, region_code: str, states: Iterable[State] | None = None) -> list[Case]:
    campaign = campaign_of(user, region_code)
    cases = cases_for(user).filter(campaign=campaign, village_code__startswith=region_code)
    if states is not None:
        cases = cases.filter(state__in=[s.value for s in states])
    related = cases.select_related(
        "household__head", "person", "dibao_enrolment", "tekun_enrolment", "meeting"
    )
    return sorted(related, key=lambda c: (c.village_code, c.household.household_no or "", c.pk))


def _who(case: Case) -> tuple[object, ...]:
    person = case.person or case.household.head
    return (
        division_name(case.township_code),
        division_name(case.village_code),
        case.household.household_no,
        person.name if person else None,
        person.id_number if person else None,
    )


def _program(case: Case) -> str | None:
    return Program(case.program).text if case.program else None


def _reasons(case: Case) -> str | None:
    codes = [case.reason_code] if case.reason_code else list(case.assessment_reasons or [])
    return ";".join(reason_text(c) for c in codes) or None


def _section(key: str, title: str, columns: tuple[Column, ...], rows: list[tuple[object, ...]]) -> Section:
    return Section(key, title, (*HOUSEHOLD, *columns), numbered(rows), ROW_KEY)


def screening(user: Any, region_code: str, month: date | None) -> tuple[Section, ...]:
    columns = (
        Column("state", "办理状态"),
        Column("outcome", "研判结论"),
        Column("reasons", "研判理由"),
        Column("program", "拟纳入方式"),
    )
    rows = [
        (*_who(c), State(c.state).text, c.assessment_outcome, _reasons(c), _program(c))
        for c in _cases(user, region_code)
    ]
    return (_section("cases", "排查识别结果", columns, rows),)


def _covered_persons(case: Case) -> int:
    if case.dibao_enrolment is not None:
        return case.dibao_enrolment.covered_members
    return 1


def _covered_since(case: Case) -> date | None:
    enrolment = case.dibao_enrolment or case.tekun_enrolment
    return enrolment.start_date if enrolment is not None else None


def newly_covered(user: Any, region_code: str, month: date | None) -> tuple[Section, ...]:
    columns = (
        Column("program", "纳入方式"),
        Column("persons", "保障人数", ColumnType.INT),
        Column("benefit", "月保障金(元)", ColumnType.FEN),
        Column("since", "纳入日期", ColumnType.DATE),
    )
    rows = [
        (*_who(c), _program(c), _covered_persons(c), c.benefit_fen, _covered_since(c))
        for c in _cases(user, region_code, COVERED)
    ]
    return (_section("covered", "新纳入兜底保障对象", columns, rows),)


def not_covered(user: Any, region_code: str, month: date | None) -> tuple[Section, ...]:
    columns = (
        Column("state", "办理状态"),
        Column("reason_code", "原因代码"),
        Column("reason", "未纳入原因"),
        Column("note", "说明"),
    )
    rows = [
        (*_who(c), State(c.state).text, c.reason_code, _reasons(c), c.note)
        for c in _cases(user, region_code, NOT_COVERED)
    ]
    return (_section("not_covered", "未纳入兜底保障对象及原因", columns, rows),)


def confirmation(user: Any, region_code: str, month: date | None) -> tuple[Section, ...]:
    columns = (
        Column("decision", "认定结论"),
        Column("program", "纳入方式"),
        Column("benefit", "月保障金(元)", ColumnType.FEN),
        Column("reason", "未纳入原因"),
        Column("meeting", "审定会议日期", ColumnType.DATE),
    )
    rows = []
    for c in _cases(user, region_code, DECIDED):
        covered = c.state in (State.APPROVED, State.ENROLLED)
        meeting = c.meeting.held_on if c.meeting else None
        decision = "纳入" if covered else "不纳入"
        rows.append(
            (*_who(c), decision, _program(c), c.benefit_fen, None if covered else _reasons(c), meeting)
        )
    return (_section("confirmation", "领导小组审定名单", columns, rows),)


def referrals(user: Any, region_code: str, month: date | None) -> tuple[Section, ...]:
    columns = (
        Column("reason", "未纳入原因"),
        Column("measures", "其他帮扶措施"),
        Column("sent_on", "转交日期", ColumnType.DATE),
    )
    campaign = campaign_of(user, region_code)
    found = (
        access.scoped(user, Referral)
        .filter(case__campaign=campaign, case__village_code__startswith=region_code)
        .select_related("case__household__head", "case__person")
    )
    ordered = sorted(found, key=lambda r: (r.case.village_code, r.case.household.household_no or "", r.pk))
    rows = [(*_who(r.case), _reasons(r.case), r.measures, r.sent_on) for r in ordered]
    return (_section("referrals", "转扶贫部门名单", columns, rows),)


SPECS: tuple[tuple[str, str, Callable[[Any, str, date | None], tuple[Section, ...]]], ...] = (
    ("screening", "兜底保障排查识别结果名单", screening),
    ("newly_covered", "新纳入兜底保障对象名单", newly_covered),
    ("not_covered", "未纳入兜底保障对象及原因名单", not_covered),
    ("confirmation", "领导小组审定名单(S4)", confirmation),
    ("referral", "转扶贫部门落实其他帮扶名单", referrals),
)

for _key, _title, _build in SPECS:
    register(KindSpec(_key, _title, _build))
