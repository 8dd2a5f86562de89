"""The monthly report (一月一分析): its sections' columns and the charts drawn beside its tables.

The report is issued like a roster version (kind `monthly`: numbered per region, SM3 digest, SM2 signature), so
`doudi roster verify` and `diff` work on it unchanged. The figures are gathered in `doudi.rosterbook.monthly`; this
module only says what the columns are and which charts each section gets. Charts are derived from the signed rows
alone (never from data outside the signature): SVG in the PDF (`charts.bar_chart_svg`), native charts over the
same cells in Excel.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from doudi.signing.canonical import Column, ColumnType, Section, Value, canonical_rows

from .charts import BarChart, Series, bar_chart_svg

KIND = "monthly"
TITLE = "兜底保障工作月度分析报告"
TOTAL = "合计"

T = ColumnType
SUMMARY_COLUMNS = (
    Column("item", "指标"),
    Column("count", "数量", T.INT),
    Column("amount", "金额(元)", T.FEN),
    Column("note", "说明"),
)
PROGRESS_COLUMNS = (
    Column("step", "步骤"),
    Column("step_name", "工作内容"),
    Column("deadline", "截止日期", T.DATE),
    Column("open", "在办个案", T.INT),
    Column("overdue", "已逾期", T.INT),
)
TOWNSHIP_COLUMNS = (
    Column("township", "乡(镇)"),
    Column("cases", "个案数", T.INT),
    Column("overdue", "逾期个案", T.INT),
    Column("settled", "已办结", T.INT),
    Column("card", "建档立卡户", T.INT),
    Column("covered", "已纳入低保特困的建档立卡户", T.INT),
    Column("paid", "本月发放资金(元)", T.FEN),
    Column("warnings", "预警户数", T.INT),
)
FUNDS_COLUMNS = (
    Column("kind", "资金类别"),
    Column("lines", "发放人(户)次", T.INT),
    Column("amount", "金额(元)", T.FEN),
)
LATE_COLUMNS = (
    Column("seq", "序号", T.INT),
    Column("township", "乡(镇)"),
    Column("village", "行政村"),
    Column("household_no", "户编号"),
    Column("head", "户主(脱敏)"),
    Column("step", "应完成步骤"),
    Column("state", "当前状态"),
    Column("due", "办理时限", T.DATE),
    Column("days_late", "逾期天数", T.INT),
    Column("responsible", "责任单位"),
)

WARNING_COLUMNS = (
    Column("signal", "预警类型"),
    Column("households", "预警户数", T.INT),
    Column("visited", "已走访户数", T.INT),
)
WARNING_LABELS = {
    "edge": "低保边缘",
    "unstable_exit": "脱贫不稳定",
    "sharp_fall": "收入骤减",
    "spending": "刚性支出骤增",
    "hardship": "突发困难",
}

SECTION_TITLES = {
    "summary": "一、主要指标",
    "progress": "二、行动进度(按步骤对照时限)",
    "townships": "三、分乡镇情况",
    "funds": "四、资金发放",
    "late": "五、逾期问责清单",
    "warnings": "六、返贫和新增致贫预警",
}


@dataclass(frozen=True)
class ChartSpec:
    title: str
    label: str  # the column of the categories
    values: tuple[str, ...]  # the columns of the series
    skip_total: bool = True  # leave out the 合计 row


CHARTS: dict[str, tuple[ChartSpec, ...]] = {
    "progress": (ChartSpec("各步骤在办与逾期个案", "step_name", ("open", "overdue"), skip_total=False),),
    "townships": (
        ChartSpec("分乡镇个案办理情况", "township", ("cases", "overdue", "settled")),
        ChartSpec("分乡镇本月发放资金", "township", ("paid",)),
    ),
    "funds": (ChartSpec("本月资金发放构成", "kind", ("amount",)),),
}


def _number(column: Column, value: Value) -> float:
    if not isinstance(value, int):
        return 0.0
    return value / 100 if column.type is T.FEN else float(value)


def _rows(section: Section, spec: ChartSpec) -> list[tuple[Value, ...]]:
    label = section.column_index(spec.label)
    rows = list(canonical_rows(section))
    return [r for r in rows if not (spec.skip_total and r[label] == TOTAL)]


def charts_for(kind: str, section: Section) -> list[BarChart]:
    """The charts of a section of a report of this kind (none for rosters)."""
    if kind != KIND:
        return []
    out = []
    for spec in CHARTS.get(section.key, ()):
        rows = _rows(section, spec)
        if not rows:
            continue
        label = section.column_index(spec.label)
        series = []
        for key in spec.values:
            index = section.column_index(key)
            column = section.columns[index]
            series.append(Series(column.header, tuple(_number(column, r[index]) for r in rows)))
        units = {section.columns[section.column_index(k)].type for k in spec.values}
        unit = "元" if units == {T.FEN} else ""
        out.append(BarChart(spec.title, tuple(str(r[label] or "") for r in rows), tuple(series), unit))
    return out


def charts_html(kind: str, section: Section) -> str:
    """The section's charts as <img> tags with SVG data URIs, for the PDF."""
    images = []
    for chart in charts_for(kind, section):
        svg = base64.b64encode(bar_chart_svg(chart).encode("utf-8")).decode("ascii")
        images.append(f'<img class="chart" alt="{chart.title}" src="data:image/svg+xml;base64,{svg}">')
    return f'<div class="charts">{"".join(images)}</div>' if images else ""


def add_xlsx_charts(
    book: Any, sheet: Any, sheet_name: str, kind: str, section: Section, first_row: int
) -> None:
    """Native Excel charts over the section's own cells, placed to the right of the table."""
    if kind != KIND:
        return
    rows = list(canonical_rows(section))
    anchor_col = len(section.columns) + 1
    for number, spec in enumerate(CHARTS.get(section.key, ())):
        label = section.column_index(spec.label)
        count = len(rows) - (1 if spec.skip_total and rows and rows[-1][label] == TOTAL else 0)
        if count <= 0:
            continue
        chart = book.add_chart({"type": "column"})
        last = first_row + count - 1
        for key in spec.values:
            col = section.column_index(key)
            chart.add_series(
                {
                    "name": [sheet_name, first_row - 1, col],
                    "categories": [sheet_name, first_row, label, last, label],
                    "values": [sheet_name, first_row, col, last, col],
                    "data_labels": {"value": True},
                }
            )
        chart.set_title({"name": spec.title, "name_font": {"name": "Noto Sans CJK SC", "size": 12}})
        chart.set_x_axis({"num_font": {"name": "Noto Sans CJK SC"}})
        chart.set_legend({"position": "bottom", "font": {"name": "Noto Sans CJK SC"}})
        chart.set_size({"width": 640, "height": 300})
        sheet.insert_chart(first_row + number * 16, anchor_col, chart)
