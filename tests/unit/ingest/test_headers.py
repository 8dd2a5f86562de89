"""Header row detection and column mapping by name and alias, in any order."""

from pathlib import Path

import pytest

from doudi.ingest.headers import normalise_header
from doudi.ingest.pipeline import parse_file
from doudi.ingest.problems import FileProblem

from .rosters import POVERTY_HEADERS, household, write_csv, write_xlsx


def test_title_row_and_blank_rows_above_the_header(tmp_path: Path, today: object) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx", [POVERTY_HEADERS, *household("H01", 101)], title="盐津县建档立卡贫困人口名册"
    )
    result = parse_file(path, "poverty", today=today)
    assert result.header.row == 4
    assert [r.row for r in result.accepted] == [5, 6]  # row numbers as Excel shows them


def test_aliases_in_any_order_and_extra_columns_kept(tmp_path: Path, today: object) -> None:
    rows = [POVERTY_HEADERS, *household("H01", 101)]
    alias = {
        "证件号码": "公民身份号码",
        "姓名": "成员姓名",
        "县(市、区)": "区县",
        "乡(镇)": "乡镇",
        "行政村": "村(社区)",
    }
    order = list(reversed(range(len(POVERTY_HEADERS))))
    shuffled = [[row[i] for i in order] for row in rows]
    shuffled[0] = [alias.get(str(h), h) for h in shuffled[0]]
    for row in shuffled:
        row.append("备注内容" if row is not shuffled[0] else "备注")
    result = parse_file(write_xlsx(tmp_path / "r.xlsx", shuffled), "poverty", today=today)
    reference = parse_file(write_xlsx(tmp_path / "ref.xlsx", rows), "poverty", today=today)
    assert [r.fields for r in result.accepted] == [r.fields for r in reference.accepted]
    assert result.accepted[0].raw["备注"] == "备注内容"
    assert result.accepted[0].raw["公民身份号码"] == reference.accepted[0].raw["证件号码"]


def test_header_text_is_normalised(tmp_path: Path, today: object) -> None:
    messy = {
        "县(市、区)": "县（市、区）",
        "证件号码": "证件\n号码",
        "与户主关系": " 与户主 关系 ",
        "户编号": "*户编号",
    }
    rows = [[messy.get(h, h) for h in POVERTY_HEADERS], *household("H01", 101)]
    result = parse_file(write_csv(tmp_path / "r.csv", rows), "poverty", today=today)
    assert len(result.accepted) == 2
    assert normalise_header("乡（镇、街道）") == "乡(镇、街道)"


def test_missing_required_column_names_file_column_and_aliases(tmp_path: Path) -> None:
    keep = [i for i, h in enumerate(POVERTY_HEADERS) if h != "证件号码"]
    rows = [[row[i] for i in keep] for row in [POVERTY_HEADERS, *household("H01", 101)]]
    with pytest.raises(FileProblem) as caught:
        parse_file(write_xlsx(tmp_path / "名册.xlsx", rows), "poverty")
    message = caught.value.message
    assert caught.value.code == "column_missing"
    for text in ("名册.xlsx", "证件号码", "公民身份号码", "身份证号", "身份证号码"):
        assert text in message


def test_duplicated_header_is_refused(tmp_path: Path) -> None:
    rows = [[*POVERTY_HEADERS, "身份证号"], *[[*r, "x"] for r in household("H01", 101)]]
    with pytest.raises(FileProblem) as caught:
        parse_file(write_xlsx(tmp_path / "r.xlsx", rows), "poverty")
    assert caught.value.code == "column_duplicated"
    assert "身份证号" in caught.value.message and "证件号码" in caught.value.message


def test_no_header_at_all(tmp_path: Path) -> None:
    with pytest.raises(FileProblem) as caught:
        parse_file(write_xlsx(tmp_path / "r.xlsx", [["a", "b"], [1, 2]]), "poverty")
    assert caught.value.code == "header_not_found"
