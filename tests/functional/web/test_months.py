"""Pages with a month selector open on the latest month with data in the user's region when that lies in an
earlier year (the demo's 2020 campaign shows its figures on first view), else on this month; ?month= chooses."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from doudi.web.months import latest_data_month
from tests.factories import (
    COUNTY,
    create_dibao_enrolment,
    create_household,
    create_payment,
    create_tekun_enrolment,
    create_user,
)
from tests.functional.casework.helpers import OTHER_COUNTY_VILLAGE, OTHER_TOWNSHIP_VILLAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_2020() -> None:
    create_dibao_enrolment(monthly_amount_fen=37_550, start_date=date(2020, 3, 1))
    create_tekun_enrolment(basic_standard_fen=83_200, start_date=date(2019, 5, 1))
    create_payment(
        amount_fen=123_456, paid_on=date(2020, 7, 15), household=create_household(OTHER_TOWNSHIP_VILLAGE)
    )
    # Outside the county: later, and never seen.
    create_dibao_enrolment(create_household(OTHER_COUNTY_VILLAGE), start_date=date(2021, 9, 1))


def test_the_latest_month_with_data_in_scope_and_region(data_2020: None) -> None:
    county = create_user("county_civil", scope=COUNTY)
    today = date(2026, 11, 30)
    assert latest_data_month(county, COUNTY, today) == date(2020, 7, 1)  # the temporary payment
    assert latest_data_month(county, OTHER_TOWNSHIP_VILLAGE[:9], today) == date(2020, 7, 1)
    township = create_user("township")  # the default township: only the March enrolment and the tekun one
    assert latest_data_month(township, township.profile.scope, today) == date(2020, 3, 1)
    # A live year (data in the current year, or later): this month.
    assert latest_data_month(county, COUNTY, date(2020, 5, 9)) == date(2020, 5, 1)
    assert latest_data_month(county, COUNTY, date(2020, 12, 9)) == date(2020, 12, 1)
    assert latest_data_month(county, "532923101202", today) == date(2026, 11, 1)  # no data: this month


def test_the_dashboard_opens_on_the_latest_month_with_data(client: Client, data_2020: None) -> None:
    client.force_login(create_user("county_civil", scope=COUNTY))
    html = client.get("/dashboard/").text
    assert 'value="2020-07"' in html  # the month selector
    assert '<tr data-month="2020-07">' in html and '<tr data-month="2020-02">' in html
    assert f'<tr data-month="{date.today():%Y-%m}">' not in html
    chosen = client.get("/dashboard/", {"month": "2020-04"}).text
    assert 'value="2020-04"' in chosen and '<tr data-month="2020-04">' in chosen


def test_the_payroll_opens_on_the_latest_month_with_data(client: Client, data_2020: None) -> None:
    client.force_login(create_user("county_civil", scope=COUNTY))
    html = client.get("/watch/payroll/").text
    assert "2020-07 月度发放" in html
    assert "2020-05 月度发放" in client.get("/watch/payroll/", {"month": "2020-05"}).text


def test_with_no_data_the_pages_open_on_this_month(client: Client) -> None:
    client.force_login(create_user("county_civil", scope=COUNTY))
    assert f'value="{date.today():%Y-%m}"' in client.get("/dashboard/").text
    assert f"{date.today():%Y-%m} 月度发放" in client.get("/watch/payroll/").text
