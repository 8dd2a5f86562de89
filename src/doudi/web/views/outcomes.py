"""行动结果下载: the campaign's results written back per person, in the poverty registry roster's column names
with the outcome beside them (doudi.web.queries.outcome_rows), as an Excel workbook of the region asked for.

Full resident IDs only for the roles that may see them (the poverty office needs them to read the file back),
and then the download is an audit event; everyone else gets masked IDs."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from doudi.registry import access, audit, privacy

from .. import queries
from .common import scope_name, today
from .dashboard import chosen_region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(title: str, rows: list[list[Any]]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("行动结果"))
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.merge_range(0, 0, 0, len(queries.OUTCOME_COLUMNS) - 1, title, bold)
    sheet.write_row(1, 0, queries.OUTCOME_COLUMNS, bold)
    for n, row in enumerate(rows, start=2):
        for col, value in enumerate(row):
            if col == queries.FEN_COLUMN:
                if value is not None:
                    sheet.write_number(n, col, int(value) / 100, money)
            elif isinstance(value, int):
                sheet.write_number(n, col, value)
            else:
                sheet.write_string(n, col, str(value or ""), text)
    sheet.freeze_panes(2, 0)
    sheet.autofilter(1, 0, max(1, len(rows) + 1), len(queries.OUTCOME_COLUMNS) - 1)
    book.close()
    return buffer.getvalue()


@login_required
def outcomes_xlsx(request: HttpRequest) -> HttpResponse:
    region = chosen_region(request)
    campaign = queries.current_campaign(request.user)
    if campaign is None:
        raise access.NotInScope(_("您的管辖范围内还没有兜底保障行动"))
    full = privacy.may_see_full_ids(request.user)
    rows = queries.outcome_rows(request.user, campaign, region, full_ids=full)
    if full:
        audit.record(request.user, "export.outcomes_full_ids", campaign, region_code=region, rows=len(rows))
    title = _("%(campaign)s · %(region)s · 行动结果(%(day)s 导出)") % {
        "campaign": campaign.name,
        "region": scope_name(region),
        "day": today().isoformat(),
    }
    response = HttpResponse(workbook(title, rows), content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=outcomes-{region or 'all'}-{today().isoformat()}.xlsx"
    )
    return response
