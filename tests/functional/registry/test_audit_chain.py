"""The audit log is hash-chained: `doudi audit verify` finds an event changed or deleted behind the app's back,
and appends from concurrent transactions never fork the chain (SQLite and PostgreSQL)."""

from __future__ import annotations

import importlib
import threading

import pytest
from click.testing import CliRunner
from django.apps import apps
from django.db import connection
from django.test import Client

from doudi.cli import main
from doudi.registry import audit
from doudi.registry.models import AuditEvent
from tests.factories import VILLAGE, create_person, create_user

TABLE = AuditEvent._meta.db_table


def _sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("{table}", TABLE), list(params))


def _three_events() -> list[AuditEvent]:
    user = create_user("county_civil")
    person = create_person()
    return [
        audit.record(user, "view_full_id", person, region_code=VILLAGE, reason="入户核查"),
        audit.record(user, "export", None, region_code="532923", kind="roster", rows=12, ratio=0.25),
        audit.record(None, "import", person, region_code=VILLAGE, detail={"中文": ["甲", 1]}),
    ]


def _verify(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", "verify", *args])
    return result.exit_code, result.output


@pytest.mark.django_db
def test_each_event_carries_the_digest_of_its_content_and_of_the_one_before() -> None:
    first, second, third = _three_events()
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert first.prev_digest == audit.GENESIS
    assert second.prev_digest == first.digest and third.prev_digest == second.digest
    assert len(third.digest) == 64 and third.digest != second.digest
    code, output = _verify()
    assert code == 0, output
    assert "共 3 条记录" in output and f"第 3 条, 摘要 {third.digest}" in output


@pytest.mark.django_db
def test_an_update_through_raw_sql_is_named() -> None:
    _, second, _ = _three_events()
    _sql("UPDATE {table} SET region_code = %s WHERE id = %s", "532924", second.pk)
    result = audit.verify()
    assert result.broken is not None and result.broken.seq == 2 and result.broken.event_id == second.pk
    assert "被修改" in result.broken.problem and result.checked == 1
    code, output = _verify()
    assert code != 0
    assert f"第 2 条审计记录(编号 {second.pk}" in output and "export" in output


@pytest.mark.django_db
def test_a_changed_digest_breaks_the_next_event() -> None:
    first, *_ = _three_events()
    _sql("UPDATE {table} SET action = %s, digest = %s WHERE id = %s", "export", "0" * 64, first.pk)
    broken = audit.verify().broken
    assert broken is not None and broken.seq == 1  # its content no longer matches its digest


@pytest.mark.django_db
def test_a_deleted_event_leaves_a_gap() -> None:
    _, second, third = _three_events()
    _sql("DELETE FROM {table} WHERE id = %s", second.pk)
    broken = audit.verify().broken
    assert broken is not None and broken.seq == 3 and broken.event_id == third.pk
    assert "第 2 条记录缺失" in broken.problem


@pytest.mark.django_db
def test_a_deleted_tail_is_caught_by_an_anchor_written_down_earlier() -> None:
    *_, third = _three_events()
    code, output = _verify("--anchor", f"3:{third.digest}")
    assert code == 0, output
    _sql("DELETE FROM {table} WHERE id = %s", third.pk)
    assert audit.verify().ok  # a shorter chain is still a chain ...
    code, output = _verify("--anchor", f"3:{third.digest}")
    assert code != 0 and "第 3 条记录已不在日志中" in output  # ... which the anchor catches


@pytest.mark.django_db
def test_a_row_inserted_past_the_write_path_is_found() -> None:
    _three_events()
    _sql(
        "INSERT INTO {table} (at, action, object_type, object_id, region_code, detail, prev_digest, digest)"
        " VALUES (CURRENT_TIMESTAMP, 'export', '', '', '', '{}', '', '')"
    )
    broken = audit.verify().broken
    assert broken is not None and broken.seq is None and "未经审计写入通道" in broken.problem


@pytest.mark.django_db
def test_the_migration_chains_events_written_before_the_chain() -> None:
    _three_events()
    _sql("UPDATE {table} SET seq = NULL, prev_digest = '', digest = ''")
    migration = importlib.import_module("doudi.registry.migrations.0003_audit_chain")
    migration.chain_existing(apps, None)
    result = audit.verify()
    assert result.ok and result.checked == 3
    assert list(AuditEvent.objects.order_by("id").values_list("seq", flat=True)) == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_form_one_chain() -> None:
    users = [create_user("township") for _ in range(4)]
    start = threading.Barrier(len(users))
    failures: list[BaseException] = []

    def write(user: object) -> None:
        start.wait()
        try:
            for n in range(5):
                audit.record(user, "export", None, region_code=VILLAGE, n=n)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    result = audit.verify()
    assert result.ok, result.broken and result.broken.describe()
    assert result.checked == 20 and result.head_seq == 20


@pytest.mark.django_db
def test_logins_and_refused_logins_are_audited_in_the_chain() -> None:
    user = create_user("township", username="township-login")
    client = Client()
    assert client.post("/login/", {"username": "township-login", "password": "wrong"}).status_code == 200
    client.post("/login/", {"username": "township-login", "password": "doudi-test-2020"})
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.detail == {"username": "township-login"} and failed.user is None
    login = AuditEvent.objects.get(action="login")
    assert login.user == user and login.region_code == user.profile.scope
    assert audit.verify().ok
