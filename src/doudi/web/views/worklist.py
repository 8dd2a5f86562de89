"""待我办理: the cases waiting for the user's role, in scope, earliest deadline first; and its Excel download."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doudi.campaign import State, Step
from doudi.casework.access import role_of
from doudi.core.money import yuan

from .. import queries
from .common import page, today

PAGE_SIZE = 50


class FilterForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    step = forms.ChoiceField(label=gettext_lazy("步骤"), required=False)
    township = forms.ChoiceField(label=gettext_lazy("乡(镇)"), required=False)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        waiting = queries.waiting_states(role_of(user))
        self.fields["state"].choices = everything + [(s.value, s.text) for s in State if s in waiting]
        self.fields["step"].choices = everything + [(s.value, f"{s.value} {s.text}") for s in Step]
        self.fields["township"].choices = everything + queries.township_choices(user)

    def chosen(self) -> queries.WorklistFilter:
        if not self.is_valid():
            return queries.WorklistFilter()
        return queries.WorklistFilter(
            **{k: self.cleaned_data.get(k) or "" for k in ("state", "step", "township")}
        )


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.user, request.GET or None)
    cases = queries.worklist(request.user, form.chosen())
    paginator = Paginator(cases, PAGE_SIZE)
    current = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": current,
        "total": paginator.count,
        "query": query.urlencode(),
        "today": today(),
    }
    return page(request, "web/worklist.html", context)


COLUMNS = (
    gettext_lazy("个案编号"),
    gettext_lazy("户主"),
    gettext_lazy("乡(镇)"),
    gettext_lazy("行政村"),
    gettext_lazy("状态"),
    gettext_lazy("步骤"),
    gettext_lazy("办理时限"),
    gettext_lazy("研判结论"),
    gettext_lazy("保障金额(元/月)"),
)


def _row(case: Any) -> list[Any]:
    head = case.household.head
    return [
        case.pk,
        head.name if head else "",
        queries.place_name(case.township_code),
        queries.place_name(case.village_code),
        State(case.state).text,
        case.due_step,
        case.due_date.isoformat() if case.due_date else "",
        case.assessment_outcome,
        yuan(case.benefit_fen) if case.benefit_fen else "",
    ]


@login_required
def worklist_xlsx(request: HttpRequest) -> HttpResponse:
    """The whole filtered worklist as an Excel workbook (masked: no resident IDs)."""
    import xlsxwriter

    form = FilterForm(request.user, request.GET or None)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(_("待我办理"))
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, [str(c) for c in COLUMNS], bold)
    for n, case in enumerate(queries.worklist(request.user, form.chosen()).iterator(), start=1):
        sheet.write_row(n, 0, _row(case))
    sheet.freeze_panes(1, 0)
    book.close()
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename=worklist-{today().isoformat()}.xlsx"
    return response
