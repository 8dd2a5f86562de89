"""File formats and encodings: .xlsx, .xls, .csv (UTF-8, UTF-8 BOM, GB18030), and files that are not rosters."""

from pathlib import Path

import pytest

from doudi.ingest.pipeline import parse_file
from doudi.ingest.problems import FileProblem
from doudi.ingest.readers import detect_encoding

from .rosters import POVERTY_HEADERS, household, write_csv, write_xls, write_xlsx


def _roster(name: str = "𠮷䶮") -> list[list[object]]:
    rows = household("5306230000000001", 101, members=2)
    rows[1][POVERTY_HEADERS.index("姓名")] = name
    return [POVERTY_HEADERS, *rows]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str, today: object) -> None:
    name = "𠮷䶮" if encoding != "gbk" else "张伟"  # GBK has no 𠮷
    path = write_csv(tmp_path / "r.csv", _roster(name), encoding)
    result = parse_file(path, "poverty", today=today)
    assert (result.rows_read, len(result.accepted)) == (2, 2)
    assert result.accepted[1].fields["name"] == name
    assert detect_encoding(path) == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig"}.get(encoding, "gb18030")


def test_xlsx_and_xls_read_the_same(tmp_path: Path, today: object) -> None:
    xlsx = parse_file(write_xlsx(tmp_path / "r.xlsx", _roster()), "poverty", today=today)
    xls = parse_file(write_xls(tmp_path / "r.xls", _roster()), "poverty", today=today)
    assert [r.fields for r in xlsx.accepted] == [r.fields for r in xls.accepted]
    assert xlsx.accepted[1].fields["name"] == "𠮷䶮"


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"", "empty.xlsx", "file_empty"),
        (b"just some text\n", "renamed.xlsx", "not_excel"),
        (b"PK\x03\x04 truncated zip", "cut.xlsx", "excel_damaged"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "cut.xls", "excel_damaged"),
    ],
)
def test_unreadable_files_give_a_clear_message(tmp_path: Path, content: bytes, name: str, code: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileProblem) as caught:
        parse_file(path, "poverty")
    assert caught.value.code == code
    assert name in caught.value.message


def test_truncated_real_workbook(tmp_path: Path) -> None:
    whole = write_xlsx(tmp_path / "whole.xlsx", _roster()).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(FileProblem) as caught:
        parse_file(cut, "poverty")
    assert caught.value.code == "excel_damaged"


def test_wrong_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", _roster(), sheet="花名册")
    with pytest.raises(FileProblem) as caught:
        parse_file(path, "poverty", sheet="Sheet9")
    assert caught.value.code == "sheet_not_found"
    assert "“花名册”" in caught.value.message and "Sheet9" in caught.value.message


def test_roster_of_another_kind_is_not_taken(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", _roster())
    with pytest.raises(FileProblem) as caught:
        parse_file(path, "tekun")
    assert caught.value.code == "column_missing"
    assert "供养方式" in caught.value.message
