"""Early-warning counts feed the dashboard and the monthly report: the lists' counts per signal are stored when
the lists are computed (the warnings page, `doudi watch warnings`, the monthly report) and the dashboard shows
them per signal and per child region, limited to the user's scope, without recomputing the lists."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from doudi.rosterbook import kinds
from doudi.watch import queries
from doudi.watch.actions import record_visit
from doudi.watch.models import VisitResult, WarningCount
from tests.factories import COUNTY, VILLAGE, create_poverty_registration, create_user
from tests.functional.watch.helpers import OTHER_VILLAGE, covered, household

pytestmark = pytest.mark.django_db
ON = date(2021, 3, 1)


def figure(html: str, attribute: str) -> int:
    match = re.search(rf'{attribute}">(\d+)<', html)
    assert match, attribute
    return int(match.group(1))


def _county() -> tuple[object, object]:
    edge = household(income_fen=1_000_000)  # 5,000 yuan a person: above the 4,500 standard, under 1.5x
    shaky = household(OTHER_VILLAGE, income_fen=1_100_000)  # an exited card household, income under 1.5x line
    create_poverty_registration(shaky)
    covered(income_fen=1_100_000)  # covered: on no list
    return edge, shaky


def test_dashboard_shows_the_counts_stored_by_the_warnings_page(client: Client) -> None:
    edge, _shaky = _county()
    county = create_user("county_civil")
    client.force_login(county)
    before = client.get("/dashboard/").text
    assert "尚未计算" in before and figure(before, 'data-figure="预警户') == 0
    record_visit(county, edge, date(2021, 2, 20), VisitResult.MONITOR, ["edge"], "入户核实")
    assert client.get(f"/watch/warnings/?on={ON:%Y-%m-%d}").status_code == 200
    found = queries.warnings(county, ON, COUNTY)
    signals: dict[str, int] = {}
    for entries in found.values():
        for e in entries:
            for s in {f.signal.value for f in e.findings}:
                signals[s] = signals.get(s, 0) + 1
    page = client.get("/dashboard/").text
    assert "2021-03-01 计算" in page
    assert figure(page, 'data-figure="预警户') == 2 == sum(len(v) for v in found.values())
    assert figure(page, 'data-figure="已走访预警户') == 1
    for signal in queries.SIGNAL_ORDER:
        assert figure(page, f'data-signal="{signal}') == signals.get(signal, 0), signal
    assert signals["edge"] >= 1 and signals["unstable_exit"] >= 1
    assert f'data-warning-area="{VILLAGE[:9]}"' in page and f'data-warning-area="{OTHER_VILLAGE[:9]}"' in page
    township = client.get(f"/dashboard/?region={VILLAGE[:9]}").text  # drill down: villages
    assert figure(township, 'data-figure="预警户') == 1 and f'data-warning-area="{VILLAGE}"' in township
    client.force_login(create_user("village", scope=OTHER_VILLAGE))  # the scope limits the stored counts too
    assert figure(client.get("/dashboard/").text, 'data-figure="预警户') == 1


def test_a_recomputation_replaces_the_day_and_the_latest_day_is_shown() -> None:
    _county()
    county = create_user("county_civil")
    queries.store_warning_counts(county, ON, COUNTY, queries.warnings(county, ON, COUNTY))
    rows = WarningCount.objects.count()
    queries.store_warning_counts(county, ON, COUNTY, queries.warnings(county, ON, COUNTY))
    assert WarningCount.objects.count() == rows  # replaced, not added
    later = date(2021, 3, 5)
    queries.store_warning_counts(county, later, VILLAGE, queries.warnings(county, later, VILLAGE))
    counts = queries.warning_counts(county, VILLAGE)
    assert counts.computed_on == later and counts.total == 1 and counts.by_signal["edge"] == 1
    assert queries.warning_counts(county, COUNTY, on=date(2021, 3, 2)).total == 2  # the day before: county
    outsider = create_user("village", scope=OTHER_VILLAGE)
    assert queries.store_warning_counts(outsider, ON, VILLAGE, {}) == 0  # out of scope: nothing written
    assert queries.warning_counts(outsider, VILLAGE).total == 0


def test_monthly_report_has_the_warnings_by_signal() -> None:
    edge, _shaky = _county()
    county = create_user("county_civil")
    record_visit(county, edge, date(2021, 3, 10), VisitResult.APPLIED, ["edge"], "已引导申请")
    sections = kinds.get("monthly").build(county, COUNTY, date(2021, 3, 1))
    (section,) = [s for s in sections if s.key == "warnings"]
    assert section.title == "六、返贫和新增致贫预警"
    rows = {row[0]: row for row in section.rows}
    assert rows["合计"] == ("合计", 2, 1)
    assert rows["低保边缘"][1] >= 1 and rows["低保边缘"][2] == 1 and rows["脱贫不稳定"][1] >= 1
    summary = {row[0]: row for s in sections if s.key == "summary" for row in s.rows}
    assert summary["预警户数"][1] == 2
    assert queries.warning_counts(county, COUNTY).total == 2  # stored for the dashboard as well
