"""导入名册: upload, progress, counts, the error workbook (region-scoped, audited); search by name, initials and ID."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django import Settings

from doudi.registry.models import AuditEvent, ImportBatch, Person
from doudi.web import jobs
from tests.factories import create_batch, create_person, create_user

from .rosters import ROSTER_COUNTY, roster_with_a_bad_row

pytestmark = pytest.mark.django_db(transaction=True)  # imports run in a thread of their own


def upload(client: Client, path: Path, kind: str = "poverty"):  # type: ignore[no-untyped-def]
    return client.post(
        "/imports/", {"kind": kind, "roster": SimpleUploadedFile(path.name, path.read_bytes())}
    )


def figure(html: str, label: str) -> int:
    match = re.search(rf'data-figure="{label}">(\d+)<', html)
    assert match, label
    return int(match.group(1))


def finished(client: Client, response) -> str:  # type: ignore[no-untyped-def]
    """Follow an upload to its progress page once the background import has finished."""
    assert response.status_code == 302, response.status_code
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    job = jobs.get(response.wsgi_request.user, token)
    assert job.thread is not None
    job.thread.join()
    return client.get(response["Location"]).text


def test_an_upload_shows_counts_and_offers_the_audited_error_workbook(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    client.force_login(create_user("county_civil", scope=ROSTER_COUNTY))
    roster = roster_with_a_bad_row(tmp_path)
    page = finished(client, upload(client, roster))
    assert 'data-stage="done"' in page and "hx-trigger" not in page  # no more polling
    assert (figure(page, "读取"), figure(page, "接收"), figure(page, "退回")) == (3, 2, 1)
    assert re.search(r'<table id="rejected-rows">.*<td class="num">4</td><td>证件号码</td>', page, re.S)
    assert "5306231970030410" not in page  # raw values are not echoed: they may be resident IDs
    batch = ImportBatch.objects.get()
    assert f"/imports/{batch.pk}/errors.xlsx" in page
    download = client.get(f"/imports/{batch.pk}/errors.xlsx")
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row]
    assert any("5306231970030410" in c for c in cells)  # the rejected row is listed
    assert AuditEvent.objects.filter(action="import.error_workbook", object_id=str(batch.pk)).count() == 1
    again = finished(client, upload(client, roster))
    assert "该文件已导入过, 未重复导入" in again and ImportBatch.objects.count() == 1

    client.force_login(create_user("county_civil"))  # another county
    assert client.get(f"/imports/{batch.pk}/errors.xlsx").status_code == 404


def test_the_progress_page_polls_while_the_import_runs(client: Client, tmp_path: Path) -> None:
    """The progress the import reports (rows read, then chunks written with the batch's counts) is on the
    page, and the part htmx polls every second until the import has finished."""
    user = create_user("county_civil", scope=ROSTER_COUNTY)
    client.force_login(user)
    job = jobs.ImportJob("a" * 32, user.pk, "poverty", "名册.xlsx")
    jobs._remember(job)
    job.progress("0" * 64, "read", 5000, 12000)
    part = client.get(f"/imports/jobs/{job.token}/", HTTP_HX_REQUEST="true").text
    assert 'hx-trigger="every 1s"' in part and "已读取到第 5000 行(共 12000 行)" in part
    assert "<html" not in part  # only the part is swapped
    create_batch(kind="poverty", sha256="0" * 64, status="running", rows_read=12000, rows_accepted=11990,
                 rows_rejected=10)  # fmt: skip
    job.progress("0" * 64, "write", 1, 3)
    page = client.get(f"/imports/jobs/{job.token}/").text
    assert "已写入 1 / 3 批家庭户" in page and (figure(page, "接收"), figure(page, "退回")) == (11990, 10)
    job.fail("文件 名册.xlsx 导入时出错")
    part = client.get(f"/imports/jobs/{job.token}/", HTTP_HX_REQUEST="true").text
    assert "导入失败" in part and "hx-trigger" not in part
    client.force_login(create_user("county_civil", scope=ROSTER_COUNTY))  # someone else's job
    assert client.get(f"/imports/jobs/{job.token}/").status_code == 404


def test_a_roster_of_another_county_is_refused_with_the_reason(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    client.force_login(create_user("county_civil"))  # 祥云县, the roster is 盐津县's
    page = finished(client, upload(client, roster_with_a_bad_row(tmp_path)))
    assert "导入失败" in page and "不在您的管辖范围" in page
    assert not ImportBatch.objects.exists()


def test_only_county_offices_import_and_only_spreadsheets(client: Client, tmp_path: Path) -> None:
    client.force_login(create_user("township"))
    assert client.get("/imports/").status_code == 403
    client.force_login(create_user("county_civil", scope=ROSTER_COUNTY))
    text = tmp_path / "名册.txt"
    text.write_text("x")
    refused = upload(client, text)
    assert refused.status_code == 400 and "不是 Excel 或 CSV 文件" in refused.text
    assert not ImportBatch.objects.exists()


def test_search_by_name_initials_and_id_within_scope(client: Client) -> None:
    zhang = create_person(name="张三丰")
    create_person(name="李四")
    elsewhere = create_person(village_code="532923102201", name="张三")
    client.force_login(create_user("village"))

    def found(q: str) -> set[int]:
        return {int(n) for n in re.findall(r'data-person="(\d+)"', client.get("/search/", {"q": q}).text)}

    assert found("张三") == {zhang.pk}  # the other 张三 lives in another village
    assert found("zsf") == found("ZS") == {zhang.pk}
    assert found(zhang.id_number) == {zhang.pk}
    assert found(elsewhere.id_number) == set()
    page = client.get("/search/", {"q": "张三"}).text
    assert zhang.id_number not in page  # masked
    assert Person.objects.count() == 3
