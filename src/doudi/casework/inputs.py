"""Where a campaign's cases come from: the S1 safety-net list, the rules engine's assessments and the cross-match.

Both end up as `actions.CaseInput` records, the one small interface `actions.open_cases` takes. Assessments are
read in their JSON form (`Assessment.as_json()`, the lines `doudi assess --out x.jsonl` writes), so a file from
another machine and an in-process run go through the same mapping. The cross-match is read from the latest match
run covering the county (`doudi.matching.queries.latest_run_for`, the run the web's coverage counts also use).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from doudi.campaign import Program
from doudi.matching.queries import household_coverage, latest_run_for
from doudi.registry.models import Household, HouseholdOrigin, Person

from .actions import CaseInput, safety_net_inputs
from .models import Campaign

# Outcomes that open a case for a household even without the S1 mark (a 漏保 candidate found by assessment).
OPENING_OUTCOMES = frozenset({"eligible_dibao", "members_eligible"})
# Match classes in which §2 priority members on no roll open a case even without the S1 mark (RULES §2: among
# card households not yet covered, these persons are screened first).
PRIORITY_CLASSES = frozenset({"not_covered", "partly_covered", "conflict"})


def _household_pk(raw_id: str, by_number: dict[str, int]) -> int | None:
    if raw_id.startswith("household-"):
        return int(raw_id.removeprefix("household-"))
    return by_number.get(raw_id)


def _person_pk(raw_id: str, household: int) -> int | None:
    if raw_id.startswith("person-"):
        return int(raw_id.removeprefix("person-"))
    return Person.objects.filter(id_number=raw_id).values_list("pk", flat=True).first()


def _program(result: dict[str, Any], household: int) -> tuple[str, int | None, int | None]:
    """(program, benefit in fen per month, person pk) suggested by one assessment."""
    if result.get("outcome") == "eligible_dibao":
        return Program.DIBAO.value, int(result.get("benefit_fen") or 0) or None, None
    for member in result.get("members", []):
        if member.get("tekun") and member.get("tekun_amount_fen"):
            return (
                Program.TEKUN.value,
                int(member["tekun_amount_fen"]),
                _person_pk(member["person_id"], household),
            )
    for member in result.get("members", []):
        if member.get("single_person") and member.get("single_person_benefit_fen"):
            pk = _person_pk(member["person_id"], household)
            return Program.SINGLE_PERSON.value, int(member["single_person_benefit_fen"]), pk
    return "", None, None


def assessment_inputs(
    campaign: Campaign, results: Iterable[dict[str, Any]]
) -> tuple[list[CaseInput], list[str]]:
    """Case inputs for the county's card households from assessment results (JSON form); unknown households
    are reported, not guessed."""
    cards = Household.objects.filter(county_code=campaign.county_code, origin=HouseholdOrigin.CARD)
    by_number = dict(cards.values_list("household_no", "pk"))
    marked = {i.household_id for i in safety_net_inputs(campaign)}
    inputs, errors = [], []
    for result in results:
        raw_id = str(result.get("household_id", ""))
        pk = _household_pk(raw_id, by_number)
        if pk is None:
            errors.append(f"研判结果中的户 {raw_id!r} 不是本县的建档立卡户, 已跳过")
            continue
        outcome = str(result.get("outcome", ""))
        if outcome not in OPENING_OUTCOMES and pk not in marked:
            continue
        program, benefit, person = _program(result, pk)
        reasons = tuple(str(r) for r in result.get("reasons", []))
        inputs.append(CaseInput(pk, outcome, reasons, benefit, program, person, pk in marked))
    return inputs, errors


def read_assessments(path: Path) -> Iterator[dict[str, Any]]:
    """Assessment results from a .jsonl file (one per line) or a .json list."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
        yield from data if isinstance(data, list) else [data]
        return
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(
                    f"{path.name} 第 {number} 行不是有效的 JSON: {exc.msg}(第 {exc.colno} 列)"
                ) from None


def run_assessments(campaign: Campaign, on: date) -> tuple[list[dict[str, Any]], list[str]]:
    """Assess the county's registry households now with the rules engine (doudi.registry.assessment)."""
    from doudi.registry.assessment import assess_registry

    results, errors, _version = assess_registry(on, campaign.county_code)
    return [a.as_json(explanation=False) for a in results], errors


def match_inputs(campaign: Campaign, also: Iterable[int] = ()) -> tuple[list[CaseInput], list[str]]:
    """Case inputs from the latest match run covering the county: which roll covers each card household that
    has an input already (`also`: the S1 list, the assessments), with the evidence; and one input (opening a
    case) for every card household whose §2 priority members are on no roll."""
    run = latest_run_for(campaign.county_code)
    if run is None:
        return [], [
            f"还没有覆盖 {campaign.county_code} 的名册比对结果, 个案暂无比对依据; "
            "请先运行 doudi match(比对建档立卡名册与低保、特困名册)"
        ]
    found = household_coverage(run, campaign.county_code)
    wanted = set(also) | {pk for pk, c in found.items() if c["class"] in PRIORITY_CLASSES and c["priority"]}
    inputs = [
        CaseInput(pk, match_run_id=run.pk, coverage_class=c["class"], coverage=c)
        for pk, c in found.items()
        if pk in wanted
    ]
    return inputs, []
