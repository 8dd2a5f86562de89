"""`doudi synth`: write a synthetic county (or province) with ground truth."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from doudi.core.rosters import RosterKind
from doudi.synth.config import DEFAULT_COUNTY, FORMATS, CoverageRates, ErrorRates, SynthConfig
from doudi.synth.errors import ErrorKind
from doudi.synth.generate import Summary, generate

PROGRESS_FROM = 20_000
STATUS_LABELS = {
    "covered": "已纳入且符合条件",
    "missed": "漏保(符合条件未纳入)",
    "wrongly_covered": "错保(已纳入不符合条件)",
    "single_person": "参照单人户纳入",
    "not_eligible": "未纳入且不符合条件",
    "non_card_covered": "非卡户·已纳入且符合条件",
    "non_card_wrongly_covered": "非卡户·错保",
}


def _rates(pairs: tuple[str, ...]) -> tuple[ErrorRates, CoverageRates]:
    errors: dict[str, float] = {}
    coverage: dict[str, float] = {}
    error_names = {f.name for f in dataclasses.fields(ErrorRates)}
    coverage_names = {f.name for f in dataclasses.fields(CoverageRates)}
    for pair in pairs:
        name, _, value = pair.partition("=")
        try:
            number = float(value)
        except ValueError:
            raise click.BadParameter(
                f"“{pair}”应写成 名称=比例, 如 id_digit_typo=0.05", param_hint="--rate"
            ) from None
        if name in error_names:
            errors[name] = number
        elif name in coverage_names:
            coverage[name] = number
        else:
            known = ", ".join(sorted(error_names | coverage_names))
            raise click.BadParameter(f"没有名为“{name}”的比例; 可用: {known}", param_hint="--rate")
    try:
        return ErrorRates(**errors), CoverageRates(**coverage)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--rate") from None


def _formats(text: str) -> tuple[str, ...]:
    formats = tuple(f.strip() for f in text.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise click.BadParameter(
            f"未知格式 {','.join(unknown) or '(空)'}; 可选 {','.join(FORMATS)}", param_hint="--format"
        )
    return formats


@click.command("synth")
@click.option(
    "--persons",
    type=click.IntRange(min=1),
    default=1_000,
    show_default=True,
    help="建档立卡户人数 / persons in card households",
)
@click.option("--seed", type=int, default=1, show_default=True, help="随机种子 / random seed")
@click.option(
    "--county", default=DEFAULT_COUNTY, show_default=True, help="县级区划代码 / county code (6 digits)"
)
@click.option(
    "--province", is_flag=True, help="按村数分配到全省各县, 每县一个目录 / spread over all Yunnan counties"
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="输出目录 / output folder",
)
@click.option(
    "--format",
    "formats",
    default="xlsx,csv",
    show_default=True,
    help=f"输出格式 / formats: {','.join(FORMATS)}",
)
@click.option(
    "--rate",
    "rates",
    multiple=True,
    metavar="NAME=RATE",
    help="调整差错或覆盖比例, 可重复 / override a rate (docs/synth.md), repeatable",
)
@click.option("--quiet", is_flag=True, help="不显示进度条 / no progress bar")
@click.option(
    "--feeds", "with_feeds", is_flag=True, help="同时生成部门比对数据及真值 / also write departmental feeds"
)
def synth(
    persons: int,
    seed: int,
    county: str,
    province: bool,
    out_dir: Path,
    formats: str,
    rates: tuple[str, ...],
    quiet: bool,
    with_feeds: bool,
) -> None:
    """生成模拟县名册(建档立卡、低保、特困)及真值文件。

    Generate the three rosters of a synthetic county with planted errors, the ground truth and household facts.
    """
    errors, coverage = _rates(rates)
    try:
        config = SynthConfig(
            out_dir, persons, seed, county, province, _formats(formats), errors=errors, coverage=coverage
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    console = Console()
    started = time.monotonic()
    try:
        summary = _run(config, console, show=not quiet and persons >= PROGRESS_FROM)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    _report(console, summary, time.monotonic() - started)
    if with_feeds:
        from doudi.synth.feeds import run_feeds

        run_feeds(config.out_dir, config.formats, seed, province, console.print)


def _run(config: SynthConfig, console: Console, show: bool) -> Summary:
    if not show:
        return generate(config)
    columns = (
        TextColumn("生成中"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("人"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("synth", total=config.persons)
        return generate(config, lambda n: progress.advance(task, n))


def _report(console: Console, summary: Summary, seconds: float) -> None:
    console.print(
        f"[bold]已生成[/bold] {summary.counties} 个县, 建档立卡户人口 {summary.persons:,} 人, 用时 {seconds:.1f} 秒"
    )
    console.print(f"输出目录: {summary.out_dir}  (共 {len(summary.files)} 个文件)")
    rows = Table(title="名册行数")
    rows.add_column("名册")
    rows.add_column("行数", justify="right")
    for kind in RosterKind:
        rows.add_row(kind.label, f"{summary.rows[kind.value]:,}")
    console.print(rows)
    households = Table(title="户数(按真值)")
    households.add_column("类别")
    households.add_column("户数", justify="right")
    for status, label in STATUS_LABELS.items():
        if summary.households[status]:
            households.add_row(label, f"{summary.households[status]:,}")
    console.print(households)
    planted = Table(title="埋设的名册差错(见 truth.csv)")
    planted.add_column("差错")
    planted.add_column("代码")
    planted.add_column("行数", justify="right")
    for error in ErrorKind:
        planted.add_row(error.label, error.value, f"{summary.errors[error.value]:,}")
    console.print(planted)
