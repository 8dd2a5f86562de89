"""The assessment uses departments' data (家庭经济状况核对) when the household gave its authorisation, and says so
item by item in the explanation; without an authorisation the declaration stands."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from doudi.evidence.feeds import FeedKind
from doudi.feeds import authorisation
from doudi.feeds.imports import import_feed
from doudi.feeds.models import Authorisation
from doudi.registry.assessment import assess_registry, assessments, household_input
from doudi.registry.models import PropertyItem
from doudi.rules.engine import Assessment
from tests.factories import (
    COUNTY,
    create_household,
    create_income,
    create_member,
    create_poverty_registration,
    create_user,
)
from tests.functional.feeds.test_feeds import write_feed

pytestmark = pytest.mark.django_db
ON = date(2022, 3, 1)


def _household() -> Any:
    """A card household of two declaring 1,000 yuan of wages a year: eligible on its declaration."""
    h = create_household(hukou_county_code=COUNTY, hukou="rural")
    create_poverty_registration(h, status="未脱贫")
    create_member(h, "配偶", sex="F", birth_date=date(1965, 3, 1))
    create_income(kind="wage", amount_fen=100_000, person=h.head)
    return h


def _import(folder: Path, kind: FeedKind, rows: list[dict[str, Any]]) -> int:
    return import_feed(write_feed(folder, kind, rows), kind, today=ON).batch.pk


def _wage(person: Any, monthly: str = "3000") -> dict[str, Any]:
    return {"id_number": person.id_number, "name": person.name, "item": "工资", "monthly": monthly, "months": "12", "employer": "县建筑公司"}  # fmt: skip


def _assessed(h: Any) -> Assessment:
    results, errors, _version = assess_registry(ON, COUNTY)
    assert errors == []
    return next(a for a in results if a.household_id == h.household_no)


def _steps(a: Assessment, label: str) -> list[str]:
    return [str(s.value) for s in a.explanation.steps if s.label == label]


def test_a_wage_in_the_hr_feed_with_an_authorisation_makes_the_household_ineligible(tmp_path: Path) -> None:
    h = _household()
    batch = _import(tmp_path, FeedKind.SOCIAL_SECURITY, [_wage(h.head)])
    assert _assessed(h).outcome.value == "eligible_dibao"
    authorisation.record_signed(create_user("county_civil"), h, date(2022, 1, 10))
    a = _assessed(h)
    assert a.outcome.value == "not_eligible" and "d2_income_not_below" in [x.value for x in a.reasons]
    assert a.explanation.value("income.gross") == 3_600_000
    [source] = _steps(a, "收入依据")
    assert "人力资源和社会保障局《社会保险及工资信息》" in source and f"核对批次 {batch}" in source
    assert "36,000.00 元" in source and "申报为 1,000.00 元" in source and h.head.id_number not in source
    assert "该户签署家庭经济状况核对授权书(2022-01-10)" in _steps(a, "部门数据核对")[0]
    assert "收入依据: " in a.render()


def test_without_an_authorisation_the_declared_figures_stand(tmp_path: Path) -> None:
    h = _household()
    _import(tmp_path, FeedKind.SOCIAL_SECURITY, [_wage(h.head)])
    authorisation.record_signed(create_user("county_civil"), h, date(2022, 6, 1))  # signed after the date
    a = _assessed(h)
    assert a.outcome.value == "eligible_dibao" and a.explanation.value("income.gross") == 100_000
    assert _steps(a, "收入依据") == []
    [note] = _steps(a, "部门数据核对")
    assert "没有有效的家庭经济状况核对授权" in note and "未使用部门数据" in note


def test_without_feeds_the_explanation_says_nothing_of_them() -> None:
    h = _household()
    assert [s.key for s in _assessed(h).explanation.steps if s.key.startswith("evidence.")] == []


def test_a_recent_vehicle_in_the_police_feed_fails_the_property_test(tmp_path: Path) -> None:
    h = _household()
    civil = create_user("county_civil")
    authorisation.override(civil, h, "户主外出务工无法签字, 经乡镇审核", date(2022, 2, 1))
    batch = _import(tmp_path, FeedKind.VEHICLES, [
        {"id_number": h.head.id_number, "name": h.head.name, "plate": "云L12345", "registered_on": "2021-12-01", "price": "80000"},
        {"id_number": h.head.id_number, "name": h.head.name, "plate": "云L99999", "registered_on": "2022-05-01", "price": "90000"},
    ])  # fmt: skip
    a = _assessed(h)
    assert a.outcome.value == "not_eligible" and "d3_vehicle" in [x.value for x in a.reasons]
    [vehicle] = _steps(a, "财产依据")  # the one registered after the date is not counted
    assert (
        "云L12345" in vehicle
        and "公安局交警大队《机动车登记信息》" in vehicle
        and f"核对批次 {batch}" in vehicle
    )
    assert "申报未列" in vehicle and "经县民政局审批免于授权" in _steps(a, "部门数据核对")[0]


def test_evidence_lower_than_the_declaration_keeps_the_declaration(tmp_path: Path) -> None:
    h = _household()
    authorisation.record_signed(create_user("county_civil"), h, date(2022, 1, 10))
    _import(tmp_path, FeedKind.SOCIAL_SECURITY, [_wage(h.head, monthly="50")])
    a = _assessed(h)
    assert a.explanation.value("income.gross") == 100_000 and _steps(a, "收入依据") == []
    assert any("不高于申报 1,000.00 元, 按申报计" in n for n in _steps(a, "部门数据核对"))


def _varied(tmp_path: Path) -> None:
    """Households with every feed the assessment reads, authorised, overridden, revoked and not authorised."""
    civil = create_user("county_civil")
    signed, override, revoked, unsigned = (_household() for _ in range(4))
    authorisation.record_signed(civil, signed, date(2022, 1, 10))
    authorisation.override(civil, override, "户主失踪, 经乡镇审核", date(2022, 1, 10))
    authorisation.record_signed(civil, revoked, date(2021, 1, 10))
    Authorisation.objects.filter(household=revoked).update(revoked_on=date(2022, 2, 1))  # revoked before ON
    card = create_household(hukou_county_code=COUNTY, hukou="rural")  # declared net income only
    create_poverty_registration(card, status="未脱贫", income_per_capita_fen=200_000)
    authorisation.record_signed(civil, card, date(2022, 1, 10))
    PropertyItem.objects.create(household=signed, kind="house")
    PropertyItem.objects.create(household=signed, kind="financial", value_fen=100_000)
    heads = [h.head for h in (signed, override, revoked, unsigned, card)]
    person = lambda p: {"id_number": p.id_number, "name": p.name}  # noqa: E731
    _import(tmp_path / "a", FeedKind.SOCIAL_SECURITY, [_wage(p, "400") for p in heads])
    _import(tmp_path / "b", FeedKind.TAX, [{**person(p), "year": "2021", "income": "5200"} for p in heads])
    _import(tmp_path / "c", FeedKind.HOUSING_FUND, [{**person(override.head), "employer": "县医院", "base": "4000", "months": "12", "status": "正常"}])  # fmt: skip
    _import(
        tmp_path / "d", FeedKind.PAYROLL, [{**person(card.head), "employer": "县教育局", "monthly": "6500"}]
    )
    _import(tmp_path / "e", FeedKind.BANK, [{**person(signed.head), "institution": "农商行", "product": "存款", "balance": "300000"}])  # fmt: skip
    _import(tmp_path / "f", FeedKind.REAL_ESTATE, [
        {**person(signed.head), "certificate": "云(2020)1号", "use": "住宅", "registered_on": "2020-01-01"},
        {**person(signed.head), "certificate": "云(2021)2号", "use": "住宅", "registered_on": "2021-01-01"},
        {**person(signed.head), "certificate": "云(2021)3号", "use": "住宅", "registered_on": "2021-06-01"},
        {**person(override.head), "certificate": "云(2021)4号", "use": "商业", "registered_on": "2021-06-01"},
    ])  # fmt: skip
    _import(tmp_path / "g", FeedKind.BUSINESS, [{**person(revoked.head), "credit_code": "92530000X", "business_name": "小卖部", "role": "经营者", "status": "存续"}, {**person(signed.head), "credit_code": "92530001X", "business_name": "农家乐", "role": "经营者", "status": "存续"}])  # fmt: skip


def test_both_read_paths_give_the_same_input_and_results(tmp_path: Path) -> None:
    from doudi.registry.assessment import assess_registry_batch, read_households
    from doudi.registry.models import Household
    from doudi.rules.batch import OUTCOMES

    _varied(tmp_path)
    before = {h.pk: a for h, a in assessments(ON, COUNTY)}
    results, errors, _version = assess_registry(ON, COUNTY)
    assert errors == []
    expected = [a.as_json(explanation=True) for a in before.values() if not isinstance(a, str)]
    assert [a.as_json(explanation=True) for a in results] == expected
    inputs = {h.pk: household_input(h, ON) for h in read_households(COUNTY)}
    assert inputs == {h.pk: household_input(h, ON) for h in Household.objects.all()}  # read one at a time
    batch = assess_registry_batch(ON, COUNTY)
    by_id = {a.household_id: a for a in results}
    for i, household_id in enumerate(batch.household_ids):
        got = (OUTCOMES[batch.result.outcome[i]], int(batch.result.benefit[i]))
        assert got == (by_id[household_id].outcome, by_id[household_id].benefit), household_id
    sources = [
        i.source for record in inputs.values() for i in (*record.income, *(record.property or ())) if i.source
    ]
    assert len(sources) >= 8
    texts = "\n".join(
        str(s.value) for a in results for s in a.explanation.steps if s.key.startswith("evidence.")
    )
    for expected_text in ("个人所得税收入信息", "财政供养人员信息", "存款及金融资产信息", "按不动产登记 3 套计",
                          "非居住类房屋 不动产权证号", "农家乐", "建档立卡登记的家庭纯收入", "没有有效的家庭经济状况核对授权"):  # fmt: skip
        assert expected_text in texts, expected_text
    assert "小卖部" not in texts  # the revoked household's business is not read


def test_a_wage_linked_by_the_household_stage_to_a_member_without_an_id_counts(tmp_path: Path) -> None:
    """A child whose roster ID cell was blank: the feeds name her by her real ID, the matching engine links her
    rows through the hukou household (stored on the row), and every read path of the assessment sees her wage."""
    from doudi.core import ids
    from doudi.feeds.checking import run_checks
    from doudi.feeds.imports import import_folder
    from doudi.feeds.models import FeedRecord, LinkMethod
    from doudi.registry.assessment import read_households
    from doudi.registry.models import Household
    from tests.factories import create_member as member

    h = _household()
    child = member(h, "之女", id_number=None, name="王小花", sex="F", birth_date=date(2003, 3, 4))
    real_id = ids.make(COUNTY, date(2003, 3, 4), 22)
    write_feed(tmp_path, FeedKind.HUKOU, [
        {"id_number": h.head.id_number, "name": h.head.name, "hukou_no": "HK1", "relation": "户主", "county": COUNTY},
        {"id_number": real_id, "name": "王小花", "hukou_no": "HK1", "relation": "子女", "county": COUNTY},
    ])  # fmt: skip
    write_feed(tmp_path, FeedKind.SOCIAL_SECURITY, [{"id_number": real_id, "name": "王小花", "item": "工资", "monthly": "3000", "months": "12", "employer": "县建筑公司"}])  # fmt: skip
    civil = create_user("county_civil")
    import_folder(tmp_path, civil, ON)
    authorisation.record_signed(civil, h, date(2022, 1, 10))
    assert _assessed(h).explanation.value("income.gross") == 100_000  # not linked yet: the declaration stands
    run_checks(civil, COUNTY, ON)
    assert FeedRecord.objects.get(kind="social_security").link_method == LinkMethod.HOUSEHOLD.value
    assert FeedRecord.objects.get(kind="social_security").person == child
    one_by_one = household_input(Household.objects.get(pk=h.pk), ON)
    [wage] = [i for i in one_by_one.income if i.source]
    assert (wage.kind, wage.amount) == ("wage", 3_600_000) and "核对批次" in str(wage.source)
    assert {x.pk: household_input(x, ON) for x in read_households(COUNTY)}[h.pk] == one_by_one
    [source] = _steps(_assessed(h), "收入依据")  # the columnar path of the rules engine says so too
    assert "36,000.00 元" in source and "申报未列" in source and real_id not in source
