"""Small roster files written inside the tests: xlsx (xlsxwriter), xls (xlwt), csv in any encoding."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import xlsxwriter
import xlwt

from doudi.core import ids
from doudi.core.rosters import COLUMNS, RosterKind

COUNTY, TOWNSHIP, VILLAGE = "盐津县", "盐井镇", "水井社区"  # 530623 / 530623101 / 530623101001
OTHER_VILLAGE = "小河社区"  # in 普洱镇 (530623102), not in 盐井镇
POVERTY_HEADERS = [c.header for c in COLUMNS[RosterKind.POVERTY]]
DIBAO_HEADERS = [c.header for c in COLUMNS[RosterKind.DIBAO]]
TEKUN_HEADERS = [c.header for c in COLUMNS[RosterKind.TEKUN]]


def pid(year: int, seq: int, area: str = "530623") -> str:
    """A valid ID; odd seq = male."""
    return ids.make(area, date(year, 3, 4), seq)


def poverty_row(
    household: str, name: str, number: object, relation: str = "户主", **over: object
) -> list[object]:
    values: dict[str, object] = {
        "县(市、区)": COUNTY,
        "乡(镇)": TOWNSHIP,
        "行政村": VILLAGE,
        "户编号": household,
        "姓名": name,
        "证件号码": number,
        "与户主关系": relation,
        "性别": "",
        "劳动技能": "普通劳动力",
        "健康状况": "健康",
        "残疾证号": "",
        "在校生状况": "",
        "务工状况": "",
        "贫困户属性": "一般贫困户",
        "脱贫属性": "已脱贫",
        "脱贫年度": "2019",
        "脱贫方式": "兜底保障",
        "兜底保障标识": "是",
        "家庭年人均纯收入": "5200.50",
    }
    values.update({k: v for k, v in over.items()})
    return [values[h] for h in POVERTY_HEADERS]


def household(no: str, head_seq: int, members: int = 2, *, year: int = 1970) -> list[list[object]]:
    rows = [poverty_row(no, f"户主{no[-2:]}", pid(year, head_seq))]
    for i in range(1, members):
        rows.append(poverty_row(no, f"成员{no[-2:]}{i}", pid(year + 30, head_seq + 2 * i), "之子"))
    return rows


def write_xlsx(
    path: Path, rows: Sequence[Sequence[object]], *, sheet: str = "名册", title: str | None = None
) -> Path:
    """Strings stay text cells; numbers become number cells (as Excel stores them)."""
    book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
    ws = book.add_worksheet(sheet)
    start = 0
    if title is not None:
        ws.merge_range(0, 0, 0, max(3, len(rows[0]) - 1), title)
        start = 3  # title, then two blank rows
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(start + r, c, value)
            elif value is not None:
                ws.write(start + r, c, value)
    book.close()
    return path


def write_xls(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("名册")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    book.save(str(path))
    return path


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows([["" if v is None else str(v) for v in row] for row in rows])
    return path
