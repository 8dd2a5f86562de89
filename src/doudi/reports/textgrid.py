"""The fast layout of a long table in the PDF: one monospaced text line per row, cut into page-sized blocks.

WeasyPrint lays out and draws every table cell as its own box, so a roster of 10,000 rows x 12 columns took minutes.
Here a row is a single line of Noto Sans Mono CJK SC (Latin half-width, CJK full-width, so columns line up
exactly), the grid's vertical rules are backgrounds of the block, and the rows are cut into blocks that fit a page,
each block starting with the column header: the header repeats on every page without a table. Row height is fixed
(one line, no wrapping), so how many rows fit a page is known before rendering. The last block is planned so that
the signature and seal block fits on the page of the last rows and never stands alone.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from html import escape

from doudi.signing.canonical import ColumnType, Section, Value

from .labels import display

MONO_FONT = '"Noto Sans Mono CJK SC", monospace'
PAGE_WIDTH_PT = (297 - 24) * 72 / 25.4  # A4 landscape less the left and right margins (pdf.CSS)
PAGE_HEIGHT_PT = (210 - 16 - 22) * 72 / 25.4  # less the top and bottom margins
MAX_FONT_PT = 8.0
MIN_FONT_PT = 4.5
LINE = 1.5  # line height, in font sizes
TOP_PT = 60.0  # the first page's title and note (fixed height in pdf.CSS: .top)
TITLE_PT = 32.0  # a section title (fixed height and margins: h2.fixed)
SEAL_PT = 110.0  # the signature and seal block with its margin (.seal)
SLACK_ROWS = 1  # rows left free on every page, against rounding
RULE_PT = 0.5


def char_width(ch: str) -> int:
    """Half-width units: East Asian wide and full-width characters take two, combining marks none."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Cut a header into lines of at most `width` half-width units (never splitting a character)."""
    lines, line, used = [], "", 0
    for ch in text:
        w = char_width(ch)
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0
        line, used = line + ch, used + w
    return [*lines, line] if line or not lines else lines


def pad(text: str, width: int, right: bool) -> str:
    fill = " " * max(width - text_width(text), 0)
    return fill + text if right else text + fill


@dataclass(frozen=True)
class Grid:
    """Column widths (half-width units, without the one-space padding each side) and the font size."""

    widths: tuple[int, ...]
    numeric: tuple[bool, ...]
    header_lines: tuple[str, ...]
    font_pt: float

    @property
    def total(self) -> int:
        return sum(w + 2 for w in self.widths)

    @property
    def row_pt(self) -> float:
        return self.font_pt * LINE

    def line(self, cells: list[str]) -> str:
        return "".join(
            " " + pad(c, w, n) + " " for c, w, n in zip(cells, self.widths, self.numeric, strict=True)
        )

    def rules_css(self, lines: int) -> str:
        """The grid's rules as one SVG background stretched over a block of `lines` lines (x in ch, y in lines):
        far cheaper to draw than a border on every row."""
        edges, x = [0], 0
        for w in self.widths:
            x += w + 2
            edges.append(x)
        width = RULE_PT / (self.font_pt * 0.5)  # 0.5pt in ch
        height = RULE_PT / self.row_pt  # 0.5pt in lines
        head = len(self.header_lines)
        rects = [
            f"<rect x='{min(max(e - width / 2, 0), x - width):.3f}' y='0' width='{width:.3f}' height='{lines}'/>"
            for e in edges
        ]
        for y in range(lines + 1):
            thick = 2 if y == head else 1
            top = min(max(y - height * thick / 2, 0), lines - height * thick)
            rects.append(f"<rect x='0' y='{top:.4f}' width='{x}' height='{height * thick:.4f}'/>")
        svg = (
            f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {x} {lines}' preserveAspectRatio='none'>"
            f"<g fill='%23555'>{''.join(rects)}</g></svg>"
        )
        return (
            f"font-size:{self.font_pt}pt;width:{self.total}ch;"
            f'background:url("data:image/svg+xml,{svg}") no-repeat;background-size:100% 100%'
        )


def plan_grid(section: Section, rows: tuple[tuple[Value, ...], ...]) -> Grid | None:
    """The grid of a section, or None when it cannot fit the page width even at the smallest font size."""
    widths = []
    for index, column in enumerate(section.columns):
        widest = max((text_width(display(column, row[index])) for row in rows), default=0)
        header = text_width(column.header)
        # a header may wrap onto two lines
        widths.append(max(widest, math.ceil(header / 2), 4))
    fits = int(PAGE_WIDTH_PT / (MAX_FONT_PT * 0.5))  # half-width units across the page at the largest font
    for index, column in enumerate(section.columns):  # widen columns to keep headers on one line while room
        need = text_width(column.header) - widths[index]
        if 0 < need <= fits - sum(w + 2 for w in widths):
            widths[index] += need
    total = sum(w + 2 for w in widths)
    font_pt = min(MAX_FONT_PT, math.floor(PAGE_WIDTH_PT / (total * 0.5) * 10) / 10)
    if font_pt < MIN_FONT_PT:
        return None
    wrapped = [wrap(c.header, w) for c, w in zip(section.columns, widths, strict=True)]
    depth = max(len(lines) for lines in wrapped)
    numeric = tuple(c.type in (ColumnType.FEN, ColumnType.INT) for c in section.columns)
    header_lines = tuple(
        "".join(
            " " + pad((lines[i] if i < len(lines) else ""), w, False) + " "
            for lines, w in zip(wrapped, widths, strict=True)
        )
        for i in range(depth)
    )
    return Grid(tuple(widths), numeric, header_lines, font_pt)


def plan_blocks(count: int, grid: Grid, first_page_pt: float, with_seal: bool) -> list[int]:
    """Rows per block; each block but the last ends its page. The first block shares its page with
    `first_page_pt` of titles. With the seal, the last block leaves room for it (moving rows to a new page,
    never leaving the seal block alone)."""
    header_pt = len(grid.header_lines) * grid.row_pt

    def capacity(used_pt: float) -> int:
        return max(int((PAGE_HEIGHT_PT - used_pt - header_pt) // grid.row_pt) - SLACK_ROWS, 1)

    blocks, left, used = [], count, first_page_pt
    while left > 0:
        take = min(left, capacity(used))
        blocks.append(take)
        left -= take
        used = 0.0
    if with_seal and blocks:
        used = first_page_pt if len(blocks) == 1 else 0.0
        room = capacity(used + SEAL_PT)
        if blocks[-1] > room:  # the seal would not fit under the last rows: carry the last rows over with it
            keep = min(3, blocks[-1])
            blocks[-1] -= keep
            blocks.append(keep)
            if blocks[-2] == 0:
                blocks.pop(-2)
    return blocks or [0]


def block_html(grid: Grid, section: Section, rows: tuple[tuple[Value, ...], ...], last_page: bool) -> str:
    """One page's block: the header lines and the rows as one preformatted text (one box, not one per row)."""
    lines = [*grid.header_lines]
    lines += [grid.line([display(c, v) for c, v in zip(section.columns, row, strict=True)]) for row in rows]
    brk = "" if last_page else " brk"
    style = escape(grid.rules_css(len(lines)))
    return f'<div class="grid{brk}" style="{style}">{escape(chr(10).join(lines))}</div>'


GRID_CSS = """
.grid { font-family: MONO; white-space: pre; line-height: 1.5; }
.grid.brk { break-after: page; }
""".replace("MONO", MONO_FONT)
