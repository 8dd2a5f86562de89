"""`doudi serve` and `doudi demo`: the web faces of the registry."""

from __future__ import annotations

import os

import click

from doudi.cli import setup_django


def _pending_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def default_workers() -> int:
    """One worker process per core: waitress threads share one interpreter lock, processes do not."""
    return max(1, os.cpu_count() or 1)


def can_prefork() -> bool:
    """gunicorn (pre-fork workers) runs on POSIX systems only; elsewhere waitress serves alone."""
    if os.name != "posix":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def run_server(host: str, port: int, threads: int = 8, workers: int = 1) -> None:
    """Serve the WSGI application: `workers` gunicorn processes (gthread, `threads` each) when workers > 1 and
    gunicorn can run here, else waitress in this process."""
    from django.db import connections

    connections.close_all()  # never hand an open database connection to forked workers
    click.echo(f"网页服务 / serving on http://{host}:{port}/  (Ctrl+C 停止 / to stop)")
    if workers > 1 and can_prefork():
        run_gunicorn(host, port, workers, threads)
        return
    import waitress

    from doudi.wsgi import application

    waitress.serve(application, host=host, port=port, threads=threads, ident="doudi")


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict[str, object]:
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": False,  # each worker imports Django and opens its own database connections
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "timeout": 120,  # exports of a county take seconds
        "keepalive": 5,
        "proc_name": "doudi",
    }


def run_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    options = gunicorn_options(host, port, workers, threads)

    class Doudi(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> object:
            from doudi.wsgi import application

            return application

    click.echo(f"gunicorn: {workers} 个进程 x {threads} 线程 / worker processes x threads")
    Doudi().run()


@click.command(
    help="启动网页服务 / Serve the web interface: one gunicorn worker process per core on Linux, else waitress "
    "(static files by whitenoise)."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 / address")
@click.option("--port", default=8000, show_default=True, type=int, help="端口 / port")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="工作进程数, 默认等于 CPU 核数; 1 = 单进程 waitress / worker processes (default: one per core; "
    "1 = waitress in one process; more need gunicorn on Linux)",
)
@click.option(
    "--threads", default=8, show_default=True, type=click.IntRange(min=1), help="每个进程的线程数 / threads"
)
def serve(host: str, port: int, workers: int | None, threads: int) -> None:
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
    run_server(host, port, threads=threads, workers=workers or default_workers())


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
