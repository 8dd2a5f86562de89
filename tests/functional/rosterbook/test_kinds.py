"""What each roster kind contains, built from the registry within the signer's scope."""

from __future__ import annotations

from datetime import date

import pytest

from doudi.rosterbook import kinds
from doudi.rosterbook.masking import mask_name

from .conftest import County

pytestmark = pytest.mark.django_db

MARCH = date(2020, 3, 1)


def _dicts(section):  # type: ignore[no-untyped-def]
    keys = [c.key for c in section.columns]
    return [dict(zip(keys, row, strict=True)) for row in section.rows]


def test_safety_net_list_has_every_member_of_marked_households(county: County) -> None:
    (section,) = kinds.get("safety_net").build(county.signer, "532923", None)
    rows = _dicts(section)
    assert [(r["seq"], r["name"], r["relation"], r["sex"]) for r in rows] == [
        (1, "张𠮷", "户主", "男"),
        (2, "李䶮", "配偶", "女"),
    ]
    assert rows[0]["household_no"] == county.safety_net.household_no
    assert rows[0]["id_number"] == county.safety_net.head.id_number
    assert rows[0]["income_per_capita"] == 350_000 and rows[0]["township"] == "祥城镇"


def test_payment_roster_for_a_month_with_township_totals(county: County) -> None:
    detail, totals = kinds.get("payment").build(county.signer, "532923", MARCH)
    rows = _dicts(detail)
    assert sorted((r["category"], r["name"], r["total"]) for r in rows) == [
        ("临时救助", "张𠮷", 100_000),  # paid in March; the April payment is not in this roster
        ("低保", "张𠮷", 75_000),
        ("低保", "户主", 37_500),  # the other township
        ("特困供养", "欧阳娜娜", 83_200 + 15_100),
    ]  # the ended enrolment and the other county are left out
    by_township = {r["township"]: r for r in _dicts(totals)}
    assert set(by_township) == {"祥城镇", "沙龙镇", "合计"}
    assert by_township["祥城镇"]["dibao_households"] == 1 and by_township["祥城镇"]["dibao_persons"] == 2
    assert by_township["祥城镇"]["tekun_care"] == 15_100
    assert by_township["合计"]["total"] == 37_500 + 75_000 + 98_300 + 100_000
    assert by_township["合计"]["temporary_count"] == 1


def test_a_township_user_sees_only_its_township(county: County) -> None:
    detail, _ = kinds.get("payment").build(county.township, "532923", MARCH)
    assert {r["township"] for r in _dicts(detail)} == {"祥城镇"}


def test_public_notice_masks_names_and_ids(county: County) -> None:
    (section,) = kinds.get("notice").build(county.signer, "532923", MARCH)
    rows = _dicts(section)
    assert {r["name"] for r in rows} == {"张*", "户*", "欧**娜"}
    full_ids = {county.safety_net.head.id_number, county.tekun.person.id_number}
    assert all(r["id_number"] not in full_ids and "********" in r["id_number"] for r in rows)
    assert all(r["category"] != "临时救助" for r in rows)


def test_mask_name() -> None:
    assert [mask_name(n) for n in ("张", "张三", "张三明", "欧阳娜娜", "𠮷吉祥")] == [
        "张",
        "张*",
        "张*明",
        "欧**娜",
        "𠮷*祥",
    ]
