"""The registry adapter: registry households in, rules' assessments out (`doudi assess` without --file)."""

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from doudi.registry import access
from doudi.registry.assessment import assess_registry, household_input, store_assessments
from doudi.registry.models import AssessmentResult
from doudi.rules.commands import assess
from tests.factories import (
    COUNTY,
    create_dibao_enrolment,
    create_household,
    create_income,
    create_member,
    create_poverty_registration,
    create_user,
)

ON = date(2022, 3, 1)


def _card_household(**kw: object):  # type: ignore[no-untyped-def]
    h = create_household(hukou_county_code=COUNTY, **kw)
    create_poverty_registration(h, status="未脱贫")
    return h


@pytest.mark.django_db
def test_registry_household_becomes_rules_input() -> None:
    h = _card_household()
    spouse = create_member(
        h,
        "配偶",
        birth_date=date(1962, 4, 1),
        sex="F",
        disability_category="4",
        disability_grade=1,
        manages_bathing=False,
    )
    create_income(h, kind="pension_basic_rural", amount_fen=120_000)
    create_income(kind="wage", amount_fen=300_000, person=spouse)
    record = household_input(h, ON)
    assert record.region == h.village_code and record.hukou_county == COUNTY
    assert [m.relation.value for m in record.members] == ["head", "spouse"]
    wife = record.members[1]
    assert wife.disability is not None and (wife.disability.category, wife.disability.grade) == ("4", 1)
    assert wife.daily_activities is not None and wife.daily_activities["bathing"] is False
    assert {(i.kind, i.member) for i in record.income} == {
        ("basic_rural_pension", None),
        ("wage", wife.person_id),
    }
    assert record.poverty.card_household and not record.poverty.exited


@pytest.mark.django_db
def test_registry_run_assesses_and_reports() -> None:
    eligible = _card_household()
    create_income(eligible, kind="agriculture", amount_fen=240_000)
    covered = _card_household()
    create_dibao_enrolment(covered, monthly_amount_fen=39_750)
    rich = _card_household()
    create_income(rich, kind="wage", amount_fen=2_000_000)
    results, errors, version = assess_registry(ON, COUNTY)
    assert errors == [] and len(version) == 12
    by_id = {a.household_id: a for a in results}
    assert by_id[eligible.household_no].outcome.value == "eligible_dibao"
    assert by_id[eligible.household_no].benefit == 19_750  # (4,770 - 2,400) / 12
    assert by_id[covered.household_no].outcome.value == "already_covered"
    assert by_id[rich.household_no].outcome.value == "not_eligible"


@pytest.mark.django_db
def test_assess_command_without_file_reads_the_registry(tmp_path: Path) -> None:
    h = _card_household()
    out = tmp_path / "r.jsonl"
    result = CliRunner().invoke(assess, ["--date", "2022-03-01", "--region", COUNTY, "--out", str(out)])
    assert result.exit_code == 0, result.output
    row = json.loads(out.read_text(encoding="utf-8"))
    assert row["household_id"] == h.household_no and row["parameter_version"]
    assert "已研判登记库中 1 户" in result.output
    assert "并保存结果" in result.output


@pytest.mark.django_db
def test_stored_results_are_one_per_household_date_and_version_and_a_rerun_replaces_them() -> None:
    eligible = _card_household()
    create_income(eligible, kind="agriculture", amount_fen=240_000)
    _card_household(village_code="532923101202")

    results, errors, version = store_assessments(ON, COUNTY)
    assert errors == [] and len(results) == 2
    stored = AssessmentResult.objects.get(household=eligible)
    assert (stored.outcome, stored.benefit_fen, stored.parameter_version) == (
        "eligible_dibao",
        19_750,
        version,
    )
    assert stored.result["explanation"], "the explanation is stored with the result"

    create_income(eligible, kind="wage", amount_fen=2_000_000)
    store_assessments(ON, COUNTY)
    assert AssessmentResult.objects.filter(household=eligible).count() == 1
    assert AssessmentResult.objects.get(household=eligible).outcome == "not_eligible"


@pytest.mark.django_db
def test_stored_results_are_region_scoped() -> None:
    _card_household()
    _card_household(village_code="532923101202")
    store_assessments(ON, COUNTY)
    assert access.assessments_for(create_user(role="village")).count() == 1
    assert access.assessments_for(create_user(role="township")).count() == 2


