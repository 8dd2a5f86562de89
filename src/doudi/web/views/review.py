"""人工复核: the clerical-review queue of the current match runs in the user's region, each pair with the evidence
side by side (IDs masked, the case page's audited "show"), and the decision form (htmx partial update).

Reads go through doudi.matching.review_queue (region-scoped like doudi.registry.access) and the access layer for
the persons shown; the one write, a decision, goes through review_queue.decide (actions.decide_review, then the
households it touches re-classified)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from doudi.linkage.clean import clean_name, pinyin
from doudi.linkage.labels import FIELD, LEVEL, ROSTER
from doudi.matching import review_queue
from doudi.matching.models import ClericalReview, CoverageClass, Decision
from doudi.registry import access, privacy

from ..queries import place_name
from .common import is_htmx, page

PAGE_SIZE = 20
# The rows of the side-by-side table: (evidence field compared, label). Pinyin goes with the name.
ROWS = (
    ("name", gettext_lazy("姓名")),
    ("pinyin", gettext_lazy("拼音")),
    ("id", gettext_lazy("身份证号")),
    ("birth_date", gettext_lazy("出生日期")),
    ("sex", gettext_lazy("性别")),
    ("village", gettext_lazy("行政村")),
    ("head_id", gettext_lazy("户主")),
    ("relation", gettext_lazy("与户主关系")),
)


class FilterForm(forms.Form):
    township = forms.ChoiceField(label=gettext_lazy("乡(镇)"), required=False)
    village = forms.ChoiceField(label=gettext_lazy("行政村"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("复核状态"),
        required=False,
        choices=[
            ("pending", gettext_lazy("待复核")),
            ("decided", gettext_lazy("已复核")),
            ("all", gettext_lazy("全部")),
        ],
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("排序"),
        required=False,
        choices=[("weight", gettext_lazy("按匹配权重(高到低)")), ("village", gettext_lazy("按行政村"))],
    )
    household = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, villages: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        townships = sorted({code[:9] for code in villages})
        self.fields["township"].choices = everything + [(c, place_name(c)) for c in townships]
        self.fields["village"].choices = everything + [
            (c, f"{place_name(c[:9])} {place_name(c)}") for c in villages
        ]

    def chosen(self) -> review_queue.QueueFilter:
        if not self.is_valid():
            return review_queue.QueueFilter()
        data = self.cleaned_data
        return review_queue.QueueFilter(
            township=data.get("township") or "",
            village=data.get("village") or "",
            status=data.get("status") or "pending",
            sort=data.get("sort") or "weight",
            household=data.get("household"),
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("复核结论"),
        choices=[
            (Decision.MATCH.value, Decision.MATCH.label),
            (Decision.NON_MATCH.value, Decision.NON_MATCH.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择“确认为同一人”或“确认不是同一人”")},
    )
    note = forms.CharField(
        label=gettext_lazy("复核依据"),
        max_length=review_queue.NOTE_MAX,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": gettext_lazy("如:户口簿核实,低保名册证号录错一位")}
        ),
        error_messages={
            "required": gettext_lazy("请写明复核依据(如“户口簿核实,低保名册证号录错一位”)"),
            "max_length": gettext_lazy("复核依据最多 %(limit_value)d 个字"),
        },
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, review: ClericalReview, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"seen": review.decision})
        super().__init__(*args, prefix=f"r{review.pk}", **kwargs)


@dataclass
class Side:
    """One record of the pair as this user may see it."""

    visible: bool
    person: Any = None
    values: dict[str, str] | None = None


def _relations(user: Any, pairs: list[tuple[int, int | None]]) -> dict[tuple[int, int], str]:
    households = {h for _, h in pairs if h is not None}
    rows = access.memberships_for(user).filter(valid_to=None, household_id__in=households)
    return {(m.person_id, m.household_id): m.get_relation_display() for m in rows}


def _side(
    user: Any, person: Any, household: Any, visible: set[int], relations: dict[tuple[int, int], str]
) -> Side:
    if person.pk not in visible:
        return Side(False)
    head = getattr(household, "head", None) if household is not None else None
    head_shown = ""
    if head is not None:
        head_shown = head.name if head.pk in visible else _("(不在您的管辖范围内)")
    relation = relations.get((person.pk, household.pk), "") if household is not None else ""
    if not relation and head is not None and head.pk == person.pk:
        relation = _("户主")
    return Side(
        True,
        person,
        {
            "name": person.name,
            "pinyin": pinyin(clean_name(person.name)),
            "id": privacy.display_id(user, person) or _("无"),
            "birth_date": person.birth_date.isoformat() if person.birth_date else "—",
            "sex": person.get_sex_display() or "—",
            "village": f"{place_name(person.township_code)} {place_name(person.village_code)}".strip() or "—",
            "head_id": head_shown or "—",
            "relation": relation or "—",
        },
    )


def items(user: Any, reviews: list[ClericalReview]) -> list[dict[str, Any]]:
    """Each review with both records as this user may see them and the field-by-field agreement."""
    links = [r.link for r in reviews]
    ids: set[int] = set()
    for link in links:
        ids |= {link.poverty_person_id, link.roll_person_id}
        for household in (link.poverty_household, link.roll_household):
            if household is not None and household.head_id:
                ids.add(household.head_id)
    visible = set(access.persons_for(user).filter(pk__in=ids).values_list("pk", flat=True))
    relations = _relations(
        user,
        [(x.poverty_person_id, x.poverty_household_id) for x in links]
        + [(x.roll_person_id, x.roll_household_id) for x in links],
    )
    return [item(user, r, visible, relations) for r in reviews]


def item(
    user: Any,
    review: ClericalReview,
    visible: set[int],
    relations: dict[tuple[int, int], str],
    form: DecisionForm | None = None,
) -> dict[str, Any]:
    link = review.link
    fields = dict((link.evidence or {}).get("fields", {}))
    left = _side(user, link.poverty_person, link.poverty_household, visible, relations)
    right = _side(user, link.roll_person, link.roll_household, visible, relations)
    rows = []
    for key, label in ROWS:
        level = fields.get("name" if key == "pinyin" else key)
        rows.append(
            {
                "key": key,
                "label": label,
                "left": (left.values or {}).get(key, ""),
                "right": (right.values or {}).get(key, ""),
                "level": LEVEL.get(str(level), str(level)) if level is not None and key != "pinyin" else "",
                "agrees": str(level) == "exact" and key != "pinyin",
            }
        )
    extra = [(FIELD.get(k, k), LEVEL.get(str(v), str(v))) for k, v in fields.items() if k not in dict(ROWS)]
    return {
        "review": review,
        "link": link,
        "roll_name": ROSTER.get(link.roll, link.roll),
        "left": left,
        "right": right,
        "rows": rows,
        "extra": extra,
        "agreed": [FIELD.get(k, k) for k, v in fields.items() if str(v) == "exact"],
        "percent": f"{link.match_probability:.1%}",
        "form": form if form is not None else DecisionForm(review),
    }


def _reload(user: Any, pk: int) -> ClericalReview:
    return review_queue.get_review_for_user(user, pk)


def _item_context(
    request: HttpRequest, review: ClericalReview, form: DecisionForm | None = None
) -> dict[str, Any]:
    user = request.user
    entry = items(user, [review])[0]
    if form is not None:
        entry["form"] = form
    return {
        "it": entry,
        "may_decide": review_queue.may_decide(user),
        "may_see_full_ids": privacy.may_see_full_ids(user),
        "pending_total": review_queue.pending_count(user),
    }


@login_required
def review_queue_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = FilterForm(review_queue.villages_in_queue(user), request.GET or None)
    chosen = form.chosen()
    paginator = Paginator(review_queue.filtered(user, chosen), PAGE_SIZE)
    current = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": current,
        "entries": items(user, list(current.object_list)),
        "total": paginator.count,
        "pending_total": review_queue.pending_count(user),
        "query": query.urlencode(),
        "here": request.get_full_path(),
        "household": chosen.household,
        "may_decide": review_queue.may_decide(user),
        "may_see_full_ids": privacy.may_see_full_ids(user),
    }
    return page(request, "web/review/queue.html", context)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or reverse("review_queue")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse("review_queue")
    return target


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a decision on one pair; htmx gets the pair's card back (decided, or the form with its errors)."""
    user = request.user
    review = review_queue.get_review_for_user(user, pk)
    form = DecisionForm(review, request.POST)
    error = ""
    status = 200
    if not review_queue.may_decide(user):
        error, status = _("您的角色只能查看复核队列,不能下复核结论"), 403
    elif form.is_valid():
        data = form.cleaned_data
        try:
            outcome = review_queue.decide(user, pk, data["decision"], data["note"], seen=data["seen"] or None)
        except review_queue.ReviewError as exc:
            error, status = str(exc), 409 if isinstance(exc, review_queue.DecidedMeanwhile) else 400
        else:
            done = _("已记录复核结论: %(d)s") % {"d": outcome.review.get_decision_display()}
            changed = [
                _("建档立卡户分类: %(before)s → %(after)s")
                % {"before": CoverageClass(b).label, "after": CoverageClass(a).label}
                for b, a in outcome.changes.values()
            ]
            if not is_htmx(request):
                messages.success(request, "; ".join([done, *changed]))
                return HttpResponseRedirect(_next(request))
            context = _item_context(request, _reload(user, pk))
            context.update(done=done, changed=changed, oob=True, here=_next(request))
            return render(request, "web/review/item.html", context)
    else:
        error, status = _("请按提示修改后再提交"), 400
    context = _item_context(request, _reload(user, pk), form)
    context.update(error=error, oob=False, here=_next(request))
    if is_htmx(request):
        return render(request, "web/review/item.html", context)  # htmx swaps 2xx only: the errors in the card
    return page(request, "web/review/decide.html", context, status=status)
