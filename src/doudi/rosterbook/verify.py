"""Verify a file against the issued versions: is it exactly a signed version, which one, who signed it.

The trust anchor is the database: the file's content is re-derived (Excel cells read back; the PDF's embedded
canonical bytes plus the whole file's SM3), digested with SM3 and looked up among issued versions; the signature
is checked with the public key recorded at issue time, never with a key the file brings along.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from doudi.reports.readback import ReadBack, ReadError, cell_differences, read_file, workbook_cells
from doudi.signing.canonical import Roster, from_bytes
from doudi.signing.diff import SectionDiff, diff
from doudi.signing.keys import PublicKey

from .models import RosterVersion


@dataclass
class Verdict:
    ok: bool
    version: RosterVersion | None = None
    messages: list[str] = field(default_factory=list)
    byte_identical: bool = False  # the file is byte for byte the one written at issue
    changes: list[SectionDiff] = field(default_factory=list)  # against the version the file claims to be


def _claimed(read: ReadBack) -> RosterVersion | None:
    meta = read.roster.meta
    found = RosterVersion.objects.filter(digest=read.claimed_digest).first() if read.claimed_digest else None
    return (
        found
        or RosterVersion.objects.filter(
            kind=meta.kind, region_code=meta.region_code, number=meta.number
        ).first()
    )


def _tampered(read: ReadBack) -> Verdict:
    verdict = Verdict(
        False,
        messages=[_("文件内容与任何已签发版本都不一致(SM3 %(digest)s 未登记)") % {"digest": read.digest}],
    )
    claimed = _claimed(read)
    if claimed is not None:
        verdict.version = claimed
        issued: Roster = from_bytes(claimed.content_bytes)
        verdict.changes = [d for d in diff(issued, read.roster) if not d.empty]
        verdict.messages.append(_("文件自称是 %(v)s,与之相比内容已被改动") % {"v": str(claimed)})
        if read.roster.meta != issued.meta:
            verdict.messages.append(_("签章信息(版本号、签发人、时间等)与签发记录不符"))
    return verdict


def _compare_cells(verdict: Verdict, version: RosterVersion, cells: dict[str, list[list[object]]]) -> None:
    """The signed rows match; every other cell (titles, signature block, anything added) must match too."""
    from doudi.reports.xlsx import render_xlsx

    from .issue import signed_of

    differences = cell_differences(workbook_cells(render_xlsx(signed_of(version))), cells)
    if differences:
        verdict.ok = False
        verdict.messages.append(_("签名范围外的单元格被改动或添加了内容:"))
        verdict.messages += differences[:20]


def verify_read(read: ReadBack) -> Verdict:
    version = RosterVersion.objects.filter(digest=read.digest).select_related("signer", "reviewer").first()
    if version is None:
        return _tampered(read)
    verdict = Verdict(True, version)
    key = PublicKey.from_pem(version.public_key_pem)
    if read.signature != base64.b64decode(version.signature) or not key.verify(read.content, read.signature):
        verdict.ok = False
        verdict.messages.append(_("文件中的 SM2 签名与签发记录不符(签名被替换或损坏)"))
    issued = version.files.get(read.format, {})
    verdict.byte_identical = issued.get("sm3") == read.file_sm3
    if read.format == "pdf" and not verdict.byte_identical:
        verdict.ok = False
        verdict.messages.append(_("PDF 文件与签发时的文件不是同一文件(有字节被改动)"))
    if read.cells is not None and not verdict.byte_identical:
        _compare_cells(verdict, version, read.cells)
    if read.claimed_digest and read.claimed_digest != read.digest:
        verdict.ok = False
        verdict.messages.append(_("文件标注的 SM3 摘要与内容不符"))
    return verdict


def verify_file(path: Path) -> Verdict:
    try:
        read = read_file(path)
    except ReadError as exc:
        return Verdict(False, messages=[str(exc)])
    return verify_read(read)
