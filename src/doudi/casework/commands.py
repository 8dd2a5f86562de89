"""`doudi campaign`: the action plan's campaign from the command line. Every command acts as a named login
(`--user`), through the same access layer and actions as the web pages and the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from doudi.registry.cli_args import login, parse_day

USER = click.option(
    "--user", "username", required=True, help="以哪个账号办理(角色和管辖范围取自该账号) / act as this login"
)
YEAR = click.option("--year", type=int, required=True, help="行动年度, 如 2020 / campaign year")
COUNTY = click.option(
    "--county", "county_code", required=True, help="县级区划代码(6位), 如 532923 / county code"
)
ON = click.option("--on", "on", default=None, help="办理日期 YYYY-MM-DD, 默认今天 / the day of the action")


def _campaign(user: Any, year: int, county_code: str) -> Any:
    from .access import campaigns_for

    campaign = campaigns_for(user).filter(year=year, county_code=county_code).first()
    if campaign is None:
        raise click.ClickException(
            f"没有找到 {county_code} {year} 年的兜底保障行动(或不在您的管辖范围内); "
            f"请先运行 doudi campaign create --year {year} --county {county_code}"
        )
    return campaign


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group("campaign", help="兜底保障行动: 建立行动、立案、办理、审定、逾期 / The action plan's campaign")
def campaign() -> None:
    from doudi.cli import setup_django

    setup_django()


@campaign.command("create", help="建立某县某年的兜底保障行动(步骤时限取行动方案默认值) / Create a campaign")
@YEAR
@COUNTY
@USER
@click.option(
    "--deadline", "deadlines", multiple=True, help="修改某步骤时限, 如 S2=2020-04-30 / override a deadline"
)
def create(year: int, county_code: str, username: str, deadlines: tuple[str, ...]) -> None:
    from doudi.campaign import Step

    from .actions import CaseworkError, create_campaign

    changes = {}
    for item in deadlines:
        step, _, day = item.partition("=")
        if step not in Step.__members__:
            raise click.BadParameter(f"{item!r}: 应写 S1..S5=YYYY-MM-DD")
        changes[Step(step)] = parse_day(day)
    try:
        made = create_campaign(login(username), year, county_code, changes)
    except CaseworkError as exc:
        raise _fail(exc) from None
    click.echo(f"已建立 {made.name}(编号 {made.pk})。步骤时限:")
    for each, deadline in made.deadlines().items():
        click.echo(f"  {each.value} {each.text}: {deadline.isoformat()}")


@campaign.command("open-cases", help="按兜底保障标识名单和研判结果立案(可重复运行) / Open cases (idempotent)")
@YEAR
@COUNTY
@USER
@ON
@click.option(
    "--assessments",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="研判结果文件(doudi assess --out 生成的 .jsonl) / assessment results file",
)
@click.option(
    "--assess/--no-assess", "run_rules", default=False, help="立即用政策规则研判本县家庭 / assess now"
)
@click.option(
    "--match/--no-match",
    "use_match",
    default=True,
    help="采用最近一次名册比对结果(在保情况及依据、重点对象) / use the latest match run",
)
def open_cases_command(
    year: int,
    county_code: str,
    username: str,
    on: str | None,
    assessments: Path | None,
    run_rules: bool,
    use_match: bool,
) -> None:
    from .actions import CaseworkError, open_cases, safety_net_inputs
    from .inputs import assessment_inputs, match_inputs, read_assessments, run_assessments

    user, day = login(username), parse_day(on)
    camp = _campaign(user, year, county_code)
    inputs, notes = list(safety_net_inputs(camp)), list[str]()
    try:
        if assessments is not None:
            found, notes = assessment_inputs(camp, read_assessments(assessments))
            inputs += found
        if run_rules:
            results, notes = run_assessments(camp, day)
            found, more = assessment_inputs(camp, results)
            inputs, notes = inputs + found, notes + more
        if use_match:
            found, more = match_inputs(camp, {i.household_id for i in inputs})
            inputs, notes = inputs + found, notes + more
        report = open_cases(user, camp, inputs, day)
    except (CaseworkError, ValueError) as exc:
        raise _fail(exc) from None
    for note in [*notes, *report.rejected]:
        click.echo(note, err=True)
    click.echo(f"新立案 {report.created} 户, 更新研判 {report.refreshed} 户, 无变化 {report.unchanged} 户。")


@campaign.command("status", help="各状态个案数(仅管辖范围内) / Cases per state within your scope")
@YEAR
@COUNTY
@USER
def status_command(year: int, county_code: str, username: str) -> None:
    from doudi.campaign import State

    from .queries import status

    user = login(username)
    camp = _campaign(user, year, county_code)
    counts = status(user, camp)
    click.echo(f"{camp.name}(管辖范围内共 {sum(counts.values())} 户)")
    for state in State:
        if counts.get(state.value):
            click.echo(f"  {state.text}[{state.value}]: {counts[state.value]}")


@campaign.command(
    "overdue", help="逾期个案: 哪一步、哪个乡镇和村、在谁手上 / Overdue cases by step and place"
)
@YEAR
@COUNTY
@USER
@ON
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
def overdue_command(year: int, county_code: str, username: str, on: str | None, as_json: bool) -> None:
    from .queries import overdue

    user, day = login(username), parse_day(on)
    groups = overdue(user, _campaign(user, year, county_code), day)
    if as_json:
        click.echo(json.dumps([g.as_json() for g in groups], ensure_ascii=False, indent=1))
        return
    if not groups:
        click.echo(f"截至 {day.isoformat()} 没有逾期个案。")
        return
    click.echo(f"截至 {day.isoformat()} 逾期个案 {sum(g.cases for g in groups)} 户:")
    for g in groups:
        click.echo(
            f"  {g.step.value} {g.step.text}(时限 {g.due.isoformat()}, 逾期 {g.days_late} 天) "
            f"{g.township} {g.village}: {g.state.text} {g.cases} 户, 待 {g.holder} 办理"
        )


@campaign.command("take", help="办理一个个案: 执行一项操作 / Take one transition on a case")
@click.argument("case_id", type=int)
@click.argument("transition")
@USER
@ON
@click.option(
    "--set", "values", multiple=True, help="操作内容, 如 note=入户核实 或 benefit_fen=30000 / payload"
)
def take_command(
    case_id: int, transition: str, username: str, on: str | None, values: tuple[str, ...]
) -> None:
    from doudi.campaign import State
    from doudi.registry.access import NotInScope

    from .actions import CaseworkError, take

    payload: dict[str, Any] = {}
    for item in values:
        key, _, value = item.partition("=")
        payload[key] = int(value) if key.endswith(("_fen", "_id")) and value.isdigit() else value
    try:
        case = take(login(username), case_id, transition, payload, parse_day(on))
    except (CaseworkError, NotInScope) as exc:
        raise _fail(exc) from None
    click.echo(f"个案 {case.pk}: {State(case.state).text}")


@campaign.command(
    "committee", help="记录领导小组会议并批量审定个案 / Record a committee meeting, confirm cases"
)
@YEAR
@COUNTY
@USER
@click.option("--date", "held_on", required=True, help="会议日期 YYYY-MM-DD / meeting date")
@click.option("--attendees", required=True, help="参会人员 / attendees")
@click.option(
    "--minutes", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="会议纪要文件 / minutes"
)
@click.option("--cases", "case_list", default=None, help="个案编号, 逗号分隔; 默认全部待审定 / case ids")
def committee_command(
    year: int,
    county_code: str,
    username: str,
    held_on: str,
    attendees: str,
    minutes: Path | None,
    case_list: str | None,
) -> None:
    from django.core.files import File

    from doudi.campaign import State

    from .actions import CaseworkError, confirm_in_committee
    from .queries import campaign_cases

    user, day = login(username), parse_day(held_on)
    camp = _campaign(user, year, county_code)
    if case_list:
        ids = [int(x) for x in case_list.split(",") if x.strip()]
    else:
        ready = campaign_cases(user, camp).filter(state__in=[State.APPROVED.value, State.NOT_ELIGIBLE.value])
        ids = list(ready.values_list("pk", flat=True))
    if not ids:
        raise click.ClickException("没有待审定的个案(状态为已审批纳入或复核不符合条件)")
    try:
        if minutes is not None:
            with minutes.open("rb") as fh:
                meeting = confirm_in_committee(user, camp, day, attendees, ids, day, File(fh, minutes.name))
        else:
            meeting = confirm_in_committee(user, camp, day, attendees, ids, day)
    except CaseworkError as exc:
        raise _fail(exc) from None
    click.echo(f"已记录 {day.isoformat()} 领导小组会议(编号 {meeting.pk}), 审定 {len(ids)} 户。")


@campaign.command("token", help="为账号签发 API 令牌 / Issue an API token for a login")
@USER
def token_command(username: str) -> None:
    from doudi.api.auth import issue_token

    click.echo(issue_token(login(username)))
