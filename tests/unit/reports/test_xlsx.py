from __future__ import annotations

import io
import re

import openpyxl
import pytest

from doudi.reports.labels import SIGNATURE_SHEET
from doudi.reports.readback import ReadError, read_xlsx
from doudi.reports.xlsx import render_xlsx

from ..signing.sample import signed


def _edit(data: bytes, sheet: str, cell: str, value: object) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_cells_read_back_to_the_signed_bytes_rare_characters_included() -> None:
    version = signed()
    read = read_xlsx(render_xlsx(version))
    assert read.content == version.content
    assert read.digest == read.claimed_digest == version.digest
    assert read.signature == version.signature
    assert read.roster.sections[0].rows[0][1] == "张𠮷"
    assert read.roster.sections[0].rows[1][1] == "李䶮"


def test_footer_header_and_properties_carry_version_digest_and_signature() -> None:
    version = signed()
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(version)))
    sheet = book["发放明细"]
    footer = sheet.oddFooter.left.text
    assert "第3版" in footer and version.digest in footer and "SM2:" in footer
    assert "第 &P 页 共 &N 页" in sheet.oddFooter.right.text
    assert sheet.print_title_rows == "$3:$3"  # the header row repeats on every printed page
    assert version.digest in book.properties.keywords
    custom = {p.name: p.value for p in book.custom_doc_props.props}
    assert custom["SM3摘要"] == version.digest and custom["版本号"] == 3
    assert book[SIGNATURE_SHEET]["B1"].value == "doudi-roster/1"


def test_resaving_without_changes_keeps_the_content() -> None:
    version = signed()
    resaved = _edit(
        render_xlsx(version),
        "发放明细",
        "A1",
        openpyxl.load_workbook(io.BytesIO(render_xlsx(version)))["发放明细"]["A1"].value,
    )
    assert read_xlsx(resaved).digest == version.digest


def test_a_one_character_change_is_detected() -> None:
    version = signed()
    tampered = _edit(render_xlsx(version), "发放明细", "B4", "张吉")
    read = read_xlsx(tampered)
    assert read.digest != version.digest
    assert read.claimed_digest == version.digest  # the file still claims the signed digest


def test_a_removed_row_is_detected() -> None:
    version = signed()
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(version)))
    book["发放明细"].delete_rows(5)
    out = io.BytesIO()
    book.save(out)
    read = read_xlsx(out.getvalue())
    assert len(read.roster.sections[0].rows) == 2
    assert read.digest != version.digest


def test_a_changed_signer_in_the_signature_sheet_is_detected() -> None:
    version = signed()
    tampered = _edit(render_xlsx(version), SIGNATURE_SHEET, "B9", "李冒名")
    assert read_xlsx(tampered).roster.meta.signer_name == "李冒名"
    assert read_xlsx(tampered).digest != version.digest


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        ("C4", 532923196005010012, "第4行「身份证号」列: 应为文字单元格"),
        ("D4", 375.001, "第4行「月保障金(元)」列: 金额应到分"),
        ("A4", "一", "第4行「序号」列: 应为数字"),
    ],
)
def test_cells_of_the_wrong_type_are_refused_with_their_place(cell: str, value: object, message: str) -> None:
    with pytest.raises(ReadError, match=re.escape(message)):
        read_xlsx(_edit(render_xlsx(signed()), "发放明细", cell, value))


def test_a_workbook_without_signature_sheet_is_refused() -> None:
    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ReadError, match="没有「签章信息」工作表"):
        read_xlsx(out.getvalue(), "别的.xlsx")
