"""Benchmark `doudi synth`: a county of N persons (median of several runs) against an anchor measured in the
same run, plus one larger province run to show that memory stays flat.

Anchor: the time xlsxwriter (constant_memory, public `write_row`) takes to write the same number of rows with
the same number of columns, without any generation logic. Each measurement runs in its own process, so peak
RSS (resource.getrusage ru_maxrss of that process and its writer child) is per measurement.

    .venv/bin/python bench/bench_synth.py                      # 300,000 persons x 3, province 1,000,000 x 1
    .venv/bin/python bench/bench_synth.py --persons 20000 --runs 1 --large 0
    .venv/bin/python bench/bench_synth.py --runs 0 --large 8000000   # the province only
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run_generate(persons: int, province: bool, out: str) -> dict[str, float]:
    from doudi.synth import SynthConfig, generate

    started, cpu = time.perf_counter(), _cpu()
    summary = generate(SynthConfig(out_dir=Path(out), persons=persons, seed=1, province=province))
    return {
        "seconds": time.perf_counter() - started,
        "cpu": _cpu() - cpu,
        "peak_mb": _peak_mb(),
        "rows": sum(summary.rows.values()),
        **{f"rows_{k}": v for k, v in summary.rows.items()},
        "bytes": sum(p.stat().st_size for p in summary.files),
    }


def run_anchor(rows: dict[str, int], out: str) -> dict[str, float]:
    """Write the same rows x columns with xlsxwriter's public API, constant memory, fixed cell values."""
    import xlsxwriter

    from doudi.core.rosters import COLUMNS, RosterKind

    started, cpu = time.perf_counter(), _cpu()
    for kind in RosterKind:
        book = xlsxwriter.Workbook(str(Path(out) / f"{kind.value}.xlsx"), {"constant_memory": True})
        sheet = book.add_worksheet()
        headers = [c.header for c in COLUMNS[kind]]
        row = ["530627199001011234" if i % 3 == 0 else "镇雄县" for i in range(len(headers))]
        sheet.write_row(0, 0, headers)
        for number in range(1, rows[kind.value] + 1):
            sheet.write_row(number, 0, row)
        book.close()
    return {"seconds": time.perf_counter() - started, "cpu": _cpu() - cpu, "peak_mb": _peak_mb()}


def _child(task: dict[str, object]) -> dict[str, float]:
    """Run one measurement in a fresh interpreter."""
    code = "import json,sys; sys.path.insert(0,'bench'); import bench_synth as b; t=json.loads(sys.argv[1]); "
    code += "print(json.dumps(getattr(b, t.pop('fn'))(**t)))"
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(task)], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--large", type=int, default=1_000_000, help="province run size (0 = skip)")
    args = parser.parse_args()
    gens, anchors = [], []
    for i in range(args.runs):
        with tempfile.TemporaryDirectory() as out:
            gen = _child({"fn": "run_generate", "persons": args.persons, "province": False, "out": out})
        rows = {k: int(gen[f"rows_{k}"]) for k in ("poverty", "dibao", "tekun")}
        with tempfile.TemporaryDirectory() as out:
            anchor = _child({"fn": "run_anchor", "rows": rows, "out": out})
        gens.append(gen)
        anchors.append(anchor)
        print(
            f"run {i + 1}: synth {gen['seconds']:.1f} s wall, {gen['cpu']:.1f} s cpu, peak {gen['peak_mb']:.0f} MB, "
            f"{gen['rows']:,} roster rows ({gen['bytes'] / 1e6:.0f} MB); "
            f"anchor xlsxwriter {anchor['seconds']:.1f} s wall, {anchor['cpu']:.1f} s cpu",
            flush=True,
        )
    if gens:
        median = statistics.median(g["seconds"] for g in gens)
        anchor_median = statistics.median(a["seconds"] for a in anchors)
        print(
            f"{args.persons:,} persons: synth median {median:.1f} s (cpu {statistics.median(g['cpu'] for g in gens):.1f} s)"
            f"; anchor median {anchor_median:.1f} s; ratio {median / anchor_median:.2f}; "
            f"peak RSS {max(g['peak_mb'] for g in gens):.0f} MB"
        )
    if args.large:
        with tempfile.TemporaryDirectory() as out:
            big = _child({"fn": "run_generate", "persons": args.large, "province": True, "out": out})
        per_million = big["seconds"] / args.large * 1e6
        print(
            f"province {args.large:,} persons: {big['seconds']:.1f} s wall, {big['cpu']:.1f} s cpu, peak "
            f"{big['peak_mb']:.0f} MB, {big['rows']:,} rows, {big['bytes'] / 1e9:.2f} GB; "
            f"extrapolated 8,000,000 persons: {per_million * 8 / 60:.0f} min, {big['bytes'] / args.large * 8e6 / 1e9:.0f} GB"
        )


if __name__ == "__main__":
    main()
