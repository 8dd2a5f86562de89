"""Within-roster duplicates, found and reported before linking: the same person written twice in one roster.

A person is their cleaned ID; a person without an ID is their name and relation within the household. The first
row is kept for linking; the others are reported with the row they repeat.
"""

from __future__ import annotations

import pandas as pd

COLUMNS = ["uid", "roster", "source_row", "name", "id", "first_uid", "first_row", "reason"]


def person_key(df: pd.DataFrame) -> pd.Series:
    fallback = df["household"] + "|" + df["name_clean"] + "|" + df["relation"]
    return df["roster"] + "|" + df["id"].where(df["id"] != "", fallback)


def split_duplicates(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records kept for linking, duplicates reported)."""
    key = person_key(df)
    repeated = key.duplicated(keep="first")
    first = df.loc[~repeated].assign(_key=key[~repeated]).set_index("_key")
    dups = df.loc[repeated].copy()
    dup_keys = key[repeated]
    dups["first_uid"] = dup_keys.map(first["uid"]).to_numpy()
    dups["first_row"] = dup_keys.map(first["source_row"]).to_numpy()
    dups["reason"] = ["同一身份证号重复登记" if number else "同户同名同关系重复登记" for number in dups["id"]]
    return df.loc[~repeated].reset_index(drop=True), dups[COLUMNS].reset_index(drop=True)
