"""The diff of two roster versions as an Excel workbook: one sheet per section with added, removed and changed
rows (changed: one line per field, old and new value)."""

from __future__ import annotations

import io

import xlsxwriter

from doudi.signing.diff import SectionDiff


def _text(value: object) -> str:
    return "" if value is None else str(value)


def render_diff_xlsx(diffs: list[SectionDiff], title: str) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    for index, d in enumerate(diffs):
        sheet = book.add_worksheet(f"{index + 1}{d.title}"[:31])
        sheet.write_string(0, 0, f"{title} · {d.title}", bold)
        sheet.write_string(1, 0, f"新增 {len(d.added)} 行,删除 {len(d.removed)} 行,变更 {len(d.changed)} 行")
        row = 3
        for label, rows in (("新增", d.added), ("删除", d.removed)):
            sheet.write_row(row, 0, ["变动", *d.headers], bold)
            row += 1
            for values in rows:
                sheet.write_row(row, 0, [label, *(_text(v) for v in values)])
                row += 1
            row += 1
        sheet.write_row(row, 0, ["变动", "对象", "字段", "原值", "新值"], bold)
        row += 1
        for change in d.changed:
            for field in change.changes:
                sheet.write_row(
                    row, 0, ["变更", change.label, field.column, _text(field.old), _text(field.new)]
                )
                row += 1
    book.close()
    return buffer.getvalue()
