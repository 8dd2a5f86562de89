"""The integrity checks, priority discovery and verification on plain dataclasses."""

from __future__ import annotations

from datetime import date

from doudi.core import ids
from doudi.evidence import checks, priority
from doudi.evidence.feeds import FeedKind
from doudi.evidence.model import Code, Household, Member, limits_on
from doudi.evidence.records import Evidence
from doudi.evidence.verify import Declared, verify
from doudi.rules import parameters

ON = date(2020, 7, 1)
VILLAGE = "530627001002"
A = ids.make("530627", date(1970, 1, 1), 11)
B = ids.make("530627", date(1972, 5, 1), 12)
C = ids.make("530627", date(1995, 5, 1), 13)


def household(*members: Member, card: bool = True, authorised: bool = True) -> Household:
    return Household("h1", VILLAGE, members, card, authorised)


def covered(pid: str, *programs: str) -> Member:
    return Member(pid, "张三", "full", frozenset(programs or ("dibao",)))


def run(h: Household, evidence: Evidence, filings: frozenset[tuple[str, str]] = frozenset()) -> set[str]:
    ctx = checks.Context(ON, limits_on(ON, "530627"), evidence, filings)
    return {f.code.value for f in checks.integrity([h], ctx)}


def test_limits_are_read_from_the_rules_parameters() -> None:
    params = parameters.at(ON, "530627")
    limits = limits_on(ON, "530627")
    assert limits.vehicle == params.fen("property.vehicle_limit")
    assert limits.max_houses == params.count("property.max_houses")
    per_person = params.ratio("property.financial_assets_multiple") * params.fen(
        "property.disposable_income_prior_year"
    )
    assert limits.financial_limit(3) == per_person * 3
    assert any("RULES.md" in c for c in limits.citations)


def test_vehicle_within_window_and_above_limit_is_found_mobility_and_old_are_not() -> None:
    limit = limits_on(ON, "530627").vehicle
    e = Evidence()
    e.add(FeedKind.VEHICLES, A, {"plate": "云C1", "registered_on": date(2020, 3, 1), "price": limit})
    assert run(household(covered(A)), e) == {"INT_VEHICLE"}
    e = Evidence()
    e.add(FeedKind.VEHICLES, A, {"plate": "云C2", "registered_on": date(2019, 6, 30), "price": limit * 3})
    e.add(
        FeedKind.VEHICLES,
        A,
        {"plate": "云C3", "registered_on": date(2020, 3, 1), "price": limit, "mobility": True},
    )
    e.add(FeedKind.VEHICLES, A, {"plate": "云C4", "registered_on": date(2020, 3, 1), "price": limit - 1})
    assert run(household(covered(A)), e) == set()


def test_uncovered_households_are_not_checked_and_unauthorised_skip_economic_feeds() -> None:
    e = Evidence()
    e.add(FeedKind.PAYROLL, A, {"employer": "县教育局", "monthly": 600_000})
    e.add(FeedKind.ASSISTANCE, A, {"program": "低保", "county": "530628"})
    assert run(household(Member(A)), e) == set()
    assert run(household(covered(A), authorised=False), e) == {"INT_TWO_COUNTIES"}
    assert run(household(covered(A)), e) == {"INT_PUBLIC_EMPLOYEE", "INT_TWO_COUNTIES"}


def test_flat_business_and_deposits() -> None:
    e = Evidence()
    e.add(FeedKind.REAL_ESTATE, A, {"certificate": "云1", "use": "住宅", "registered_on": date(2020, 1, 5)})
    e.add(FeedKind.REAL_ESTATE, B, {"certificate": "云2", "use": "住宅", "registered_on": date(2010, 1, 5)})
    e.add(
        FeedKind.BUSINESS,
        B,
        {"credit_code": "92", "business_name": "商店", "role": "经营者", "status": "存续"},
    )
    e.add(
        FeedKind.BUSINESS,
        A,
        {"credit_code": "93", "business_name": "旧店", "role": "经营者", "status": "注销"},
    )
    limit = limits_on(ON, "530627").financial_limit(2)
    e.add(FeedKind.BANK, A, {"institution": "信用社", "product": "存款", "balance": limit})
    assert run(household(covered(A), covered(B)), e) == {"INT_FLAT", "INT_BUSINESS"}
    e.add(FeedKind.BANK, B, {"institution": "信用社", "product": "理财", "balance": 1})
    assert "INT_DEPOSITS" in run(household(covered(A), covered(B)), e)


