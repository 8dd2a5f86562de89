"""The household post-step: members still unlinked inside two households already linked through other members.

Children without an ID yet have nothing for the ID stages to hold on to; their household does. Within each pair of
linked households, an unlinked member on each side links when the birth years agree (where both are known) and
either the name is the same (automatic; the relation may differ, as the rolls may name another head) or the pinyin
and the relation to the head are the same (review).
"""

from __future__ import annotations

import pandas as pd

from doudi.linkage import links
from doudi.linkage.links import AUTO, REVIEW

HOUSEHOLD_WEIGHT = 20.0


def household_pairs(poverty: pd.DataFrame, rolls: pd.DataFrame, linked: pd.DataFrame) -> pd.DataFrame:
    """(household_l, household_r) of every automatic link."""
    auto = linked.loc[linked["band"] == AUTO, ["uid_l", "uid_r"]]
    household_l = dict(zip(poverty["uid"].tolist(), poverty["household"].tolist(), strict=True))
    household_r = dict(zip(rolls["uid"].tolist(), rolls["household"].tolist(), strict=True))
    return pd.DataFrame(
        {"household_l": auto["uid_l"].map(household_l), "household_r": auto["uid_r"].map(household_r)}
    ).drop_duplicates()


def household_stage(poverty: pd.DataFrame, rolls: pd.DataFrame, linked: pd.DataFrame) -> pd.DataFrame:
    pairs = household_pairs(poverty, rolls, linked)
    cols = ["uid", "household", "name_clean", "pinyin", "relation", "birth_year"]
    left = poverty.loc[~poverty["uid"].isin(linked["uid_l"]), cols]
    right = rolls.loc[~rolls["uid"].isin(linked["uid_r"]), cols]
    left = left.merge(pairs, left_on="household", right_on="household_l")
    right = right.rename(columns={c: f"{c}_r" for c in cols})
    candidates = left.merge(
        right, left_on=["household_r", "pinyin"], right_on=["household_r", "pinyin_r"], how="inner"
    )
    same_relation = candidates["relation"] == candidates["relation_r"]
    years_agree = (
        (candidates["birth_year"] == "")
        | (candidates["birth_year_r"] == "")
        | (candidates["birth_year"] == candidates["birth_year_r"])
    )
    same_name = candidates["name_clean"] == candidates["name_clean_r"]
    # The two rosters may name different heads (a grandparent heads the dibao household), so the relation may
    # differ: the same name is enough inside linked households; a homophone needs the same relation too.
    keep = years_agree & (same_name | same_relation)
    candidates, same_name, same_relation = candidates.loc[keep], same_name[keep], same_relation[keep]
    bands = [AUTO if s else REVIEW for s in same_name]
    evidence = [
        {
            "stage": "household",
            "fields": {
                "household": "linked",
                "name": "exact" if s else "same_pinyin",
                "relation": "exact" if rel else "differs",
            },
        }
        for s, rel in zip(same_name.tolist(), same_relation.tolist(), strict=True)
    ]
    return links.make(
        list(candidates["uid"]),
        list(candidates["uid_r"]),
        "household",
        bands,
        [HOUSEHOLD_WEIGHT if s else HOUSEHOLD_WEIGHT / 2 for s in same_name],
        [0.999 if s else 0.9 for s in same_name],
        evidence,
    )
