"""Row validation and file-level checks, through parse_file on small generated rosters."""

from datetime import date
from pathlib import Path

import pytest

from doudi.core import ids
from doudi.ingest.pipeline import ParseResult, parse_file
from doudi.ingest.problems import Severity

from .rosters import (
    DIBAO_HEADERS,
    OTHER_VILLAGE,
    POVERTY_HEADERS,
    TEKUN_HEADERS,
    household,
    pid,
    poverty_row,
    write_csv,
    write_xlsx,
)

TODAY = date(2026, 6, 30)
ID_COL = POVERTY_HEADERS.index("证件号码")
ARABIC_INDIC_15 = "".join(chr(0x660 + int(d)) for d in "530623700304101")  # digits, but not ASCII ones


def _parse(
    tmp_path: Path, rows: list[list[object]], kind: str = "poverty", headers: list[str] | None = None
) -> ParseResult:
    result = parse_file(
        write_xlsx(tmp_path / "r.xlsx", [headers or POVERTY_HEADERS, *rows]), kind, today=TODAY
    )
    assert result.rows_read == len(result.accepted) + len(result.rejected)
    return result


def _codes(result: ParseResult) -> dict[int, list[str]]:
    return {r.row: [p.code for p in r.problems] for r in result.rejected}


def test_a_clean_household_is_accepted_with_canonical_fields(tmp_path: Path) -> None:
    rows = household("5306230000000001", 101)
    rows[0][POVERTY_HEADERS.index("家庭年人均纯收入")] = "5,200.50元"
    rows[1][ID_COL] = str(rows[1][ID_COL])[:17] + " " + str(rows[1][ID_COL])[17]  # a space inside
    result = _parse(tmp_path, rows)
    head = result.accepted[0].fields
    assert (
        head["county"] == "530623" and head["township"] == "530623101" and head["village"] == "530623101001"
    )
    assert head["income_per_capita"] == 520050
    assert head["safety_net_mark"] is True and head["exit_year"] == 2019 and head["sex"] == "M"
    assert result.accepted[1].fields["id_number"] == pid(2000, 103)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (pid(1970, 101)[:17] + "0", "id_bad_check_character"),
        ("5306231970030410", "id_bad_length"),
        (5.30623197003041e17, "id_stored_as_number"),
        (530623197003041, "id_stored_as_number"),
        ("5.30623E+17", "id_stored_as_number"),
        ("5306231970030410111", "id_stored_as_number"),
        ("530623197002301011", "id_bad_birth_date"),
        (ARABIC_INDIC_15, "id_bad_characters"),
    ],
)
def test_bad_ids_are_rejected_never_guessed(tmp_path: Path, value: object, code: str) -> None:
    rows = household("H01", 101, members=1)
    rows[0][ID_COL] = value
    result = _parse(tmp_path, rows)
    assert _codes(result) == {2: [code]}
    assert result.rejected[0].problems[0].column == "证件号码"


def test_old_15_digit_id_and_lowercase_x_and_full_width(tmp_path: Path) -> None:
    with_x = next(pid(1980, s) for s in range(1, 999, 2) if pid(1980, s).endswith("X"))
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in pid(1975, 105))
    rows = [
        poverty_row("H01", "甲", "530623700304101"),
        poverty_row("H01", "乙", with_x.lower(), "配偶"),
        poverty_row("H01", "丙", full_width, "之子"),
    ]
    result = _parse(tmp_path, rows)
    old = ids.upgrade15("530623700304101")
    assert [r.fields["id_number"] for r in result.accepted] == [old, with_x, pid(1975, 105)]


def test_sex_against_id_is_a_warning_and_the_id_wins(tmp_path: Path) -> None:
    rows = household("H01", 101, members=1)
    rows[0][POVERTY_HEADERS.index("性别")] = "女"  # seq 101 is male
    result = _parse(tmp_path, rows)
    assert len(result.accepted) == 1 and result.accepted[0].fields["sex"] == "M"
    (warning,) = result.warnings
    assert (warning.code, warning.severity, warning.column) == (
        "sex_disagrees_with_id",
        Severity.WARNING,
        "性别",
    )


