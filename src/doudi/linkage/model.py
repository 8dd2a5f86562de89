"""The Fellegi-Sunter model: Splink settings (comparisons, blocking), EM training, and the shipped trained model.

Comparisons are written as Splink settings dicts (plain JSON), so the same model file runs on any Splink backend.
Blocking keys are precomputed columns (see `blocking_keys`), each a different part of the ID: any single-digit typo
or adjacent swap leaves at least one key intact, so a mistyped ID still meets its twin.
"""

from __future__ import annotations

import json
import math
from importlib import resources
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MODEL_FILE = "model.json"
BLOCKING_KEYS = ("bk_birth", "bk_mdseq", "bk_yseq", "bk_skip10", "bk_skip15")
# Splink columns (beyond the unique id) the model reads.
MODEL_COLUMNS = (
    "id",
    "id_valid",
    "name_clean",
    "pinyin",
    "birth_date",
    "birth_year",
    "sex",
    "village",
    "township",
    "head_id",
    "relation",
    *BLOCKING_KEYS,
)


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


def _null(column: str) -> dict[str, Any]:
    return _level(f'"{column}_l" IS NULL OR "{column}_r" IS NULL', "null", is_null_level=True)


ELSE = _level("ELSE", "else")


def _id_comparison() -> dict[str, Any]:
    dl = 'damerau_levenshtein("id_l", "id_r")'
    return {
        "output_column_name": "id",
        "comparison_description": "ID closeness, aware of the check character",
        "comparison_levels": [
            _null("id"),
            _level('"id_l" = "id_r"', "exact"),
            # A valid ID is never one edit from another valid ID (the check character sees to it): one edit with an
            # invalid side is a typo or a swap of the same person. Its u is set from counts (see training).
            _level(f'{dl} = 1 AND NOT ("id_valid_l" AND "id_valid_r")', "one_edit_check_failed"),
            # Twins share the area code and the birth date: 14 digits.
            _level('substr("id_l", 1, 14) = substr("id_r", 1, 14)', "same_area_and_birth"),
            _level(f"{dl} <= 2", "two_edits"),
            ELSE,
        ],
    }


def _name_comparison() -> dict[str, Any]:
    return {
        "output_column_name": "name",
        "comparison_description": "Name by characters and by pinyin (homophones)",
        "comparison_levels": [
            _null("name_clean"),
            _level('"name_clean_l" = "name_clean_r"', "exact"),
            _level('"pinyin_l" = "pinyin_r"', "same_pinyin"),
            _level('jaro_winkler_similarity("pinyin_l", "pinyin_r") >= 0.9', "close_pinyin"),
            _level('damerau_levenshtein("name_clean_l", "name_clean_r") <= 1', "one_character"),
            ELSE,
        ],
    }


def _simple(column: str, levels: list[dict[str, Any]], description: str) -> dict[str, Any]:
    return {
        "output_column_name": column,
        "comparison_description": description,
        "comparison_levels": [_null(column), *levels, ELSE],
    }


def comparisons() -> list[dict[str, Any]]:
    return [
        _id_comparison(),
        _name_comparison(),
        _simple(
            "birth_date",
            [
                _level('"birth_date_l" = "birth_date_r"', "exact"),
                _level('damerau_levenshtein("birth_date_l", "birth_date_r") <= 1', "one_digit"),
                _level('"birth_year_l" = "birth_year_r"', "same_year"),
            ],
            "Birth date",
        ),
        _simple("sex", [_level('"sex_l" = "sex_r"', "exact")], "Sex"),
        _simple(
            "village",
            [
                _level('"village_l" = "village_r"', "exact"),
                _level('"township_l" = "township_r"', "same_township"),
            ],
            "Village code",
        ),
        _simple(
            "head_id",
            [
                _level('"head_id_l" = "head_id_r"', "exact"),
                _level('damerau_levenshtein("head_id_l", "head_id_r") = 1', "one_edit"),
            ],
            "Household context: the household head's ID",
        ),
        _simple("relation", [_level('"relation_l" = "relation_r"', "exact")], "Relation to the head"),
    ]


def _block(*columns: str) -> str:
    return " AND ".join(f'l."{c}" = r."{c}"' for c in columns)


