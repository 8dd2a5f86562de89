"""`doudi serve` and `doudi demo`: the web faces of the registry."""

from __future__ import annotations

import click

from doudi.cli import setup_django


def _pending_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run_server(host: str, port: int, threads: int = 8) -> None:
    import waitress

    from doudi.wsgi import application

    click.echo(f"网页服务 / serving on http://{host}:{port}/  (Ctrl+C 停止 / to stop)")
    waitress.serve(application, host=host, port=port, threads=threads, ident="doudi")


@click.command(help="启动网页服务 / Serve the web interface (waitress, static files by whitenoise).")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 / address")
@click.option("--port", default=8000, show_default=True, type=int, help="端口 / port")
def serve(host: str, port: int) -> None:
    setup_django()
    from django.conf import settings

    if host not in _LOOPBACK and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        raise click.ClickException(
            f"在 {host} 上对外服务前, 请设置环境变量 DOUDI_SECRET_KEY 为一个随机长字符串(见 docs/deployment.md) / "
            "set DOUDI_SECRET_KEY before serving on a non-loopback address"
        )
    pending = _pending_migrations()
    if pending:
        raise click.ClickException(
            f"数据库还有 {len(pending)} 个迁移未执行,请先运行 `doudi db migrate` / pending migrations: {pending[:3]}"
        )
    run_server(host, port)


DEMO_COUNTY = "530523"  # 龙陵县, 保山市: its parameter file raises the standard from a date (rules demo)
DEMO_PERSONS = 3_000
DEMO_SEED = 2020


@click.command(help="生成并载入演示县, 运行全流程, 启动网页服务 / Demo county end to end, then serve.")
@click.option("--county", default=DEMO_COUNTY, show_default=True, help="县级区划代码 / county code")
@click.option(
    "--persons", default=DEMO_PERSONS, show_default=True, type=int, help="建档立卡人数 / registry persons"
)
@click.option("--seed", default=DEMO_SEED, show_default=True, type=int, help="随机种子 / seed")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="只准备数据, 不启动服务 / prepare only, do not serve")
def demo(county: str, persons: int, seed: int, host: str, port: int, no_serve: bool) -> None:
    setup_django()
    from doudi.web import demo as pipeline

    logins = pipeline.run(county=county, persons=persons, seed=seed, echo=click.echo)
    pipeline.print_logins(logins, host, port)
    if not no_serve:
        run_server(host, port)
