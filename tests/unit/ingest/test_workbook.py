"""The error workbook, read back: Chinese headers, the original row, the reason and fix; a summary with counts."""

from datetime import date
from pathlib import Path

import openpyxl

from doudi.ingest.pipeline import parse_file
from doudi.ingest.workbook import write_error_workbook

from .rosters import POVERTY_HEADERS, household, pid, poverty_row, write_xlsx


def test_error_workbook_content(tmp_path: Path) -> None:
    rows = household("H01", 101)
    rows[1][POVERTY_HEADERS.index("证件号码")] = pid(2000, 103)[:17] + "0"
    rows.append(poverty_row("H02", "𠮷", pid(1971, 105), 性别="女"))
    result = parse_file(
        write_xlsx(tmp_path / "r.xlsx", [POVERTY_HEADERS, *rows]), "poverty", today=date(2026, 6, 30)
    )
    out = write_error_workbook(result, tmp_path / "out" / "错误清单.xlsx")

    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["汇总", "退回明细", "提示"]
    summary = {r[0]: r[1] for r in book["汇总"].iter_rows(values_only=True) if r[0]}
    assert (summary["读取行数"], summary["接收行数"], summary["退回行数"]) == (3, 2, 1)
    assert summary["读取行数"] == summary["接收行数"] + summary["退回行数"]

    rejected = list(book["退回明细"].iter_rows(values_only=True))
    assert rejected[0][:5] == ("行号", "列", "原值", "问题", "如何修改")
    assert list(rejected[0][5:]) == POVERTY_HEADERS
    line = rejected[1]
    assert line[0] == 3 and line[1] == "证件号码" and line[2] == pid(2000, 103)[:17] + "0"
    assert "校验位" in line[3] and "核对" in line[4]
    assert line[5 + POVERTY_HEADERS.index("证件号码")] == line[2]  # the original row, as text

    warnings = list(book["提示"].iter_rows(values_only=True))
    assert (
        warnings[1][0] == 4
        and warnings[1][1] == "性别"
        and warnings[1][5 + POVERTY_HEADERS.index("姓名")] == "𠮷"
    )
