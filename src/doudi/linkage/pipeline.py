"""The whole linkage, from canonical records to bands and household classes (`run`)."""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from doudi.linkage import identity, links, probabilistic
from doudi.linkage.assign import one_to_one
from doudi.linkage.clean import clean
from doudi.linkage.coverage import classify
from doudi.linkage.duplicates import split_duplicates
from doudi.linkage.engines import DUCKDB, check
from doudi.linkage.exact import exact_stage
from doudi.linkage.households import household_stage
from doudi.linkage.links import AUTO, REVIEW
from doudi.linkage.model import label_of, level_labels, shipped_model

Progress = Callable[[str], None]
MIN_TRAIN = 2_000  # fewer poverty or roll records than this: use the shipped model rather than train
MAX_TRAIN = 60_000  # more: train on a sample of villages (the same villages on both sides)


@dataclass(frozen=True)
class Thresholds:
    """Match probability bands of the probabilistic stage: >= auto links, >= review goes to clerical review."""

    auto: float = 0.99
    review: float = 0.5

    def __post_init__(self) -> None:
        if not 0 < self.review <= self.auto <= 1:
            raise ValueError(f"阈值应满足 0 < 复核阈值({self.review}) <= 自动阈值({self.auto}) <= 1")


@dataclass
class LinkageResult:
    poverty: pd.DataFrame  # cleaned poverty records kept for linking
    rolls: pd.DataFrame  # cleaned dibao and tekun records kept for linking
    duplicates: pd.DataFrame  # within-roster duplicates, reported and left out
    links: pd.DataFrame  # one-to-one links, both bands
    households: pd.DataFrame  # card households with their class
    roll_only: pd.DataFrame  # roll households with no member in the registry
    model: dict[str, Any]
    trained: bool
    thresholds: Thresholds
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds per stage
    cpu_timings: dict[str, float] = field(default_factory=dict)  # process CPU seconds per stage (all threads)

    @property
    def auto(self) -> pd.DataFrame:
        return self.links.loc[self.links["band"] == AUTO]

    @property
    def review(self) -> pd.DataFrame:
        return self.links.loc[self.links["band"] == REVIEW]

    def unmatched(self, side: str) -> pd.DataFrame:
        frame, column = (self.poverty, "uid_l") if side == "poverty" else (self.rolls, "uid_r")
        return frame.loc[~frame["uid"].isin(self.links[column])]

    def counts(self) -> dict[str, int]:
        classes = self.households["class"].value_counts().to_dict() if len(self.households) else {}
        return {
            "poverty_records": len(self.poverty),
            "roll_records": len(self.rolls),
            "duplicates": len(self.duplicates),
            "auto_links": len(self.auto),
            "review_links": len(self.review),
            "unmatched_poverty": len(self.unmatched("poverty")),
            "unmatched_rolls": len(self.unmatched("rolls")),
            "roll_only_households": len(self.roll_only),
            **{f"households_{k}": int(v) for k, v in sorted(classes.items())},
        }


