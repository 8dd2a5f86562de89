"""Bar charts as SVG, in pure Python, for the monthly report's PDF (and any page that wants one).

Grouped vertical bars: one group per category (a township, a step), one bar per series, the value written above
each bar, a legend, and a value axis with round ticks. Text is in Noto Sans CJK SC, the font of the PDF.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

COLOURS = ("#2f6db5", "#d9534f", "#5cb85c", "#f0ad4e", "#7e57c2", "#26a69a")
FONT = "Noto Sans CJK SC, sans-serif"


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class BarChart:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""  # shown after the title, e.g. 元


def nice_step(top: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) so that about `ticks` steps reach `top`."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def label(value: float) -> str:
    """A value as written on the chart: integers plainly, others with two decimals."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart_svg(chart: BarChart, width: int = 760, height: int = 280) -> str:
    """The chart as a standalone SVG document (UTF-8 text)."""
    left, right, top, bottom = 64, 16, 36, 54
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in chart.series for v in s.values]
    step = nice_step(max(values, default=0))
    if all(float(v).is_integer() for v in values):
        step = max(step, 1.0)  # counts: whole-number ticks
    ceiling = step * max(math.ceil(max(values, default=0) / step), 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    title = chart.title + (f"(单位:{chart.unit})" if chart.unit else "")
    out.append(f'<text x="{left}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>')
    ticks = round(ceiling / step)
    for i in range(ticks + 1):
        y = top + plot_h - plot_h * i / ticks
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#dddddd"/>')
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#444444">{label(step * i)}</text>'
        )
    groups = max(len(chart.categories), 1)
    group_w = plot_w / groups
    bar_w = min(group_w * 0.8 / max(len(chart.series), 1), 48)
    for g, category in enumerate(chart.categories):
        x0 = left + g * group_w + (group_w - bar_w * len(chart.series)) / 2
        for s, series in enumerate(chart.series):
            value = series.values[g]
            h = plot_h * value / ceiling if ceiling else 0
            x, y = x0 + s * bar_w, top + plot_h - h
            colour = COLOURS[s % len(COLOURS)]
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.92:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(series.name)} {escape(category)}: {label(value)}</title></rect>"
            )
            if value:
                out.append(
                    f'<text x="{x + bar_w * 0.46:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="9">'
                    f"{label(value)}</text>"
                )
        limit = max(int(group_w / 11), 2)
        out.append(
            f'<text x="{left + (g + 0.5) * group_w:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
            f"{escape(_truncate(category, limit))}</text>"
        )
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#444444"/>'
    )
    x = left
    for s, series in enumerate(chart.series):
        y = height - 14
        out.append(
            f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{COLOURS[s % len(COLOURS)]}"/>'
            f'<text x="{x + 14}" y="{y}">{escape(series.name)}</text>'
        )
        x += 24 + 12 * len(series.name)
    out.append("</svg>")
    return "".join(out)
