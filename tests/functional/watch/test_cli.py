from datetime import date

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from doudi.registry.models import AuditEvent, DibaoEnrolment
from doudi.watch.commands import watch
from tests.factories import (
    COUNTY,
    VILLAGE,
    create_household,
    create_income,
    create_payment,
    create_poverty_registration,
    create_tekun_enrolment,
    create_user,
)
from tests.functional.watch.helpers import OTHER_VILLAGE, covered, household

pytestmark = pytest.mark.django_db


def _run(*args):
    result = CliRunner().invoke(watch, list(args), catch_exceptions=False)
    return result


def _sheet(path, name):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def test_payroll_cli_totals_changes_and_bank_workbook(tmp_path):
    create_user("county_civil", username="county")
    covered()
    covered(OTHER_VILLAGE, amount=40_001)
    create_tekun_enrolment(start_date=date(2021, 4, 1), care_standard_fen=5_000)
    create_payment(
        create_household(), amount_fen=100_000, paid_on=date(2021, 4, 20), event_description="房屋火灾"
    )
    create_payment(create_household(), amount_fen=70_000, paid_on=date(2021, 3, 20))  # not this month
    out = tmp_path / "发放.xlsx"
    result = _run("payroll", "--user", "county", "--month", "2021-04", "--region", COUNTY, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "2021-04 应发 5 笔, 合计 2,657.01 元" in result.output  # 375 + 400.01 + 832 + 50 + 1000 yuan
    assert "较上月变动 4 笔" in result.output and "房屋火灾" in result.output
    detail = _sheet(out, "发放明细")
    assert len(detail) == 6 and sum(int(r[5]) for r in detail[1:]) == 265_701
    assert [r[2] for r in _sheet(out, "县合计")[1:]] == [265_701]
    townships = {r[0]: r[2] for r in _sheet(out, "乡镇合计")[1:]}
    assert townships == {"532923101": 225_700, "532923102": 40_001}
    assert AuditEvent.objects.filter(action="export", detail__kind="payroll").count() == 1


def test_payroll_is_scoped_to_the_user():
    create_user("village", username="cun")
    covered()
    covered(OTHER_VILLAGE)
    result = _run("payroll", "--user", "cun", "--month", "2021-04")
    assert "应发 1 笔, 合计 375.00 元" in result.output


def test_review_and_reviews_due_cli():
    create_user("county_civil", username="county")
    h = covered()
    due = _run("reviews-due", "--user", "county", "--on", "2021-03-01")
    assert (
        "到期应核查 1 户" in due.output and f"{VILLAGE}: 1 户" in due.output and h.household_no in due.output
    )
    result = _run(
        "review",
        "--user",
        "county",
        "--household",
        h.household_no,
        "--on",
        "2021-03-10",
        "--effective",
        "2021-04",
        "--income",
        "agriculture=3000",
    )
    assert result.exit_code == 0, result.output
    assert "增发, 月保障金 375.00 元 -> 500.00 元, 自 2021-04 起; 下次核查 2022-03" in result.output
    assert DibaoEnrolment.objects.get(household=h).monthly_amount_fen == 50_000
    assert "到期应核查 0 户" in _run("reviews-due", "--user", "county", "--on", "2021-03-15").output
    bad = CliRunner().invoke(watch, ["review", "--user", "county", "--household", "nope"])
    assert bad.exit_code != 0 and "没有找到户编号 nope" in bad.output


def test_warnings_cli_lists_edge_and_unstable_households_by_village(tmp_path):
    create_user("county_civil", username="county")
    edge = household(income_fen=1_100_000)  # 5500 yuan/person: above 4500, under 1.5x
    unstable = household(
        OTHER_VILLAGE, income_fen=1_700_000
    )  # 8500 yuan: not edge; exited, under 1.5 x 4000? no
    create_poverty_registration(unstable)
    shaky = household(OTHER_VILLAGE, income_fen=1_100_000)
    create_poverty_registration(shaky)
    covered(income_fen=1_100_000)  # covered: not on the list
    out = tmp_path / "预警.xlsx"
    result = _run("warnings", "--user", "county", "--on", "2021-03-01", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"{VILLAGE}: 1 户" in result.output and f"{OTHER_VILLAGE}: 1 户" in result.output
    assert f"{edge.household_no} [edge]" in result.output
    assert (
        f"{shaky.household_no} [unstable_exit]" in result.output
        and unstable.household_no not in result.output
    )
    visit = _run(
        "visit",
        "--user",
        "county",
        "--household",
        edge.household_no,
        "--result",
        "applied",
        "--signal",
        "edge",
        "--on",
        "2021-03-02",
    )
    assert "已登记走访" in visit.output and "已引导申请救助" in visit.output
    again = _run("warnings", "--user", "county", "--on", "2021-03-03").output
    assert "上次走访 2021-03-02: 已引导申请救助" in again
    bad = CliRunner().invoke(
        watch, ["visit", "--user", "county", "--household", edge.household_no, "--result", "x"]
    )
    assert bad.exit_code != 0 and "走访结果 x 无效" in bad.output
    village_user = create_user("village", username="cun")
    scoped = _run(
        "warnings", "--user", village_user.username, "--region", COUNTY, "--on", "2021-03-01"
    ).output
    assert f"{VILLAGE}: 1 户" in scoped and OTHER_VILLAGE not in scoped
    rows = _sheet(out, "预警名单")
    assert {r[4] for r in rows[1:]} == {"edge", "unstable_exit"}


def test_deaths_cli_reports_the_accounting(tmp_path):
    create_user("county_civil", username="county")
    roster = tmp_path / "d.csv"
    roster.write_text("姓名,身份证号,死亡日期\n甲,123,2021-01-01\n", encoding="utf-8")
    result = _run("deaths", "--user", "county", str(roster))
    assert "读取 1 行, 接收 0 行, 拒收 1 行" in result.output and "第2行 列 身份证号" in result.output


def test_warnings_for_a_sharp_fall_and_heavy_medical_spending():
    from doudi.registry.models import DeductionItem

    create_user("county_civil", username="county")
    h = household(income_fen=2_000_000)  # 10000 yuan/person now: no edge
    create_income(h, kind="agriculture", amount_fen=3_000_000, period_end=date(2020, 1, 31))  # last year
    DeductionItem.objects.create(household=h, kind="illness", amount_fen=3_500_000, reimbursed_fen=400_000)
    output = _run("warnings", "--user", "county", "--on", "2021-03-01").output
    assert f"{h.household_no} [sharp_fall] 家庭年收入由 30,000.00 元降至 20,000.00 元" in output
    assert (
        f"{h.household_no} [spending] 医疗、残疾、灾害支出 31,000.00 元, 超过上年收入 30,000.00 元" in output
    )


def test_change_cli_records_a_death():
    from doudi.registry.models import Person

    create_user("township", username="xiang")
    h = covered()
    spouse = Person.objects.get(memberships__household=h, name="李四")
    args = [
        "change",
        "--user",
        "xiang",
        "--household",
        h.household_no,
        "--kind",
        "death",
        "--on",
        "2021-03-05",
    ]
    result = _run(*args, "--person", spouse.id_number)
    assert "已登记死亡: 月救助 500.00 元 -> " in result.output and "需重新审核" in result.output
    bad = CliRunner().invoke(watch, args)
    assert bad.exit_code != 0 and "须指明是哪一位家庭成员" in bad.output


def test_what_if_a_higher_standard_counts_households_gained_and_the_cost():
    create_user("county_civil", username="county")
    covered()  # 1500 yuan/person: 500 yuan a month now, 750 at 6000 yuan/year
    household(income_fen=1_100_000)  # 5500 yuan/person: not eligible now, eligible at 6000
    household(income_fen=2_000_000)  # 10000 yuan/person: not eligible either way
    args = ["what-if", "--user", "county", "--on", "2021-03-01", "--standard"]
    output = _run(*args, "6000").output
    assert "研判 3 户, 新增 1 户, 退出 0 户; 每月资金 500.00 元 -> 833.33 元" in output
    same = _run(*args, "4500").output
    assert "新增 0 户, 退出 0 户; 每月资金 500.00 元 -> 500.00 元 (增加 0.00 元)" in same


def test_refusal_cli_records_and_the_payroll_cuts_the_share():
    from doudi.registry.models import Person

    create_user("village", username="cadre")
    covered(worker=True)
    number = Person.objects.get(name="张五").id_number
    for day in ("2021-01-05", "2021-02-05", "2021-03-05"):
        result = _run("refusal", "--user", "cadre", "--person", number, "--response", "refused", "--on", day)
        assert result.exit_code == 0 and "无正当理由拒绝" in result.output
    bad = _run("refusal", "--user", "cadre", "--person", number, "--response", "refused_valid")
    assert bad.exit_code != 0 and "写明理由" in bad.output
    result = _run("payroll", "--user", "cadre", "--month", "2021-04")
    assert "187.50" in result.output and "P6 张五" in result.output


def test_close_exits_cli_ends_the_gradual_exits_that_are_over():
    from doudi.watch.actions import NewIncome, ReviewInput, record_review

    user = create_user("county_civil", username="county2")
    h = covered()
    record_review(
        user,
        h,
        ReviewInput(date(2021, 3, 10), date(2021, 3, 10), income=[NewIncome("agriculture", 1_200_000)]),
    )
    assert "终止低保 0 户" in _run("close-exits", "--user", "county2", "--on", "2021-08-31").output
    result = _run("close-exits", "--user", "county2", "--on", "2021-09-01")
    assert "终止低保 1 户" in result.output and "渐退期至 2021-08-31" in result.output
    assert DibaoEnrolment.objects.get(household=h).status == "ended"


def test_simulate_lives_a_county_through_months_and_reports_no_violation():
    from tests.functional.watch.test_months import _county

    _county()
    create_user("county_civil", username="county")
    result = CliRunner().invoke(
        watch, ["simulate", "--user", "county", "--region", COUNTY, "--from", "2021-01", "--months", "3"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [x[:7] for x in lines[1:4]] == ["2021-01", "2021-02", "2021-03"]
    assert "未发现重复发放" in result.output
    bad = CliRunner().invoke(watch, ["simulate", "--user", "county", "--region", COUNTY, "--from", "2021-13"])
    assert bad.exit_code != 0 and "月份" in bad.output
