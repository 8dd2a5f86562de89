"""`doudi match`: over roster files (--poverty/--dibao/--tekun --out) or over the registry (--user).

The registry side of `doudi.linkage`: the file mode needs no database; the registry mode (--user) sets Django up.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

from doudi.linkage.pipeline import Thresholds

ROSTER_OPTIONS = (
    ("poverty", "建档立卡贫困人口名册"),
    ("dibao", "农村低保对象名册"),
    ("tekun", "特困供养人员名册"),
)


def _load_model(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        model: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(
            f"无法读取模型文件 {path}: {exc};请给出 doudi match 输出的 模型.json"
        ) from exc
    if "comparisons" not in model:
        raise click.ClickException(
            f"{path} 不是比对模型(缺少 comparisons);请给出 doudi match 输出的 模型.json"
        )
    return model


def _progress(console: Any) -> Any:
    started = time.perf_counter()
    names = {
        "clean": "清洗身份证号和姓名",
        "exact": "身份证号精确比对",
        "train": "训练模型(EM)",
        "model": "载入内置模型",
        "probabilistic": "概率比对",
        "households": "同户关联与户分类",
    }
    return lambda stage: console.print(f"[{time.perf_counter() - started:6.1f}s] {names.get(stage, stage)}…")


def _summary(console: Any, counts: dict[str, Any]) -> None:
    from rich.table import Table

    from doudi.linkage.coverage import CLASS_LABELS

    labels = {
        "poverty_records": "建档立卡人员",
        "roll_records": "低保特困人员",
        "duplicates": "名册内重复",
        "auto_links": "自动链接",
        "review_links": "人工复核",
        "unmatched_poverty": "建档立卡未匹配",
        "unmatched_rolls": "低保特困未匹配",
        "roll_only_households": "仅在救助名册的户",
    }
    table = Table(title="比对汇总")
    table.add_column("项目")
    table.add_column("数量", justify="right")
    for key, value in counts.items():
        if isinstance(value, dict):
            continue
        label = labels.get(key) or "建档立卡户:" + CLASS_LABELS.get(key.removeprefix("households_"), key)
        table.add_row(label, str(value))
    console.print(table)


@click.command("match")
@click.option(
    "--poverty",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="建档立卡名册文件 / poverty roster",
)
@click.option(
    "--dibao", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="低保名册文件 / dibao roll"
)
@click.option(
    "--tekun", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="特困名册文件 / tekun roll"
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="结果输出目录 / output folder")
@click.option(
    "--user", "username", help="按该用户的管辖范围比对登记库 / match the registry in this user's scope"
)
@click.option(
    "--model",
    "model_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="已训练的模型 JSON / a trained model",
)
@click.option(
    "--train/--no-train",
    default=None,
    help="是否用本次数据训练模型(默认:数据足够多时训练) / train EM on this data",
)
@click.option("--auto-threshold", type=float, default=0.99, show_default=True, help="自动链接的匹配概率下限")
@click.option("--review-threshold", type=float, default=0.5, show_default=True, help="人工复核的匹配概率下限")
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="概率比对的计算引擎(spark 需安装 doudi[spark] 和 Java 17) / engine of the probabilistic stage",
)
def match(
    poverty: Path | None,
    dibao: Path | None,
    tekun: Path | None,
    out: Path | None,
    username: str | None,
    model_path: Path | None,
    train: bool | None,
    auto_threshold: float,
    review_threshold: float,
    engine: str,
) -> None:
    """比对建档立卡贫困人口与低保、特困名册:先按身份证号精确比对,再概率比对,最后按户分类。

    Cross-match the poverty registry with the dibao and tekun rolls: exact on the cleaned ID, then Fellegi-Sunter
    (Splink on DuckDB or Spark), then household classes. Give roster files and --out, or --user to match the registry.
    """
    from rich.console import Console

    console = Console()
    try:
        thresholds = Thresholds(auto_threshold, review_threshold)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    model = _load_model(model_path)
    if poverty is not None or dibao is not None or tekun is not None:
        counts = _files(console, poverty, dibao, tekun, out, model, train, thresholds, engine)
    elif username:
        counts = _registry(console, username, model, train, thresholds, engine)
    else:
        raise click.UsageError(
            "请给出名册文件(--poverty 与 --dibao/--tekun,以及 --out),或用 --user 比对登记库"
        )
    _summary(console, counts)


def _files(
    console: Any,
    poverty: Path | None,
    dibao: Path | None,
    tekun: Path | None,
    out: Path | None,
    model: dict[str, Any] | None,
    train: bool | None,
    thresholds: Thresholds,
    engine: str,
) -> dict[str, Any]:
    import pandas as pd

    from doudi.ingest.problems import FileProblem
    from doudi.linkage import export, pipeline
    from doudi.linkage.columns import read_frame
    from doudi.linkage.engines import EngineError

    if poverty is None or (dibao is None and tekun is None) or out is None:
        raise click.UsageError("按文件比对需要 --poverty、--dibao 或 --tekun(至少一个)以及 --out")
    read = {}
    for key, path in (("poverty", poverty), ("dibao", dibao), ("tekun", tekun)):
        if path is None:
            continue
        console.print(f"读取{dict(ROSTER_OPTIONS)[key]} {path.name}…")
        try:
            read[key] = read_frame(path, key)
        except FileProblem as exc:
            raise click.ClickException(exc.message) from exc
    rolls = pd.concat([read[key].records for key in ("dibao", "tekun") if key in read], ignore_index=True)
    try:
        result = pipeline.run(
            read["poverty"].records, rolls, model=model, train=train, thresholds=thresholds,
            progress=_progress(console), engine=engine,
        )  # fmt: skip
    except EngineError as exc:
        raise click.ClickException(str(exc)) from exc
    written = export.write(result, out)  # rows written twice in a file are in result.duplicates
    console.print(f"结果已写入 {out}:{', '.join(p.name for p in written)}")
    return result.counts()


def _registry(
    console: Any,
    username: str,
    model: dict[str, Any] | None,
    train: bool | None,
    thresholds: Thresholds,
    engine: str,
) -> dict[str, Any]:
    from doudi.cli import setup_django

    setup_django()
    from django.contrib.auth import get_user_model

    from doudi.matching.actions import MatchError, run_match

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.ClickException(f"没有名为“{username}”的有效用户;请用 doudi db 查看或创建用户")
    try:
        run = run_match(user, engine=engine, model=model, train=train, thresholds=thresholds,
                        progress=_progress(console))  # fmt: skip
    except MatchError as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(f"比对运行 {run.pk} 已保存(复核队列 {run.counts.get('review_links', 0)} 条)")
    counts: dict[str, Any] = run.counts
    return counts
