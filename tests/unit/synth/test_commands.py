import csv
from pathlib import Path

from click.testing import CliRunner

from doudi.cli import main


def test_synth_writes_the_files_and_prints_a_chinese_summary(tmp_path: Path) -> None:
    out = tmp_path / "county"
    result = CliRunner().invoke(
        main,
        [
            "synth",
            "--persons",
            "120",
            "--seed",
            "4",
            "--county",
            "532923",
            "--out",
            str(out),
            "--format",
            "csv",
            "--rate",
            "id_digit_typo=0.3",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "建档立卡户人口 120 人" in result.output
    assert "身份证号录错一位" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "dibao.csv",
        "household_facts.jsonl",
        "poverty.csv",
        "tekun.csv",
        "truth.csv",
        "truth_events.csv",
        "truth_households.csv",
    ]
    assert "祥云县" in (out / "poverty.csv").read_text(encoding="utf-8")


def test_synth_rejects_an_unknown_rate_and_county(tmp_path: Path) -> None:
    runner = CliRunner()
    bad_rate = runner.invoke(main, ["synth", "--out", str(tmp_path), "--rate", "typo=0.1"])
    assert bad_rate.exit_code == 2 and "没有名为“typo”的比例" in bad_rate.output
    bad_county = runner.invoke(main, ["synth", "--out", str(tmp_path), "--county", "110101"])
    assert bad_county.exit_code == 1 and "110101" in bad_county.output
    bad_format = runner.invoke(main, ["synth", "--out", str(tmp_path), "--format", "pdf"])
    assert bad_format.exit_code == 2 and "未知格式 pdf" in bad_format.output


def test_province_mode_writes_one_folder_per_county(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["synth", "--province", "--persons", "400", "--out", str(tmp_path), "--format", "csv", "--quiet"],
    )
    assert result.exit_code == 0, result.output
    folders = sorted(p.name for p in tmp_path.iterdir())
    assert len(folders) > 50 and all(name.startswith("53") and len(name) == 6 for name in folders)
    assert (tmp_path / "530627" / "poverty.csv").exists()
    card_persons = 0
    for folder in folders:
        with (tmp_path / folder / "truth_households.csv").open(encoding="utf-8") as fh:
            card_persons += sum(int(r["size"]) for r in csv.DictReader(fh) if r["card_household"] == "是")
    assert card_persons == 400
