"""The 签章名册 pages through the Django test client: list, issue (role-gated), verify an upload, compare two
versions, download files (audited), all region-scoped."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from doudi.registry.models import AuditEvent
from doudi.rosterbook.models import RosterVersion
from tests import factories as f

from .conftest import OTHER_TOWNSHIP_VILLAGE, County

pytestmark = pytest.mark.django_db


@pytest.fixture
def var(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR  # type: ignore[no-any-return]


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def issue(client: Client, kind: str = "payment", region: str = "532923", **extra: str):  # type: ignore[no-untyped-def]
    data = {"kind": kind, "region": region, "month": "2020-03", **extra}
    return client.post(reverse("rosters"), data)


def test_issue_from_the_page_then_see_and_download_it(county: County, var: Path) -> None:
    client = login(county.signer)
    response = issue(client, reviewer="poverty")
    version = RosterVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "roster_version", args=[version.pk]
    )
    assert version.signer == county.signer and version.reviewer == county.reviewer
    page = client.get(response["Location"]).content.decode()
    assert "低保特困临时救助月发放名册" in page and version.digest in page and "张𠮷" in page
    listing = client.get(reverse("rosters")).content.decode()
    assert "签章名册" in listing and reverse("roster_version", args=[version.pk]) in listing

    download = client.get(reverse("roster_file", args=[version.pk, "pdf"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == Path(version.files["pdf"]["path"]).read_bytes()  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="roster.download", object_id=str(version.pk)).count() == 1


def test_issuing_is_role_gated_and_errors_say_how_to_fix(county: County, var: Path) -> None:
    assert issue(login(county.prefecture), kind="notice").status_code == 403  # supervisors do not issue
    response = issue(login(county.reviewer))  # county_poverty may issue, but has no key yet
    assert response.status_code == 400 and "doudi roster key --user poverty" in response.content.decode()
    response = issue(login(county.signer), kind="payment", month="")
    assert response.status_code == 400 and "须指定月份" in response.content.decode()
    response = issue(login(county.signer), month="2020/03")
    assert "月份应写作 YYYY-MM" in response.content.decode()
    response = issue(login(county.township), region="532923")  # a township user, the county roster
    assert response.status_code == 400 and "无权签发" in response.content.decode()
    assert not RosterVersion.objects.exists()


def test_versions_are_region_scoped(county: County, var: Path) -> None:
    issue(login(county.signer))
    version = RosterVersion.objects.get()
    township = login(county.township)
    assert (
        reverse("roster_version", args=[version.pk]) not in township.get(reverse("rosters")).content.decode()
    )
    assert township.get(reverse("roster_version", args=[version.pk])).status_code == 404
    assert township.get(reverse("roster_file", args=[version.pk, "xlsx"])).status_code == 404
    other = f.create_user("county_civil", "532901", username="other")
    assert login(other).get(reverse("roster_version", args=[version.pk])).status_code == 404


def test_ids_are_masked_for_roles_that_may_not_see_them(county: County, var: Path) -> None:
    issue(login(county.signer))
    version = RosterVersion.objects.get()
    full_id = county.safety_net.head.id_number
    prefecture = login(county.prefecture)
    page = prefecture.get(reverse("roster_version", args=[version.pk])).content.decode()
    assert full_id not in page and full_id[:6] in page
    assert prefecture.get(reverse("roster_file", args=[version.pk, "xlsx"])).status_code == 403


def test_verify_page_accepts_the_issued_file_and_rejects_an_altered_one(county: County, var: Path) -> None:
    client = login(county.signer)
    issue(client)
    version = RosterVersion.objects.get()
    path = Path(version.files["xlsx"]["path"])
    upload = _named(path.read_bytes(), path.name)
    page = client.post(reverse("roster_verify"), {"file": upload}).content.decode()
    assert 'data-ok="yes"' in page and "payment/532923/1" in page and "逐字节一致" in page

    book = openpyxl.load_workbook(path)
    sheet = book[book.sheetnames[0]]
    sheet["H4"] = 751  # the first row's 低保金 (元)
    altered = io.BytesIO()
    book.save(altered)
    page = client.post(reverse("roster_verify"), {"file": _named(altered.getvalue(), "改过.xlsx")})
    text = page.content.decode()
    assert 'data-ok="no"' in text and "不通过" in text and "内容已被改动" in text
    assert "低保金(元)" in text and "750.00" in text and "751.00" in text

    wrong = client.post(reverse("roster_verify"), {"file": _named(b"a,b\n", "名册.csv")})
    assert wrong.status_code == 400 and "不是 .xlsx 或 .pdf 文件" in wrong.content.decode()


def _named(data: bytes, name: str):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_diff_page_lists_changed_fields(county: County, var: Path) -> None:
    client = login(county.signer)
    issue(client)
    f.create_dibao_enrolment(f.create_household(OTHER_TOWNSHIP_VILLAGE), monthly_amount_fen=12_300)
    county.dibao.monthly_amount_fen = 80_000
    county.dibao.save()
    issue(client)
    first, second = RosterVersion.objects.order_by("number")
    version_page = client.get(reverse("roster_version", args=[second.pk])).content.decode()
    url = f"{reverse('roster_diff')}?old={first.pk}&new={second.pk}"
    assert url.replace("&", "&amp;") in version_page
    page = client.get(url).content.decode()
    assert "第1版 → 第2版" in page and "新增 1 行" in page
    assert "750.00" in page and "800.00" in page
    same = client.get(f"{reverse('roster_diff')}?old={first.pk}&new={first.pk}").content.decode()
    assert "两个版本内容相同" in same


def test_monthly_report_from_the_page(county: County, var: Path) -> None:
    client = login(county.signer)
    response = issue(client, kind="monthly")
    version = RosterVersion.objects.get(kind="monthly")
    assert response.status_code == 302 and version.period == "2020-03"
    page = client.get(reverse("rosters") + "?kind=monthly").content.decode()
    assert "兜底保障工作月度分析报告" in page and reverse("roster_file", args=[version.pk, "pdf"]) in page
    download = login(county.prefecture).get(reverse("roster_file", args=[version.pk, "pdf"]))
    assert download.status_code == 200  # no full IDs in the report: supervisors may download it
    township = login(county.township)
    assert issue(township, kind="monthly", region=county.township.profile.scope).status_code == 302


def test_verify_outside_the_region_says_valid_but_not_what_it_holds(county: County, var: Path) -> None:
    issue(login(county.signer))
    version = RosterVersion.objects.get()
    path = Path(version.files["pdf"]["path"])
    page = login(county.township).post(
        reverse("roster_verify"), {"file": _named(path.read_bytes(), path.name)}
    )
    text = page.content.decode()
    assert 'data-ok="yes"' in text and "payment/532923/1" not in text and version.digest not in text