def test_village_not_in_township_and_unknown_county(tmp_path: Path) -> None:
    rows = [
        *household("H01", 101, members=1),
        poverty_row("H02", "乙", pid(1971, 103), 行政村=OTHER_VILLAGE),
        poverty_row("H03", "丙", pid(1972, 105), **{"县(市、区)": "不存在县"}),
        poverty_row("H04", "丁", pid(1973, 107), 行政村="530623102001"),  # a code of another township
        poverty_row("H05", "戊", pid(1974, 109), 行政村="530623101001", **{"乡(镇)": "530623101"}),
    ]
    result = _parse(tmp_path, rows)
    assert _codes(result) == {3: ["village_unknown"], 4: ["county_unknown"], 5: ["village_unknown"]}
    assert "盐井镇" in result.rejected[0].problems[0].reason
    assert [r.row for r in result.accepted] == [2, 6]


def test_relation_enums_dates_and_yes_no(tmp_path: Path) -> None:
    rows = household("H01", 101, members=3)
    rows[1][POVERTY_HEADERS.index("与户主关系")] = "儿子"  # a synonym
    rows[2][POVERTY_HEADERS.index("与户主关系")] = "邻居"
    rows[0][POVERTY_HEADERS.index("兜底保障标识")] = "Y"
    result = _parse(tmp_path, rows)
    assert result.accepted[1].fields["relation"] == "之子"
    assert _codes(result) == {4: ["value_not_in_list"]}
    assert "户主" in result.rejected[0].problems[0].fix


def test_duplicates_point_to_the_first_row(tmp_path: Path) -> None:
    rows = [*household("H01", 101), poverty_row("H02", "某", pid(1970, 101))]
    rows.append(poverty_row("H02", "某某", pid(1971, 301), "配偶"))
    result = _parse(tmp_path, rows)
    duplicate = result.rejected[0].problems[0]
    assert duplicate.row == 4 and duplicate.code == "duplicate_in_file" and "第2行" in duplicate.reason


def test_household_without_exactly_one_head_is_rejected_whole(tmp_path: Path) -> None:
    rows = [
        *household("H01", 101),
        poverty_row("H02", "乙", pid(1971, 103), "配偶"),
        poverty_row("H02", "丙", pid(1999, 105), "之子"),
        poverty_row("H03", "丁", pid(1972, 107)),
        poverty_row("H03", "戊", pid(1973, 109)),
    ]
    result = _parse(tmp_path, rows)
    assert _codes(result) == {r: ["household_head"] for r in (4, 5, 6, 7)}
    reasons = {p.row: p.reason for p in result.problems}
    assert "没有户主" in reasons[4] and "2个户主" in reasons[6]


def test_head_rejected_takes_the_household_with_it(tmp_path: Path) -> None:
    rows = household("H01", 101, members=2)
    rows[0][ID_COL] = "530623"
    result = _parse(tmp_path, rows)
    assert _codes(result) == {2: ["id_bad_length"], 3: ["household_head"]}
    assert "第2行" in result.rejected[1].problems[0].reason


def test_blank_id_is_a_warning_blank_name_an_error_blank_rows_skipped(tmp_path: Path) -> None:
    rows = household("H01", 101, members=3)
    rows[1][ID_COL] = ""
    rows[2][POVERTY_HEADERS.index("姓名")] = "  "
    rows.insert(1, [""] * len(POVERTY_HEADERS))
    rows.insert(1, [" "] * len(POVERTY_HEADERS))
    result = _parse(tmp_path, rows)
    assert result.rows_read == 3
    assert _codes(result) == {6: ["required_blank"]}
    assert [w.code for w in result.warnings] == ["id_blank"]


