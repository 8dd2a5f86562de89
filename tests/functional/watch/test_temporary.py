from datetime import date

import pytest
from click.testing import CliRunner

from doudi.registry.models import TemporaryAssistancePayment
from doudi.watch.actions import WatchError
from doudi.watch.commands import watch
from doudi.watch.queries import payroll
from doudi.watch.temporary import balance, declare_emergency, fund_for, grant, receive_documents, top_up
from tests.factories import COUNTY, VILLAGE, create_user
from tests.functional.watch.helpers import covered, household

pytestmark = pytest.mark.django_db
ON = date(2021, 3, 10)


def test_covered_household_is_paid_directly_once_per_event():
    user = create_user("township")
    h = covered()
    g = grant(user, h, "2021-03 房屋火灾", date(2021, 3, 1), ON, severity="severe")
    assert g.route == "direct" and g.amount_fen == 225_000  # 6 x monthly rural standard 375 yuan (rules)
    assert g.documents_due is None and g.payment.paid_on == ON
    assert [x.amount for x in payroll(user, date(2021, 3, 1)) if x.kind.value == "temporary"] == [225_000]
    with pytest.raises(WatchError, match="不能重复救助"):
        grant(user, h, "2021-03 房屋火灾", date(2021, 3, 1), ON, severity="severe")
    assert TemporaryAssistancePayment.objects.count() == 1


def test_others_are_paid_first_from_the_reserve_fund_with_a_deadline():
    user = create_user("township")
    h = household(income_fen=2_000_000)
    with pytest.raises(WatchError, match=r"备用金余额 0\.00 元不足"):
        grant(user, h, "失业", ON, ON)
    top_up(user, VILLAGE[:9], 100_000, ON)
    g = grant(user, h, "失业", ON, ON)  # general: 2 x 375 yuan
    assert (g.route, g.amount_fen, g.payment.paid_by_township_reserve) == ("township_first", 75_000, True)
    assert g.documents_due == date(2021, 4, 9) and balance(fund_for(VILLAGE[:9])) == 25_000
    result = CliRunner().invoke(watch, ["reserve", "--user", user.username, "--on", "2021-05-01"])
    assert "余额 250.00 元" in result.output and "逾期未补齐材料 1 笔" in result.output
    receive_documents(user, g, date(2021, 4, 1))
    result = CliRunner().invoke(watch, ["reserve", "--user", user.username, "--on", "2021-05-01"])
    assert "逾期未补齐材料 0 笔" in result.output


def test_emergency_mode_extends_the_deadline():
    user = create_user("county_civil")
    declare_emergency(user, COUNTY, date(2021, 3, 1), date(2021, 3, 31), "地震")
    top_up(user, VILLAGE[:9], 100_000, ON)
    g = grant(user, household(income_fen=2_000_000), "地震", ON, ON)
    assert g.emergency and g.documents_due == date(2021, 5, 9)
    with pytest.raises(WatchError, match="结束日期"):
        declare_emergency(user, COUNTY, date(2021, 3, 1), date(2021, 2, 1), "x")


def test_a_household_whose_data_is_incomplete_gets_a_clear_refusal_not_a_crash():
    user = create_user("township")
    h = covered()
    h.head.birth_date = None
    h.head.save()
    with pytest.raises(WatchError, match=r"无法计算临时救助金额.*缺少出生日期"):
        grant(user, h, "2021-03 房屋火灾", date(2021, 3, 1), ON, severity="severe")
    assert TemporaryAssistancePayment.objects.count() == 0
