"""Benchmark and 24-month run (issue 9): a synthetic county lived through 24 months of events, through the real
write paths (doudi.watch.simulate), with the figures the issue asks for each month.

    .venv/bin/python bench/bench_watch_months.py [--households 500] [--months 24] [--seed 1]

Sets up a fresh SQLite database in a temporary directory with the county of bench/bench_watch.py (N card
households of 3 persons in 祥云县; 1/4 in dibao, 1/20 with a tekun head, 1/50 with temporary assistance), then
for each month from 2021-01: deaths, births and moves (record_change), the reviews due that month with a new
income (record_review: 增发/减发/渐退/停发), two workers refusing projects three times then joining (P6),
temporary assistance with a repeated application for the same event (which must be refused), and the month's
payroll, checked: no key paid twice, nobody paid after the month of death, no stopped or expired enrolment paid.
Printed: one line per month, the totals, CPU seconds per month (median) and the violations (must be none).
Anchor in the same run: one payroll of the county (bench_watch's measure).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bench_watch import COUNTY, populate, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from django.contrib.auth.models import User

        from doudi.core.money import yuan
        from doudi.registry import models as m
        from doudi.watch.queries import payroll
        from doudi.watch.simulate import live

        populate(args.households)
        admin = User.objects.create_superuser("bench", password="x")
        start = time.perf_counter()
        anchor = time.process_time()
        payroll(admin, date(2021, 1, 1), COUNTY)
        anchor = time.process_time() - anchor
        wall = time.perf_counter()
        run = live(admin, COUNTY, date(2021, 1, 1), args.months, args.seed)
        wall = time.perf_counter() - wall
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}; sqlite"
        )
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(
            f"{args.households} households, {m.Person.objects.count()} persons at the end; seed {args.seed}"
        )
        print(
            "month   deaths births moves flagged 渐退期满 reviews 增发 减发 渐退 停发 维持 P6记录 P6扣减 临时救助 重复拒绝 发放笔数 渐退笔数 合计(元) CPU(s)"
        )
        for x in run.months:
            d = x.decisions
            print(
                f"{x.month:%Y-%m} {x.deaths:6} {x.births:6} {x.moves:5} {x.needs_action:7} {x.exits:8} {x.reviews:7} "
                f"{d['increase']:4} {d['decrease']:4} {d['gradual_exit']:4} {d['stop']:4} {d['unchanged']:4} "
                f"{x.refusals:6} {x.cut_lines:6} {x.grants:8} {x.repeats_refused:8} {x.lines:8} "
                f"{x.gradual_lines:8} {yuan(x.total_fen):>14} {x.cpu_seconds:6.2f}"
            )
        d = run.decisions()
        print(
            f"totals: deaths {run.total('deaths')}, births {run.total('births')}, moves {run.total('moves')}, "
            f"events needing action {run.total('needs_action')}, gradual exits over {run.total('exits')}, reviews {run.total('reviews')} "
            f"(增发 {d['increase']}, 减发 {d['decrease']}, 渐退 {d['gradual_exit']}, 停发 {d['stop']}, "
            f"维持 {d['unchanged']}), temporary grants {run.total('grants')} "
            f"(repeats refused {run.total('repeats_refused')})"
        )
        print(
            f"enrolments now: active {m.DibaoEnrolment.objects.filter(status='active').count()}, "
            f"gradual exit {m.DibaoEnrolment.objects.filter(status='gradual_exit').count()}, "
            f"ended {m.DibaoEnrolment.objects.filter(status='ended').count()}"
        )
        cpu = [x.cpu_seconds for x in run.months]
        print(
            f"CPU per month: median {statistics.median(cpu):.2f} s, max {max(cpu):.2f} s; whole run "
            f"{wall:.1f} s wall, {sum(cpu):.1f} s CPU; anchor (one payroll of the county) {anchor:.2f} s CPU; "
            f"total {time.perf_counter() - start:.1f} s"
        )
        print(f"violations: {len(run.violations)}")
        for v in run.violations[:20]:
            print(f"  {v}")


if __name__ == "__main__":
    main()
