"""Benchmark: read + validate a 300,000-row poverty registry against python-calamine's bare read, then load it.

    .venv/bin/python bench/bench_import.py [--persons 300000] [--runs 3] [--no-load] [--file PATH]

The roster comes from `doudi synth --persons N` (cached in --workdir); if that command is not available, the
script writes a similar file itself with xlsxwriter (same header, realistic values, valid IDs). The anchor
(calamine's bare read of the same file) and the importer run in the same process, alternately, and the median of
--runs runs is reported. The load runs `doudi.registry.imports.import_roster` on a fresh SQLite database, timing
everything: read, validation, error workbook and the database transaction.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import python_calamine
import xlsxwriter

from doudi.core import ids
from doudi.core.divisions import yunnan
from doudi.core.rosters import COLUMNS, HEALTH, LABOR, RosterKind
from doudi.ingest.pipeline import ParseResult, parse_file

COUNTY = "530623"  # 盐津县, for the fallback generator
RATIO_LIMIT = 1.5
LOAD_LIMIT_S = 60.0


def calamine_read(path: Path) -> int:
    """The anchor: open the workbook and materialise every row as Python values, nothing else."""
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return sum(1 for _ in sheet.iter_rows())


def timed(fn: object, *args: object) -> tuple[float, object]:
    seconds, _, out = timed_cpu(fn, *args)
    return seconds, out


def timed_cpu(fn: object, *args: object) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds of this process (user + system), and the result."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn(*args)  # type: ignore[operator]
    return time.perf_counter() - start, time.process_time() - cpu, out


def load_average() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def roster(workdir: Path, persons: int) -> Path:
    target = workdir / f"synth-{persons}" / "poverty.xlsx"
    if target.exists():
        return target
    command = [sys.executable, "-c", "from doudi.cli import main; main()", "synth", "--persons", str(persons),
               "--out", str(target.parent), "--format", "xlsx", "--quiet"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode == 0 and target.exists():
        return target
    print(
        f"doudi synth unavailable ({done.stderr.strip()[-200:]}); writing a roster with xlsxwriter",
        flush=True,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    write_roster(target, persons)
    return target


def read_fields(result: ParseResult) -> int:
    """Read every accepted row's `fields` (each row's dict is made from its chunk's columns when first read)."""
    return sum(len(row.fields) for row in result.accepted)


def compare(path: Path, runs: int) -> dict[str, float]:
    """Median wall and CPU seconds of the anchor and of read+validate, run alternately in this process.

    Also timed, apart: reading every accepted row's `fields` dict once after the parse (the loader does), so
    that the figure for read+validate can be read with and without it.
    """
    times: dict[str, list[float]] = {k: [] for k in ("anchor", "anchor_cpu", "parse", "parse_cpu", "fields", "fields_cpu")}  # fmt: skip
    rows = 0
    for _ in range(runs):
        gc.collect()
        seconds, cpu, rows = timed_cpu(calamine_read, path)  # type: ignore[assignment]
        times["anchor"].append(seconds)
        times["anchor_cpu"].append(cpu)
        gc.collect()
        seconds, cpu, result = timed_cpu(parse_file, path, "poverty")
        times["parse"].append(seconds)
        times["parse_cpu"].append(cpu)
        fields_s, fields_cpu, _ = timed_cpu(read_fields, result)
        times["fields"].append(fields_s)
        times["fields_cpu"].append(fields_cpu)
        print(f"  run (load {load_average()}): calamine {times['anchor'][-1]:.2f} s (CPU {times['anchor_cpu'][-1]:.2f} s), "
              f"read+validate {seconds:.2f} s (CPU {cpu:.2f} s), ratio {seconds / times['anchor'][-1]:.2f} wall / "
              f"{cpu / times['anchor_cpu'][-1]:.2f} CPU; then every row's fields read {fields_s:.2f} s (CPU {fields_cpu:.2f} s); "
              f"{result.rows_read} read = {len(result.accepted)} + {len(result.rejected)}", flush=True)  # type: ignore[attr-defined]  # fmt: skip
        del result
    medians = {k: statistics.median(v) for k, v in times.items()}
    medians["rows"] = rows
    return medians


