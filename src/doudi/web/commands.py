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
    pending = _pending_migrations()
    if pending:
        raise click.ClickException(
            f"数据库还有 {len(pending)} 个迁移未执行,请先运行 `doudi db migrate` / pending migrations: {pending[:3]}"
        )
    run_server(host, port)
