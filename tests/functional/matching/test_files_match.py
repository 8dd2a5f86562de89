"""`doudi match` over roster files from `doudi synth`: Chinese tables out, links checked against the truth."""

import csv
from pathlib import Path

from click.testing import CliRunner

from doudi.cli import main
from doudi.synth.config import SynthConfig
from doudi.synth.generate import generate


def test_match_roster_files_writes_chinese_tables(tmp_path: Path) -> None:
    county = tmp_path / "county"
    generate(SynthConfig(out_dir=county, persons=200, formats=("csv",), seed=5))  # seed 5 has tekun rows
    out = tmp_path / "out"
    args = ["match", "--out", str(out), "--no-train"]
    for kind in ("poverty", "dibao", "tekun"):
        args += [f"--{kind}", str(county / f"{kind}.csv")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (out / "比对结果.xlsx").exists() and (out / "模型.json").exists()
    with (out / "户分类.csv").open(encoding="utf-8-sig") as fh:
        classes = {row["户编号"]: row["分类"] for row in csv.DictReader(fh)}
    with (county / "truth_households.csv").open(encoding="utf-8") as fh:
        truth = {r["household_no"]: r["coverage"] for r in csv.DictReader(fh) if r["card_household"] == "是"}
    assert classes.keys() == truth.keys()
    for number, found in classes.items():
        if found == "未纳入(疑似漏保)":
            assert truth[number] == "none", number
        if truth[number] == "none":  # a member who moved and is in another household's roll: a conflict
            assert found in ("未纳入(疑似漏保)", "信息冲突"), number
    with (out / "自动链接.csv").open(encoding="utf-8-sig") as fh:
        links = list(csv.DictReader(fh))
    with (county / "truth.csv").open(encoding="utf-8") as fh:
        key = {(r["roster"], int(r["row"]) + 1): r["person_key"] for r in csv.DictReader(fh)}
    rosters = {"低保": "dibao", "特困": "tekun"}
    assert links and all(
        key[("poverty", int(x["建档立卡行号"]))] == key[(rosters[x["救助名册"]], int(x["名册行号"]))]
        for x in links
    )


def test_match_needs_an_output_folder(tmp_path: Path) -> None:
    poverty = tmp_path / "p.csv"
    poverty.write_text("x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["match", "--poverty", str(poverty), "--dibao", str(poverty)])
    assert result.exit_code != 0
    assert "--out" in result.output
