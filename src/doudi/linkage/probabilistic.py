"""The probabilistic stage: Splink (Fellegi-Sunter) on DuckDB, trained with EM, run on what the exact stage left.

Each call uses its own DuckDB connection: a partly read result breaks a shared connection (a known Splink pitfall).
"""

from __future__ import annotations

import itertools
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from doudi.linkage import engines
from doudi.linkage.engines import DUCKDB, db_api, for_engine
from doudi.linkage.model import (
    BLOCKING_KEYS,
    MODEL_COLUMNS,
    blocking_keys,
    prediction_blocking_rules,
    settings,
)

ALIASES = ("a_poverty", "b_rolls")
TYPO_LEVEL = "one_edit_check_failed"
TWO_EDITS_LEVEL = "two_edits"


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """The columns the model reads, with '' turned into NULL (Splink's null levels)."""
    keyed = blocking_keys(df) if BLOCKING_KEYS[0] not in df.columns else df
    out = keyed[["uid", *MODEL_COLUMNS]].copy()
    for column in MODEL_COLUMNS:
        if column != "id_valid":
            text = out[column].astype("string")  # typed VARCHAR in DuckDB even when all null
            out[column] = text.where(text.notna() & (text != ""), pd.NA)
    out["id_valid"] = out["id_valid"].astype(bool)
    return out.reset_index(drop=True)


def prepare_arrow(df: pd.DataFrame) -> pa.Table:
    """As `prepare`, as an Arrow table built from the plain-object columns (DuckDB scans it without conversion)."""
    keyed = blocking_keys(df) if BLOCKING_KEYS[0] not in df.columns else df
    columns: dict[str, pa.Array] = {"uid": pa.array(keyed["uid"].tolist(), type=pa.string())}
    for column in MODEL_COLUMNS:
        if column == "id_valid":
            columns[column] = pa.array(keyed[column].to_numpy(dtype=bool), type=pa.bool_())
        else:
            columns[column] = _text(keyed[column])
    return pa.table(columns)


def _text(series: pd.Series) -> pa.Array:
    """A string column for Splink: '' and missing values as NULL (a non-string value is an error upstream)."""
    values = series.to_numpy(dtype=object)
    try:
        text = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a stray non-string: the slow path, as before
        return pa.array([v if isinstance(v, str) and v else None for v in values.tolist()], type=pa.string())
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


_RUNS = itertools.count(1)


def _linker(
    left: pd.DataFrame | pa.Table, right: pd.DataFrame | pa.Table, model: dict[str, Any], engine: str = DUCKDB
) -> Any:
    """A Linker on its own tables: a fresh uid (a saved model carries the uid of the run that trained it, and
    Splink names its tables after it) and input names unique in the process (a Spark session is shared)."""
    from splink import Linker

    settings = {k: v for k, v in for_engine(model, engine).items() if k != "linker_uid"}
    run = next(_RUNS)
    # Splink's basic logging narrates every step on stdout: off (our progress lines say what runs).
    return Linker(
        [left, right],
        settings,
        db_api=db_api(engine),
        input_table_aliases=[f"{alias}_{run}" for alias in ALIASES],
        set_up_basic_logging=False,
    )


def train(
    poverty: pd.DataFrame, rolls: pd.DataFrame, seed: int = 1, max_pairs: float = 3e5
) -> dict[str, Any]:
    """EM training on cleaned records (all of them: the exact matches are what EM learns m from).

    Two EM passes, each blocked on something the other pass compares: the birth date (trains names, village,
    household), then pinyin + village (trains the ID comparison). u comes from random sampling, except the
    near-identical-ID levels, which random pairs never reach: their u is set from counts (`_rare_level_u`).
    """
    left, right = prepare(poverty), prepare(rolls)
    linker = _linker(left, right, settings())
    linker.training.estimate_probability_two_random_records_match(['l."id" = r."id"'], recall=0.95)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    # Splink leaves out of each pass the comparisons whose columns the blocking rule names: pass one names the ID
    # and birth date (it trains names, village, household), pass two names and village (it trains the ID).
    linker.training.estimate_parameters_using_expectation_maximisation(
        'l."birth_date" = r."birth_date" AND l."id" IS NOT NULL AND r."id" IS NOT NULL'
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        'l."pinyin" = r."pinyin" AND l."village" = r."village"'
    )
    model: dict[str, Any] = linker.misc.save_model_to_json()
    set_rare_u(model, left, right)
    neutralise_untrained(model)
    return model


M_FLOOR = (
    0.001  # no level may veto a link outright: a person moves village, a clerk picks a variant character
)


