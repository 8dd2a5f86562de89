"""Benchmark: the province what-if (issue 9: a province in at most 30 s): the cost and the households gained or
lost if counties raise their rural dibao standard from a date.

    .venv/bin/python bench/bench_whatif.py [--households 2500000] [--runs 3] [--counties 530523,532923]

Input: the rules benchmark's province (bench/bench_rules.py): 20,000 seeded households of `doudi.rules.sample`
(2 % complex) repeated to --households rows, written by its writer (`_write_input`, i.e.
`doudi.rules.columnar.write_parquet`) and cached under /tmp/watch/province_v<format>_<households>_<unique>_<share>
(the first run writes it in a child process). Timed per run, wall and CPU:
  - read: `doudi.rules.columnar.read_parquet`,
  - what-if: `doudi.monitor.whatif.province_what_if` (the whole province assessed with the base parameters, the
    chosen counties' households again with the raised standard, summed by county),
  - end to end: read + what-if (the figure against the 30 s target; `doudi watch what-if --parquet` does this),
  - the anchor, in the same run: one `doudi.rules.batch.assess_batch` over the province (what a single
    assessment of the same columns costs).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from doudi.core.money import yuan
from doudi.monitor.whatif import RURAL_STANDARD, province_what_if
from doudi.rules.batch import assess_batch
from doudi.rules.columnar import FORMAT, read_parquet
from doudi.rules.parameters import default_table

ON = date(2022, 3, 1)


def _write(directory: Path, n: int, unique: int, share: float) -> None:
    """The rules benchmark's writer (bench/bench_rules.py), so both benchmarks read the same province."""
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_rules import _write_input

    _write_input(directory, n, unique, share, ON)


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=2_500_000)
    parser.add_argument("--unique", type=int, default=20_000)
    parser.add_argument("--complex-share", type=float, default=0.02)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--counties", default="530523,532923")
    parser.add_argument("--raise-yuan", type=int, default=600, help="yearly standard increase, yuan")
    parser.add_argument("--since", default="2022-03-01")
    args = parser.parse_args()
    directory = Path(f"/tmp/watch/province_v{FORMAT}_{args.households}_{args.unique}_{args.complex_share}")
    if not (directory / "full.parquet").exists():
        child = multiprocessing.get_context("spawn").Process(
            target=_write, args=(directory, args.households, args.unique, args.complex_share)
        )
        child.start()
        child.join()
        if child.exitcode:
            raise SystemExit(f"writing the Parquet input into {directory} failed")
    since = date.fromisoformat(args.since)
    counties = {c.strip() for c in args.counties.split(",") if c.strip()}
    value = max(default_table().at(since, c).fen(RURAL_STANDARD) for c in counties) + args.raise_yuan * 100
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}")
    print(f"input {directory}: {sum(f.stat().st_size for f in directory.iterdir()) / 1e6:.0f} MB")
    reads, whatifs, ends, anchors = [], [], [], []
    result = None
    for _ in range(args.runs):
        cols, rw, rc = _timed(lambda: read_parquet(directory))
        result, ww, wc = _timed(lambda: province_what_if(cols, counties, since, value))  # noqa: B023
        _, aw, ac = _timed(lambda: assess_batch(None, since, cols=cols))  # noqa: B023
        reads.append((rw, rc))
        whatifs.append((ww, wc))
        ends.append((rw + ww, rc + wc))
        anchors.append((aw, ac))
        cols = None  # freed before the next read
    assert result is not None
    t = result.total
    print(
        f"{t.households} households; counties {', '.join(sorted(counties))} to {yuan(value)} yuan/year from "
        f"{since}: gained {t.gained}, lost {t.lost}; monthly {yuan(t.monthly_cost_before)} -> "
        f"{yuan(t.monthly_cost_after)} yuan (+{yuan(t.monthly_difference)})"
    )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    def med(pairs: list[tuple[float, float]]) -> str:
        return f"wall {statistics.median(p[0] for p in pairs):.2f} s, CPU {statistics.median(p[1] for p in pairs):.2f} s"

    print(f"read Parquet: {med(reads)}")
    print(f"what-if: {med(whatifs)}")
    print(f"end to end (read + what-if): {med(ends)}")
    print(f"anchor, one assess_batch over the province: {med(anchors)}")


if __name__ == "__main__":
    main()
