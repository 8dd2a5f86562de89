"""部门数据比对 pages (issue #10): the verification beside a household's declaration, the priority-group
discoveries, and the integrity worklist by village. Every read is region-scoped (doudi.registry.access and
doudi.feeds.access); the override of a missing authorisation goes through doudi.feeds.authorisation."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from doudi.core.divisions import UnknownDivision, yunnan
from doudi.core.ids import mask
from doudi.evidence.model import LABELS, Code
from doudi.feeds import authorisation
from doudi.feeds.access import findings_for
from doudi.feeds.models import Finding
from doudi.feeds.verification import verification
from doudi.registry import access

from .common import page, today

SHOWN = 500


def _village(code: str) -> str:
    try:
        return yunnan().get(code).name
    except UnknownDivision:
        return code


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def _rows(result: Any) -> list[dict[str, Any]]:
    rows = []
    for line in result.lines:
        show = _yuan if line.unit == "fen" else str
        rows.append({"item": line.item, "declared": show(line.declared), "evidence": show(line.evidence),
                     "discrepancy": show(line.discrepancy) if line.discrepancy else "", "sources": line.sources})  # fmt: skip
    return rows


@login_required
def household_verification(request: HttpRequest, pk: int) -> HttpResponse:
    household = access.get_household_for_user(request.user, pk)
    problem = ""
    if request.method == "POST":
        try:
            authorisation.override(request.user, household, request.POST.get("reason", ""), today())
        except authorisation.AuthorisationError as exc:
            problem = str(exc)
    result = verification(household, today())
    members = access.memberships_for(request.user).filter(household=household, valid_to__isnull=True)
    context = {
        "household": household,
        "members": [
            (m.person.name, mask(m.person.id_number or "")) for m in members.select_related("person")
        ],
        "result": result,
        "rows": _rows(result),
        "findings": findings_for(request.user).filter(household=household).order_by("code"),
        "problem": problem,
    }
    return page(request, "web/evidence/household.html", context, status=400 if problem else 200)


def _listed(findings: Any) -> list[dict[str, Any]]:
    out = []
    for f in findings.select_related("household__head", "person")[:SHOWN]:
        person = f.person.name if f.person else ""
        out.append({"finding": f, "label": LABELS[Code(f.code)], "person": person, "village": _village(f.village_code),
                    "evidence": "; ".join(f"{k}: {v}" for k, v in f.evidence.items())})  # fmt: skip
    return out


@login_required
def priority(request: HttpRequest) -> HttpResponse:
    findings = (
        findings_for(request.user).filter(code__startswith="PRI_").order_by("village_code", "household_id")
    )
    context = {"rows": _listed(findings), "total": findings.count(), "title": _("重点人群主动发现")}
    return page(request, "web/evidence/priority.html", context)


@login_required
def integrity(request: HttpRequest) -> HttpResponse:
    findings = findings_for(request.user).filter(code__startswith="INT_").order_by("village_code", "code")
    code = request.GET.get("code", "")
    if code in {c.value for c in Code}:
        findings = findings.filter(code=code)
    by_village: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _listed(findings):
        by_village[row["village"]].append(row)
    counts = Counter(
        findings_for(request.user).filter(code__startswith="INT_").values_list("code", flat=True)
    )
    context = {
        "villages": sorted(by_village.items()),
        "counts": [(c, LABELS[Code(c)], n) for c, n in sorted(counts.items())],
        "total": findings.count(),
        "chosen": code,
    }
    return page(request, "web/evidence/integrity.html", context)


__all__ = ["Finding", "household_verification", "integrity", "priority"]
