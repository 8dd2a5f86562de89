"""Read a signed roster back out of an Excel or PDF file, to verify it.

Excel: the metadata and table structure come from the 签章信息 sheet; the rows are read back from the cells of
each section's sheet (from the row under the header to the first row without a first cell), turned into canonical
values by column type, and the canonical bytes are rebuilt. So a changed cell, a removed row or a changed value in
the metadata changes the digest. A cell of the wrong type (an ID turned into a number, a money amount with a third
decimal) is rejected with its sheet, row and column.

PDF: the signed canonical bytes and signature are attachments; the file's own bytes are checked against the
digest recorded when the version was issued (see doudi.rosterbook), so any changed byte is detected.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from doudi.signing import sm
from doudi.signing.canonical import (
    CanonicalError,
    Column,
    ColumnType,
    Meta,
    Roster,
    Section,
    Value,
    canonical_bytes,
    from_bytes,
)

from .labels import CONTENT_FILE, META_LABELS, PUBLIC_KEY_FILE, SIGNATURE_FILE, SIGNATURE_SHEET
from .xlsx import FIRST_DATA_ROW


class ReadError(ValueError):
    """The file is not a readable signed roster; the message says where and why."""


@dataclass(frozen=True)
class ReadBack:
    format: str  # "xlsx" or "pdf"
    roster: Roster
    content: bytes  # canonical bytes rebuilt from the file's content
    digest: str  # SM3 of `content`
    claimed_digest: str  # the digest the file states
    signature: bytes
    file_sm3: str  # SM3 of the whole file
    public_key_pem: str = ""  # the PDF attachment, when present (not a trust anchor)
    cells: dict[str, list[list[object]]] | None = (
        None  # Excel: every sheet's cell values, for the full comparison
    )


def read_file(path: Path) -> ReadBack:
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"无法读取文件 {path}: {exc.strerror}") from None
    if suffix == ".xlsx":
        return read_xlsx(data, path.name)
    if suffix == ".pdf":
        return read_pdf(data, path.name)
    raise ReadError(f"{path.name}: 只能校验 .xlsx 或 .pdf 文件")


def _signature(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ReadError(f"{where}: SM2签名不是有效的 Base64") from None


# ---- Excel -------------------------------------------------------------------------------------------------


def _cell(column: Column, value: object, where: str) -> Value:
    if value is None or value == "":
        return None
    kind = column.type
    if kind is ColumnType.TEXT:
        if not isinstance(value, str):
            raise ReadError(f"{where}: 应为文字单元格,实为数字或日期 {value!r}")
        return value
    if kind is ColumnType.DATE:
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        raise ReadError(f"{where}: 应为日期,实为 {value!r}")
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ReadError(f"{where}: 应为数字,实为 {value!r}")
    scaled = value * 100 if kind is ColumnType.FEN else value
    whole = round(scaled)
    if abs(scaled - whole) > 1e-6:
        unit = "金额应到分(最多两位小数)" if kind is ColumnType.FEN else "应为整数"
        raise ReadError(f"{where}: {unit},实为 {value!r}")
    return int(whole)


def _signature_sheet(rows: Sequence[Sequence[object]], name: str) -> tuple[dict[str, str], list[Any]]:
    values: dict[str, str] = {}
    sections: list[Any] = []
    for row in rows:
        if len(row) < 3 or not isinstance(row[2], str):
            continue
        key, value = row[2], row[1] if isinstance(row[1], str) else str(row[1])
        if key == "section":
            try:
                sections.append(json.loads(value))
            except json.JSONDecodeError:
                raise ReadError(f"{name} 工作表「{SIGNATURE_SHEET}」: 表结构不是有效的 JSON") from None
        else:
            values[key] = value
    return values, sections


def _meta(values: dict[str, str], name: str) -> Meta:
    missing = [META_LABELS[k] for k in META_LABELS if f"meta.{k}" not in values]
    if missing:
        raise ReadError(f"{name} 工作表「{SIGNATURE_SHEET}」缺少: {'、'.join(missing)}")
    fields: dict[str, str | int] = {k: values[f"meta.{k}"] for k in META_LABELS}
    try:
        fields["number"] = int(str(fields["number"]))
    except ValueError:
        raise ReadError(f"{name}: 版本号不是整数: {fields['number']!r}") from None
    return Meta(**fields)  # type: ignore[arg-type]


def _section_rows(
    sheet_rows: Sequence[Sequence[object]], columns: tuple[Column, ...], where: str
) -> tuple[tuple[Value, ...], ...]:
    rows = []
    for index in range(FIRST_DATA_ROW, len(sheet_rows)):
        raw = sheet_rows[index]
        if not raw or raw[0] in ("", None):
            break
        cells = list(raw) + [""] * (len(columns) - len(raw))
        rows.append(
            tuple(
                _cell(c, cells[i], f"{where} 第{index + 1}行「{c.header}」列") for i, c in enumerate(columns)
            )
        )
    return tuple(rows)


def _section_spec(spec: Any, name: str) -> tuple[str, str, str, tuple[Column, ...], tuple[str, ...]]:
    try:
        columns = tuple(Column(str(k), str(h), ColumnType(t)) for k, h, t in spec["columns"])
        row_key = tuple(str(k) for k in spec.get("row_key", ()))
        return str(spec["key"]), str(spec["title"]), str(spec["sheet"]), columns, row_key
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ReadError(f"{name} 工作表「{SIGNATURE_SHEET}」: 表结构不完整或已被改动") from None


def _trimmed(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    """Rows without trailing empty cells, and without trailing empty rows."""
    out = []
    for row in rows:
        cells = list(row)
        while cells and cells[-1] in ("", None):
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def workbook_cells(data: bytes) -> dict[str, list[list[object]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: _trimmed(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names}


def cell_differences(
    expected: dict[str, list[list[object]]], actual: dict[str, list[list[object]]]
) -> list[str]:
    """Where two workbooks' cell values differ: sheets added or missing, and cells (sheet, row, column)."""
    found = [f"多出工作表「{name}」" for name in actual if name not in expected]
    found += [f"缺少工作表「{name}」" for name in expected if name not in actual]
    for name, rows in expected.items():
        other = actual.get(name)
        if other is None:
            continue
        for r in range(max(len(rows), len(other))):
            a = rows[r] if r < len(rows) else []
            b = other[r] if r < len(other) else []
            for c in range(max(len(a), len(b))):
                old = a[c] if c < len(a) else ""
                new = b[c] if c < len(b) else ""
                if old != new:
                    found.append(f"工作表「{name}」第{r + 1}行第{c + 1}列: {old!r} → {new!r}")
    return found


