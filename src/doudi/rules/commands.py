"""`doudi assess` and `doudi rules ...`: the rules engine from the command line.

Django is imported lazily (registry mode only), so `doudi.rules` stays a pure package.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import click

from doudi.core.money import yuan
from doudi.rules.cases import case_files, run_file
from doudi.rules.engine import Assessment
from doudi.rules.engine import assess as assess_household
from doudi.rules.io import InvalidHousehold, household_from_json
from doudi.rules.model import Household
from doudi.rules.parameters import ParameterError, default_table
from doudi.rules.reasons import Outcome
from doudi.rules.timelines import TimelineError


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期 {value!r} 无效, 应写 YYYY-MM-DD") from None


def read_households(path: Path) -> Iterator[tuple[int, Household | str]]:
    """(line number, household or error message) for each household of a .jsonl (or .json list) file."""
    if path.suffix == ".json":
        records = json.loads(path.read_text(encoding="utf-8"))
        lines: list[tuple[int, Any]] = list(enumerate(records if isinstance(records, list) else [records], 1))
    else:
        lines = []
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        lines.append((number, json.loads(line)))
                    except json.JSONDecodeError as exc:
                        lines.append((number, f"不是有效的 JSON: {exc.msg}(第 {exc.colno} 列)"))
    for number, record in lines:
        if isinstance(record, str):
            yield number, f"{path.name} 第 {number} 行: {record}"
            continue
        try:
            yield number, household_from_json(record, "household")
        except InvalidHousehold as exc:
            yield number, f"{path.name} 第 {number} 行: {exc}"


def _row(a: Assessment) -> list[Any]:
    return [
        a.household_id,
        a.region,
        a.outcome.text,
        ",".join(r.value for r in a.reasons),
        ";".join(r.text for r in a.reasons),
        a.benefit / 100,
        a.tekun_total / 100,
        a.single_person_total / 100,
        a.total / 100,
        "是" if a.edge else "",
        a.review_months or "",
        a.parameter_version,
    ]


HEADERS = [
    "户编号",
    "区划代码",
    "研判结论",
    "理由代码",
    "理由",
    "低保金(元/月)",
    "特困供养(元/月)",
    "单人户保障(元/月)",
    "合计(元/月)",
    "低保边缘",
    "复核周期(月)",
    "参数版本",
]


def write_xlsx(path: Path, results: list[Assessment]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("研判结果")
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, HEADERS)
    for i, a in enumerate(results, 1):
        for j, cell in enumerate(_row(a)):
            sheet.write(i, j, cell, money if 5 <= j <= 8 else None)
    book.close()


def _assess_file(path: Path, on: date, region: str | None) -> tuple[list[Assessment], list[str]]:
    results, errors = [], []
    for number, item in read_households(path):
        if isinstance(item, str):
            errors.append(item)
            continue
        if region and not item.region.startswith(region):
            continue
        try:
            results.append(assess_household(item, on))
        except (ParameterError, TimelineError) as exc:
            errors.append(f"{path.name} 第 {number} 行(户 {item.household_id}): {exc}")
    return results, errors


def _assess_registry(day: date, region: str | None) -> tuple[list[Assessment], list[str]]:
    """The registry's households (Django is loaded here only)."""
    from doudi.cli import setup_django

    setup_django()
    from doudi.registry.assessment import store_assessments

    results, errors, version = store_assessments(day, region)
    click.echo(f"已研判登记库中 {len(results)} 户并保存结果(参数版本 {version})。", err=True)
    return results, errors


def _write(out: Path | None, results: list[Assessment], explain: bool) -> None:
    if out is not None and out.suffix == ".xlsx":
        write_xlsx(out, results)
        return
    stream = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        for a in results:
            stream.write(json.dumps(a.as_json(explanation=explain), ensure_ascii=False) + "\n")
    finally:
        if out:
            stream.close()


def _summary(results: list[Assessment]) -> str:
    counts = Counter(a.outcome for a in results)
    lines = [f"共研判 {len(results)} 户:"]
    lines += [f"  {o.text}: {counts[o]}" for o in Outcome if counts[o]]
    lines.append(
        f"  每月低保金合计 {yuan(sum(a.benefit for a in results))} 元, "
        f"特困供养合计 {yuan(sum(a.tekun_total for a in results))} 元, "
        f"单人户保障合计 {yuan(sum(a.single_person_total for a in results))} 元"
    )
    return "\n".join(lines)


@click.command("assess")
@click.option(
    "--file",
    "file_",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="家庭数据文件(.jsonl, 每行一户; 格式见 docs/rules.md) / households file; without it: the registry",
)
@click.option("--date", "on", required=True, help="研判日期 YYYY-MM-DD / assessment date")
@click.option(
    "--region", default=None, help="只研判该区划代码下的家庭 / only households under this division code"
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="结果文件 .jsonl 或 .xlsx(默认输出到屏幕) / results file",
)
@click.option("--explain/--no-explain", default=True, help="JSON 结果含计算过程 / include explanations")
@click.option(
    "--text", is_flag=True, help="按中文文字逐户输出研判说明 / print each explanation as Chinese text"
)
def assess(
    file_: Path | None, on: str, region: str | None, out: Path | None, explain: bool, text: bool
) -> None:
    """按政策规则研判家庭是否符合低保、特困供养等条件 / Assess households against the rules."""
    day = _date(on)
    try:
        results, errors = _assess_file(file_, day, region) if file_ else _assess_registry(day, region)
    except ParameterError as exc:
        raise click.ClickException(str(exc)) from None
    if text:
        for a in results:
            click.echo(a.render() + "\n")
    else:
        _write(out, results, explain)
    for error in errors:
        click.echo(error, err=True)
    click.echo(_summary(results), err=True)
    if errors:
        raise click.ClickException(f"{len(errors)} 户数据有误未研判, 请按以上提示修改后重新运行")


@click.group("rules")
def rules() -> None:
    """政策规则: 运行规则案例、查看参数 / Rules: run rule cases, show parameters."""


@rules.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-v", "--verbose", is_flag=True, help="列出每个通过的案例 / list passing cases too")
def test(paths: tuple[Path, ...], verbose: bool) -> None:
    """运行 YAML 规则案例 / Run YAML rule cases (tests/rules/*.yaml)."""
    passed = failed = 0
    for path in case_files(list(paths)):
        for result in run_file(path):
            if result.ok:
                passed += 1
                if verbose:
                    click.echo(f"✓ {result.report()}")
            else:
                failed += 1
                click.echo(f"✗ {result.report()}")
    click.echo(f"通过 {passed} 个, 失败 {failed} 个")
    if failed:
        raise SystemExit(1)


@rules.command("params")
@click.option("--date", "on", required=True, help="日期 YYYY-MM-DD")
@click.option("--region", default="53", help="区划代码(县、州市或省)")
def params(on: str, region: str) -> None:
    """列出某日某地生效的政策参数及依据 / Show the parameters in force on a date in a region."""
    try:
        table = default_table()
    except ParameterError as exc:
        raise click.ClickException(str(exc)) from None
    pset = table.at(_date(on), region)
    click.echo(f"参数版本 {table.version}; {region} 于 {on} 生效的参数:")
    for name in table.definitions:
        if pset.has(name):
            value = pset.get(name)
            click.echo(
                f"  {name} = {json.dumps(value.as_json()['value'], ensure_ascii=False)}  ← {value.cite()}"
            )
