"""导入名册: a county office uploads a roster, watches the import's progress (it runs in the background,
doudi.web.jobs), sees accepted and rejected counts and downloads the error workbook of its batches (region-scoped,
each download audited)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doudi.casework.access import role_of
from doudi.core.rosters import RosterKind
from doudi.registry import access, audit
from doudi.registry.models import ImportBatch, Role

from .. import jobs
from .common import is_htmx, page

IMPORT_ROLES = frozenset({Role.COUNTY_CIVIL, Role.COUNTY_POVERTY, Role.ADMIN})
SUFFIXES = (".xlsx", ".xls", ".csv")


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("名册类型"), choices=[(k.value, k.label) for k in RosterKind])
    roster = forms.FileField(label=gettext_lazy("名册文件(xlsx、xls 或 csv)"))

    def clean_roster(self) -> object:
        upload = self.cleaned_data["roster"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(
                _("文件 %(name)s 不是 Excel 或 CSV 文件; 请上传 .xlsx、.xls 或 .csv") % {"name": upload.name}
            )
        return upload


def save_upload(upload: object) -> Path:
    folder = Path(settings.VAR_DIR) / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / Path(getattr(upload, "name", "roster.xlsx")).name
    with path.open("wb") as out:
        for chunk in upload.chunks():  # type: ignore[attr-defined]
            out.write(chunk)
    return path


REJECTED_SHEET = "退回明细"  # the error workbook's sheet of rejected rows (doudi.ingest)
SHOWN = 20


def rejected_rows(workbook: str) -> list[tuple[object, ...]]:
    """The first rejected rows of an error workbook: row, column, problem, how to fix (no raw values, which
    may hold resident IDs)."""
    import openpyxl

    if not workbook or not Path(workbook).is_file():
        return []
    book = openpyxl.load_workbook(workbook, read_only=True)
    try:
        if REJECTED_SHEET not in book.sheetnames:
            return []
        rows = book[REJECTED_SHEET].iter_rows(min_row=2, max_row=SHOWN + 1, values_only=True)
        return [(r[0], r[1], r[3], r[4]) for r in rows if r and r[0] is not None]
    finally:
        book.close()


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    """The upload form and the batches; a valid upload starts a background import and shows its progress."""
    if role_of(request.user) not in IMPORT_ROLES:
        return page(request, "web/forbidden.html", {"what": _("导入名册")}, status=403)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        path = save_upload(form.cleaned_data["roster"])
        job = jobs.start(request.user, path, form.cleaned_data["kind"], path.with_suffix(".错误清单.xlsx"))
        return redirect("import_job", token=job.token)
    context = {"form": form, "batches": access.batches_for(request.user).order_by("-started_at")[:20]}
    return page(request, "web/imports.html", context, status=400 if request.method == "POST" else 200)


@login_required
def import_job(request: HttpRequest, token: str) -> HttpResponse:
    """An import's progress (htmx polls the #import-job part while it runs); at the end its counts, the first
    rejected rows and the error workbook."""
    job = jobs.get(request.user, token)
    batch = access.batches_for(request.user).filter(pk=job.batch_id).first() if job.finished else None
    context = {
        "job": job,
        "batch": batch,
        "rejected": rejected_rows(batch.error_workbook) if batch is not None else [],
    }
    if is_htmx(request):
        return render(request, "web/import_job_part.html", context)
    return page(request, "web/import_job.html", context)


@login_required
def error_workbook(request: HttpRequest, pk: int) -> FileResponse:
    """The error workbook of a batch in scope; the download is an audit event."""
    batch = access.get_for_user(request.user, ImportBatch, pk)
    path = Path(batch.error_workbook) if batch.error_workbook else None
    if path is None or not path.is_file():
        raise access.NotInScope(_("该批次没有错误清单"))
    audit.record(request.user, "import.error_workbook", batch, region_code=batch.region_code)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
