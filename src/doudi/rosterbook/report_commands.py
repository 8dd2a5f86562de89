"""`doudi report monthly`: the monthly report (一月一分析) of a county, numbered and signed like a roster version.

A scheduler can run it at month end, e.g. `doudi report monthly --county 532923 --month 2020-03 --signer X`.
"""

from __future__ import annotations

from pathlib import Path

import click

from doudi.cli import setup_django

from .commands import issue_and_print


@click.group("report")
def report() -> None:
    """月度分析报告(一月一分析) / Monthly reports."""


@report.command("monthly")
@click.option("--county", "region", required=True, help="县代码(6位),或乡镇代码(9位) / division code")
@click.option("--month", required=True, help="月份 YYYY-MM / the month")
@click.option("--signer", "signer_name", required=True, help="签发人用户名 / signer")
@click.option("--reviewer", "reviewer_name", help="审核人用户名 / reviewer")
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="输出目录 / output folder"
)
@click.option(
    "--format", "formats", multiple=True, type=click.Choice(["xlsx", "pdf"]), help="默认两种 / default both"
)
def monthly(
    region: str,
    month: str,
    signer_name: str,
    reviewer_name: str | None,
    out_dir: Path | None,
    formats: tuple[str, ...],
) -> None:
    """生成并签发月度分析报告(Excel、PDF,含图表) / Issue the monthly report with charts (Excel and PDF)."""
    setup_django()
    from django.conf import settings

    from doudi.reports.monthly import KIND

    target = out_dir or Path(settings.VAR_DIR) / "reports" / region
    issue_and_print(KIND, region, signer_name, reviewer_name, month, target, formats)


__all__ = ["report"]
