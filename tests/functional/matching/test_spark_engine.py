"""`doudi match --engine spark`: the same model on Splink's Spark backend gives the same links as on DuckDB.

One module on purpose: starting Spark (local mode, Java 17) takes tens of seconds, once per process.
"""

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from doudi.cli import main
from doudi.linkage import pipeline
from doudi.linkage.records import frame
from doudi.synth.config import SynthConfig
from doudi.synth.generate import generate
from tests.unit.linkage import world


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county")
    generate(SynthConfig(out_dir=out, persons=200, formats=("csv",), seed=5))  # seed 5 has tekun rows
    return out


def _links(out: Path) -> set[tuple[str, ...]]:
    rows: set[tuple[str, ...]] = set()
    for sheet in ("自动链接", "人工复核"):
        with (out / f"{sheet}.csv").open(encoding="utf-8-sig") as fh:
            rows |= {
                (sheet, r["建档立卡行号"], r["救助名册"], r["名册行号"], r["比对方式"])
                for r in csv.DictReader(fh)
            }
    return rows


def _match(county: Path, out: Path, engine: str) -> None:
    args = ["match", "--out", str(out), "--no-train", "--engine", engine]
    for kind in ("poverty", "dibao", "tekun"):
        args += [f"--{kind}", str(county / f"{kind}.csv")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output


def test_spark_and_duckdb_give_the_same_links_on_a_synthetic_county(county: Path, tmp_path: Path) -> None:
    _match(county, tmp_path / "duckdb", "duckdb")
    _match(county, tmp_path / "spark", "spark")
    duck, spark = _links(tmp_path / "duckdb"), _links(tmp_path / "spark")
    assert duck == spark
    assert any(stage == "概率比对" for *_, stage in spark)  # the Spark backend scored the residue


def test_spark_scores_each_pair_as_duckdb_does() -> None:
    """The small fixed county (typo, swap, homophone, namesakes born the same day): same pairs, same probabilities."""
    poverty, rolls = frame(world.poverty()), frame(world.rolls())
    duck = pipeline.run(poverty, rolls, train=False)
    spark = pipeline.run(poverty, rolls, train=False, engine="spark")
    columns = ["uid_l", "uid_r", "band", "stage"]
    assert sorted(map(tuple, spark.links[columns].to_numpy())) == sorted(
        map(tuple, duck.links[columns].to_numpy())
    )
    left = duck.links.set_index(["uid_l", "uid_r"])["match_probability"]
    right = spark.links.set_index(["uid_l", "uid_r"])["match_probability"].reindex(left.index)
    assert (left - right).abs().max() < 1e-9
    assert list(spark.households.sort_values("household")["class"]) == list(
        duck.households.sort_values("household")["class"]
    )
