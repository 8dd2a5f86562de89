"""`doudi watch`: reviews due, recording a review, change events, death rosters, the monthly payroll and the
early-warning lists. Every command acts as a named login (`--user`) through the access layer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from doudi.registry.cli_args import login, parse_day, parse_month

USER = click.option("--user", "username", required=True, help="以哪个账号办理 / act as this login")
REGION = click.option("--region", default="", help="区划代码前缀(县6位/乡镇9位/村12位) / region code prefix")
ON = click.option("--on", "on", default=None, help="日期 YYYY-MM-DD, 默认今天 / the day")


def _household(user: Any, number: str) -> Any:
    from doudi.registry.access import households_for

    h = households_for(user).filter(household_no=number).first()
    if h is None and number.isdigit():
        h = households_for(user).filter(pk=int(number)).first()
    if h is None:
        raise click.ClickException(f"没有找到户编号 {number} 的家庭户(或不在您的管辖范围内)")
    return h


@click.group(
    "watch", help="动态管理: 定期核查、家庭变化、月度发放、预警 / Reviews, changes, payroll, early warning"
)
def watch() -> None:
    from doudi.cli import setup_django

    setup_django()


@watch.command("reviews-due", help="按村列出到期应核查的在保家庭 / Reviews due, by village")
@USER
@REGION
@ON
def reviews_due_cmd(username: str, region: str, on: str | None) -> None:
    from .queries import reviews_due

    day = parse_day(on)
    by_village = reviews_due(login(username), day, region)
    total = sum(len(v) for v in by_village.values())
    click.echo(f"截至 {day.isoformat()} 到期应核查 {total} 户")
    for village, items in by_village.items():
        click.echo(f"{village}: {len(items)} 户")
        for item in items:
            h = item.household
            click.echo(
                f"  {h.household_no or h.pk} 上次核查 {item.last_review.isoformat()} "
                f"周期 {item.months} 个月 应于 {item.due:%Y-%m} 核查"
            )
    from .queries import open_flags

    flags = open_flags(login(username), region)
    click.echo(f"新版名册中缺失、待核查人员 {len(flags)} 人")
    for flag in flags:
        where = flag.household.household_no if flag.household else "-"
        click.echo(f"  {flag.village_code} {flag.person.name} 户编号 {where} ({flag.batch.file_name})")


@watch.command("review", help="登记一次定期核查并按研判结果增发/减发/停发 / Record a review")
@USER
@click.option("--household", required=True, help="户编号 / household number")
@ON
@click.option("--effective", default=None, help="生效月份 YYYY-MM, 默认核查当月 / effective month")
@click.option("--income", "incomes", multiple=True, help="核查收入 类型=元(近12个月), 如 wage=8000 / income")
@click.option("--irregular", is_flag=True, help="收入不稳定 / income is irregular")
def review_cmd(
    username: str,
    household: str,
    on: str | None,
    effective: str | None,
    incomes: tuple[str, ...],
    irregular: bool,
) -> None:
    from doudi.core.money import parse_yuan, yuan

    from .actions import NewIncome, ReviewInput, WatchError, record_review

    user = login(username)
    day = parse_day(on)
    items = []
    for raw in incomes:
        kind, _, amount = raw.partition("=")
        fen = parse_yuan(amount)
        if not kind or fen is None:
            raise click.BadParameter(f"收入 {raw!r} 无效, 应写 类型=金额(元), 如 wage=8000")
        items.append(NewIncome(kind.strip(), fen))
    try:
        review = record_review(
            user,
            _household(user, household),
            ReviewInput(day, parse_month(effective) if effective else day, irregular, items),
        )
    except WatchError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"核查已登记: {review.get_decision_display()}, 月保障金 {yuan(review.amount_before_fen)} 元 -> "
        f"{yuan(review.amount_after_fen)} 元, 自 {review.effective_month:%Y-%m} 起"
        + (f"; 下次核查 {review.next_due:%Y-%m}" if review.next_due else "")
    )


@watch.command(
    "deaths", help="导入死亡登记名册(姓名、身份证号、死亡日期) / Import a death-registration roster"
)
@USER
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def deaths_cmd(username: str, path: Path) -> None:
    from .actions import WatchError
    from .deaths import import_deaths

    try:
        report = import_deaths(login(username), path)
    except WatchError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{report.file_name}: 读取 {report.read} 行, 接收 {report.accepted} 行, 拒收 {len(report.rejected)} 行"
    )
    for problem in report.rejected:
        click.echo(f"  {problem}")


@watch.command("payroll", help="某月某地区应发名单及乡镇、县合计 / Monthly payroll")
@USER
@REGION
@click.option("--month", required=True, help="月份 YYYY-MM / month")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="导出 Excel / xlsx file"
)
def payroll_cmd(username: str, region: str, month: str, out: Path | None) -> None:
    from doudi.core.money import yuan
    from doudi.monitor.payroll import changes, totals
    from doudi.registry.audit import record
    from doudi.rules.timelines import add_months

    from .queries import payroll

    user = login(username)
    first = parse_month(month)
    lines = payroll(user, first, region)
    diff = changes(payroll(user, add_months(first, -1), region), lines)
    click.echo(f"{first:%Y-%m} 应发 {len(lines)} 笔, 合计 {yuan(sum(x.amount for x in lines))} 元")
    for code, fen in totals(lines, 6).items():
        click.echo(f"  县 {code}: {yuan(fen)} 元")
    for code, fen in totals(lines, 9).items():
        click.echo(f"  乡镇 {code}: {yuan(fen)} 元")
    click.echo(f"较上月变动 {len(diff)} 笔")
    for c in diff:
        click.echo(
            f"  {c.household} {c.person} {c.kind.text}: {yuan(c.before)} -> {yuan(c.after)} 元, {c.why}"
        )
    if out is not None:
        from .export import write_payroll

        write_payroll(out, f"{first:%Y-%m}", lines, diff)
        record(user, "export", None, region, kind="payroll", month=f"{first:%Y-%m}", rows=len(lines))
        click.echo(f"已导出 {out}")


@watch.command("warnings", help="按村列出返贫和新增致贫预警户 / Early-warning lists by village")
@USER
@REGION
@ON
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="导出 Excel / xlsx file"
)
def warnings_cmd(username: str, region: str, on: str | None, out: Path | None) -> None:
    from doudi.registry.audit import record

    from .queries import store_warning_counts, warnings

    user = login(username)
    day = parse_day(on)
    by_village = warnings(user, day, region)
    store_warning_counts(user, day, region, by_village)  # the dashboard and the monthly report read these
    click.echo(f"预警 {sum(len(v) for v in by_village.values())} 户")
    for village, entries in by_village.items():
        click.echo(f"{village}: {len(entries)} 户")
        for e in entries:
            for f in e.findings:
                click.echo(f"  {e.household.household_no or e.household.pk} [{f.signal.value}] {f.why}")
            if e.last_visit is not None:
                click.echo(f"    上次走访 {e.last_visit.visited_on}: {e.last_visit.get_result_display()}")
    if out is not None:
        from .export import write_warnings

        write_warnings(out, by_village)
        record(
            user, "export", None, region, kind="warnings", households=sum(len(v) for v in by_village.values())
        )
        click.echo(f"已导出 {out}")


@watch.command("reserve", help="乡镇临时救助备用金余额及逾期未补材料 / Reserve-fund balances, overdue papers")
@USER
@ON
def reserve_cmd(username: str, on: str | None) -> None:
    from doudi.core.money import yuan

    from .temporary import balances, documents_overdue

    user = login(username)
    for fund, fen in balances(user):
        click.echo(f"{fund.township_code} {fund.name}: 余额 {yuan(fen)} 元".replace("  ", " "))
    overdue = documents_overdue(user, parse_day(on))
    click.echo(f"先行救助逾期未补齐材料 {len(overdue)} 笔")
    for g in overdue:
        click.echo(
            f"  {g.household.household_no or g.household_id} {g.event_key} 应于 {g.documents_due} 前补齐"
        )


@watch.command("change", help="登记家庭变化并重新研判 / Record a change event and reassess the household")
@USER
@click.option("--household", required=True, help="户编号 / household number")
@click.option(
    "--kind",
    required=True,
    help="birth/death/move/income/disability/illness/roster 出生/死亡/迁出/收入/残疾/重病/名册",
)
@click.option("--person", "id_number", default=None, help="相关成员身份证号 / the member's resident ID")
@ON
@click.option("--source", default="", help="信息来源 / where the news came from")
def change_cmd(
    username: str, household: str, kind: str, id_number: str | None, on: str | None, source: str
) -> None:
    from doudi.core.money import yuan
    from doudi.registry.access import NotInScope, get_person_by_id_number

    from .actions import WatchError, record_change

    user = login(username)
    h = _household(user, household)
    try:
        person = get_person_by_id_number(user, id_number) if id_number else None
        event = record_change(user, h, kind, parse_day(on), person, source=source)
    except NotInScope:
        raise click.ClickException(f"没有找到身份证号为 {id_number} 的人员(或不在您的管辖范围内)") from None
    except WatchError as exc:
        raise click.ClickException(str(exc)) from None
    verdict = "研判结果有变化, 需重新审核" if event.needs_action else "研判结果无变化"
    click.echo(
        f"已登记{event.get_kind_display()}: 月救助 {yuan(event.total_before_fen)} 元 -> "
        f"{yuan(event.total_after_fen)} 元, {verdict}; 重新打开个案 {event.cases_reopened} 件"
    )


@watch.command("visit", help="登记对预警户的走访及结果 / Record a visit to a household on a warning list")
@USER
@click.option("--household", required=True, help="户编号 / household number")
@click.option(
    "--result", required=True, help="applied/referred/monitor/no_need 已引导申请/已转介/继续跟踪/无需救助"
)
@click.option("--signal", "signals", multiple=True, help="预警类型, 如 edge / warning signal")
@click.option("--note", default="", help="情况说明 / note")
@ON
def visit_cmd(
    username: str, household: str, result: str, signals: tuple[str, ...], note: str, on: str | None
) -> None:
    from .actions import WatchError, record_visit

    user = login(username)
    try:
        visit = record_visit(user, _household(user, household), parse_day(on), result, list(signals), note)
    except WatchError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已登记走访: {visit.household.household_no} {visit.visited_on} {visit.get_result_display()}")


@watch.command(
    "what-if", help="测算提高农村低保标准的新增、退出户数和每月资金 / What-if: a higher rural standard"
)
@USER
@REGION
@ON
@click.option(
    "--standard", required=True, help="新的农村低保年标准(元), 如 5000 / new rural standard, yuan/year"
)
@click.option(
    "--parquet",
    "parquet",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="全省测算: 按列存储的家庭数据目录(doudi.rules.columnar) / a province in Parquet columns",
)
@click.option(
    "--counties",
    default="",
    help="与 --parquet 同用: 提标的县(6位代码, 逗号分隔), 默认 --region / with --parquet: counties that raise",
)
def what_if_cmd(
    username: str, region: str, on: str | None, standard: str, parquet: Path | None, counties: str
) -> None:
    from doudi.core.money import parse_yuan, yuan

    from .queries import what_if

    fen = parse_yuan(standard)
    if fen is None or fen <= 0:
        raise click.BadParameter(f"标准 {standard!r} 无效, 应写年标准金额(元), 如 5000")
    day = parse_day(on)
    user = login(username)
    if parquet is not None:
        _province_what_if(user, parquet, counties or region, day, fen)
        return
    r = what_if(user, day, region, fen)
    click.echo(
        f"自 {day.isoformat()} 起农村低保年标准按 {yuan(fen)} 元测算: 研判 {r.households} 户, 新增 {r.gained} 户, "
        f"退出 {r.lost} 户; 每月资金 {yuan(r.monthly_cost_before)} 元 -> {yuan(r.monthly_cost_after)} 元 "
        f"(增加 {yuan(r.monthly_difference)} 元)"
    )


def _province_what_if(user: Any, parquet: Path, counties: str, since: Any, fen: int) -> None:
    from doudi.core.money import yuan
    from doudi.monitor.whatif import province_what_if
    from doudi.registry.access import in_scope
    from doudi.rules.columnar import read_parquet

    chosen = {c.strip() for c in counties.split(",") if c.strip()}
    bad = sorted(c for c in chosen if len(c) != 6 or not c.isdigit())
    if not chosen or bad:
        raise click.BadParameter(
            f"提标的县 {', '.join(bad) or '(未填)'} 无效; 请用 --counties 写 6 位县级区划代码, 逗号分隔"
        )
    outside = sorted(c for c in chosen if not in_scope(user, c))
    if outside:
        raise click.ClickException(f"县 {', '.join(outside)} 不在您的管辖范围内")
    try:
        cols = read_parquet(parquet)
        r = province_what_if(cols, chosen, since, fen)
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"自 {since.isoformat()} 起 {', '.join(sorted(chosen))} 农村低保年标准按 {yuan(fen)} 元测算:")
    click.echo("县\t研判户数\t新增户数\t退出户数\t每月资金(元, 测算前)\t每月资金(元, 测算后)\t每月增加(元)")
    for code, w in r.counties.items():
        if code in chosen:
            click.echo(
                f"{code}\t{w.households}\t{w.gained}\t{w.lost}\t{yuan(w.monthly_cost_before)}\t"
                f"{yuan(w.monthly_cost_after)}\t{yuan(w.monthly_difference)}"
            )
    t = r.total
    click.echo(
        f"全部 {t.households} 户: 新增 {t.gained} 户, 退出 {t.lost} 户; 每月增加 {yuan(t.monthly_difference)} 元, "
        f"当年({r.months_this_year} 个月)增加 {yuan(t.monthly_difference * r.months_this_year)} 元"
    )


@watch.command(
    "refusal", help="登记拒绝参加扶贫项目/就业推荐/配合核查的情况(P6) / Record a refusal or acceptance"
)
@USER
@click.option("--person", "id_number", required=True, help="身份证号 / resident ID")
@click.option(
    "--response", required=True, help="refused/refused_valid/accepted 无正当理由拒绝/有正当理由/已参加"
)
@click.option("--kind", default="project", help="project/employment/verification 扶贫项目/就业推荐/配合核查")
@click.option("--note", default="", help="情况说明(有正当理由的须写明) / note")
@ON
def refusal_cmd(username: str, id_number: str, response: str, kind: str, note: str, on: str | None) -> None:
    from doudi.registry.access import NotInScope, get_person_by_id_number

    from .actions import WatchError
    from .sanctions import record_refusal

    user = login(username)
    try:
        person = get_person_by_id_number(user, id_number)
        refusal = record_refusal(user, person, parse_day(on), response, kind, note)
    except NotInScope:
        raise click.ClickException(f"没有找到身份证号为 {id_number} 的人员(或不在您的管辖范围内)") from None
    except WatchError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"已登记: {refusal.person.name} {refusal.offered_on} {refusal.get_kind_display()} "
        f"{refusal.get_response_display()}"
    )


@watch.command("close-exits", help="渐退期满的低保终止(每月初运行) / End dibao whose gradual exit is over")
@USER
@REGION
@ON
def close_exits_cmd(username: str, region: str, on: str | None) -> None:
    from .actions import close_gradual_exits

    day = parse_day(on)
    closed = close_gradual_exits(login(username), day, region)
    click.echo(f"截至 {day.isoformat()} 渐退期满、终止低保 {len(closed)} 户")
    for e in closed:
        click.echo(f"  {e.household.household_no or e.household_id} 渐退期至 {e.end_date}, 自次月起停发")


@watch.command(
    "simulate",
    help="模拟一个县逐月经历死亡、出生、迁移、核查、拒绝就业和临时救助(改写数据库, 仅用于演示或测试库) / "
    "Live a county through N months of events (writes to the database: demo or test databases only)",
)
@USER
@click.option("--region", required=True, help="县级区划代码 / county code")
@click.option("--from", "start", required=True, help="起始月份 YYYY-MM / first month")
@click.option("--months", default=24, show_default=True, type=click.IntRange(1, 120), help="月数 / months")
@click.option("--seed", default=0, show_default=True, help="随机种子 / seed")
def simulate_cmd(username: str, region: str, start: str, months: int, seed: int) -> None:
    from doudi.core.money import yuan

    from .actions import WatchError
    from .simulate import live

    try:
        run = live(login(username), region, parse_month(start), months, seed=seed)
    except WatchError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("月份     死亡 出生 迁移 核查 渐退结束 临时救助 重复申请拒绝 发放人次 发放金额(元)")
    for m in run.months:
        click.echo(
            f"{m.month:%Y-%m} {m.deaths:5d} {m.births:4d} {m.moves:4d} {m.reviews:4d} {m.exits:8d} "
            f"{m.grants:8d} {m.repeats_refused:12d} {m.lines:8d} {yuan(m.total_fen):>14}"
        )
    decisions = "、".join(f"{k} {v}" for k, v in sorted(run.decisions().items())) or "无"
    click.echo(f"核查结论: {decisions}")
    if run.violations:
        for v in run.violations:
            click.echo(f"违规: {v}", err=True)
        raise SystemExit(1)
    click.echo("未发现重复发放、向已死亡人员发放或重复救助")
