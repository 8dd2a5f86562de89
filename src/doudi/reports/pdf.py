"""A signed roster as PDF through WeasyPrint with Debian's Noto CJK fonts.

Every page: the version in the header; version, SM3 digest and SM2 signature in the footer, and 第 x 页 共 y 页.
Table headers repeat on each page. The signature and seal block is kept with the last rows of the last table, so it
never stands alone on a page. The signed canonical bytes, the signature and the signer's public key are embedded as
attachments (roster-canonical.json, roster.sig, signer.pub.pem) and the digest and signature are in the document
metadata, so `doudi roster verify` and the OpenSSL command line can check the file.
"""

from __future__ import annotations

import hashlib
from html import escape

from doudi.signing.canonical import ColumnType, Section, canonical_rows
from doudi.signing.keys import PublicKey
from doudi.signing.signed import SignedRoster

from . import monthly, textgrid
from .labels import (
    CONTENT_FILE,
    PUBLIC_KEY_FILE,
    SIGNATURE_FILE,
    display,
    footer_text,
    signature_b64,
    version_line,
)

FONT_STACK = '"Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif'
KEEP_WITH_SEAL = 3  # rows of the last table kept on the page of the signature block
FAST_ROWS = 200  # a section with at least this many rows is laid out as a text grid (textgrid), not a table

CSS = (
    """
@page {
  size: A4 landscape;
  margin: 16mm 12mm 22mm 12mm;
  @top-left { content: VERSION; font-size: 8pt; color: #333; }
  @bottom-left { content: FOOTER; font-size: 5.5pt; color: #333; width: 82%; word-break: break-all; }
  @bottom-right { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 8pt; }
}
html { font-family: FONTS; font-size: 9pt; }
h1 { font-size: 15pt; text-align: center; margin: 0 0 2mm; }
h2 { font-size: 11pt; margin: 4mm 0 1mm; break-after: avoid; }
h2.fixed { height: 16pt; overflow: hidden; }
h2.newpage { break-before: page; }
.top { height: 60pt; overflow: hidden; }
p.note { font-size: 8pt; margin: 0 0 2mm; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
td, th { overflow-wrap: anywhere; }
thead { display: table-header-group; }
th { background: #e8eef4; }
th, td { border: 0.5pt solid #555; padding: 1pt 3pt; }
tr { break-inside: avoid; }
td.num { text-align: right; }
tr.keep { break-before: avoid; }
.seal { break-before: avoid; break-inside: avoid; margin-top: 4mm; display: flex; justify-content: space-between;
        font-size: 10pt; }
.seal div { width: 30%; }
.charts { break-inside: avoid; margin: 2mm 0; }
.charts img { width: 48%; margin-right: 1%; }
.seal .stamp { height: 22mm; }
""".replace("FONTS", FONT_STACK)
    + textgrid.GRID_CSS
)


def css_string(text: str) -> str:
    """A CSS string literal (for margin-box content)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_css(signed: SignedRoster) -> str:
    css = CSS.replace("VERSION", css_string(version_line(signed)))
    return css.replace("FOOTER", css_string(footer_text(signed))).replace("</", "<\\/")


def _head(section: Section) -> str:
    return "<thead><tr>" + "".join(f"<th>{escape(c.header)}</th>" for c in section.columns) + "</tr></thead>"


def _body(section: Section, rows: tuple[tuple[object, ...], ...], keep: int) -> str:
    out = []
    for number, row in enumerate(rows):
        cells = []
        for column, value in zip(section.columns, row, strict=True):
            numeric = column.type in (ColumnType.FEN, ColumnType.INT)
            css = ' class="num"' if numeric else ""
            cells.append(f"<td{css}>{escape(display(column, value))}</td>")  # type: ignore[arg-type]
        css = ' class="keep"' if number >= len(rows) - keep else ""
        out.append(f"<tr{css}>" + "".join(cells) + "</tr>")
    return "<tbody>" + "".join(out) + "</tbody>"


def _text_width(text: str) -> int:
    """Display width in half-width units: CJK and other wide characters count 2."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def column_widths(section: Section, rows: tuple[tuple[object, ...], ...]) -> list[float]:
    """Percent widths from the widest header or value of each column (clipped), so the table can use the fixed
    layout: WeasyPrint's automatic layout re-measures every cell on every page, quadratic in rows."""
    widths = []
    for index, column in enumerate(section.columns):
        values = (display(column, row[index]) for row in rows)  # type: ignore[arg-type]
        widest = max((_text_width(v) for v in values), default=0)
        widths.append(min(max(widest, _text_width(column.header) * 0.8, 4), 36) + 1.5)
    total = sum(widths)
    return [100 * w / total for w in widths]