@pytest.mark.django_db
def test_without_income_items_the_registry_declared_income_counts() -> None:
    h = _card_household()
    h.poverty.income_per_capita_fen = 600_000  # 6,000 yuan a head, above the 4,770 standard
    h.poverty.save()
    record = household_input(h, ON)
    assert [(i.kind, i.amount) for i in record.income] == [("declared_net_income", 600_000)]
    results, _errors, _version = assess_registry(ON, COUNTY)
    assert results[0].outcome.value == "not_eligible"

    create_income(h, kind="agriculture", amount_fen=100_000)
    h = type(h).objects.get(pk=h.pk)
    assert [i.kind for i in household_input(h, ON).income] == ["agriculture"], "own items take precedence"


@pytest.mark.django_db
def test_a_member_without_a_birth_date_makes_the_household_need_data_not_an_error() -> None:
    h = _card_household()
    create_member(h, "之子", id_number=None, birth_date=None)
    results, errors, _version = store_assessments(ON, COUNTY)
    assert [r.outcome.value for r in results] == ["needs_data"]
    assert errors == []
    stored = AssessmentResult.objects.get(household=h)
    assert (stored.outcome, stored.reasons) == ("needs_data", ["member_data_missing"])
    assert "出生日期" in json.dumps(stored.result, ensure_ascii=False)


def _varied_registry() -> None:
    """Households that reach every branch the registry can feed: dibao, tekun, gradual exit, deductions,
    property, support measures, person and household income, an incomplete member, a household without a
    poverty registration."""
    from doudi.registry.models import DeductionItem, PropertyItem, SupportMeasure
    from tests.factories import create_tekun_enrolment

    eligible = _card_household()
    create_income(eligible, kind="agriculture", amount_fen=240_000)
    worker = create_member(eligible, "之子", birth_date=date(1995, 5, 1), sex="M")
    create_income(kind="wage", amount_fen=300_000, person=worker)
    SupportMeasure.objects.create(person=worker, household=eligible, kind="employment")
    DeductionItem.objects.create(
        household=eligible, kind="illness", amount_fen=500_000, reimbursed_fen=200_000
    )
    PropertyItem.objects.create(household=eligible, kind="house")
    covered = _card_household()
    create_dibao_enrolment(covered, monthly_amount_fen=39_750)
    exiting = _card_household()
    create_income(exiting, kind="wage", amount_fen=2_000_000)
    create_dibao_enrolment(exiting, status="gradual_exit", gradual_exit_end=date(2022, 6, 30))
    elder = _card_household()
    old = create_member(elder, "之父", birth_date=date(1940, 2, 1), labor_capacity="none")
    create_tekun_enrolment(old, start_date=date(2020, 1, 1))
    PropertyItem.objects.create(
        person=old, kind="vehicle", value_fen=9_000_000, purchase_date=date(2021, 9, 1)
    )
    rich = _card_household()
    create_income(rich, kind="wage", amount_fen=2_000_000)
    incomplete = _card_household()
    create_member(incomplete, "之女", birth_date=None, sex="F", id_number=None)
    create_household(hukou_county_code=COUNTY)  # no poverty registration


@pytest.mark.django_db
def test_columnar_read_gives_the_prefetch_path_results() -> None:
    from doudi.registry.assessment import assessments, read_households

    _varied_registry()
    before = {h.pk: a for h, a in assessments(ON, COUNTY)}
    rows = list(read_households(COUNTY))
    assert [h.pk for h in rows] == sorted(before)
    results, errors, _version = assess_registry(ON, COUNTY)
    assert errors == []
    expected = [a.as_json(explanation=True) for a in before.values() if not isinstance(a, str)]
    assert [a.as_json(explanation=True) for a in results] == expected
    outcomes = {a.outcome.value for a in results}
    assert {"eligible_dibao", "already_covered", "not_eligible", "needs_data"} <= outcomes


@pytest.mark.django_db
def test_registry_batch_agrees_with_the_per_household_path() -> None:
    from doudi.registry.assessment import assess_registry_batch
    from doudi.rules.batch import OUTCOMES

    _varied_registry()
    results, _errors, version = assess_registry(ON, COUNTY)
    batch = assess_registry_batch(ON, COUNTY)
    assert batch.version == version and batch.errors == []
    by_id = {a.household_id: a for a in results}
    assert len(batch.needs_data) == 1 and len(batch.pks) == len(results) - 1
    for i, household_id in enumerate(batch.household_ids):
        a = by_id[household_id]
        got = (OUTCOMES[batch.result.outcome[i]], int(batch.result.benefit[i]), int(batch.result.tekun[i]))
        assert got == (a.outcome, a.benefit, a.tekun_total), household_id
        assert batch.result.reason_set(i) == set(a.reasons), household_id
    assert not batch.result.fallback.any()
