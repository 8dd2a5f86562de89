"""Candidate links and their evidence: the one shape every stage returns (exact, probabilistic, household)."""

from __future__ import annotations

from typing import Any

import pandas as pd

COLUMNS = ["uid_l", "uid_r", "stage", "band", "match_weight", "match_probability", "evidence"]
AUTO = "auto"  # 自动链接
REVIEW = "review"  # 人工复核
BANDS = (AUTO, REVIEW)
EXACT_WEIGHT = 40.0  # an exact cleaned-ID match with agreeing names outranks any probabilistic score


def empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})


def make(
    uid_l: list[str],
    uid_r: list[str],
    stage: str,
    band: list[str],
    weight: list[float],
    probability: list[float],
    evidence: list[dict[str, Any]],
) -> pd.DataFrame:
    if not uid_l:
        return empty()
    return pd.DataFrame(
        {
            "uid_l": uid_l,
            "uid_r": uid_r,
            "stage": stage,
            "band": band,
            "match_weight": weight,
            "match_probability": probability,
            "evidence": evidence,
        }
    )


def name_agreement(a: str, b: str, pinyin_a: str, pinyin_b: str) -> str:
    """exact / same_pinyin (homophone) / one_character (variant) / differs."""
    if a == b:
        return "exact"
    if pinyin_a == pinyin_b:
        return "same_pinyin"
    if len(a) == len(b) and len(a) >= 2 and sum(x != y for x, y in zip(a, b, strict=True)) == 1:
        return "one_character"
    return "differs"