def read_xlsx(data: bytes, name: str = "文件") -> ReadBack:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for broken archives
        raise ReadError(f"{name}: 不是可读取的 Excel 文件({exc})") from None
    if SIGNATURE_SHEET not in book.sheet_names:
        raise ReadError(f"{name}: 没有「{SIGNATURE_SHEET}」工作表,不是 Doudi 签发的名册")
    values, specs = _signature_sheet(book.get_sheet_by_name(SIGNATURE_SHEET).to_python(), name)
    meta = _meta(values, name)
    sections = []
    for spec in specs:
        key, title, sheet, columns, row_key = _section_spec(spec, name)
        if sheet not in book.sheet_names:
            raise ReadError(f"{name}: 缺少工作表「{sheet}」")
        rows = _section_rows(book.get_sheet_by_name(sheet).to_python(), columns, f"{name} 工作表「{sheet}」")
        sections.append(Section(key, title, columns, rows, row_key))
    roster = Roster(meta, tuple(sections))
    try:
        content = canonical_bytes(roster)
    except CanonicalError as exc:
        raise ReadError(f"{name}: {exc}") from None
    signature = _signature(values.get("signature", ""), name)
    return ReadBack(
        "xlsx",
        roster,
        content,
        sm.sm3_hex(content),
        values.get("digest", ""),
        signature,
        sm.sm3_hex(data),
        cells=workbook_cells(data),
    )


# ---- PDF ---------------------------------------------------------------------------------------------------


def read_pdf(data: bytes, name: str = "文件") -> ReadBack:
    import pypdf
    from pypdf.errors import PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        attachments = reader.attachments
        info: Any = reader.metadata or {}
    except (PyPdfError, ValueError, KeyError) as exc:
        raise ReadError(f"{name}: 不是可读取的 PDF 文件({exc})") from None
    if CONTENT_FILE not in attachments or SIGNATURE_FILE not in attachments:
        raise ReadError(f"{name}: PDF 中没有签名附件({CONTENT_FILE}、{SIGNATURE_FILE}),不是 Doudi 签发的名册")
    content = attachments[CONTENT_FILE][0]
    try:
        roster = from_bytes(content)
        canonical = canonical_bytes(roster) == content
    except (CanonicalError, TypeError, KeyError) as exc:
        raise ReadError(f"{name}: 签名附件内容无法解析: {exc}") from None
    if not canonical:
        raise ReadError(f"{name}: 签名附件不是规范化格式(已被改动)")
    claimed = str(info.get("/doudism3", ""))
    public_pem = attachments.get(PUBLIC_KEY_FILE, [b""])[0].decode("ascii", "replace")
    signature = attachments[SIGNATURE_FILE][0]
    return ReadBack(
        "pdf", roster, content, sm.sm3_hex(content), claimed, signature, sm.sm3_hex(data), public_pem
    )
