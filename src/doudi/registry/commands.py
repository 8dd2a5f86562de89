"""`doudi db`: database migrations and users."""

from __future__ import annotations

import sys

import click


@click.group("db", help="数据库管理 / Database: migrate, users")
def db() -> None:
    from doudi.cli import setup_django

    setup_django()


@db.command("migrate", help="建立或升级数据库表结构 / Create or upgrade the database schema")
@click.option("-v", "--verbosity", default=1, type=click.IntRange(0, 3), help="输出详细程度 / Verbosity 0-3")
def migrate(verbosity: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=verbosity)
    click.echo(f"数据库已是最新结构({connection.vendor})。")


@db.command("shell", help="打开 Django 交互环境(已导入模型) / Django shell with the models imported")
@click.option("-c", "--command", default=None, help="执行一段代码后退出 / Run this code and exit")
def shell(command: str | None) -> None:
    from django.core.management import call_command

    call_command("shell", command=command)


@db.command(
    "create-demo-users", help="为某县创建各角色演示账号 / Create one demo login per role for a county"
)
@click.option("--county", "county_code", required=True, help="县级区划代码(6位), 如 532923 / County code")
def create_demo_users_command(county_code: str) -> None:
    from .users import DemoSetupError, create_demo_users

    try:
        rows = create_demo_users(county_code)
    except DemoSetupError as exc:
        raise click.ClickException(
            f"{exc}。请用 6 位县级统计区划代码(NBS 2023 版), 如 532923 祥云县。"
        ) from None
    _print_users(rows)


def _print_users(rows: list[tuple[str, str, str, str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    from .models import Role
    from .users import scope_name

    table = Table(title="演示账号(仅供演示, 密码请勿用于生产环境)")
    for header in ("用户名", "密码", "角色", "管辖区划", "区划名称"):
        table.add_column(header)
    for username, password, role, scope in rows:
        table.add_row(username, password, str(Role(role).label), scope or "全部", scope_name(scope))
    Console(width=120).print(table)


@db.command(
    "create-user", help="创建或更新账号(角色、管辖区划) / Create or update a login with its role and scope"
)
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(
        [
            "village",
            "township",
            "county_civil",
            "county_poverty",
            "county_committee",
            "prefecture",
            "province",
            "admin",
        ]
    ),
    help="角色 / role",
)
@click.option(
    "--scope", default="", help="管辖区划代码: 村12位, 乡镇9位, 县6位, 州市4位, 省2位; 管理员可留空 / scope"
)
@click.option("--name", "full_name", default="", help="姓名 / the person's name")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码 / read the password from stdin")
def create_user_command(username: str, role: str, scope: str, full_name: str, password_stdin: bool) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from .audit import record
    from .users import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
    try:
        validate_password(password)
        user = create_user(username, password, role, scope, first_name=full_name)
    except ValidationError as exc:
        raise click.ClickException("; ".join(exc.messages)) from None
    record(None, "create_user", user, region_code=scope, username=username, role=role)
    click.echo(f"账号 {username} 已保存(角色 {role}, 管辖区划 {scope or '全部'})。")
