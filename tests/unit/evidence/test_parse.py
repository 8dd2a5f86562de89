"""Feed files: read with the roster readers; every row accepted or rejected with file, row, column and fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from doudi.core import ids
from doudi.evidence.feeds import FEEDS, FeedKind, kind_of_file
from doudi.evidence.parse import describe, parse_feed
from doudi.ingest.problems import FileProblem

TODAY = date(2020, 7, 1)
GOOD = ids.make("530627", date(1970, 1, 1), 11)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_feed_has_id_and_name_and_chinese_headers() -> None:
    assert len(FEEDS) == 15
    for spec in FEEDS.values():
        keys = [c.key for c in spec.columns]
        assert keys[:2] == ["id_number", "name"]
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c.header) for c in spec.columns)
        assert kind_of_file(spec.label) is spec.kind
        assert kind_of_file(f"{spec.label}.2020") is spec.kind


def test_rows_read_equal_accepted_plus_rejected_and_problems_say_where(tmp_path: Path) -> None:
    text = (
        "说明: 2020年6月数据\n"
        "车辆价格,号牌号码,身份证号,姓名,登记日期\n"
        f"150000,云C1,{GOOD},张三,2020-03-01\n"
        f"abc,云C2,{GOOD[:-1]}0,李四,2020-03-01\n"
        ",云C3,5.30627E+17,王五,2020/3/1\n"
        "\n"
        f"160000,云C4,'{GOOD} ,赵六,2020年3月1日\n"
    )
    result = parse_feed(write(tmp_path, "车辆.csv", text), FeedKind.VEHICLES, TODAY)
    assert result.rows_read == 4
    assert len(result.accepted) == 2 and len(result.rejected) == 2
    first = result.accepted[0]
    assert first.fields["price"] == 15_000_000 and first.fields["registered_on"] == date(2020, 3, 1)
    assert first.id_number == GOOD and first.id_valid
    problems = {(p.row, p.column, p.code) for p in result.problems}
    assert (4, "车辆价格", "amount_invalid") in problems
    assert (5, "身份证号", "id_stored_as_number") in problems
    assert (5, "车辆价格", "required_blank") in problems
    line = describe(result.problems[0], "车辆.csv")
    assert line.startswith("车辆.csv 第4行 “车辆价格”列")


def test_a_missing_required_column_names_it(tmp_path: Path) -> None:
    path = write(tmp_path, "死亡.csv", f"公民身份号码,姓名\n{GOOD},张三\n")
    with pytest.raises(FileProblem) as err:
        parse_feed(path, FeedKind.DEATHS, TODAY)
    assert "死亡日期" in err.value.message


def test_months_and_choices(tmp_path: Path) -> None:
    text = f"公民身份号码,姓名,项目,所属月份,发放金额(元),到账日期\n{GOOD},张三,低保,2020-05,375,\n{GOOD},张三,救济,2020年13月,1,\n"
    result = parse_feed(write(tmp_path, "发放.csv", text), FeedKind.PAYMENTS, TODAY)
    assert result.accepted[0].fields["month"] == date(2020, 5, 1)
    assert result.accepted[0].fields["paid_on"] is None
    assert {p.code for p in result.problems} == {"value_not_in_list", "month_invalid"}