def neutralise_untrained(model: dict[str, Any]) -> None:
    """A level never observed in training gets a Bayes factor of 1 (m = u) rather than Splink's defaults; every m is
    floored at M_FLOOR, so one disagreeing field lowers the weight without making a link impossible."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if m is None and u is None:
                level["m_probability"] = level["u_probability"] = 0.5
            elif m is None:
                level["m_probability"] = u
            elif u is None:
                level["u_probability"] = m
            level["m_probability"] = max(level["m_probability"], M_FLOOR)


def set_rare_u(model: dict[str, Any], left: pd.DataFrame, right: pd.DataFrame) -> None:
    for label, u in _rare_level_u(left, right).items():
        level = _id_level(model, label)
        level["u_probability"] = u
        level["fix_u_probability"] = True


def _id_level(model: dict[str, Any], label: str) -> dict[str, Any]:
    comparison = next(c for c in model["comparisons"] if c["output_column_name"] == "id")
    level: dict[str, Any] = next(
        lv for lv in comparison["comparison_levels"] if lv["label_for_charts"] == label
    )
    return level


def _rare_level_u(left: pd.DataFrame, right: pd.DataFrame) -> dict[str, float]:
    """u of the near-identical-ID levels from counts over the blocked pairs.

    One edit with a failed check: pairs counted, less one true twin per invalid ID that has any such partner.
    Two edits (not sharing area and birth date): counted as they are; planted and real errors are single edits.
    """
    con = duckdb.connect()
    con.register("l", left)
    con.register("r", right)
    joins = " UNION ".join(
        f"SELECT l.uid AS a, r.uid AS b, l.id AS x, r.id AS y, l.id_valid AS vx, r.id_valid AS vy "
        f'FROM l JOIN r ON l."{key}" = r."{key}"'
        for key in BLOCKING_KEYS
    )
    sql = f"""
        WITH pairs AS ({joins}),
        scored AS (SELECT *, damerau_levenshtein(x, y) AS d FROM pairs WHERE x <> y),
        typo AS (SELECT * FROM scored WHERE d = 1 AND NOT (vx AND vy))
        SELECT
          (SELECT count(*) FROM typo) AS typo_pairs,
          (SELECT count(DISTINCT CASE WHEN vx THEN b ELSE a END) FROM typo) AS typo_records,
          (SELECT count(*) FROM scored WHERE d <= 2 AND NOT (d = 1 AND NOT (vx AND vy))
             AND substr(x, 1, 14) <> substr(y, 1, 14)) AS two_edit_pairs
    """
    typo_pairs, typo_records, two_edit_pairs = con.execute(sql).fetchone() or (0, 0, 0)
    con.close()
    total = max(len(left) * len(right), 1)
    return {
        TYPO_LEVEL: max(typo_pairs - typo_records, 1) / total,
        TWO_EDITS_LEVEL: max(two_edit_pairs, 1) / total,
    }


def predict(
    poverty: pd.DataFrame,
    rolls: pd.DataFrame,
    model: dict[str, Any],
    threshold: float,
    engine: str = DUCKDB,
) -> pd.DataFrame:
    """Scored candidate pairs (uid_l from the poverty side, uid_r from the rolls) at or above `threshold`."""
    if poverty.empty or rolls.empty:
        return pd.DataFrame(columns=["uid_l", "uid_r", "match_weight", "match_probability"])
    model = {
        **model,
        "retain_intermediate_calculation_columns": True,  # Bayes factor per field: the evidence
        # the pipeline's blocking, whatever the model was saved with (it holds no trained parameter)
        "blocking_rules_to_generate_predictions": prediction_blocking_rules(prefilter=engine == DUCKDB),
    }
    ready = prepare_arrow if engine == DUCKDB else prepare
    linker = _linker(ready(poverty), ready(rolls), model, engine)
    result = linker.inference.predict(threshold_match_probability=threshold)
    scored = result.as_pandas_dataframe()
    linker.table_management.delete_tables_created_by_splink_from_db()
    if engine != DUCKDB:  # the shared Spark session keeps the input views
        for name in linker._input_tables_dict:
            engines.spark_session().catalog.dropTempView(name)
    return _orient(scored, poverty["uid"].to_numpy(dtype=object))


def _orient(scored: pd.DataFrame, left_uids: Any) -> pd.DataFrame:
    """Splink orders a pair by its source table; make uid_l always the poverty record."""
    out = scored.rename(columns={"unique_id_l": "uid_l", "unique_id_r": "uid_r"})
    left = set(left_uids.tolist())
    flip = np.array([uid not in left for uid in out["uid_l"].tolist()], dtype=bool)
    if flip.any():
        out.loc[flip, ["uid_l", "uid_r"]] = out.loc[flip, ["uid_r", "uid_l"]].to_numpy()
    keep = ["uid_l", "uid_r", "match_weight", "match_probability"]
    keep += [c for c in out.columns if c.startswith("bf_")]
    return out[keep].reset_index(drop=True)
