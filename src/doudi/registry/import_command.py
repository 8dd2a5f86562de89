"""`doudi import {poverty|dibao|tekun} FILE`: read, validate and load a roster into the registry.

Lives beside the loader (registry.imports); django is set up inside the command, so `doudi --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from doudi.core.rosters import RosterKind
from doudi.ingest.problems import FileProblem

STAGES = {"read": "读取并校验", "write": "写入数据库"}


@click.command(
    "import", help="导入名册(贫困户 poverty / 低保 dibao / 特困 tekun) / Import a roster into the registry"
)
@click.argument("kind", type=click.Choice([k.value for k in RosterKind]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sheet", default=None, help="工作表名称(默认:第一个含名册表头的工作表) / Sheet name")
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="错误清单保存路径(.xlsx) / Where to write the error workbook",
)
def import_(kind: str, file: Path, sheet: str | None, errors_path: Path | None) -> None:
    from doudi.cli import setup_django

    setup_django()
    from doudi.registry.imports import import_roster

    console = Console(stderr=True)
    roster = RosterKind(kind)
    try:
        with _bar(console) as advance:
            result = import_roster(file, roster, sheet=sheet, progress=advance, errors_path=errors_path)
    except FileProblem as exc:
        raise click.ClickException(exc.message) from None
    _report(result, roster, file)


class _bar:
    """A rich progress bar that takes the importer's (stage, done, total) callbacks."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Any:
        self.progress.start()
        return self.advance

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def advance(self, stage: str, done: int, total: int | None) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(STAGES.get(stage, stage), total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


def _local(moment: Any) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def _report(result: Any, roster: RosterKind, file: Path) -> None:
    if result.already_imported:
        click.echo(
            f"{file.name} 已于 {_local(result.batch.finished_at)} 导入(批次 {result.batch.pk}),本次未做任何修改。"
        )
    else:
        click.echo(f"{roster.label} {file.name} 导入完成(批次 {result.batch.pk})。")
    click.echo(
        f"读取 {result.rows_read} 行 = 接收 {result.rows_accepted} 行 + 退回 {result.rows_rejected} 行"
        + (f";另有 {result.warnings} 条提示" if result.warnings else "")
    )
    if result.flagged_missing:
        click.echo(f"上一版名册中有 {result.flagged_missing} 人未出现在本版中,已标记待核实(未删除)。")
    if result.error_workbook:
        click.echo(f"错误清单:{result.error_workbook}")
