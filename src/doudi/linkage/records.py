"""The canonical record every stage works on: one row per roster row (or registry person in a household).

Sources (roster files, the registry) build plain dicts with the keys of `FIELDS`; `frame` turns them into a pandas
DataFrame with every column present. Cleaning (`doudi.linkage.clean`) adds the derived columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

POVERTY = "poverty"
DIBAO = "dibao"
TEKUN = "tekun"
ROLLS = (DIBAO, TEKUN)

# key -> meaning. Strings are "" when unknown, flags False, numbers None.
FIELDS: dict[str, str] = {
    "uid": "unique record key, e.g. 'poverty:12' (file row) or 'dibao:p34:h7' (registry person in a household)",
    "roster": "poverty / dibao / tekun",
    "source_row": "row number in the roster file as Excel shows it (None for registry records)",
    "person_ref": "registry Person pk as text ('' for file records)",
    "household": "household key on its own side: card household number, dibao head ID, or the tekun uid",
    "household_ref": "registry Household pk as text ('' for file records)",
    "relation": "与户主关系 (户主, 配偶, 之子, ...)",
    "name": "name as written",
    "id_raw": "ID as written",
    "head_id_raw": "the household head's ID as written (dibao: 户主身份证号; poverty: the head row's ID)",
    "id_alt": "an ID from another column, used when the ID cell is blank (the disability certificate's first 18)",
    "sex_written": "M / F / '' from the 性别 column",
    "county": "6-digit county code",
    "township": "9-digit township code",
    "village": "12-digit village code",
    "alive": "False when the registry records a death",
    "disability_category": "'1'..'7' from the disability certificate, '' if none",
    "disability_grade": "1..4, None if none",
    "major_illness": "患有大病 (health) or major-illness assistance",
    "labor": "劳动技能 as written",
}
DEFAULTS: dict[str, Any] = {
    "source_row": None,
    "person_ref": "",
    "household_ref": "",
    "relation": "",
    "id_raw": "",
    "head_id_raw": "",
    "id_alt": "",
    "sex_written": "",
    "county": "",
    "township": "",
    "village": "",
    "alive": True,
    "disability_category": "",
    "disability_grade": None,
    "major_illness": False,
    "labor": "",
}


TEXT = ("uid", "roster", "household", "name", "id_raw", "head_id_raw", "id_alt", "relation", "village")


def frame(entries: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A DataFrame with exactly the columns of FIELDS (missing keys take their defaults).

    Built a column at a time; text columns are plain Python strings (object dtype): the stages read them as lists,
    which Arrow-backed strings make slow.
    """
    rows = entries if isinstance(entries, list) else list(entries)
    columns: dict[str, pd.Series] = {}
    for key in FIELDS:
        default = DEFAULTS.get(key, "")
        values = [entry.get(key, default) for entry in rows]
        if key in TEXT:
            values = ["" if v is None else str(v) for v in values]
        elif key in ("alive", "major_illness"):
            values = [bool(default if v is None else v) for v in values]
            columns[key] = pd.Series(values, dtype=bool)
            continue
        numeric = key in ("source_row", "disability_grade")  # whole numbers or None: let pandas infer
        columns[key] = pd.Series(values) if numeric else pd.Series(values, dtype=object)
    return pd.DataFrame(columns, columns=list(FIELDS))
