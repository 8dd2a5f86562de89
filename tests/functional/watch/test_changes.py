from datetime import date

import pytest

from doudi.registry.models import AuditEvent, Membership, Person
from doudi.watch.actions import WatchError, record_change
from doudi.watch.deaths import import_deaths
from doudi.watch.models import ChangeEvent
from doudi.watch.queries import payroll
from tests.factories import create_poverty_registration, create_tekun_enrolment, create_user, make_id
from tests.functional.watch.helpers import covered

pytestmark = pytest.mark.django_db


def _spouse(h):
    return Person.objects.get(memberships__household=h, name="李四")


def test_a_death_reassesses_and_marks_the_household():
    user = create_user("township")
    h = covered()
    event = record_change(user, h, "death", date(2021, 3, 5), _spouse(h), source="村委会报告")
    assert not _spouse(h).alive and _spouse(h).death_date == date(2021, 3, 5)
    assert event.needs_action and event.total_before_fen == 50_000 and event.total_after_fen != 50_000
    assert AuditEvent.objects.filter(action="change_event", object_id=str(event.pk)).exists()


def test_a_change_that_does_not_move_the_outcome_is_not_marked():
    h = covered()
    event = record_change(create_user("township"), h, "illness", date(2021, 3, 5), detail={"诊断": "高血压"})
    assert not event.needs_action and event.outcome_before == event.outcome_after == "already_covered"


def test_a_move_closes_the_membership_and_bad_input_is_refused():
    user = create_user("township")
    h = covered()
    record_change(user, h, "move", date(2021, 3, 5), _spouse(h))
    assert Membership.objects.get(person=_spouse(h)).valid_to == date(2021, 3, 5)
    with pytest.raises(WatchError, match="哪一位"):
        record_change(user, h, "death", date(2021, 3, 5))
    with pytest.raises(WatchError, match="变化类型"):
        record_change(user, h, "wedding", date(2021, 3, 5))


def test_death_roster_import_accounts_for_every_row(tmp_path):
    user = create_user("county_civil")
    h = covered()
    tekun = create_tekun_enrolment(start_date=date(2020, 1, 1))
    roster = tmp_path / "死亡登记.csv"
    rows = [
        "姓名,身份证号,死亡日期",
        f"李四,{_spouse(h).id_number},2021-03-05",
        f"五保,{tekun.person.id_number},2021/02/10",
        "王五,123,2021-03-01",
        f"赵六,{make_id()},2021-03-01",
        f"李四,{_spouse(h).id_number},三月",
    ]
    roster.write_text("\n".join(rows), encoding="utf-8")
    report = import_deaths(user, roster)
    assert (report.read, report.accepted, len(report.rejected)) == (5, 2, 3) and report.balanced
    assert "第4行 列 身份证号" in report.rejected[0] and "第6行 列 死亡日期" in report.rejected[2]
    assert ChangeEvent.objects.filter(kind="death").count() == 1  # the tekun person has no household
    assert [x.kind.value for x in payroll(user, date(2021, 2, 1)) if x.person == "张三"] == ["tekun_basic"]
    assert not [
        x for x in payroll(user, date(2021, 3, 1)) if x.kind.value == "tekun_basic"
    ]  # dead before March


def test_death_roster_without_the_columns_is_refused(tmp_path):
    roster = tmp_path / "x.csv"
    roster.write_text("姓名,日期\n张三,2021-01-01\n", encoding="utf-8")
    with pytest.raises(WatchError, match="缺少列 身份证号"):
        import_deaths(create_user("county_civil"), roster)


def test_a_change_that_moves_the_outcome_reopens_the_settled_campaign_case():
    from tests.functional.casework.helpers import County

    county = County()
    h = covered()
    create_poverty_registration(h, safety_net_mark=True, exit_pathway="兜底保障")
    (case,) = county.open(h, outcome="already_covered")
    county.take(county.village, case, "start_assessment")
    county.take(county.village, case, "route_covered")
    event = record_change(county.township, h, "death", date(2020, 9, 1), _spouse(h))
    case.refresh_from_db()
    assert event.needs_action and event.cases_reopened == 1 and case.state == "assessing"


def test_no_dibao_is_paid_after_the_month_a_lone_recipient_dies():
    from tests.factories import create_dibao_enrolment, create_household

    user = create_user("township")
    h = create_household(hukou_county_code="532923")
    create_dibao_enrolment(h, start_date=date(2019, 7, 1))
    record_change(user, h, "death", date(2021, 3, 20), h.head)
    assert [x.amount for x in payroll(user, date(2021, 3, 1))] == [37_500]  # the month of death is paid
    assert payroll(user, date(2021, 4, 1)) == []


def test_an_enrolment_without_member_rows_stops_when_the_whole_household_has_died():
    from doudi.registry.models import DibaoEnrolment, DibaoMember

    user = create_user("township")
    h = covered()
    e = DibaoEnrolment.objects.get(household=h)
    DibaoMember.objects.filter(enrolment=e).delete()
    record_change(user, h, "death", date(2021, 3, 5), _spouse(h))
    assert [x.amount for x in payroll(user, date(2021, 4, 1))] == [37_500]  # the head is alive
    record_change(user, h, "death", date(2021, 4, 9), h.head)
    assert [x.amount for x in payroll(user, date(2021, 4, 1))] == [37_500]  # the month of death is paid
    assert payroll(user, date(2021, 5, 1)) == []
