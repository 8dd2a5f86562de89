"""SVG bar charts and the monthly report's chart specs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from doudi.reports import monthly
from doudi.reports.charts import BarChart, Series, bar_chart_svg, nice_step
from doudi.signing.canonical import Section

SVG = "{http://www.w3.org/2000/svg}"


def test_nice_steps_are_round() -> None:
    assert nice_step(7) == 2 and nice_step(1750) == 500 and nice_step(0) == 1 and nice_step(0.3) == 0.1


def test_chart_is_valid_svg_with_bars_labels_and_legend() -> None:
    chart = BarChart(
        "分乡镇发放", ("祥城镇", "沙龙镇&<"), (Series("低保", (3.0, 5.0)), Series("特困", (0.0, 2.0))), "元"
    )
    root = ET.fromstring(bar_chart_svg(chart))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "分乡镇发放(单位:元)" in texts and "沙龙镇&<" in texts and "低保" in texts and "特困" in texts
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 4
    heights = {r.find(f"{SVG}title").text: float(r.get("height")) for r in bars}  # type: ignore[union-attr]
    assert heights["低保 沙龙镇&<: 5"] > heights["低保 祥城镇: 3"] > heights["特困 祥城镇: 0"] == 0


def test_monthly_sections_get_their_charts_and_rosters_none() -> None:
    rows = (("祥城镇", 3, 1, 2, 4, 2, 175_000, 1), ("合计", 3, 1, 2, 4, 2, 175_000, 1))
    section = Section("townships", "三、分乡镇情况", monthly.TOWNSHIP_COLUMNS, rows)
    charts = monthly.charts_for(monthly.KIND, section)
    assert [c.title for c in charts] == ["分乡镇个案办理情况", "分乡镇本月发放资金"]
    assert charts[0].categories == ("祥城镇",)  # the 合计 row is left out
    assert charts[1].series[0].values == (1750.0,) and charts[1].unit == "元"
    assert monthly.charts_for("payment", section) == []
    assert "data:image/svg+xml;base64," in monthly.charts_html(monthly.KIND, section)
