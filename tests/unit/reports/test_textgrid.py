"""The text-grid layout of long PDF tables: widths, wrapping, page planning, and the rendered PDF (headers on
every page, page x of y, rare characters, the seal block never alone, verification of the embedded content)."""

from __future__ import annotations

import io

import pypdf
import pytest

from doudi.reports import textgrid
from doudi.reports.pdf import FAST_ROWS, render_pdf
from doudi.reports.readback import read_pdf
from doudi.signing.canonical import Column, ColumnType, Section

from ..signing.sample import KEY, signed


def test_widths_count_wide_characters_twice() -> None:
    assert textgrid.text_width("张𠮷") == 4 and textgrid.text_width("A1") == 2
    assert textgrid.text_width("低保金\uff08元\uff09") == 12 and textgrid.text_width("低保金(元)") == 10
    assert (
        textgrid.pad("李䶮", 6, right=False) == "李䶮  " and textgrid.pad("1.00", 6, right=True) == "  1.00"
    )
    assert textgrid.wrap("特困基本生活费(元)", 10) == ["特困基本生", "活费(元)"]


def test_grid_fits_the_page_and_plans_blocks_with_the_seal() -> None:
    columns = (
        Column("seq", "序号", ColumnType.INT),
        Column("name", "姓名"),
        Column("amount", "金额", ColumnType.FEN),
    )
    rows = tuple((i, "张𠮷", 100 * i) for i in range(1, 501))
    section = Section("detail", "明细", columns, rows)
    grid = textgrid.plan_grid(section, rows)
    assert grid is not None and grid.font_pt == textgrid.MAX_FONT_PT
    assert grid.total * grid.font_pt / 2 <= textgrid.PAGE_WIDTH_PT
    blocks = textgrid.plan_blocks(500, grid, textgrid.TOP_PT, with_seal=True)
    assert sum(blocks) == 500 and blocks[0] < blocks[1]  # the first page also holds the title
    per_page = blocks[1]
    header = len(grid.header_lines) * grid.row_pt
    assert blocks[-1] * grid.row_pt + header + textgrid.SEAL_PT <= textgrid.PAGE_HEIGHT_PT
    full = textgrid.plan_blocks(per_page * 3, grid, 0.0, with_seal=True)
    assert full[-1] == 3 and sum(full) == per_page * 3  # a full last page: its last rows go with the seal


def test_a_table_too_wide_for_the_page_is_not_a_grid() -> None:
    columns = tuple(Column(f"c{i}", f"列{i}") for i in range(40))
    rows = (tuple("很长的文字内容" * 2 for _ in range(40)),)
    assert textgrid.plan_grid(Section("wide", "宽表", columns, rows), rows) is None


def _rows(n: int) -> tuple[tuple[object, ...], ...]:
    names = ("张𠮷", "李䶮", "王五")
    return tuple((i, names[i % 3], "532923196005010012", 100 * i, "2020-03-01") for i in range(1, n + 1))


@pytest.fixture(scope="module")
def long_pdf() -> tuple[object, bytes]:
    version = signed(_rows(FAST_ROWS + 50))
    return version, render_pdf(version, KEY.public)


def test_long_roster_pdf_repeats_headers_and_keeps_the_seal_with_rows(long_pdf) -> None:  # type: ignore[no-untyped-def]
    _version, pdf = long_pdf
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) > 3
    for number, text in enumerate(pages, start=1):
        assert "姓名" in text and "月保障金(元)" in text, f"page {number} has no column header"
        assert f"第 {number} 页 共 {len(pages)} 页" in text
    assert "签发人(签章)" in pages[-1] and f"{FAST_ROWS + 50}" in pages[-1]
    assert "张𠮷" in pages[0] and "李䶮" in pages[0]
    seen = [
        int(line.split()[0])
        for text in pages
        for line in text.splitlines()
        if line.strip()[:1].isdigit() and "532923196005010012" in line
    ]
    assert seen == list(range(1, FAST_ROWS + 51))  # every row once, in order


def test_long_roster_pdf_carries_and_verifies_its_signed_content(long_pdf) -> None:  # type: ignore[no-untyped-def]
    version, pdf = long_pdf
    read = read_pdf(pdf)
    assert read.digest == version.digest and KEY.public.verify(read.content, read.signature)


def test_a_long_section_after_a_short_one_starts_a_page_and_ends_with_the_short_one_after_it() -> None:
    import dataclasses

    from doudi.signing.canonical import Roster
    from doudi.signing.signed import sign_roster
    from doudi.signing.signer import SoftwareSigner

    from ..signing.sample import COLUMNS, KEY, roster

    base = roster()
    short = Section("totals", "乡镇合计", COLUMNS, _rows(3))
    long = Section("detail", "发放明细", COLUMNS, _rows(FAST_ROWS), ("id_number",))
    version = sign_roster(dataclasses.replace(base, sections=(short, long, short)), SoftwareSigner(KEY))
    assert isinstance(version.roster, Roster)
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render_pdf(version))).pages]
    first_of_long = next(i for i, t in enumerate(pages) if "发放明细" in t)
    assert first_of_long == 1 and "乡镇合计" in pages[0]  # the long section starts on a new page
    for text in pages[first_of_long:-1]:
        assert "月保障金(元)" in text
    assert "签发人(签章)" in pages[-1] and "乡镇合计" in pages[-1]
