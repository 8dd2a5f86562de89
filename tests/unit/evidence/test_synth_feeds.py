"""`doudi synth --feeds`: every feed written in xlsx and csv; the checks find exactly the planted cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from doudi.cli import main
from doudi.evidence.feeds import FEEDS
from doudi.evidence.pipeline import check_all, evidence_of, feed_files, keys, read_folder
from doudi.synth.feeds import FEED_DIR, TRUTH_FILE, read_facts, read_truth


def test_synth_feeds_are_found_exactly(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["synth", "--persons", "400", "--out", str(tmp_path), "--quiet", "--feeds", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "部门比对数据" in result.output
    folder = tmp_path / FEED_DIR
    for spec in FEEDS.values():
        assert (folder / f"{spec.label}.xlsx").is_file() and (folder / f"{spec.label}.csv").is_file()
    assert set(feed_files(folder)) == set(FEEDS)
    truth = read_truth(folder / TRUTH_FILE)
    codes = {code for code, _, _ in truth}
    assert {c for c in codes if c.startswith("INT_")} == {
        "INT_VEHICLE", "INT_FLAT", "INT_BUSINESS", "INT_PUBLIC_EMPLOYEE", "INT_DEPOSITS",
        "INT_PAID_AFTER_DEATH", "INT_DIBAO_AND_TEKUN", "INT_TWO_COUNTIES", "INT_RELATIVE_UNFILED",
        "INT_PAYMENT_LATE",
    }  # fmt: skip
    assert any(c.startswith("PRI_") for c in codes)
    parses = read_folder(folder, date(2020, 7, 1))
    assert all(not p.rejected for p in parses)
    households = [h.household for h in read_facts(tmp_path / "household_facts.jsonl")]
    run = check_all(households, evidence_of(parses), date(2020, 7, 1), households[0].county)
    assert set(keys(run.integrity + run.priority)) == truth


def test_the_same_seed_gives_the_same_csv(tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / name
        CliRunner().invoke(
            main, ["synth", "--persons", "150", "--out", str(out), "--quiet", "--format", "csv", "--feeds"]
        )
        outputs.append((out / FEED_DIR / TRUTH_FILE).read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
