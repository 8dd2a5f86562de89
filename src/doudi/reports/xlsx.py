"""A signed roster as an Excel workbook: one sheet per section, and a 签章信息 sheet with the signed metadata.

Each section sheet: title row, version row, header row (repeated on every printed page), data rows, then the
signature and seal block. The page footer carries version, SM3 digest and SM2 signature, and page x of y; the
workbook's document properties carry them too. Text is always written as text (IDs never become numbers).
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from doudi.signing.canonical import ColumnType, Section, Value, canonical_rows
from doudi.signing.signed import SignedRoster

from .labels import META_LABELS, SIGNATURE_SHEET, footer_text, signature_b64, version_line
from .monthly import add_xlsx_charts

HEADER_ROW = 2  # title, version line, then headers
FIRST_DATA_ROW = HEADER_ROW + 1


def sheet_name(section: Section, index: int) -> str:
    name = section.title.translate(str.maketrans("[]:*?/\\", "()：＊？／＼"))[:28]
    return name or f"表{index + 1}"


def _formats(book: Workbook) -> dict[str, object]:
    base = {"font_name": "Noto Sans CJK SC", "font_size": 10, "border": 1, "valign": "vcenter"}
    return {
        "title": book.add_format(
            {"font_name": "Noto Sans CJK SC", "bold": True, "font_size": 14, "align": "center"}
        ),
        "note": book.add_format({"font_name": "Noto Sans CJK SC", "font_size": 9}),
        "header": book.add_format(
            {**base, "bold": True, "align": "center", "bg_color": "#E8EEF4", "text_wrap": True}
        ),
        ColumnType.TEXT: book.add_format({**base, "num_format": "@"}),
        ColumnType.INT: book.add_format({**base, "num_format": "0"}),
        ColumnType.FEN: book.add_format({**base, "num_format": "#,##0.00"}),
        ColumnType.DATE: book.add_format({**base, "num_format": "yyyy-mm-dd"}),
    }


def _write_cell(sheet: Worksheet, row: int, col: int, kind: ColumnType, value: Value, fmt: object) -> None:
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif kind is ColumnType.TEXT:
        sheet.write_string(row, col, str(value), fmt)
    elif kind is ColumnType.FEN:
        sheet.write_number(row, col, int(value) / 100, fmt)
    elif kind is ColumnType.DATE:
        sheet.write_datetime(row, col, date.fromisoformat(str(value)), fmt)
    else:
        sheet.write_number(row, col, int(value), fmt)


def _page_setup(sheet: Worksheet, signed: SignedRoster, width: int) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(HEADER_ROW)
    sheet.fit_to_pages(1, 0)
    sheet.set_header(f"&L&8{version_line(signed).replace('&', '&&')}")
    sheet.set_footer(f"&L&6{footer_text(signed)}&R&8第 &P 页 共 &N 页", {"margins": 0.3})
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    sheet.set_column(0, width - 1, 14)


def _signature_block(sheet: Worksheet, row: int, signed: SignedRoster, fmt: object) -> None:
    meta = signed.roster.meta
    sheet.write_string(row, 0, f"制表单位:{meta.region_name}", fmt)
    sheet.write_string(row + 1, 0, f"审核人:{meta.reviewer_name or '—'}", fmt)
    sheet.write_string(row + 1, 3, f"签发人(签章):{meta.signer_name}", fmt)
    sheet.write_string(row + 2, 0, f"签发时间:{meta.signed_at}", fmt)
    sheet.write_string(row + 2, 3, "(盖章)", fmt)


def _write_section(book: Workbook, formats: dict[str, object], signed: SignedRoster, index: int) -> None:
    section = signed.roster.sections[index]
    sheet = book.add_worksheet(sheet_name(section, index))
    width = len(section.columns)
    _page_setup(sheet, signed, width)
    sheet.merge_range(
        0, 0, 0, max(width - 1, 1), f"{version_line(signed)} · {section.title}", formats["title"]
    )
    meta = signed.roster.meta
    period = f"所属期间:{meta.period}  " if meta.period else ""
    sheet.write_string(1, 0, f"{period}签发时间:{meta.signed_at}  SM3:{signed.digest}", formats["note"])
    for col, column in enumerate(section.columns):
        sheet.write_string(HEADER_ROW, col, column.header, formats["header"])
    rows = canonical_rows(section)
    for r, row in enumerate(rows):
        for col, (column, value) in enumerate(zip(section.columns, row, strict=True)):
            _write_cell(sheet, FIRST_DATA_ROW + r, col, column.type, value, formats[column.type])
    _signature_block(sheet, FIRST_DATA_ROW + len(rows) + 1, signed, formats["note"])
    name = sheet_name(section, index)
    add_xlsx_charts(book, sheet, name, meta.kind, section, FIRST_DATA_ROW)


def _write_signature_sheet(book: Workbook, signed: SignedRoster) -> None:
    sheet = book.add_worksheet(SIGNATURE_SHEET)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 100)
    sheet.set_column(2, 2, 18)
    entries: list[tuple[str, str, str]] = [("格式", "doudi-roster/1", "format")]
    meta = signed.roster.meta.as_dict()
    entries += [(label, str(meta[key]), f"meta.{key}") for key, label in META_LABELS.items()]
    entries += [("SM3摘要", signed.digest, "digest"), ("SM2签名(Base64)", signature_b64(signed), "signature")]
    for index, section in enumerate(signed.roster.sections):
        spec = {
            "key": section.key,
            "title": section.title,
            "sheet": sheet_name(section, index),
            "columns": [[c.key, c.header, c.type.value] for c in section.columns],
            "row_key": list(section.row_key),
        }
        entries.append((f"表{index + 1}结构", json.dumps(spec, ensure_ascii=False), "section"))
    for row, (label, value, key) in enumerate(entries):
        sheet.write_string(row, 0, label)
        sheet.write_string(row, 1, value)
        sheet.write_string(row, 2, key)


def render_xlsx(signed: SignedRoster, created: datetime | None = None) -> bytes:
    """The workbook's bytes. `created` fixes the document timestamp (default: the signing time)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    meta = signed.roster.meta
    stamp = created or (datetime.fromisoformat(meta.signed_at) if meta.signed_at else datetime(2020, 1, 1))
    book.set_properties(
        {
            "title": version_line(signed),
            "author": meta.signer_name,
            "manager": meta.reviewer_name,
            "company": meta.region_name,
            "keywords": f"SM3:{signed.digest}",
            "comments": footer_text(signed),
            "created": stamp.replace(tzinfo=None),
        }
    )
    for key, value in (
        ("版本号", meta.number),
        ("SM3摘要", signed.digest),
        ("SM2签名", signature_b64(signed)),
    ):
        book.set_custom_property(key, value)
    formats = _formats(book)
    for index in range(len(signed.roster.sections)):
        _write_section(book, formats, signed, index)
    _write_signature_sheet(book, signed)
    book.close()
    return buffer.getvalue()
