"""`doudi assess --file` and `doudi rules test|params` through the click interface."""

import json
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from doudi.rules.commands import assess, rules

GOOD = {
    "household_id": "H1",
    "region": "530521101201",
    "hukou": {"county": "530521", "type": "rural"},
    "members": [{"person_id": "A", "birth_date": "1975-06-01", "relation": "head"}],
    "income": [{"kind": "wage", "amount_yuan": 1200, "member": "A"}],
    "property": [],
}


def _jsonl(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_assess_file_writes_outcomes_and_explanations(tmp_path: Path) -> None:
    src = _jsonl(
        tmp_path / "h.jsonl", json.dumps(GOOD), json.dumps({**GOOD, "household_id": "H2", "region": "530102"})
    )
    out = tmp_path / "r.jsonl"
    result = CliRunner().invoke(
        assess, ["--file", str(src), "--date", "2022-03-01", "--region", "530521", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["household_id"] for r in rows] == ["H1"]  # --region keeps 530521 only
    row = rows[0]
    assert (row["outcome"], row["benefit_fen"]) == ("eligible_dibao", 29750)
    assert row["outcome_text"].startswith("符合")
    params = {p["name"]: p for p in row["explanation"]["parameters"]}
    assert params["dibao.rural_standard_yearly"]["start"] == "2021-07-01"
    assert "共研判 1 户" in result.output


def test_assess_reports_bad_lines_with_their_number_and_still_assesses_the_rest(tmp_path: Path) -> None:
    bad = {
        **GOOD,
        "household_id": "H2",
        "members": [{"person_id": "A", "birth_date": "x", "relation": "head"}],
    }
    src = _jsonl(tmp_path / "h.jsonl", json.dumps(GOOD), "{not json", json.dumps(bad))
    result = CliRunner().invoke(assess, ["--file", str(src), "--date", "2022-03-01", "--no-explain"])
    assert result.exit_code == 1
    assert "h.jsonl 第 2 行: 不是有效的 JSON" in result.output
    assert "h.jsonl 第 3 行: household.members[0].birth_date: 日期 'x' 无效" in result.output
    assert '"household_id": "H1"' in result.output
    assert "2 户数据有误未研判" in result.output


def test_assess_to_xlsx(tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "h.jsonl", json.dumps(GOOD))
    out = tmp_path / "r.xlsx"
    result = CliRunner().invoke(assess, ["--file", str(src), "--date", "2022-03-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("户编号", "区划代码", "研判结论")
    assert rows[1][0] == "H1" and rows[1][5] == 297.5


def test_assess_text_explains_in_chinese(tmp_path: Path) -> None:
    src = _jsonl(tmp_path / "h.jsonl", json.dumps(GOOD))
    result = CliRunner().invoke(assess, ["--file", str(src), "--date", "2022-03-01", "--text"])
    assert "结论: 符合农村(城市)低保条件" in result.output
    assert "农村低保标准 [53, 2021-07-01起] 依据:" in result.output


def test_rules_test_passes_the_shipped_cases() -> None:
    cases = Path(__file__).resolve().parents[2] / "rules"
    result = CliRunner().invoke(rules, ["test", str(cases)])
    assert result.exit_code == 0, result.output
    assert "失败 0 个" in result.output


def test_rules_test_shows_a_failure(tmp_path: Path) -> None:
    case = tmp_path / "c.yaml"
    case.write_text(
        "- name: 错误的期望\n  date: 2022-03-01\n  household:\n    region: '530521'\n"
        "    hukou: {county: '530521', type: rural}\n    property: []\n"
        "    members: [{person_id: A, birth_date: 1975-06-01, relation: head}]\n"
        "  expect: {outcome: not_eligible}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(rules, ["test", str(case)])
    assert result.exit_code == 1
    assert "✗ c.yaml · 错误的期望" in result.output
    assert "outcome(结论): 期望 'not_eligible', 实际 'eligible_dibao'" in result.output


def test_rules_params_lists_values_with_their_source() -> None:
    result = CliRunner().invoke(rules, ["params", "--date", "2022-03-01", "--region", "530523"])
    assert result.exit_code == 0
    assert "dibao.rural_standard_yearly = 510000" in result.output
    assert "[530523, 2022-01-01起]" in result.output


def test_assess_reads_the_household_facts_written_by_doudi_synth(tmp_path: Path) -> None:
    from doudi.synth.config import SynthConfig
    from doudi.synth.generate import generate

    generate(SynthConfig(out_dir=tmp_path, persons=300, formats=("csv",)))
    facts = {}
    for line in (tmp_path / "household_facts.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        facts[record["household_id"]] = record["synth"]
    out = tmp_path / "results.jsonl"
    result = CliRunner().invoke(
        assess, ["--file", str(tmp_path / "household_facts.jsonl"), "--date", "2020-07-01", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(facts)
    missed = [r["outcome"] for r in rows if facts[r["household_id"]]["status"] == "missed"]
    assert missed and set(missed) <= {"eligible_dibao", "members_eligible"}  # 漏保 households are found
    covered = [r["outcome"] for r in rows if facts[r["household_id"]]["status"] == "covered"]
    assert set(covered) == {"already_covered"}