# Two valid IDs more than one slip apart are two persons (doudi.linkage.identity rejects such pairs after scoring):
# they are not compared at all. The filter keeps every pair of valid IDs the rule could call near: at most one
# substitution or adjacent swap (Damerau-Levenshtein 1) between their old 15-digit forms (area and the 2-digit year,
# birth month-day, sequence: the century and the check character left out, so a converted 15-digit ID is kept
# too) or an ID ending in 000 (digits lost to Excel). Without it nine blocked pairs in ten were pairs of two valid
# IDs (a 300,000-person county: namesakes and neighbours born the same day share area and birth date); the
# Levenshtein <= 2 filter this replaces still let through 3 pairs in 4 of the rest (sequence numbers two digits
# apart), all of them rejected after scoring.
_FIFTEEN = 'substr({side}."id", 1, 6) || substr({side}."id", 9, 9)'
NOT_TWO_VALID_IDS = (
    'NOT (l."id_valid" AND r."id_valid")'
    f" OR damerau_levenshtein({_FIFTEEN.format(side='l')}, {_FIFTEEN.format(side='r')}) <= 1"
    " OR l.\"id\" LIKE '%000' OR r.\"id\" LIKE '%000'"
)
# The same pairs: one slip leaves at most two positions different (DuckDB's hamming needs equal lengths: guarded).
NOT_TWO_VALID_IDS_DUCKDB = (
    'NOT (l."id_valid" AND r."id_valid")'
    " OR l.\"id\" LIKE '%000' OR r.\"id\" LIKE '%000'"
    ' OR (CASE WHEN length(l."id") = length(r."id")'
    f" THEN hamming({_FIFTEEN.format(side='l')}, {_FIFTEEN.format(side='r')}) <= 2 ELSE TRUE END"
    f" AND damerau_levenshtein({_FIFTEEN.format(side='l')}, {_FIFTEEN.format(side='r')}) <= 1)"
)


def prediction_blocking_rules(prefilter: bool = False) -> list[str]:
    """The blocking rules (DuckDB SQL, portable to Spark). `prefilter`: DuckDB only, the same pairs sooner (a
    Hamming distance on the 15-digit forms, cheap, before Damerau-Levenshtein: about 1.5 CPU s less at 300,000)."""
    rules = [
        *(_block(key) for key in BLOCKING_KEYS),
        _block("pinyin", "village"),
        _block("head_id", "relation"),
    ]
    condition = NOT_TWO_VALID_IDS_DUCKDB if prefilter else NOT_TWO_VALID_IDS
    return [f"{rule} AND ({condition})" for rule in rules]


def settings(probability_two_random_records_match: float = 1e-4) -> dict[str, Any]:
    return {
        "link_type": "link_only",
        "unique_id_column_name": "uid",
        "probability_two_random_records_match": probability_two_random_records_match,
        "comparisons": comparisons(),
        "blocking_rules_to_generate_predictions": prediction_blocking_rules(),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "em_convergence": 0.001,
        "max_iterations": 25,
    }


# Blocking key -> the (start, end) slices of the ID it joins (0-based, end exclusive).
KEY_PARTS: dict[str, tuple[tuple[int, int], ...]] = {
    "bk_birth": ((6, 14),),
    "bk_mdseq": ((10, 17),),
    "bk_yseq": ((6, 10), (14, 17)),
    "bk_skip10": ((6, 9), (11, 17)),
    "bk_skip15": ((6, 13), (15, 17)),
}


def id_keys(number: str) -> dict[str, str]:
    """The blocking keys of one ID (see `blocking_keys`)."""
    return {key: "".join(number[a:b] for a, b in parts) for key, parts in KEY_PARTS.items()}


def blocking_keys(df: pd.DataFrame) -> pd.DataFrame:
    """Add the ID-part blocking keys. An ID is area(1-6) birth(7-14) sequence(15-17) check(18), 1-based.

    A typo in the year leaves month-day+sequence; in the month-day, year+sequence; in the sequence, the birth date.
    Swaps across those borders (positions 10|11 and 14|15) have their own keys. Short or missing IDs get none.
    """
    ids = pa.array(df["id"].to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    ids = pc.if_else(pc.greater_equal(pc.utf8_length(ids), 17), ids, None)
    out = df.copy()
    for key, parts in KEY_PARTS.items():
        pieces = [pc.utf8_slice_codeunits(ids, a, b) for a, b in parts]
        column = pieces[0] if len(pieces) == 1 else pc.binary_join_element_wise(*pieces, "")
        out[key] = pd.Series(column.to_numpy(zero_copy_only=False), index=df.index, dtype=object)
    return out


def shipped_model() -> dict[str, Any]:
    """The model trained on a synthetic county (see docs/linkage.md): used when the data is too small to train."""
    text = resources.files("doudi.linkage").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    model: dict[str, Any] = json.loads(text)
    return model


def level_labels(model: dict[str, Any]) -> dict[str, list[tuple[float, str]]]:
    """comparison output name -> [(Bayes factor m/u, level label)], to read a scored pair's level from its factor."""
    out: dict[str, list[tuple[float, str]]] = {}
    for comparison in model["comparisons"]:
        levels = [(1.0, "null")]
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            if not level.get("is_null_level") and m and u:
                levels.append((m / u, level["label_for_charts"]))
        out[comparison["output_column_name"]] = levels
    return out


def label_of(levels: list[tuple[float, str]], factor: float) -> str:
    """The level whose Bayes factor is closest (relatively) to the pair's."""
    best = min(levels, key=lambda lv: abs(math.log(max(factor, 1e-300)) - math.log(lv[0])))
    return best[1]
