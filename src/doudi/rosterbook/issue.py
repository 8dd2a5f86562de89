"""Issue a roster version: the one write path. Build the rows (in the signer's scope), number the version, sign
it, write the Excel and PDF files, record the version and an export audit event in one transaction."""

from __future__ import annotations

import base64
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.core.divisions import UnknownDivision, yunnan
from doudi.registry import access, audit, privacy
from doudi.registry.models import AuditAction
from doudi.reports.pdf import render_pdf
from doudi.reports.xlsx import render_xlsx
from doudi.signing import sm
from doudi.signing.canonical import Meta, Roster
from doudi.signing.signed import SignedRoster, sign_roster
from doudi.signing.signer import Signer

from . import kinds
from .models import RosterVersion

FORMATS = ("xlsx", "pdf")


class IssueError(ValueError):
    """Why a roster version could not be issued, and how to fix it."""


def display_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _check(
    spec: kinds.KindSpec, region_code: str, signer: User, reviewer: User | None, month: date | None
) -> str:
    try:
        region_name = yunnan().get(region_code).name
    except UnknownDivision:
        raise IssueError(
            _("区划代码 %(code)s 不存在(应为6位县、9位乡镇或12位村代码)") % {"code": region_code}
        ) from None
    if not access.in_scope(signer, region_code):
        raise IssueError(
            _("签发人 %(user)s 无权签发 %(region)s 的名册(不在其管辖范围内)")
            % {"user": signer.username, "region": region_name}
        )
    if spec.full_ids and not privacy.may_see_full_ids(signer):
        raise IssueError(
            _("%(title)s 含完整身份证号,签发人 %(user)s 的角色无权导出")
            % {"title": spec.title, "user": signer.username}
        )
    if reviewer is not None and reviewer.pk == signer.pk:
        raise IssueError(_("审核人与签发人不能是同一人"))
    if spec.monthly and month is None:
        raise IssueError(_("%(title)s 须指定月份(--month YYYY-MM)") % {"title": spec.title})
    return region_name


def _next_number(kind: str, region_code: str) -> int:
    latest = RosterVersion.objects.filter(kind=kind, region_code=region_code).aggregate(n=Max("number"))["n"]
    return (latest or 0) + 1


def _write_files(
    signed: SignedRoster, signer: Signer, out_dir: Path, formats: tuple[str, ...]
) -> dict[str, Any]:
    meta = signed.roster.meta
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {}
    for fmt in formats:
        data = render_xlsx(signed) if fmt == "xlsx" else render_pdf(signed, signer.public_key)
        path = out_dir / f"{meta.region_code}-{meta.kind}-{meta.period or 'snapshot'}-v{meta.number}.{fmt}"
        path.write_bytes(data)
        files[fmt] = {"path": str(path), "sm3": sm.sm3_hex(data), "size": len(data)}
    return files


def issue_version(
    kind: str,
    region_code: str,
    signer_user: User,
    signer: Signer,
    out_dir: Path,
    reviewer: User | None = None,
    month: date | None = None,
    formats: tuple[str, ...] = FORMATS,
    now: datetime | None = None,
) -> RosterVersion:
    spec = kinds.get(kind)
    region_name = _check(spec, region_code, signer_user, reviewer, month)
    try:
        sections = spec.build(signer_user, region_code, month)
    except kinds.KindUnavailable as exc:  # e.g. no campaign yet for a campaign roster
        raise IssueError(str(exc)) from None
    signed_at = timezone.localtime(now or timezone.now()).replace(microsecond=0)
    try:
        with transaction.atomic():
            number = _next_number(kind, region_code)
            meta = Meta(
                kind=kind,
                title=spec.title,
                region_code=region_code,
                region_name=region_name,
                number=number,
                period=f"{month:%Y-%m}" if spec.monthly and month else "",
                signer=signer_user.username,
                signer_name=display_name(signer_user),
                reviewer=reviewer.username if reviewer else "",
                reviewer_name=display_name(reviewer),
                signed_at=signed_at.isoformat(),
            )
            signed = sign_roster(Roster(meta, sections), signer)
            version = RosterVersion.objects.create(
                kind=kind,
                region_code=region_code,
                number=number,
                period=meta.period,
                title=spec.title,
                digest=signed.digest,
                content=signed.content.decode("utf-8"),
                signature=base64.b64encode(signed.signature).decode("ascii"),
                key_id=signed.roster.meta.key_id,
                public_key_pem=signer.public_key.to_pem(),
                signer=signer_user,
                reviewer=reviewer,
                signed_at=signed_at,
                row_count=signed.roster.row_count,
                files=_write_files(signed, signer, out_dir, formats),
            )
            audit.record(
                signer_user,
                AuditAction.EXPORT,
                version,
                region_code=region_code,
                kind=kind,
                number=number,
                digest=signed.digest,
                rows=version.row_count,
            )
    except IntegrityError:
        raise IssueError(_("同时有另一版本正在签发,请稍后重试")) from None
    return version


def signed_of(version: RosterVersion) -> SignedRoster:
    """The signed roster as issued (from the stored canonical bytes and signature)."""
    return SignedRoster.from_parts(version.content_bytes, base64.b64decode(version.signature))
