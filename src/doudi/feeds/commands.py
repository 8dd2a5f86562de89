"""`doudi feeds`: import the departments' feeds and check a county (issue #10)."""

from __future__ import annotations

from pathlib import Path

import click

from doudi.registry.cli_args import login, parse_day


@click.group("feeds", help="部门比对数据: 导入、核查 / Departmental feeds: import and check")
def feeds() -> None:
    from doudi.cli import setup_django

    setup_django()


@feeds.command("import", help="导入文件夹中的部门数据及核对授权登记 / Import every feed file of a folder")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--user", "username", default=None, help="以哪个账号导入(默认不限区划) / act as this login")
@click.option("--on", "on", default=None, help="数据日期 YYYY-MM-DD, 默认今天 / date of the data")
def import_(folder: Path, username: str | None, on: str | None) -> None:
    from doudi.ingest.problems import FileProblem

    from .imports import AuthorisationResult, import_folder

    user = login(username) if username else None
    try:
        results = import_folder(folder, user, parse_day(on))
    except FileProblem as exc:
        raise click.ClickException(exc.message) from None
    for result in results:
        if isinstance(result, AuthorisationResult):
            click.echo(f"{result.file_name}: 读取 {result.rows_read} 行, 记录授权 {result.recorded} 户")
            for line in result.problems[:20]:
                click.echo(f"  {line}")
            continue
        b = result.batch
        state = "已导入过, 未重复导入" if result.already_imported else "导入完成"
        click.echo(
            f"{b.file_name}({b.get_kind_display()}): {state}; 读取 {b.rows_read} 行 = 接收 {b.rows_accepted}"
            f" + 退回 {b.rows_rejected}; 按身份证号关联登记人员 {b.rows_linked} 行(其余在核查前由比对引擎关联)"
        )
        for line in result.lines[:20]:
            click.echo(f"  {line}")


@feeds.command(
    "check", help="比对核查: 诚信核查、重点人群发现, 并立案 / Run the checks and open review cases"
)
@click.option("--county", "county", required=True, help="县级区划代码(6位) / county code")
@click.option("--user", "username", required=True, help="以哪个账号办理(县民政局) / act as this login")
@click.option("--on", "on", default=None, help="核查日期 YYYY-MM-DD, 默认今天 / date of the check")
@click.option("--year", type=int, default=None, help="立案到哪一年的行动(默认最近一年) / campaign year")
def check(county: str, username: str, on: str | None, year: int | None) -> None:
    from doudi.casework.actions import CaseworkError
    from doudi.evidence.model import LABELS, Code

    from .checking import run_checks

    try:
        report = run_checks(login(username), county, parse_day(on), year)
    except CaseworkError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{county}: 核查家庭户 {report.households} 户; 未授权(不使用经济状况数据)的在保户 {report.unauthorised} 户"
    )
    linked = report.links.linked
    click.echo(
        f"比对引擎关联: 核查前未关联 {report.links.unlinked_before} 人, 本次关联 同户姓名一致 "
        f"{linked.get('household', 0)} 人、概率匹配 {linked.get('probabilistic', 0)} 人"
        f"、身份证号一致 {linked.get('exact', 0)} 人"
    )
    for code, count in sorted(report.found.items()):
        click.echo(f"  {code} {LABELS[Code(code)]}: {count}")
    click.echo(
        f"新发现 {report.new_findings} 条; 新立案 {report.cases_opened} 件; 重新研判 {report.cases_reopened} 件"
    )
    for note in report.notes:
        click.echo(note)


@feeds.command("file-relative", help="记录村干部或经办人员的近亲属备案 / Record a near-relative filing")
@click.option("--county", "county", required=True, help="县级区划代码(6位) / county code")
@click.option("--year", type=int, required=True, help="行动年度 / campaign year")
@click.option("--user", "username", required=True, help="以哪个账号记录 / act as this login")
@click.option("--official-id", required=True, help="干部(经办人员)身份证号 / the official's resident ID")
@click.option("--official-name", required=True, help="干部(经办人员)姓名 / the official's name")
@click.option("--role", "official_role", required=True, help="职务, 如 村委会主任 / the official's post")
@click.option(
    "--official-login", default=None, help="该干部的系统账号(将不能办理该户个案) / the official's login"
)
@click.option("--relative-id", required=True, help="近亲属身份证号 / the relative's resident ID")
@click.option("--relation", required=True, help="亲属关系, 如 父子 / relation")
@click.option("--on", "on", default=None, help="备案日期 YYYY-MM-DD, 默认今天 / filing date")
def file_relative(
    county: str,
    year: int,
    username: str,
    official_id: str,
    official_name: str,
    official_role: str,
    official_login: str | None,
    relative_id: str,
    relation: str,
    on: str | None,
) -> None:
    from doudi.casework.access import campaigns_for
    from doudi.casework.actions import CaseworkError
    from doudi.core import ids
    from doudi.linkage.clean import clean_id
    from doudi.registry import access

    from .conflicts import record_filing

    user = login(username)
    campaign = campaigns_for(user).filter(year=year, county_code=county).first()
    if campaign is None:
        raise click.ClickException(
            f"没有找到 {county} {year} 年的兜底保障行动; 请先运行 doudi campaign create"
        )
    official, valid, _ = clean_id(official_id.strip())
    if not valid:
        raise click.BadParameter(f"干部身份证号 {official_id} 无效, 请核对", param_hint="--official-id")
    relative_number, _, _ = clean_id(relative_id.strip())
    try:
        relative = access.get_person_by_id_number(user, relative_number)
        filing = record_filing(user, campaign, official_id_number=official, official_name=official_name,
                               official_role=official_role, relative=relative, relation=relation,
                               filed_on=parse_day(on), official_user=login(official_login) if official_login else None)  # fmt: skip
    except access.NotInScope:
        raise click.ClickException(
            f"登记库中没有身份证号为 {ids.mask(relative_number)} 的人员(或不在您的管辖范围内)"
        ) from None
    except CaseworkError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已备案(编号 {filing.pk}): {official_name}({official_role})与 {relative.name} 为{relation}")
