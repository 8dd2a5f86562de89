"""The 动态管理 pages (zh-hans) through the Django test client: reviews due and review flags, change events,
early-warning lists, the payroll with temporary-assistance balances and P6 cuts; all limited to the scope."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from doudi.registry.models import Person
from doudi.watch.actions import record_change
from doudi.watch.models import ReviewFlag
from doudi.watch.sanctions import record_refusal
from doudi.watch.temporary import top_up
from tests.factories import VILLAGE, create_batch, create_user
from tests.functional.watch.helpers import OTHER_VILLAGE, covered, household

pytestmark = pytest.mark.django_db
TOWNSHIP = VILLAGE[:9]


def figure(html: str, label: str) -> int:
    match = re.search(rf'data-figure="{label}">(\d+)<', html)
    assert match, label
    return int(match.group(1))


def test_the_menu_links_to_the_watch_pages(client: Client) -> None:
    client.force_login(create_user("township"))
    home = client.get("/").text
    assert 'href="/watch/"' in home and "动态管理" in home
    for url in ("/watch/", "/watch/changes/", "/watch/warnings/", "/watch/payroll/"):
        assert client.get(url).status_code == 200, url


def test_reviews_due_and_missing_persons_by_scope(client: Client) -> None:
    h = covered()  # dibao since 2019-07: a yearly review due from 2020-07
    covered(OTHER_VILLAGE)
    batch = create_batch(supersedes=create_batch())
    ReviewFlag.objects.create(
        person=h.head, household=h, village_code=h.village_code, roster_kind="poverty", batch=batch
    )
    township = create_user("township")
    client.force_login(township)
    page = client.get("/watch/?on=2021-03-01").text
    assert figure(page, "到期应核查") == 1 and f'data-household="{h.pk}"' in page
    assert figure(page, "待核查人员") == 1 and "户主" in page
    assert client.get(f"/watch/?region={OTHER_VILLAGE}").status_code == 404
    flag = ReviewFlag.objects.get()
    answer = client.post(f"/watch/flags/{flag.pk}/resolve/", {"resolution": "名册漏报, 已补录"}, follow=True)
    assert "已处理" in answer.text and figure(answer.text, "待核查人员") == 0
    flag.refresh_from_db()
    assert flag.resolved_by == township and flag.resolution == "名册漏报, 已补录"
    client.force_login(create_user("village", scope=OTHER_VILLAGE))
    assert client.post(f"/watch/flags/{flag.pk}/resolve/", {"resolution": "x"}).status_code == 404


def test_change_events_show_the_before_and_after(client: Client) -> None:
    user = create_user("township")
    h = covered()
    spouse = Person.objects.get(memberships__household=h, name="李四")
    record_change(user, h, "death", date(2021, 3, 5), spouse, source="村委会报告")
    client.force_login(user)
    page = client.get("/watch/changes/?needs_action=1").text
    assert figure(page, "家庭变化") == 1 and "死亡" in page and "需重新审核" in page and "村委会报告" in page
    client.force_login(create_user("village", scope=OTHER_VILLAGE))
    assert figure(client.get("/watch/changes/").text, "家庭变化") == 0


def test_warning_lists_say_why_with_the_figures(client: Client) -> None:
    edge = household(income_fen=1_000_000)  # 5,000 yuan a person: above the 4,500 standard, under 1.5x
    household(OTHER_VILLAGE, income_fen=1_000_000)
    client.force_login(create_user("township"))
    page = client.get("/watch/warnings/?on=2021-03-01").text
    assert figure(page, "预警户") == 1 and f'data-household="{edge.pk}"' in page
    assert "年人均收入 5,000.00 元, 高于低保标准 4,500.00 元" in page


def test_payroll_with_totals_cuts_and_reserve_balances(client: Client) -> None:
    village = create_user("village")
    township = create_user("township")
    covered(worker=True, amount=37_500)
    covered(OTHER_VILLAGE, amount=40_000)
    worker = Person.objects.get(name="张五", village_code=VILLAGE)
    for day in (date(2021, 1, 5), date(2021, 2, 5), date(2021, 3, 5)):
        record_refusal(village, worker, day, "refused", "project")
    top_up(township, TOWNSHIP, 500_000, date(2021, 1, 2))
    client.force_login(village)
    page = client.get("/watch/payroll/?month=2021-04").text
    assert figure(page, "应发笔数") == 1 and "187.50" in page  # only the own village; half withheld
    assert "P6 张五 本人份额停发 187.50 元" in page and "减发" in page
    client.force_login(create_user("county_civil"))  # the other village is in another township
    page = client.get("/watch/payroll/?month=2021-04").text
    assert figure(page, "应发笔数") == 2 and 'data-money="合计">587.50<' in page
    assert f'data-township="{TOWNSHIP}"' in page and "5,000.00" in page
    assert "月份 2021-13 无法识别" in client.get("/watch/payroll/?month=2021-13").text


def test_a_long_reviews_list_shows_the_villages_counts_and_its_first_rows(
    client: Client, monkeypatch
) -> None:
    from doudi.web.views import watch as pages

    monkeypatch.setattr(pages, "REVIEWS_SHOWN", 2)
    mine = [covered(), covered()]
    covered(OTHER_VILLAGE)
    client.force_login(create_user("county_civil"))
    page = client.get("/watch/?on=2021-03-01").text
    assert figure(page, "到期应核查") == 3 and page.count("<tr data-household=") == 2
    assert "下表列出前 2 户" in page and 'id="table-due-villages"' in page
    assert (
        f"?region={VILLAGE}&amp;on=2021-03-01" in page
        and f"?region={OTHER_VILLAGE}&amp;on=2021-03-01" in page
    )
    village = client.get(f"/watch/?region={VILLAGE}&on=2021-03-01").text
    assert figure(village, "到期应核查") == 2 and "下表列出前" not in village
    assert all(f'data-household="{h.pk}"' in village for h in mine)


def test_an_emergency_mode_extends_the_reviews_falling_due_in_it(client: Client) -> None:
    from doudi.watch.queries import reviews_due
    from doudi.watch.temporary import declare_emergency

    h = covered()  # dibao since 2019-07: a yearly review due from 2020-07
    user = create_user("county_civil")
    assert [x.household for x in reviews_due(user, date(2020, 7, 15))[VILLAGE]] == [h]
    declare_emergency(user, TOWNSHIP, date(2020, 6, 20), date(2020, 8, 31), "洪涝灾害")
    assert reviews_due(user, date(2020, 8, 15)) == {}  # falls due inside the emergency: moved to September
    later = reviews_due(user, date(2020, 9, 1))[VILLAGE]
    assert [(x.household, x.due) for x in later] == [(h, date(2020, 9, 1))]
    covered(OTHER_VILLAGE)  # another township, not in the emergency: due as before
    assert OTHER_VILLAGE in reviews_due(user, date(2020, 7, 15))
