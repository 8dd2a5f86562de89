"""The case page's match evidence: which roll covers the household in the latest match run, the matched roll
records with their scores and the fields that agreed; roll records outside the user's scope are not named."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from doudi.core.ids import mask
from doudi.matching.models import ClericalReview, HouseholdCoverage, MatchRun, PersonLink
from tests.factories import create_household, create_member, create_person
from tests.functional.casework.helpers import OTHER_VILLAGE, County, marked_household

pytestmark = pytest.mark.django_db


def link(run: MatchRun, member, roll_household, **kw):  # type: ignore[no-untyped-def]
    values = {
        "band": "auto",
        "stage": "exact",
        "match_probability": 1.0,
        "match_weight": 20.0,
        "evidence": {"stage": "exact", "fields": {"id": "exact", "name": "same_pinyin"}},
    }
    values.update(kw)
    return PersonLink.objects.create(
        run=run, poverty_person=member, poverty_household=member.memberships.get().household, roll="dibao",
        roll_person=roll_household.head, roll_household=roll_household, village_code=member.village_code, **values,
    )  # fmt: skip


def test_the_case_page_shows_the_roll_and_the_matched_records(client: Client, county: County) -> None:
    household = marked_household(members=1)
    (case,) = county.open(household)
    head = household.head
    spouse = create_member(household, "之子", name="李小明")
    roll = create_household(origin="civil", head=create_person(name="王保国"))
    elsewhere = create_household(
        OTHER_VILLAGE, origin="civil", head=create_person(OTHER_VILLAGE, name="赵明")
    )
    MatchRun.objects.create(region_code="532923", status="complete")  # older: ignored
    run = MatchRun.objects.create(region_code="532923", status="complete")
    HouseholdCoverage.objects.create(
        run=run, household=household, coverage_class="partly_covered",
        detail={"rosters": ["dibao"], "uncovered_names": ["李小明"], "conflicts": ["成员李小明在他户的救助名册中(可能已迁入他户)"]},
    )  # fmt: skip
    link(run, head, roll)
    pending = link(
        run, spouse, elsewhere, band="review", stage="probabilistic", match_probability=0.8123,
        evidence={"fields": {"name": "one_character", "birth_date": "exact"}},
    )  # fmt: skip
    ClericalReview.objects.create(link=pending)

    client.force_login(county.township)
    html = client.get(f"/cases/{case.pk}/").text
    section = re.search(r'<section[^>]*id="match-evidence">(.*?)</section>', html, re.S)
    assert section
    text = section.group(1)
    assert "部分成员纳入" in text and "低保" in text and "可能已迁入他户" in text
    assert re.search(r"<span data-uncovered>李小明</span>", text)
    rows = re.findall(r"<tr data-link>(.*?)</tr>", text, re.S)
    assert len(rows) == 2
    assert roll.head.name in rows[0] and mask(roll.head.id_number) in rows[0]
    assert roll.head.id_number not in html
    assert "身份证号精确比对" in rows[0] and "100.0%" in rows[0] and "身份证号: 一致; 姓名: 同音" in rows[0]
    assert (
        "81.2%" in rows[1] and "人工复核" in rows[1] and "待复核" in rows[1] and "姓名: 一字之差" in rows[1]
    )

    client.force_login(county.village)  # the other village's roll household is outside his scope
    rows = re.findall(r"<tr data-link>(.*?)</tr>", client.get(f"/cases/{case.pk}/").text, re.S)
    assert elsewhere.head.name not in rows[1] and "不在您的管辖范围内" in rows[1]


def test_without_a_match_run_the_page_says_so(client: Client, county: County) -> None:
    (case,) = county.open(marked_household())
    MatchRun.objects.create(region_code="532924", status="complete")  # another county
    client.force_login(county.township)
    assert "还没有覆盖本户所在地区的名册比对结果" in client.get(f"/cases/{case.pk}/").text
