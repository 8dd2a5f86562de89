"""统计看板 · 各月救助资金: dibao, tekun and temporary assistance per month and per township, in yuan, equal to
the payroll of doudi.watch and limited to the region asked for."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from tests.factories import (
    COUNTY,
    VILLAGE,
    create_dibao_enrolment,
    create_household,
    create_payment,
    create_person,
    create_tekun_enrolment,
    create_user,
)
from tests.functional.casework.helpers import OTHER_COUNTY_VILLAGE, OTHER_TOWNSHIP_VILLAGE

pytestmark = pytest.mark.django_db


def fund(html: str, row: str, kind: str) -> str:
    found = re.search(rf"<tr {row}>(.*?)</tr>", html, re.S)
    assert found, row
    cell = re.search(rf'data-fund="{kind}">([\d,.]+)<', found.group(1))
    assert cell, (row, kind)
    return cell.group(1)


@pytest.fixture
def payments() -> None:
    create_dibao_enrolment(monthly_amount_fen=37_550, start_date=date(2020, 3, 1))  # from March
    create_dibao_enrolment(
        create_household(OTHER_TOWNSHIP_VILLAGE), monthly_amount_fen=40_000, start_date=date(2019, 1, 1)
    )
    create_tekun_enrolment(basic_standard_fen=83_200, care_standard_fen=10_000, start_date=date(2019, 5, 1))
    create_payment(amount_fen=123_456, paid_on=date(2020, 4, 15))
    create_dibao_enrolment(create_household(OTHER_COUNTY_VILLAGE), monthly_amount_fen=99_900)  # not ours


def test_funds_per_month_and_township_in_yuan(client: Client, payments: None) -> None:
    client.force_login(create_user("county_civil", scope=COUNTY))
    html = client.get("/dashboard/", {"month": "2020-04"}).text
    assert re.findall(r'<tr data-month="([\d-]+)">', html) == [
        "2019-11", "2019-12", "2020-01", "2020-02", "2020-03", "2020-04",
    ]  # fmt: skip
    assert fund(html, 'data-month="2020-02"', "dibao") == "400.00"  # the March enrolment not yet
    assert fund(html, 'data-month="2020-04"', "dibao") == "775.50"
    assert fund(html, 'data-month="2020-04"', "tekun") == "932.00"
    assert fund(html, 'data-month="2020-03"', "temporary") == "0.00"
    assert fund(html, 'data-month="2020-04"', "temporary") == "1,234.56"
    assert fund(html, 'data-month="2020-04"', "total") == "2,942.06"
    township, other = "532923101", OTHER_TOWNSHIP_VILLAGE[:9]
    assert fund(html, f'data-fund-area="{township}"', "total") == "2,542.06"
    assert fund(html, f'data-fund-area="{other}"', "total") == "400.00"


def test_funds_follow_the_region_in_scope(client: Client, payments: None) -> None:
    client.force_login(create_user("township"))
    html = client.get("/dashboard/", {"month": "2020-04"}).text
    assert fund(html, 'data-month="2020-04"', "dibao") == "375.50"  # only his township's household
    assert re.findall(r'data-fund-area="(\d+)"', html) == [
        VILLAGE
    ]  # his township's villages, not the other's
    assert fund(html, f'data-fund-area="{VILLAGE}"', "total") == "2,542.06"


def test_a_bad_month_falls_back_to_the_current_month(client: Client) -> None:
    client.force_login(create_user("county_civil", scope=COUNTY))
    html = client.get("/dashboard/", {"month": "二〇二〇年"}).text
    assert f'data-month="{date.today():%Y-%m}"' in html


def test_the_funds_equal_the_payroll_of_doudi_watch(client: Client, payments: None) -> None:
    """Dated amount changes, a gradual exit, a suspension and a death: the dashboard's sums are the payroll's."""
    from doudi.watch.models import BenefitChange
    from doudi.watch.queries import payroll
    from doudi.web.queries import FUND_OF, funds

    changed = create_dibao_enrolment(monthly_amount_fen=50_000, start_date=date(2019, 1, 1))
    BenefitChange.objects.create(enrolment=changed, effective_month=date(2020, 2, 1), decision="decrease",
                                 amount_before_fen=50_000, amount_after_fen=30_000, cause="收入增加")  # fmt: skip
    create_dibao_enrolment(
        monthly_amount_fen=20_000, status="gradual_exit", gradual_exit_end=date(2020, 1, 31)
    )
    create_dibao_enrolment(monthly_amount_fen=60_000, status="suspended")
    died = create_person(alive=False, death_date=date(2020, 1, 10), birth_date=date(1935, 1, 1))
    create_tekun_enrolment(died, basic_standard_fen=80_000, start_date=date(2019, 1, 1))
    user = create_user("county_civil", scope=COUNTY)
    by_month, _areas = funds(user, COUNTY, date(2020, 4, 1))
    for row in by_month:
        expected = dict.fromkeys(("dibao", "tekun", "temporary"), 0)
        for line in payroll(user, date.fromisoformat(f"{row.key}-01"), COUNTY):
            expected[FUND_OF[str(line.kind)]] += line.amount
        assert row.fen == expected, row.key
    assert by_month[2].fen["dibao"] != by_month[3].fen["dibao"]  # the data does change across the months
