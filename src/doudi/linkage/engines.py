"""The engines the probabilistic stage runs on: Splink's DuckDB backend (default) or its Spark backend.

The model is one Splink settings JSON, written in DuckDB's SQL. `for_engine` rewrites its SQL for Spark (quoted
identifiers, function names: Splink's Spark UDF jar names Jaro-Winkler `jaro_winkler`), so the same trained model
runs on both. Spark runs in local mode here (one session per process, started on first use: about 20-30 s); on a
cluster, point `DOUDI_SPARK_MASTER` at it.
"""

from __future__ import annotations

import copy
import os
import re
import tempfile
from functools import cache
from typing import Any

import duckdb

DUCKDB = "duckdb"
SPARK = "spark"
ENGINES = (DUCKDB, SPARK)

# DuckDB name -> the name Splink's Spark UDF jar registers.
_SPARK_FUNCTIONS = {"JAROWINKLER_SIMILARITY": "jaro_winkler", "DAMERAU_LEVENSHTEIN": "damerau_levenshtein"}


class EngineError(ValueError):
    """An engine that cannot run here; the message says why and how to fix it, in Chinese."""


def check(engine: str) -> str:
    if engine not in ENGINES:
        raise EngineError(f"未知的计算引擎“{engine}”;可选:{'、'.join(ENGINES)}")
    return engine


def db_api(engine: str) -> Any:
    """A fresh Splink database API (DuckDB: its own connection; a partly read result breaks a shared one)."""
    if check(engine) == SPARK:
        from splink import SparkAPI

        # persist: intermediate tables stay in the executors' memory (parquet files suit a cluster's storage)
        method = os.environ.get("DOUDI_SPARK_BREAK_LINEAGE", "persist")
        return SparkAPI(spark_session=spark_session(), break_lineage_method=method)  # type: ignore[no-untyped-call]
    from splink import DuckDBAPI

    return DuckDBAPI(connection=duckdb.connect())


@cache
def spark_session() -> Any:
    """The process's local Spark session (Java 17 and the `spark` extra: pip install 'doudi[spark]')."""
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:
        raise EngineError(
            "未安装 pyspark,不能使用 Spark 引擎;请运行 .venv/bin/pip install -e '.[spark]',或改用 --engine duckdb"
        ) from exc
    builder = (
        SparkSession.builder.master(os.environ.get("DOUDI_SPARK_MASTER", "local[2]"))
        .appName("doudi-match")
        .config("spark.jars", similarity_jar_location())  # Splink's UDFs: jaro_winkler, damerau_levenshtein
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", os.environ.get("DOUDI_SPARK_PARTITIONS", "2"))
        .config("spark.default.parallelism", os.environ.get("DOUDI_SPARK_PARTITIONS", "2"))
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.driver.memory", os.environ.get("DOUDI_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.sql.execution.arrow.pyspark.enabled", "false")
    )
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # py4j raises plain exceptions when Java is missing or too old
        raise EngineError(
            f"无法启动 Spark({exc});请安装 Java 17(apt-get install openjdk-17-jre-headless),或改用 --engine duckdb"
        ) from exc
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="doudi-spark-"))
    return session


def spark_sql(sql: str) -> str:
    """One SQL condition or blocking rule, from DuckDB's SQL to Spark's."""
    import sqlglot

    out = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
    for name, spark_name in _SPARK_FUNCTIONS.items():
        out = re.sub(rf"\b{name}\(", f"{spark_name}(", out)
    return out


def for_engine(model: dict[str, Any], engine: str) -> dict[str, Any]:
    """The model with its SQL in the engine's dialect (a copy; DuckDB's is the stored form)."""
    if check(engine) == DUCKDB:
        return model
    out = copy.deepcopy(model)
    out.pop("sql_dialect", None)
    for comparison in out["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"] != "ELSE":
                level["sql_condition"] = spark_sql(level["sql_condition"])
    rules = out.get("blocking_rules_to_generate_predictions", [])
    out["blocking_rules_to_generate_predictions"] = [
        {**rule, "blocking_rule": spark_sql(rule["blocking_rule"]), "sql_dialect": "spark"}
        if isinstance(rule, dict)
        else spark_sql(rule)
        for rule in rules
    ]
    return out
