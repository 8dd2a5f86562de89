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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
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
    codes, distinct = pd.factorize(series.to_numpy(dtype=object))  # missing values get code -1
    results = [func(value) for value in distinct.tolist()]  # type: ignore[operator]
    if (codes == -1).any():
        results.append(func(None))  # type: ignore[operator]
    table = np.empty(len(results), dtype=object)
    table[:] = results
    return pd.Series(table[codes], index=series.index, dtype=object)


def _written_id(df: pd.DataFrame) -> pd.Series:
    """The ID cell; when blank, the head's own row takes the head-ID column, others the alternative (certificate)."""
    blank = df["id_raw"].str.strip() == ""
    own_head = blank & (df["relation"] == "户主") & (df["head_id_raw"] != "")
    written = df["id_raw"].where(~own_head, df["head_id_raw"])
    return written.where(~(blank & ~own_head), df["id_alt"].fillna(""))


def clean_ids(values: pd.Series) -> tuple[list[str], list[bool], list[str]]:
    """(cleaned IDs, valid, problem codes) for a column of written cells.

    Clean, valid 18-character cells (most of them) are accepted a column at a time (`IdChecker.column`, numpy);
    only the rest go through `clean_id`, once per distinct value.
    """
    written = values.fillna("").astype(str).tolist()
    ok = _CHECKER.column(written)
    number = [w if good else "" for w, good in zip(written, ok, strict=True)]
    valid = list(ok)
    problem = [""] * len(written)
    rest = {w for w, good in zip(written, ok, strict=True) if not good}
    table = {w: clean_id(w) for w in rest}
    for i, good in enumerate(ok):
        if not good:
            number[i], valid[i], problem[i] = table[written[i]]
    return number, valid, problem


def from15(values: pd.Series, valid: list[bool]) -> list[bool]:
    """Per cell: the ID was written in the old 15-digit form and converted (valid cells only)."""
    written = values.fillna("").astype(str).tolist()
    table: dict[str, bool] = {}
    out = [False] * len(written)
    for i, (w, ok) in enumerate(zip(written, valid, strict=True)):
        if ok and len(w) != 18:
            if w not in table:
                number = ids.normalise(w)
                table[w] = len(number) == 15 and number.isdigit()
            out[i] = table[w]
    return out


def _with_alternative(df: pd.DataFrame, parsed: tuple[list[str], list[bool], list[str]]) -> None:
    """An ID cell Excel turned into a number (digits lost) is filled from the alternative column when it holds one."""
    number, valid, _ = parsed
    alt = df["id_alt"].fillna("").astype(str).tolist()
    lost = [i for i, (n, a) in enumerate(zip(number, alt, strict=True)) if not n and a]
    if not lost:
        return
    alt_number, alt_valid, _ = clean_ids(pd.Series([alt[i] for i in lost], dtype=object))
    for i, n, v in zip(lost, alt_number, alt_valid, strict=True):
        if n:
            number[i], valid[i] = n, v


def births(numbers: pd.Series) -> pd.Series:
    """ISO birth dates from 18-character IDs whose date digits form a real date (as `birth_of`), '' otherwise."""
    ids = pa.array(numbers.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    full = pc.equal(pc.utf8_length(ids), 18)
    digits = pc.utf8_slice_codeunits(ids, 6, 14)
    parsed = pc.strptime(pc.if_else(full, digits, None), format="%Y%m%d", unit="s", error_is_null=True)
    # strptime is lenient (0230 reads as 0302): keep the dates that read back as written
    same = pc.equal(pc.strftime(parsed, format="%Y%m%d"), digits)
    year_ok = pc.and_(pc.greater_equal(pc.year(parsed), 1880), same)
    iso = pc.strftime(parsed, format="%Y-%m-%d")
    out = pc.fill_null(pc.if_else(year_ok, iso, ""), "")
    return pd.Series(out.to_numpy(zero_copy_only=False), index=numbers.index, dtype=object)


def sexes(numbers: pd.Series) -> pd.Series:
    """M / F from the 17th character of 18-character IDs (as `sex_of`), '' otherwise."""
    ids = pa.array(numbers.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    digit = pc.utf8_slice_codeunits(ids, 16, 17)
    full = pc.and_(pc.equal(pc.utf8_length(ids), 18), pc.utf8_is_digit(digit))
    odd = pc.is_in(digit, value_set=pa.array(list("13579")))
    out = pc.fill_null(pc.if_else(full, pc.if_else(odd, "M", "F"), ""), "")
    return pd.Series(out.to_numpy(zero_copy_only=False), index=numbers.index, dtype=object)


def clean(df: pd.DataFrame) -> pd.DataFrame:
    """Add the cleaned columns: id, id_valid, id_problem, id_from15 (converted from 15 digits), birth_date,
    birth_year, sex, name_clean, pinyin, head_id, head_id_valid, head_id_from15."""
    out = df.copy()
    written = _written_id(out)
    parsed = clean_ids(written)
    converted = from15(written, parsed[1])  # before the alternative: a certificate's ID is 18 characters
    _with_alternative(out, parsed)
    out["id"], out["id_valid"], out["id_problem"] = parsed
    out["id"] = out["id"].astype(object)
    out["id_from15"] = converted
    head, head_valid, _ = clean_ids(out["head_id_raw"])
    out["head_id"] = pd.Series(head, index=out.index, dtype=object)
    out["head_id_valid"] = head_valid
    out["head_id_from15"] = from15(out["head_id_raw"], head_valid)
    out["birth_date"] = births(out["id"])
    out["birth_year"] = out["birth_date"].str[:4]
    id_sex = sexes(out["id"])
    out["sex"] = id_sex.where(id_sex != "", out["sex_written"].fillna(""))
    out["name_clean"] = _mapped(out["name"], clean_name)
    out["pinyin"] = _mapped(out["name_clean"], pinyin)
    return out
