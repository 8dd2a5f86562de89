"""导入名册: upload, counts, the error workbook (region-scoped, audited); search by name, initials and ID."""

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
from tests.factories import create_person, create_user

from .rosters import ROSTER_COUNTY, roster_with_a_bad_row

pytestmark = pytest.mark.django_db


def upload(client: Client, path: Path, kind: str = "poverty"):  # type: ignore[no-untyped-def]
    return client.post(
        "/imports/", {"kind": kind, "roster": SimpleUploadedFile(path.name, path.read_bytes())}
    )


def figure(html: str, label: str) -> int:
    match = re.search(rf'data-figure="{label}">(\d+)<', html)
    assert match, label
    return int(match.group(1))


def test_an_upload_shows_counts_and_offers_the_audited_error_workbook(
    client: Client, settings: Settings, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    client.force_login(create_user("county_civil", scope=ROSTER_COUNTY))
    page = upload(client, roster_with_a_bad_row(tmp_path)).text
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

    client.force_login(create_user("county_civil"))  # another county
    assert client.get(f"/imports/{batch.pk}/errors.xlsx").status_code == 404


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