def load(path: Path, workdir: Path) -> tuple[float, float, object]:
    database = workdir / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ.update(DOUDI_DB="sqlite", DOUDI_SQLITE_PATH=str(database), DOUDI_VAR=str(workdir / "var"))
    from doudi.cli import setup_django

    setup_django()
    from django.core.management import call_command

    from doudi.registry.imports import import_roster

    call_command("migrate", interactive=False, verbosity=0)
    return timed_cpu(import_roster, path, "poverty")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, default=None)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/doudi-bench"))
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--load-only", action="store_true", help="skip the read+validate comparison")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.file or roster(args.workdir, args.persons)
    print(f"file {path} ({path.stat().st_size / 1e6:.1f} MB); {platform.python_implementation()} "
          f"{platform.python_version()}, {os.cpu_count()} cores", flush=True)  # fmt: skip
    if not args.load_only:
        report_compare(path, args.runs)
    if not args.no_load:
        before = load_average()
        seconds, cpu, result = load(path, args.workdir)
        print(f"load into SQLite (read, validate, error workbook, write): {seconds:.1f} s, CPU {cpu:.1f} s "
              f"(limit {LOAD_LIMIT_S:.0f} s; load average {before} -> {load_average()}); "
              f"{result.rows_read} read = {result.rows_accepted} + {result.rows_rejected}; created {result.created}")  # type: ignore[attr-defined]  # fmt: skip


def report_compare(path: Path, runs: int) -> None:
    m = compare(path, runs)
    print(f"rows in sheet {m['rows']:.0f}; median of {runs}: calamine read {m['anchor']:.2f} s (CPU {m['anchor_cpu']:.2f} s), "
          f"read+validate {m['parse']:.2f} s (CPU {m['parse_cpu']:.2f} s), ratio {m['parse'] / m['anchor']:.2f} wall, "
          f"{m['parse_cpu'] / m['anchor_cpu']:.2f} CPU (limit {RATIO_LIMIT}); reading every row's fields afterwards "
          f"{m['fields']:.2f} s (CPU {m['fields_cpu']:.2f} s): ratio with it {(m['parse'] + m['fields']) / m['anchor']:.2f} wall, "
          f"{(m['parse_cpu'] + m['fields_cpu']) / m['anchor_cpu']:.2f} CPU", flush=True)  # fmt: skip


# --- fallback roster writer (when doudi synth is not available) -----------------------------------------------------

_USED: set[str] = set()


def _unique_id(rng: random.Random, born: date, *, male: bool) -> str:
    while True:
        number = ids.make(COUNTY, born, rng.randint(0, 499) * 2 + int(male))
        if number not in _USED:
            _USED.add(number)
            return number


def _villages() -> list[tuple[str, str, str]]:
    yn = yunnan()
    county = yn.get(COUNTY)
    return [
        (county.name, township.name, village.name)
        for township in yn.children(county.code)
        for village in yn.children(township.code)
    ]


def _household(rng: random.Random, number: int, place: tuple[str, str, str]) -> list[list[object]]:
    size = rng.choice((1, 2, 3, 3, 4, 4, 5, 6))
    relations = ["户主", "配偶", "之子", "之女", "之子", "之女"][:size]
    income = f"{rng.randint(3000, 15000)}.{rng.randint(0, 99):02d}"
    exit_year = rng.choice(("2016", "2017", "2018", "2019", "2020"))
    rows: list[list[object]] = []
    for member, relation in enumerate(relations):
        year = rng.randint(1940, 1985) if member < 2 else rng.randint(1990, 2015)
        born = date(year, rng.randint(1, 12), rng.randint(1, 28))
        number_id = _unique_id(rng, born, male=relation in ("户主", "之子"))
        sex = "男" if int(number_id[16]) % 2 else "女"
        name = rng.choice("张王李赵刘陈杨黄") + rng.choice("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞")
        rows.append([*place, f"{COUNTY}{number:010d}", name, number_id, relation, sex, rng.choice(LABOR),
                     rng.choice(HEALTH), "", "", "", "一般贫困户", "已脱贫", exit_year,
                     rng.choice(("产业帮扶", "就业帮扶", "兜底保障")), rng.choice(("是", "否")), income])  # fmt: skip
    return rows


def write_roster(path: Path, rows: int, seed: int = 7) -> int:
    """Write a poverty roster of about `rows` person rows (whole households); return the exact count."""
    rng = random.Random(seed)
    places = _villages()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("建档立卡贫困人口")
    sheet.write_row(0, 0, [c.header for c in COLUMNS[RosterKind.POVERTY]])
    written, household = 0, 0
    while written < rows:
        household += 1
        for cells in _household(rng, household, rng.choice(places)):
            written += 1
            sheet.write_row(written, 0, cells)
    book.close()
    return written


if __name__ == "__main__":
    main()