def test_money_and_dates_of_a_dibao_roll(tmp_path: Path) -> None:
    head, spouse = pid(1960, 101), pid(1962, 202)
    base = {
        "县(市、区)": "530623",
        "乡(镇)": "盐井镇",
        "行政村": "水井社区",
        "户主姓名": "甲",
        "户主身份证号": head,
    }
    forms = ["2020-03-01", "2020/3/1", "2020.3.1", "20200301", "2020年3月1日", 43891, date(2020, 3, 1)]
    rows = []
    for i, when in enumerate(forms):
        number = pid(1990, 301 + 2 * i)
        values = {**base, "姓名": f"成员{i}", "身份证号": number, "与户主关系": "之子", "保障人口": "3",
                  "保障类别": "A", "月保障金": "1,350.5", "纳入时间": when, "单人户": "否", "建档立卡": "1"}  # fmt: skip
        rows.append([values.get(h, "") for h in DIBAO_HEADERS])
    rows.append([{**base, "姓名": "甲", "身份证号": spouse, "与户主关系": "户主", "纳入时间": "2020-13-01"}.get(h, "")
                 for h in DIBAO_HEADERS])  # fmt: skip
    result = _parse(tmp_path, rows, "dibao", DIBAO_HEADERS)
    assert {r.fields["enrolled_on"] for r in result.accepted} == {date(2020, 3, 1)}
    assert {r.fields["monthly_amount"] for r in result.accepted} == {135050}
    assert result.accepted[0].fields["tier"] == "A类" and result.accepted[0].fields["card_household"] is True
    assert sorted(_codes(result)[9]) == ["date_invalid", "head_id_mismatch"]


def test_tekun_requires_id_and_support_mode(tmp_path: Path) -> None:
    def row(number: str, mode: str, care: str = "部分丧失") -> list[object]:
        values = {"县(市、区)": "盐津县", "乡(镇)": "盐井镇", "行政村": "水井社区", "姓名": "某", "身份证号": number,
                  "供养方式": mode, "自理能力": care, "基本生活标准": "600", "照料护理标准": "", "纳入时间": ""}  # fmt: skip
        return [values[h] for h in TEKUN_HEADERS]

    result = _parse(tmp_path, [row(pid(1940, 101), "分散供养"), row("", "集中"), row(pid(1941, 103), "")], "tekun",
                    TEKUN_HEADERS)  # fmt: skip
    assert result.accepted[0].fields["self_care"] == "半自理"
    assert result.accepted[0].fields["basic_standard"] == 60000
    assert _codes(result) == {3: ["required_blank"], 4: ["required_blank"]}


def test_csv_scientific_id(tmp_path: Path) -> None:
    rows = household("H01", 101, members=1)
    rows[0][ID_COL] = "5.30623E+17"
    result = parse_file(write_csv(tmp_path / "r.csv", [POVERTY_HEADERS, *rows]), "poverty", today=TODAY)
    assert _codes(result) == {2: ["id_stored_as_number"]}
    assert "文本" in result.rejected[0].problems[0].fix


@pytest.mark.parametrize(("kind", "headers"), [("poverty", POVERTY_HEADERS), ("tekun", TEKUN_HEADERS)])
def test_a_roster_with_a_header_and_no_rows_reads_zero_rows(
    tmp_path: Path, kind: str, headers: list[str]
) -> None:
    result = _parse(tmp_path, [], kind, headers)
    assert (result.rows_read, len(result.accepted), len(result.rejected)) == (0, 0, 0)


def test_accepted_rows_keep_their_cells_and_one_fields_dict_around_rejected_rows(tmp_path: Path) -> None:
    """Rows are built from their chunk's columns: fields, cells and numbers stay aligned around a rejected row."""
    rows = [*household("H01", 101), *household("H02", 201)]
    rows[1][ID_COL] = "530623"  # too short: rejected, and its household loses a member only
    result = _parse(tmp_path, rows)
    assert [r.row for r in result.accepted] == [2, 4, 5] and [r.row for r in result.rejected] == [3]
    for row in result.accepted:
        assert row.cells == rows[row.row - 2] and row.headers == tuple(POVERTY_HEADERS)
        assert row.fields["id_number"] == rows[row.row - 2][ID_COL]
        assert row.fields is row.fields and isinstance(row.fields, dict)