def test_paid_after_the_month_of_death_not_in_it() -> None:
    e = Evidence()
    e.add(FeedKind.DEATHS, B, {"died_on": date(2020, 4, 20)})
    for month in (4, 5):
        e.add(
            FeedKind.PAYMENTS,
            A,
            {"program": "低保", "month": date(2020, month, 1), "amount": 1, "paid_on": date(2020, month, 10)},
        )
    ctx = checks.Context(ON, limits_on(ON, "530627"), e)
    found = list(checks.integrity([household(covered(A), covered(B))], ctx))
    assert [(f.code, f.person_id, f.evidence["死亡后发放月份"]) for f in found] == [
        (Code.PAID_AFTER_DEATH, B, "2020-05")
    ]


def test_dibao_and_tekun_at_once_and_two_counties() -> None:
    assert run(household(covered(A, "dibao", "tekun")), Evidence()) == {"INT_DIBAO_AND_TEKUN"}
    e = Evidence()
    e.add(FeedKind.ASSISTANCE, A, {"program": "特困", "county": "530627"})
    assert run(household(covered(A)), e) == {"INT_DIBAO_AND_TEKUN"}


def test_near_relative_of_an_official_needs_a_filing() -> None:
    e = Evidence()
    for pid in (A, C):
        e.add(FeedKind.HUKOU, pid, {"hukou_no": "HK1", "county": "530627"})
    e.add(FeedKind.OFFICIALS, C, {"role": "村委会委员", "village": VILLAGE})
    h = household(covered(A), Member(C))
    assert run(h, e) == {"INT_RELATIVE_UNFILED"}
    assert run(h, e, frozenset({(C, A)})) == set()


def test_payment_late_or_missing_but_not_the_running_month() -> None:
    e = Evidence()
    e.add(
        FeedKind.PAYMENTS,
        A,
        {"program": "低保", "month": date(2020, 5, 1), "amount": 1, "paid_on": date(2020, 6, 2)},
    )
    e.add(FeedKind.PAYMENTS, A, {"program": "低保", "month": date(2020, 7, 1), "amount": 1, "paid_on": None})
    ctx = checks.Context(ON, limits_on(ON, "530627"), e)
    found = list(checks.integrity([household(covered(A))], ctx))
    assert [(f.code, f.evidence["所属月份"]) for f in found] == [(Code.PAYMENT_LATE, "2020-05")]


def test_priority_groups_among_uncovered_card_members() -> None:
    e = Evidence()
    e.add(FeedKind.DISABILITY, A, {"certificate": A + "42", "category": "肢体", "grade": 2})
    e.add(FeedKind.DISABILITY, B, {"certificate": "y", "category": "精神", "grade": 3})
    e.add(FeedKind.DISABILITY, C, {"certificate": "z", "category": "肢体", "grade": 3})
    e.add(FeedKind.MEDICAL, C, {"paid_on": date(2020, 3, 1), "amount": 500_000})
    members = (Member(A), Member(B), Member(C, labor="partial"))
    found = {(f.code, f.person_id) for f in priority.discover([household(*members)], e)}
    assert found == {
        (Code.SEVERE_DISABILITY, A),
        (Code.MENTAL_INTELLECTUAL, B),
        (Code.MAJOR_ILLNESS, C),
    }
    severe = next(f for f in priority.discover([household(*members)], e) if f.person_id == A)
    assert (
        severe.evidence["残疾证号"] == A[:6] + "********" + A[-4:] + "42"
    )  # the holder's ID inside is masked
    assert list(priority.discover([household(*members, card=False)], e)) == []
    assert list(priority.discover([household(covered(A))], e)) == []


