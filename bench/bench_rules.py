"""Rules engine speed: the vectorised batch path vs. the per-household path (the anchor), in the same run.

    .venv/bin/python bench/bench_rules.py [--households 100000] [--anchor 5000] [--runs 3] [--date 2022-03-01]

Generates seeded households (doudi.rules.sample; --unique distinct ones, repeated), then times
  - flatten: households -> columns (the layout Parquet or a database query would give directly),
  - batch: assess_batch on the columns (vectorised, plus the few fallback households per household),
  - anchor: the per-household path `assess` with explanations, on the first --anchor households,
and checks on the anchor sample that both paths agree to the fen. Prints medians of --runs runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from doudi.rules.batch import OUTCOMES, assess_batch, flatten
from doudi.rules.engine import assess
from doudi.rules.parameters import default_table
from doudi.rules.sample import households


def _median_time(fn: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--anchor", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--date", default="2022-03-01")
    parser.add_argument("--complex-share", type=float, default=0.02)
    parser.add_argument(
        "--unique", type=int, default=20_000, help="distinct households, repeated to --households"
    )
    args = parser.parse_args()
    on = date.fromisoformat(args.date)
    table = default_table()

    start = time.perf_counter()
    distinct = households(min(args.unique, args.households), on, seed=42, complex_share=args.complex_share)
    hs = (distinct * (args.households // len(distinct) + 1))[: args.households]
    generated = time.perf_counter() - start
    persons = sum(len(h.members) for h in hs)

    flat = _median_time(lambda: flatten(hs), args.runs)
    cols = flatten(hs)
    result = assess_batch(hs, on, table, cols)
    batch = _median_time(lambda: assess_batch(hs, on, table, cols), args.runs)
    vector = _median_time(lambda: assess_batch(hs, on, table, cols, run_fallback=False), args.runs)
    sample = hs[: args.anchor]
    anchor = _median_time(lambda: [assess(h, on) for h in sample], args.runs)

    for i, h in enumerate(sample):
        a = assess(h, on)
        assert (OUTCOMES[result.outcome[i]], int(result.benefit[i]), int(result.tekun[i])) == (
            a.outcome,
            a.benefit,
            a.tekun_total,
        ), h.household_id
    total = int(result.benefit.sum()) + int(result.tekun.sum()) + int(result.single.sum())

    batch_rate = args.households / batch
    anchor_rate = args.anchor / anchor
    print(
        f"households {args.households:,} ({len(distinct):,} distinct) persons {persons:,} "
        f"(generated in {generated:.1f} s), date {on}"
    )
    print(f"fallback to per-household path: {int(result.fallback.sum()):,} households")
    print(f"flatten (households -> columns): {flat:.3f} s  ({args.households / flat:,.0f} households/s)")
    print(f"batch assess, vectorised part:   {vector:.3f} s  ({args.households / vector:,.0f} households/s)")
    print(f"batch assess incl. fallback:     {batch:.3f} s  ({batch_rate:,.0f} households/s)")
    print(
        f"anchor per-household assess:     {anchor:.3f} s for {args.anchor:,}  ({anchor_rate:,.0f} households/s)"
    )
    print(
        f"ratio batch / anchor: {batch_rate / anchor_rate:.1f}x; with flatten: "
        f"{args.households / (batch + flat) / anchor_rate:.1f}x"
    )
    print(
        f"monthly total {total / 100:,.2f} yuan (exact fen, sum of household amounts); anchor sample agrees"
    )


if __name__ == "__main__":
    main()
