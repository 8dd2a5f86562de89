"""Priority-group discovery for step S2 (RULES.md §2): members of card households who are not covered and who
hold a grade 1-2 disability certificate, an intellectual or mental certificate of grade 3-4, or received
major-illness medical assistance and have fully or partly lost labour capacity. The disability federation and
the medical-security bureau know them first; each discovery becomes a new case with the evidence."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from doudi.core.ids import DisabilityCategory
from doudi.evidence.model import Code, Finding, Household, Member, masked
from doudi.evidence.records import Evidence

MENTAL_INTELLECTUAL = frozenset({DisabilityCategory.INTELLECTUAL.value, DisabilityCategory.MENTAL.value})
LOST_LABOUR = frozenset({"partial", "none"})


def _certificate_findings(h: Household, m: Member, evidence: Evidence) -> Iterator[Finding]:
    for cert in evidence.certificates.get(m.person_id, ()):
        category = DisabilityCategory(cert.category).label if cert.category.isdigit() else cert.category
        detail = {
            "残疾证号": masked(cert.certificate[:18]) + cert.certificate[18:],
            "类别": category,
            "等级": f"{cert.grade}级",
        }
        if cert.grade <= 2:
            yield Finding(Code.SEVERE_DISABILITY, h.key, m.person_id, h.village, detail)
        elif cert.category in MENTAL_INTELLECTUAL:
            yield Finding(Code.MENTAL_INTELLECTUAL, h.key, m.person_id, h.village, detail)


def _illness_findings(h: Household, m: Member, evidence: Evidence) -> Iterator[Finding]:
    paid = evidence.illness.get(m.person_id, ())
    if paid and m.labor in LOST_LABOUR:
        last = max(paid, key=lambda a: a.paid_on)
        detail = {
            "最近救助日期": last.paid_on.isoformat(),
            "救助金额": f"{sum(a.amount for a in paid) / 100:.2f}元",
            "劳动能力": {"partial": "部分丧失", "none": "完全丧失"}[m.labor],
        }
        yield Finding(Code.MAJOR_ILLNESS, h.key, m.person_id, h.village, detail)


def discover(households: Iterable[Household], evidence: Evidence) -> Iterator[Finding]:
    """Every priority-group discovery among card households' members who are not covered (one per criterion).

    A member the province's social-assistance roll (全省社会救助对象信息) lists as covered is not a new case even when
    the registry has no cover for them (their roll row was rejected at import, or not imported yet)."""
    for h in households:
        if not h.card:
            continue
        for m in h.members:
            if m.covered or m.elsewhere or evidence.other_cover.get(m.person_id):
                continue  # covered here, in the family they moved to, or by the province's assistance roll
            seen: set[Code] = set()
            for finding in (*_certificate_findings(h, m, evidence), *_illness_findings(h, m, evidence)):
                if finding.code not in seen:
                    seen.add(finding.code)
                    yield finding