def run(
    poverty: pd.DataFrame,
    rolls: pd.DataFrame,
    *,
    model: dict[str, Any] | None = None,
    train: bool | None = None,
    thresholds: Thresholds | None = None,
    progress: Progress | None = None,
    engine: str = DUCKDB,
) -> LinkageResult:
    """Link canonical records (doudi.linkage.records.frame) of the poverty registry to the dibao and tekun rolls.

    `model`: a trained Splink model (JSON dict); else train when `train` is True, or when it is None and the data is
    large enough (MIN_TRAIN); else the shipped model. `engine`: where the probabilistic stage runs (duckdb, spark);
    training always runs on DuckDB (on a sample), and the model it gives runs on either.
    """
    thresholds = thresholds or Thresholds()
    check(engine)
    say = progress or (lambda _stage: None)
    timings: dict[str, float] = {}
    cpu_timings: dict[str, float] = {}
    clock = _Clock(timings, cpu_timings)
    say("clean")
    p, p_dups = split_duplicates(clean(poverty))
    r, r_dups = split_duplicates(clean(rolls))
    clock("clean")
    say("exact")
    exact = exact_stage(p, r)
    clock("exact")
    trained = False
    if model is None:
        trained = bool(train) if train is not None else (len(p) >= MIN_TRAIN and len(r) >= MIN_TRAIN)
        say("train" if trained else "model")
        model = probabilistic.train(*_training_sample(p, r)) if trained else shipped_model()
        clock("train")
    say("probabilistic")
    auto = exact.loc[exact["band"] == AUTO]
    done = auto["uid_l"].to_numpy(dtype=object), auto["uid_r"].to_numpy(dtype=object)
    scored = probabilistic.predict(
        p.loc[~p["uid"].isin(done[0])], r.loc[~r["uid"].isin(done[1])], model, thresholds.review, engine
    )
    # Two valid IDs more than one slip apart are two persons (doudi.linkage.identity): rejected; one slip apart:
    # possibly the same person, never linked automatically.
    capped, rejected = identity.verdicts(scored, p, r)
    keep = [not x for x in rejected]
    scored, capped = (
        scored.loc[keep].reset_index(drop=True),
        [c for c, k in zip(capped, keep, strict=True) if k],
    )
    candidates = pd.concat([exact, _bands(scored, model, thresholds, capped)], ignore_index=True)
    roster_of = dict(zip(r["uid"].tolist(), r["roster"].tolist(), strict=True))
    kept = one_to_one(candidates, roster_of)
    clock("probabilistic")
    say("households")
    family = household_stage(p, r, kept)
    family = family.loc[[not x for x in identity.verdicts(family, p, r, heads=False)[1]]]
    candidates = pd.concat([candidates, family], ignore_index=True)
    kept = one_to_one(candidates, roster_of)
    kept["roster_r"] = kept["uid_r"].map(roster_of)
    households, roll_only = classify(p, r, kept)
    clock("households")
    return LinkageResult(
        p, r, pd.concat([p_dups, r_dups], ignore_index=True), kept, households, roll_only,
        model, trained, thresholds, timings, cpu_timings,
    )  # fmt: skip


class _Clock:
    def __init__(self, timings: dict[str, float], cpu: dict[str, float]) -> None:
        self.timings, self.cpu = timings, cpu
        self.last, self.last_cpu = time.perf_counter(), time.process_time()

    def __call__(self, stage: str) -> None:
        now, now_cpu = time.perf_counter(), time.process_time()
        self.timings[stage] = round(now - self.last, 3)
        self.cpu[stage] = round(now_cpu - self.last_cpu, 3)
        self.last, self.last_cpu = now, now_cpu


def _training_sample(p: pd.DataFrame, r: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All records, or the records of a deterministic sample of villages (matches stay together)."""
    if len(p) <= MAX_TRAIN:
        return p, r
    share = MAX_TRAIN / len(p)
    villages = pd.unique(pd.concat([p["village"], r["village"]]))
    chosen = {v for v in villages if zlib.crc32(str(v).encode()) % 10_000 < share * 10_000}
    return p.loc[p["village"].isin(chosen)], r.loc[r["village"].isin(chosen)]


def _bands(
    scored: pd.DataFrame, model: dict[str, Any], thresholds: Thresholds, capped: list[bool]
) -> pd.DataFrame:
    if scored.empty:
        return links.empty()
    labels = level_labels(model)
    factors = [c for c in scored.columns if c.startswith("bf_")]
    names = [f.removeprefix("bf_") for f in factors]
    seen: dict[tuple[str, float], str] = {}  # a field's factors repeat (one per level): read each level once

    def label(name: str, value: float) -> str:
        if (name, value) not in seen:
            seen[name, value] = label_of(labels[name], value)
        return seen[name, value]

    evidence = [
        {
            "stage": "probabilistic",
            "fields": {name: label(name, float(v)) for name, v in zip(names, values, strict=True)},
            "match_weight": round(float(w), 3),
            "match_probability": round(float(pr), 6),
        }
        for values, w, pr in zip(
            scored[factors].itertuples(index=False, name=None),
            scored["match_weight"].tolist(),
            scored["match_probability"].tolist(),
            strict=True,
        )
    ]
    bands = [
        AUTO if pr >= thresholds.auto and not cap else REVIEW
        for pr, cap in zip(scored["match_probability"].tolist(), capped, strict=True)
    ]
    return links.make(
        list(scored["uid_l"]),
        list(scored["uid_r"]),
        "probabilistic",
        bands,
        [float(w) for w in scored["match_weight"]],
        [float(pr) for pr in scored["match_probability"]],
        evidence,
    )
