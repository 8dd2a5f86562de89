"""The exact stage: records sharing a cleaned ID, with a name-agreement check.

Agreeing names (the same, a homophone, or one variant character) link automatically; the same ID under a different
name goes to clerical review (a wrong ID copied from a relative, or a changed name).
"""

from __future__ import annotations

import pandas as pd

from doudi.linkage import links
from doudi.linkage.links import AUTO, EXACT_WEIGHT, REVIEW


def exact_stage(poverty: pd.DataFrame, rolls: pd.DataFrame) -> pd.DataFrame:
    cols = ["uid", "id", "id_valid", "name_clean", "pinyin"]
    left = poverty.loc[poverty["id"] != "", cols]
    right = rolls.loc[rolls["id"] != "", cols]
    pairs = left.merge(right, on="id", suffixes=("_l", "_r"))
    agreement = [
        links.name_agreement(a, b, pa, pb)
        for a, b, pa, pb in zip(
            pairs["name_clean_l"].tolist(),
            pairs["name_clean_r"].tolist(),
            pairs["pinyin_l"].tolist(),
            pairs["pinyin_r"].tolist(),
            strict=True,
        )
    ]
    bands = [REVIEW if a == "differs" else AUTO for a in agreement]
    weights = [EXACT_WEIGHT if b == AUTO else 0.0 for b in bands]
    probabilities = [1.0 if b == AUTO else 0.5 for b in bands]
    evidence = [
        {"stage": "exact", "fields": {"id": "exact", "name": a}, "id_valid": bool(v)}
        for a, v in zip(agreement, pairs["id_valid_l"].tolist(), strict=True)
    ]
    return links.make(
        list(pairs["uid_l"]), list(pairs["uid_r"]), "exact", bands, weights, probabilities, evidence
    )
