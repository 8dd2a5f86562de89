"""The case action forms: one form class whose fields follow the transition (doudi.campaign.TRANSITIONS).

The form checks what a browser can get wrong (an amount that is not a number); the state machine checks the
rest and its Chinese message is shown on the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doudi.campaign import NOT_ELIGIBLE_REASONS, Program
from doudi.casework.models import Case
from doudi.core.money import InvalidAmount, parse_yuan, yuan

# Which inputs each transition takes (the machine's payload keys; `benefit` is typed in yuan).
FIELDS: dict[str, tuple[str, ...]] = {
    "start_assessment": ("note",),
    "route_covered": ("note",),
    "propose_eligible": ("program", "benefit", "person_id", "note"),
    "propose_not_eligible": ("reason_code", "note"),
    "return_for_recheck": ("note",),
    "approve": ("benefit",),
    "confirm_not_eligible": ("reason_code", "note"),
    "dispute": ("note",),
    "reverify": ("decision", "program", "benefit", "person_id", "reason_code", "note"),
    "second_approve": ("note",),
    "refer": ("measures",),
    "reopen": ("cause",),
    "comment": ("note",),
    "spot_check": ("result", "note"),
}


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=gettext_lazy("核查结论"),
        choices=[("eligible", gettext_lazy("符合条件")), ("not_eligible", gettext_lazy("不符合条件"))],
    )
    program = forms.ChoiceField(
        label=gettext_lazy("纳入方式"),
        required=False,
        choices=[("", "—")] + [(p.value, p.text) for p in Program],
    )
    benefit = forms.CharField(label=gettext_lazy("保障金额(元/月)"), required=False, max_length=20)
    person_id = forms.ChoiceField(label=gettext_lazy("保障对象(单人户或特困)"), required=False)
    reason_code = forms.ChoiceField(
        label=gettext_lazy("不符合原因"),
        required=False,
        choices=[("", "—")] + [(code, f"{text}({code})") for code, text in NOT_ELIGIBLE_REASONS.items()],
    )
    result = forms.ChoiceField(
        label=gettext_lazy("抽查结论"),
        choices=[("ok", gettext_lazy("无问题")), ("problem", gettext_lazy("发现问题"))],
    )
    note = forms.CharField(
        label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    measures = forms.CharField(label=gettext_lazy("其他帮扶措施"), widget=forms.Textarea(attrs={"rows": 2}))
    cause = forms.CharField(label=gettext_lazy("重新研判的原因"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, name: str, case: Case, members: list[tuple[str, str]], *args: Any, **kw: Any) -> None:
        initial = {
            "version": case.version,
            "program": case.program,
            "benefit": yuan(case.benefit_fen) if case.benefit_fen else "",
            "person_id": str(case.person_id or ""),
            "reason_code": case.reason_code,
        }
        super().__init__(*args, initial=initial, prefix=name, **kw)
        self.name = name
        keep = {"version", *FIELDS.get(name, ())}
        for field in list(self.fields):
            if field not in keep:
                del self.fields[field]
        if "person_id" in self.fields:
            self.fields["person_id"].choices = [("", "—"), *members]

    def clean_benefit(self) -> int | None:
        raw = self.cleaned_data.get("benefit", "")
        try:
            fen = parse_yuan(raw)
        except InvalidAmount as exc:
            raise forms.ValidationError(
                _("保障金额应为数字, 单位元/月, 如 350.00: %(err)s") % {"err": exc}
            ) from None
        if fen is not None and fen <= 0:
            raise forms.ValidationError(_("保障金额应大于 0 元"))
        return fen

    def payload(self) -> dict[str, Any]:
        """The transition payload, in the machine's keys; blank inputs left out so the case's values apply."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version" and v not in ("", None)}
        if "benefit" in data:
            data["benefit_fen"] = data.pop("benefit")
        return data
