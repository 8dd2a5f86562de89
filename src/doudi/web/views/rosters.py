"""签章名册 pages: the issued versions in the user's region, issuing a version (role-gated, signed with the user's
own key), verifying an uploaded file, comparing two versions, and downloading the files (each download audited).
The monthly report (一月一分析) is the kind `monthly`: issued and downloaded here like any roster version.

Versions are region-scoped through doudi.registry.access (RosterVersion's region path is registered by the
rosterbook app): a township user sees its township's versions, not the county's.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doudi.casework.access import role_of
from doudi.core.ids import mask
from doudi.registry import access, audit, privacy
from doudi.registry.models import Role
from doudi.reports.labels import display
from doudi.rosterbook import kinds
from doudi.rosterbook.models import RosterVersion
from doudi.signing.canonical import Roster, Value, from_bytes
from doudi.signing.diff import SectionDiff, diff

from .common import page

ISSUE_ROLES = frozenset({Role.TOWNSHIP, Role.COUNTY_CIVIL, Role.COUNTY_POVERTY, Role.ADMIN})
PREVIEW_ROWS = 50
ID_COLUMNS = ("id_number",)


def versions_for(user: Any) -> Any:
    return access.scoped(user, RosterVersion).select_related("signer", "reviewer")


def _month(value: str) -> date:
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise forms.ValidationError(_("月份应写作 YYYY-MM,如 2020-03")) from None


class IssueForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("名册类型"))
    region = forms.CharField(label=gettext_lazy("区划代码"), max_length=12)
    month = forms.CharField(
        label=gettext_lazy("月份(YYYY-MM,发放名册、公示名单、月度报告必填)"), max_length=7, required=False
    )
    reviewer = forms.CharField(label=gettext_lazy("审核人用户名"), max_length=150, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.key, k.title) for k in kinds.all_kinds()]  # type: ignore[attr-defined]

    def clean_month(self) -> date | None:
        value = self.cleaned_data.get("month", "").strip()
        return _month(value) if value else None

    def clean_reviewer(self) -> User | None:
        name = self.cleaned_data.get("reviewer", "").strip()
        if not name:
            return None
        try:
            return User.objects.get(username=name)
        except User.DoesNotExist:
            raise forms.ValidationError(_("没有用户 %(name)s") % {"name": name}) from None


class VerifyForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("名册文件(.xlsx 或 .pdf)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".pdf")):
            raise forms.ValidationError(
                _("文件 %(name)s 不是 .xlsx 或 .pdf 文件,只能校验签发的 Excel 或 PDF 名册")
                % {"name": upload.name}
            )
        return upload


def _issue(request: HttpRequest, form: IssueForm) -> tuple[RosterVersion | None, str]:
    from doudi.rosterbook import keystore
    from doudi.rosterbook.issue import IssueError, issue_version
    from doudi.signing.keys import KeyFileError

    user: Any = request.user
    try:
        signer = keystore.signer_for(user.username)
    except KeyFileError as exc:
        return None, _("%(why)s。请系统管理员先为您生成签名密钥: doudi roster key --user %(user)s") % {
            "why": exc,
            "user": user.username,
        }
    data = form.cleaned_data
    out = Path(settings.VAR_DIR) / "rosters" / data["region"]
    try:
        version = issue_version(
            data["kind"], data["region"], user, signer, out, data["reviewer"], data["month"]
        )
    except IssueError as exc:
        return None, str(exc)
    return version, ""


@login_required
def roster_list(request: HttpRequest) -> HttpResponse:
    may_issue = role_of(request.user) in ISSUE_ROLES
    kind = request.GET.get("kind", "")
    initial = {"region": access.scope_of(request.user) or "", "kind": kind or "payment"}
    form = IssueForm(request.POST or None, initial=initial)
    problem = ""
    if request.method == "POST":
        if not may_issue:
            return page(request, "web/forbidden.html", {"what": _("签发名册")}, status=403)
        if form.is_valid():
            version, problem = _issue(request, form)
            if version is not None:
                return redirect("roster_version", pk=version.pk)
    versions = versions_for(request.user).order_by("-signed_at", "-id")
    if kind:
        versions = versions.filter(kind=kind)
    context = {
        "versions": versions[:200],
        "kinds": kinds.all_kinds(),
        "kind": kind,
        "form": form,
        "may_issue": may_issue,
        "problem": problem,
    }
    status = 400 if request.method == "POST" else 200
    return page(request, "web/rosters/list.html", context, status=status)


def _preview(user: Any, roster: Roster) -> list[dict[str, Any]]:
    """The first rows of each section as shown on the page; resident IDs masked unless the role may see them."""
    full = privacy.may_see_full_ids(user)
    out = []
    for section in roster.sections:
        rows = []
        for row in section.rows[:PREVIEW_ROWS]:
            cells = []
            for column, value in zip(section.columns, row, strict=True):
                text = display(column, value)
                if column.key in ID_COLUMNS and text and not full:
                    text = mask(text)
                cells.append(text)
            rows.append(cells)
        out.append(
            {
                "title": section.title,
                "headers": [c.header for c in section.columns],
                "rows": rows,
                "total": len(section.rows),
            }
        )
    return out


@login_required
def roster_version(request: HttpRequest, pk: int) -> HttpResponse:
    version = access.get_for_user(request.user, RosterVersion, pk)
    roster = from_bytes(version.content_bytes)
    earlier = (
        versions_for(request.user)
        .filter(kind=version.kind, region_code=version.region_code, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    context = {
        "version": version,
        "meta": roster.meta,
        "sections": _preview(request.user, roster),
        "earlier": earlier,
        "formats": sorted(version.files),
        "preview_rows": PREVIEW_ROWS,
    }
    return page(request, "web/rosters/version.html", context)


@login_required
def roster_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | FileResponse:
    """The issued file, byte for byte; a version with full resident IDs only for roles that may see them."""
    version = access.get_for_user(request.user, RosterVersion, pk)
    info = version.files.get(fmt)
    path = Path(info["path"]) if info else None
    if path is None or not path.is_file():
        raise access.NotInScope(_("该版本没有 %(fmt)s 文件") % {"fmt": fmt})
    try:
        spec = kinds.get(version.kind)
    except kinds.UnknownKind:
        spec = None
    if (spec is None or spec.full_ids) and not privacy.may_see_full_ids(request.user):
        return page(request, "web/forbidden.html", {"what": _("下载含完整身份证号的名册")}, status=403)
    audit.record(
        request.user,
        "roster.download",
        version,
        region_code=version.region_code,
        format=fmt,
        number=version.number,
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@login_required
def roster_verify(request: HttpRequest) -> HttpResponse:
    from doudi.rosterbook.verify import verify_file

    form = VerifyForm(request.POST or None, request.FILES or None)
    verdict, name = None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = Path(upload.name).name
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            verdict = verify_file(path)
        if verdict.version is not None and not access.in_scope(request.user, verdict.version.region_code):
            # say whether the file is valid, not what a version outside the user's region holds
            verdict.version, verdict.changes, verdict.messages = None, [], verdict.messages[:1]
    issued = from_bytes(verdict.version.content_bytes) if verdict and verdict.version else None
    context = {
        "form": form,
        "verdict": verdict,
        "name": name,
        "changes": _changes(verdict.changes if verdict else [], issued),
    }
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return page(request, "web/rosters/verify.html", context, status=status)


def _changes(diffs: list[SectionDiff], roster: Roster | None = None) -> list[dict[str, Any]]:
    """The diff as the pages show it: values as a person reads them (money in yuan), by the roster's columns."""
    columns = {(s.key, c.header): c for s in roster.sections for c in s.columns} if roster else {}

    def shown(key: str, header: str, value: Value) -> str:
        column = columns.get((key, header))
        if column is None:
            return "" if value is None else str(value)
        return display(column, value)

    out = []
    for d in diffs:
        if d.empty:
            continue
        out.append(
            {
                "title": d.title,
                "headers": d.headers,
                "added": [
                    [shown(d.key, h, v) for h, v in zip(d.headers, row, strict=False)]
                    for row in d.added[:100]
                ],
                "removed": [
                    [shown(d.key, h, v) for h, v in zip(d.headers, row, strict=False)]
                    for row in d.removed[:100]
                ],
                "changed": [
                    (c.label, f.column, shown(d.key, f.column, f.old), shown(d.key, f.column, f.new))
                    for c in d.changed[:200]
                    for f in c.changes
                ],
                "counts": (len(d.added), len(d.removed), len(d.changed)),
            }
        )
    return out


@login_required
def roster_diff(request: HttpRequest) -> HttpResponse:
    """Two versions of the same kind and region: rows added, removed and changed, field by field."""
    old = access.get_for_user(request.user, RosterVersion, request.GET.get("old"))
    new = access.get_for_user(request.user, RosterVersion, request.GET.get("new"))
    if (old.kind, old.region_code) != (new.kind, new.region_code):
        raise access.NotInScope(_("只能比对同一名册类型、同一地区的两个版本"))
    newer = from_bytes(new.content_bytes)
    changes = _changes(diff(from_bytes(old.content_bytes), newer), newer)
    if not privacy.may_see_full_ids(request.user):
        for section in changes:
            for key in ("added", "removed"):
                section[key] = [[mask(v) if _looks_like_id(v) else v for v in row] for row in section[key]]
            section["changed"] = [
                (" ".join(mask(p) if _looks_like_id(p) else p for p in label.split(" ")), col, a, b)
                for label, col, a, b in section["changed"]
            ]
    context = {"old": old, "new": new, "changes": changes, "same": not changes}
    return page(request, "web/rosters/diff.html", context)


def _looks_like_id(value: str) -> bool:
    return len(value) == 18 and value[:17].isdigit()
