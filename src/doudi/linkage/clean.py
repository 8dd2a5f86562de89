"""Cleaning before linking: IDs to 18 characters, names with their pinyin, birth date and sex from the ID.

An ID that fails validation (a typo, a swap) is kept as its cleaned characters with `id_valid` False: it still takes
part in matching, and the check character's verdict is itself evidence (a valid ID cannot be one typo away from
another valid ID, so an invalid ID one edit from a valid one is almost certainly that person).
An ID that Excel stored as a number has lost digits: it is dropped (`id` empty), never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import cache

import pandas as pd
from pypinyin import lazy_pinyin

from doudi.core import ids
from doudi.ingest.identity import IdChecker

_NAME_JUNK = re.compile(r"[\s·•.．\u00b7\u30fb]+")


_CHECKER = IdChecker(date.today())


def clean_id(raw: str) -> tuple[str, bool, str]:
    """(cleaned ID or '', valid, problem code or '') for one written cell."""
    if _CHECKER.fast(raw):  # already canonical and valid: the common case, checked with cached partial sums
        return raw, True, ""
    problem = ids.problem(raw)
    if problem is None:
        return ids.validate(raw), True, ""
    if problem in (ids.IdProblem.EMPTY, ids.IdProblem.SCIENTIFIC):
        return "", False, problem.value
    number = ids.normalise(raw)
    if len(number) == 15 and number.isdigit():
        number = ids.upgrade15(number)
    if not re.fullmatch(r"[0-9]{17}[0-9X]|[0-9]{15,17}", number):
        return "", False, problem.value
    return number, False, problem.value


def birth_of(number: str) -> str:
    """ISO birth date from an 18-character ID when its date digits form a real date (even if the ID is invalid)."""
    if len(number) != 18:
        return ""
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return ""
    return born.isoformat() if born.year >= 1880 else ""


def sex_of(number: str) -> str:
    return ("M" if int(number[16]) % 2 else "F") if len(number) == 18 and number[16].isdigit() else ""


def clean_name(name: str) -> str:
    return _NAME_JUNK.sub("", unicodedata.normalize("NFKC", name or ""))


@cache
def _char_pinyin(char: str) -> str:
    reading = lazy_pinyin(char)
    return reading[0] if reading and reading[0] != char else char


def pinyin(name: str) -> str:
    """Toneless pinyin, one reading per character (the same character reads the same on both sides), so homophones
    such as 张伟 and 章伟 share it; a character without a reading (𠮷) stands for itself."""
    return " ".join(_char_pinyin(c) for c in name)


def _mapped(series: pd.Series, func: object) -> pd.Series:
    """Apply a function once per distinct value (rosters repeat villages, names and relations a lot)."""
    values = series.tolist()  # plain lists: iterating pandas string arrays element by element is slow
    table = {value: func(value) for value in set(values)}  # type: ignore[operator]
    return pd.Series([table[v] for v in values], index=series.index, dtype=object)


def _written_id(df: pd.DataFrame) -> pd.Series:
    """The ID cell; when blank, the head's own row takes the head-ID column, others the alternative (certificate)."""
    blank = df["id_raw"].str.strip() == ""
    own_head = blank & (df["relation"] == "户主") & (df["head_id_raw"] != "")
    written = df["id_raw"].where(~own_head, df["head_id_raw"])
    return written.where(~(blank & ~own_head), df["id_alt"].fillna(""))


def clean(df: pd.DataFrame) -> pd.DataFrame:
    """Add the cleaned columns: id, id_valid, id_problem, birth_date, birth_year, sex, name_clean, pinyin, head_id."""
    out = df.copy()
    parsed = _mapped(_written_id(out), clean_id)
    out["id"] = [p[0] for p in parsed]
    out["id_valid"] = [p[1] for p in parsed]
    out["id_problem"] = [p[2] for p in parsed]
    out["head_id"] = [p[0] for p in _mapped(out["head_id_raw"], clean_id)]
    out["birth_date"] = _mapped(out["id"], birth_of)
    out["birth_year"] = out["birth_date"].str[:4]
    id_sex = _mapped(out["id"], sex_of)
    out["sex"] = id_sex.where(id_sex != "", out["sex_written"].fillna(""))
    out["name_clean"] = _mapped(out["name"], clean_name)
    out["pinyin"] = _mapped(out["name_clean"], pinyin)
    return out