def test_no_priority_discovery_for_a_member_covered_elsewhere_or_on_the_province_roll() -> None:
    e = Evidence()
    for pid in (A, B):
        e.add(FeedKind.DISABILITY, pid, {"certificate": pid + "41", "category": "肢体", "grade": 1})
    e.add(FeedKind.ASSISTANCE, B, {"program": "低保", "county": "530627"})  # a roll row the registry lacks
    moved = Member(A, elsewhere=frozenset({"dibao"}))  # covered in the family she moved to
    assert list(priority.discover([household(moved, Member(B))], e)) == []
    assert [f.person_id for f in priority.discover([household(Member(A), Member(B))], e)] == [A]


def test_the_province_roll_completes_the_registry_cover_for_the_checks() -> None:
    from doudi.evidence.pipeline import check_all

    e = Evidence()
    e.add(FeedKind.ASSISTANCE, A, {"program": "低保", "county": "530627"})  # the registry lost her roll row
    e.add(FeedKind.ASSISTANCE, B, {"program": "低保", "county": "530628"})  # another county: not this cover
    e.add(FeedKind.PAYROLL, A, {"employer": "县教育局", "monthly": 650_000})
    e.add(FeedKind.PAYROLL, B, {"employer": "县教育局", "monthly": 650_000})
    run = check_all([household(Member(A)), Household("h2", VILLAGE, (Member(B),))], e, ON, "530627")
    assert {(f.code, f.person_id) for f in run.integrity} == {(Code.PUBLIC_EMPLOYEE, A)}
    moved = Member(A, elsewhere=frozenset({"dibao"}))  # covered in the family she moved to: not here
    assert checks.with_province_cover(household(moved), e).covered is False


def test_verification_beside_the_declaration_and_refusal_without_authorisation() -> None:
    e = Evidence()
    e.add(FeedKind.SOCIAL_SECURITY, A, {"item": "工资", "monthly": 300_000, "months": 12})
    e.add(FeedKind.TAX, A, {"year": 2019, "income": 3_000_000})  # the same wage, seen by the tax office
    e.add(FeedKind.REAL_ESTATE, A, {"certificate": "1", "use": "住宅", "registered_on": date(2010, 1, 1)})
    e.add(FeedKind.REAL_ESTATE, A, {"certificate": "2", "use": "商业", "registered_on": date(2010, 1, 1)})
    limits = limits_on(ON, "530627")
    result = verify(household(covered(A)), e, Declared(wage_yearly=2_000_000, houses=1), limits)
    lines = {line.item: line for line in result.lines}
    assert lines["工资性收入(年)"].evidence == 3_600_000
    assert lines["工资性收入(年)"].discrepancy == 1_600_000
    assert [line.item for line in result.discrepancies] == ["工资性收入(年)"]
    assert result.property_failures == ("有非居住类房屋",)
    refused = verify(household(covered(A), authorised=False), e, Declared(), limits)
    assert refused.used is False and refused.lines == ()


def test_deposits_of_hukou_kin_the_registry_lacks_count_for_the_household() -> None:
    """A family member whose roster row was rejected (not in the registry) but whom the hukou feed lists in the
    household's 户口簿: her deposits are the family's, and she counts in the size the limit is computed for."""
    from dataclasses import replace

    e = Evidence()
    two, three = (limits_on(ON, "530627").financial_limit(n) for n in (2, 3))
    e.add(FeedKind.BANK, A, {"institution": "信用社", "product": "存款", "balance": two - 100})
    e.add(FeedKind.BANK, C, {"institution": "邮储", "product": "理财", "balance": three - two + 200})
    h = household(covered(A), covered(B))
    assert "INT_DEPOSITS" not in run(h, e)  # without her: under the limit of two
    [found] = [f for f in checks.integrity([replace(h, kin=(C,))], checks.Context(ON, limits_on(ON, "530627"), e, frozenset())) if f.code == Code.DEPOSITS]  # fmt: skip
    assert (found.person_id, found.evidence["家庭人口"]) == ("", 3)
    e.add(FeedKind.BANK, C, {"institution": "邮储", "product": "存款", "balance": -300})
    assert "INT_DEPOSITS" not in run(replace(h, kin=(C,)), e)  # the limit is that of three