def _colgroup(section: Section, rows: tuple[tuple[object, ...], ...]) -> str:
    cols = "".join(f'<col style="width:{w:.2f}%">' for w in column_widths(section, rows))
    return f"<colgroup>{cols}</colgroup>"


def _table(section: Section, rows: tuple[tuple[object, ...], ...], keep: int = 0) -> str:
    return f"<table>{_colgroup(section, rows)}{_head(section)}{_body(section, rows, keep)}</table>"


def _seal(signed: SignedRoster) -> str:
    meta = signed.roster.meta
    return (
        '<div class="seal">'
        f"<div>审核人:{escape(meta.reviewer_name or '—')}</div>"
        f'<div>签发人(签章):{escape(meta.signer_name)}<div class="stamp"></div></div>'
        f"<div>(盖章)<br>签发时间:{escape(meta.signed_at)}</div>"
        "</div>"
    )


def _grid_html(signed: SignedRoster, section: Section, first: bool, last: bool) -> str | None:
    """A long section as page-sized text-grid blocks (see textgrid), or None when it does not fit the width."""
    rows = canonical_rows(section)
    grid = textgrid.plan_grid(section, rows)
    if grid is None:
        return None
    above = textgrid.TITLE_PT + (textgrid.TOP_PT if first else 0.0)
    blocks = textgrid.plan_blocks(len(rows), grid, above, with_seal=last)
    newpage = "" if first else " newpage"
    out = [f'<h2 class="fixed{newpage}">{escape(section.title)}(共 {len(rows)} 行)</h2>']
    start = 0
    for number, size in enumerate(blocks):
        final = number == len(blocks) - 1
        out.append(textgrid.block_html(grid, section, rows[start : start + size], final))
        start += size
    if last:
        out.append(_seal(signed))
    return "".join(out)


def _section_html(signed: SignedRoster, section: Section, first: bool, last: bool) -> str:
    """A section's table; the last one keeps its last rows and the seal block together (no break before them).
    A long section is laid out as a text grid, which is many times faster than a table."""
    if len(section.rows) >= FAST_ROWS:
        fast = _grid_html(signed, section, first, last)
        if fast is not None:
            return fast
    rows = canonical_rows(section)
    title = f"<h2>{escape(section.title)}(共 {len(rows)} 行)</h2>"
    charts = monthly.charts_html(
        signed.roster.meta.kind, section
    )  # a monthly report's charts beside its tables
    if not last:
        return title + _table(section, rows) + charts
    return title + charts + _table(section, rows, KEEP_WITH_SEAL - 1) + _seal(signed)


def to_html(signed: SignedRoster) -> str:
    meta = signed.roster.meta
    sections = signed.roster.sections
    body = "".join(_section_html(signed, s, i == 0, i == len(sections) - 1) for i, s in enumerate(sections))
    period = f"所属期间:{escape(meta.period)} · " if meta.period else ""
    return f"""<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">
<title>{escape(version_line(signed))}</title>
<meta name="author" content="{escape(meta.signer_name)}">
<meta name="description" content="{escape(footer_text(signed))}">
<meta name="keywords" content="SM3:{signed.digest}">
<meta name="generator" content="doudi">
<meta name="doudi-version" content="{meta.number}">
<meta name="doudi-sm3" content="{signed.digest}">
<meta name="doudi-sm2" content="{signature_b64(signed)}">
<style>{_page_css(signed)}</style></head><body>
<div class="top"><h1>{escape(version_line(signed))}</h1>
<p class="note">{period}签发人:{escape(meta.signer_name)} · 审核人:{escape(meta.reviewer_name or "—")} ·
签发时间:{escape(meta.signed_at)} · SM3:{signed.digest}</p></div>
{body}</body></html>"""


def render_pdf(signed: SignedRoster, public_key: PublicKey | None = None) -> bytes:
    """The PDF's bytes. Font subsets get fresh tags, so two renderings differ in bytes: the issued file's SM3 is
    recorded when a version is issued, and that file is the one handed over."""
    from weasyprint import HTML, Attachment  # heavy import, only when a PDF is made

    attachments = [
        Attachment(string=signed.content, name=CONTENT_FILE, description="规范化名册内容(签名原文)"),
        Attachment(string=signed.signature, name=SIGNATURE_FILE, description="SM2签名(DER)"),
    ]
    if public_key is not None:
        attachments.append(Attachment(string=public_key.to_pem().encode("ascii"), name=PUBLIC_KEY_FILE))
    identifier = hashlib.md5(signed.digest.encode("ascii"), usedforsecurity=False).hexdigest().encode("ascii")
    document = HTML(string=to_html(signed)).render()
    pdf = document.write_pdf(attachments=attachments, custom_metadata=True, pdf_identifier=identifier)
    assert isinstance(pdf, bytes)
    return pdf
