"""Feed rows linked to registry persons through the matching engine before a check, and the authorisation of a
tekun person the registry keeps without a household."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from doudi.core import ids
from doudi.evidence.feeds import FeedKind
from doudi.feeds import authorisation
from doudi.feeds.checking import run_checks
from doudi.feeds.imports import import_authorisations, import_folder
from doudi.feeds.models import Authorisation, FeedBatch, FeedRecord, Finding, LinkMethod
from doudi.registry.models import DibaoMember, Membership
from tests.factories import (
    COUNTY,
    create_dibao_enrolment,
    create_household,
    create_member,
    create_membership,
    create_poverty_registration,
    create_tekun_enrolment,
    create_user,
)
from tests.functional.feeds.test_feeds import payroll, write_feed

pytestmark = pytest.mark.django_db
ON = date(2020, 7, 1)


def test_a_child_without_an_id_is_linked_through_its_hukou_household_and_discovered(tmp_path: Path) -> None:
    household = create_household()
    create_poverty_registration(household)
    head = household.head
    child = create_member(household, "之女", id_number=None, name="王小花", sex="F", birth_date=None)
    real_id = ids.make(COUNTY, date(2015, 3, 4), 22)
    stranger_id = ids.make(COUNTY, date(2014, 1, 1), 52)
    write_feed(tmp_path, FeedKind.HUKOU, [
        {"id_number": head.id_number, "name": head.name, "hukou_no": "HK1", "relation": "户主", "county": COUNTY},
        {"id_number": real_id, "name": "王小花", "hukou_no": "HK1", "relation": "子女", "county": COUNTY},
        {"id_number": stranger_id, "name": "王小花", "hukou_no": "HK9", "relation": "户主", "county": COUNTY},
    ])  # fmt: skip
    write_feed(tmp_path, FeedKind.DISABILITY, [
        {"id_number": real_id, "name": "王小花", "certificate": f"{real_id}41", "category": "肢体", "grade": "1"},
        {"id_number": stranger_id, "name": "王小花", "certificate": f"{stranger_id}41", "category": "肢体", "grade": "1"},
    ])  # fmt: skip
    civil = create_user("county_civil")
    import_folder(tmp_path, civil, ON)
    assert not FeedRecord.objects.filter(
        id_number=real_id, person__isnull=False
    ).exists()  # import: exact only
    report = run_checks(civil, COUNTY, ON)
    assert report.links.linked == {LinkMethod.HOUSEHOLD.value: 1}
    rows = FeedRecord.objects.filter(id_number=real_id)
    assert {(r.person, r.link_method) for r in rows} == {(child, LinkMethod.HOUSEHOLD.value)}
    stranger = FeedRecord.objects.filter(id_number=stranger_id)
    assert {(r.person, r.link_method) for r in stranger} == {(None, LinkMethod.UNLINKED.value)}
    finding = Finding.objects.get()
    assert (finding.code, finding.person, finding.subject) == ("PRI_SEVERE_DISABILITY", child, real_id)
    assert finding.evidence["关联方式"] == "同户姓名一致(户籍同户成员已关联)"
    assert FeedBatch.objects.get(kind="disability").rows_linked == 1
    assert run_checks(civil, COUNTY, ON).links.linked == {}  # nothing left to link


def test_a_lone_tekun_person_signs_their_own_authorisation_and_economic_checks_apply(tmp_path: Path) -> None:
    civil = create_user("county_civil")
    tekun = create_tekun_enrolment().person
    write_feed(tmp_path, FeedKind.PAYROLL, [payroll(tekun)])
    import_folder(tmp_path, civil, ON)
    assert run_checks(civil, COUNTY, ON).found == {}  # no authorisation: the payroll is not used
    register = tmp_path / "家庭经济状况核对授权.csv"
    register.write_text(
        f"公民身份号码,姓名,签署日期\n{tekun.id_number},{tekun.name},2020-01-05\n", encoding="utf-8"
    )
    result = import_authorisations(register, civil, ON)
    assert (result.rows_read, result.recorded, result.problems) == (1, 1, [])
    other = (
        create_tekun_enrolment().person
    )  # the county may approve an audited override for a lone person too
    authorisation.override(civil, other, "本人无民事行为能力, 经乡镇审核", ON)
    assert Authorisation.objects.get(person=other).kind == "override"
    Authorisation.objects.filter(person=other).delete()
    made = Authorisation.objects.get()
    assert (made.person, made.household) == (tekun, None)
    assert import_authorisations(register, civil, ON).recorded == 1 and Authorisation.objects.count() == 1
    run_checks(civil, COUNTY, ON)
    finding = Finding.objects.get()
    assert (finding.code, finding.person, finding.household) == ("INT_PUBLIC_EMPLOYEE", tekun, None)
    assert finding.evidence["关联方式"] == "身份证号一致"


def test_a_member_who_moved_to_another_covered_family_does_not_make_her_old_household_covered(
    tmp_path: Path,
) -> None:
    old = create_household()  # the poverty roster still lists her here; nobody here is covered
    create_poverty_registration(old)
    new = create_household(origin="civil")  # the dibao roll lists her in her new family
    enrolment = create_dibao_enrolment(new)
    moved = create_member(new, "之儿媳")
    create_membership(moved, old, "之女")
    DibaoMember.objects.create(enrolment=enrolment, person=moved)
    civil = create_user("county_civil")
    authorisation.record_signed(civil, old, date(2020, 1, 1))
    authorisation.record_signed(civil, new, date(2020, 1, 1))
    write_feed(tmp_path, FeedKind.PAYROLL, [payroll(old.head)])  # the old household's head: not covered
    write_feed(tmp_path, FeedKind.DISABILITY, [
        {"id_number": moved.id_number, "name": moved.name, "certificate": f"{moved.id_number}41", "category": "肢体", "grade": "1"},
    ])  # fmt: skip
    import_folder(tmp_path, civil, ON)
    report = run_checks(civil, COUNTY, ON)
    assert (
        dict(report.found) == {}
    )  # no payroll finding on the old household, no discovery of a covered person


def test_a_head_whose_own_roster_row_was_rejected_is_a_member_and_can_sign(tmp_path: Path) -> None:
    household = create_household(origin="civil")  # the roll names the head; the head's own row was rejected
    enrolment = create_dibao_enrolment(household)
    spouse = create_member(household)
    DibaoMember.objects.create(enrolment=enrolment, person=spouse)
    head = household.head
    Membership.objects.filter(person=head).delete()
    civil = create_user("county_civil")
    write_feed(tmp_path, FeedKind.PAYROLL, [payroll(head)])
    register = tmp_path / "家庭经济状况核对授权.csv"
    register.write_text(
        f"公民身份号码,姓名,签署日期\n{head.id_number},{head.name},2020-01-05\n", encoding="utf-8"
    )
    import_folder(tmp_path, civil, ON)
    assert authorisation.is_authorised(household)
    run_checks(civil, COUNTY, ON)
    finding = Finding.objects.get()
    assert (finding.code, finding.person, finding.household) == ("INT_PUBLIC_EMPLOYEE", head, household)


def test_deposits_of_a_hukou_member_the_registry_lacks_count_for_the_household(tmp_path: Path) -> None:
    """The son's roster row was rejected, so the registry holds only the parents; the hukou feed lists him in their
    户口簿 and the bank feed holds his deposits: the household is checked with his assets and as three persons.
    A hukou whose registry members sit in two households gives its stranger to neither."""
    from doudi.evidence.model import limits_on

    household = create_household()
    create_dibao_enrolment(household)
    spouse = create_member(household)
    other = create_household()
    create_dibao_enrolment(other)
    civil = create_user("county_civil")
    authorisation.record_signed(civil, household, date(2020, 1, 5))
    authorisation.record_signed(civil, other, date(2020, 1, 5))
    son, stranger = ids.make(COUNTY, date(1995, 3, 4), 31), ids.make(COUNTY, date(1996, 3, 4), 33)
    hukou = lambda p, no, rel: {"id_number": p if isinstance(p, str) else p.id_number, "name": "某", "hukou_no": no, "relation": rel, "county": COUNTY}  # noqa: E731 # fmt: skip
    write_feed(tmp_path, FeedKind.HUKOU, [
        hukou(household.head, "HK1", "户主"), hukou(spouse, "HK1", "配偶"), hukou(son, "HK1", "子女"),
        hukou(other.head, "HK2", "户主"), hukou(spouse, "HK2", "配偶"), hukou(stranger, "HK2", "子女"),
    ])  # fmt: skip
    limit = limits_on(ON, COUNTY).financial_limit(3)
    bank = lambda i, fen: {"id_number": i, "name": "某", "institution": "信用社", "product": "存款", "balance": f"{fen / 100:.2f}"}  # noqa: E731 # fmt: skip
    write_feed(tmp_path, FeedKind.BANK, [bank(son, limit + 100), bank(stranger, limit + 100)])
    import_folder(tmp_path, civil, ON)
    run_checks(civil, COUNTY, ON)
    finding = Finding.objects.get()
    assert (finding.code, finding.household, finding.person) == ("INT_DEPOSITS", household, None)
    assert finding.evidence["家庭人口"] == 3
