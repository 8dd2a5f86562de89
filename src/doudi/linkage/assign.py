"""One-to-one links: each poverty record links to at most one record of each roll, each roll record to at most one
poverty record. Conflicts are resolved by the best match weight (greedy, highest first; ties by uid, so runs are
reproducible)."""

from __future__ import annotations

import pandas as pd

from doudi.linkage.links import AUTO


def one_to_one(candidates: pd.DataFrame, roster_of: dict[str, str]) -> pd.DataFrame:
    """The candidates kept; automatic links are placed before review candidates of any weight."""
    if candidates.empty:
        return candidates
    ordered = candidates.assign(
        _auto=(candidates["band"] == AUTO).astype(int), _roster=candidates["uid_r"].map(roster_of)
    ).sort_values(["_auto", "match_weight", "uid_l", "uid_r"], ascending=[False, False, True, True])
    used_l: set[tuple[str, str]] = set()
    used_r: set[str] = set()
    keep: list[bool] = []
    for uid_l, uid_r, roster in zip(
        ordered["uid_l"].tolist(), ordered["uid_r"].tolist(), ordered["_roster"].tolist(), strict=True
    ):
        ok = (uid_l, roster) not in used_l and uid_r not in used_r
        keep.append(ok)
        if ok:
            used_l.add((uid_l, roster))
            used_r.add(uid_r)
    kept = ordered.loc[keep].drop(columns=["_auto", "_roster"])
    return kept.reset_index(drop=True)
