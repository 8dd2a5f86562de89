"""The evidence pages: verification beside the declaration (refused without authorisation, audited override),
priority-group discoveries and the integrity worklist by village, all region-scoped."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from doudi.evidence.feeds import FeedKind
from doudi.feeds import authorisation
from doudi.feeds.checking import run_checks
from doudi.feeds.imports import import_folder
from doudi.registry.models import AuditEvent, PropertyItem
from tests.factories import COUNTY, create_income, create_user
from tests.functional.feeds.test_feeds import covered_household, payroll, write_feed

pytestmark = pytest.mark.django_db
ON = date(2020, 7, 1)
OTHER_COUNTY_VILLAGE = "532924100201"


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_verification_beside_the_declaration(tmp_path: Path) -> None:
    civil = create_user("county_civil")
    household = covered_household()
    create_income(household, kind="wage", amount_fen=1_000_000)
    PropertyItem.objects.create(household=household, kind="house", value_fen=0)
    write_feed(tmp_path, FeedKind.PAYROLL, [payroll(household.head)])
    write_feed(tmp_path, FeedKind.REAL_ESTATE, [
        {"id_number": household.head.id_number, "name": "户主", "certificate": f"云{n}", "use": "住宅", "registered_on": "2010-01-01"}
        for n in range(3)
    ])  # fmt: skip
    import_folder(tmp_path, civil, ON)
    client = client_for(civil)
    url = f"/evidence/households/{household.pk}/"
    page = client.get(url).content.decode()
    assert "未授权, 不使用部门数据" in page and "县教育局" not in page
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "请写明免于授权" in refused.content.decode()
    page = client.post(url, {"reason": "户主失踪, 经乡镇审核同意"}).content.decode()
    assert AuditEvent.objects.filter(action="feeds.authorisation_override").count() == 1
    assert "申报情况与部门数据对照" in page
    assert "10,000.00" in page and "78,000.00" in page and "68,000.00" in page  # declared, payroll x 12, gap
    assert "住房 3 套, 超过 2 套" in page
    outsider = create_user("county_civil", scope="532924")
    assert client_for(outsider).get(url).status_code == 404


def test_priority_and_integrity_pages_are_scoped_by_village(tmp_path: Path) -> None:
    civil = create_user("county_civil")
    household = covered_household()
    authorisation.record_signed(civil, household, ON)
    write_feed(tmp_path, FeedKind.PAYROLL, [payroll(household.head)])
    import_folder(tmp_path, civil, ON)
    run_checks(civil, COUNTY, ON)
    page = client_for(civil).get("/evidence/integrity/").content.decode()
    assert "平坝" in page and "保障对象为财政供养人员" in page and "县教育局" in page
    assert "比对核查" in page  # the nav link
    filtered = client_for(civil).get("/evidence/integrity/?code=INT_VEHICLE").content.decode()
    assert "暂无发现" in filtered
    assert "暂无发现" in client_for(civil).get("/evidence/priority/").content.decode()
    other_village = create_user("village", scope="532923101202")
    assert "县教育局" not in client_for(other_village).get("/evidence/integrity/").content.decode()
