"""`doudi import` killed with SIGKILL in the middle of its load, on the configured database (SQLite or PostgreSQL).

A real process is killed, not an exception raised: the import runs in a subprocess against its own copy of the
migrated test database; the test polls the database until the load transaction is writing, kills the process, and
then checks that nothing of the batch is left (no batch row, no person, no history, no audit event) and that
importing the same file again gives exactly what an uninterrupted import gives.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from doudi.core import ids
from tests.unit.ingest.rosters import POVERTY_HEADERS, poverty_row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)  # the subprocess needs a database it can open itself
HOUSEHOLDS = 3000  # 12,000 person rows: the load transaction writes for a second or more
LOADED = ("registry_importbatch", "registry_person", "registry_household", "registry_membership",
          "registry_povertyregistration", "registry_auditevent")  # fmt: skip
VOLATILE = {"id", "history_id", "history_date", "started_at", "finished_at", "at", "seq", "prev_digest",
            "digest", "detail", "object_id", "error_workbook"}  # fmt: skip
LINKS = {
    "memberships": "SELECT p.id_number, p.name, h.household_no, m.relation, m.valid_from, m.valid_to"
    " FROM registry_membership m JOIN registry_person p ON p.id = m.person_id"
    " JOIN registry_household h ON h.id = m.household_id",
    "heads": "SELECT h.household_no, p.id_number FROM registry_household h JOIN registry_person p ON p.id = h.head_id",
    "registrations": "SELECT h.household_no, r.household_no FROM registry_povertyregistration r"
    " JOIN registry_household h ON h.id = r.household_id",
    "sources": "SELECT b.sha256, count(*) FROM registry_person p JOIN registry_importbatch b"
    " ON b.id = p.source_batch_id GROUP BY b.sha256",
}
TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'registry_%'",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'registry_%'",
}
# PostgreSQL: the importer inserting persons holds a RowExclusiveLock on registry_person until its transaction ends.
PG_WRITING = """SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
 WHERE c.relname = 'registry_person' AND l.mode = 'RowExclusiveLock' AND l.granted AND l.pid <> pg_backend_pid()"""
PG_OTHERS = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def _roster(path: Path) -> Path:
    rows = []
    for number in range(HOUSEHOLDS):
        household = f"5306230{number:09d}"
        for member, relation in enumerate(("户主", "配偶", "之子", "之女")):
            born = date(1950, 1, 1) + timedelta(days=number * 4 + member)
            number_id = ids.make("530623", born, number % 500)
            rows.append(poverty_row(household, f"人{number}-{member}", number_id, relation))
    return write_csv(path, [POVERTY_HEADERS, *rows])


class Database:
    """A copy of the migrated test database that a `doudi import` subprocess can open, and raw SQL on it."""

    def __init__(self, env: dict[str, str], connect: Callable[[], Any]) -> None:
        self.env, self.connect = env, connect

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with closing(self.connect()) as db:
            return [tuple(row) for row in db.execute(sql).fetchall()]

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every loaded table (and every history table) without ids and times, and the links between records."""
        tables = [t for (t,) in self.rows(TABLES[connection.vendor]) if t in LOADED or "historical" in t]
        out = {}
        with closing(self.connect()) as db:
            for table in tables:
                cursor = db.execute(f"SELECT * FROM {table}")
                names = [d[0] for d in cursor.description]
                keep = [i for i, n in enumerate(names) if n not in VOLATILE and not n.endswith("_id")]
                out[table] = sorted((tuple(row[i] for i in keep) for row in cursor.fetchall()), key=repr)
            for name, sql in LINKS.items():
                out[name] = sorted((tuple(row) for row in db.execute(sql).fetchall()), key=repr)
        return out

    def writing(self) -> bool:
        """True while another connection holds a load transaction open and writing."""
        if connection.vendor == "postgresql":
            return bool(self.rows(PG_WRITING)[0][0])
        probe = sqlite3.connect(self.env["DOUDI_SQLITE_PATH"], timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")  # fails while the importer holds the write lock
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()

    def settle(self) -> None:
        """PostgreSQL: wait until the killed client's server process has rolled back and gone."""
        if connection.vendor == "postgresql":
            while self.rows(PG_OTHERS)[0][0]:
                time.sleep(0.01)


@contextmanager
def copies(tmp_path: Path, count: int) -> Iterator[list[Database]]:
    """`count` fresh copies of the migrated, empty test database."""
    base = {**os.environ, "DOUDI_VAR": str(tmp_path / "var")}
    if connection.vendor == "sqlite":
        yield [_sqlite_copy(base, tmp_path / f"copy{n}.sqlite3") for n in range(count)]
        return
    settings = connection.settings_dict
    server = {"host": settings["HOST"], "port": settings["PORT"], "user": settings["USER"],
              "password": settings["PASSWORD"] or None}  # fmt: skip
    names = [f"{settings['NAME']}_kill{n}"[:63] for n in range(count)]
    connection.close()  # CREATE DATABASE ... TEMPLATE needs the template to have no sessions
    with closing(psycopg.connect(dbname="postgres", autocommit=True, **server)) as admin:
        # Earlier tests' worker threads (live server, web import jobs) may leave idle sessions on the test database
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (settings["NAME"],),
        )
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{settings["NAME"]}"')
        try:
            yield [Database(_pg_env(base, server, name), _pg_connect(server, name)) for name in names]
        finally:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _sqlite_copy(base: dict[str, str], path: Path) -> Database:
    with closing(sqlite3.connect(path)) as target:
        connection.ensure_connection()
        connection.connection.backup(target)  # the in-memory test database, migrated and empty
    return Database(
        {**base, "DOUDI_DB": "sqlite", "DOUDI_SQLITE_PATH": str(path)}, lambda: sqlite3.connect(path)
    )


def _pg_env(base: dict[str, str], server: dict[str, Any], name: str) -> dict[str, str]:
    where = {"NAME": name, "HOST": server["host"], "PORT": server["port"], "USER": server["user"]}
    return {**base, "DOUDI_DB": "postgres", **{f"DOUDI_PG_{k}": str(v) for k, v in where.items()}}


def _pg_connect(server: dict[str, Any], name: str) -> Callable[[], Any]:
    return lambda: psycopg.connect(dbname=name, autocommit=True, **server)


def _start(db: Database, roster: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from doudi.cli import main; main()", "import", "poverty", str(roster)]
    return subprocess.Popen(command, env=db.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _until_writing(db: Database, process: subprocess.Popen[bytes]) -> float:
    """Poll the database until the load transaction writes; the moment it was seen. A write lock still held 30 ms
    later: a new connection's switch to WAL takes the lock for an instant too, and that is not the load."""
    while True:
        while not db.writing():
            assert process.poll() is None, process.communicate()
            time.sleep(0.005)
        seen = time.monotonic()
        time.sleep(0.03)
        if db.writing():
            return seen


def _run(db: Database, roster: Path) -> float:
    """An uninterrupted import; how long its load transaction was seen writing (until it committed, not until the
    process ended: what follows the commit must not count, or a third of it could fall after the commit)."""
    process = _start(db, roster)
    seen = _until_writing(db, process)
    while db.writing():
        time.sleep(0.005)
    wrote_for = time.monotonic() - seen
    out, err = process.communicate()
    assert process.returncode == 0, err.decode()
    assert f"读取 {4 * HOUSEHOLDS} 行 = 接收 {4 * HOUSEHOLDS} 行 + 退回 0 行" in out.decode()
    return wrote_for


def test_sigkill_mid_load_leaves_nothing_and_a_rerun_matches_an_uninterrupted_import(tmp_path: Path) -> None:
    roster = _roster(tmp_path / "建档立卡.csv")
    with copies(tmp_path, 2) as (clean, killed):
        empty = killed.snapshot()
        writing_for = _run(clean, roster)
        expected = clean.snapshot()
        assert len(expected["registry_person"]) == 4 * HOUSEHOLDS

        process = _start(killed, roster)
        _until_writing(killed, process)
        time.sleep(writing_for / 3)  # well inside the load transaction, as the uninterrupted run timed it
        assert process.poll() is None and killed.writing(), "the load committed before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert process.returncode == -signal.SIGKILL
        killed.settle()
        assert killed.snapshot() == empty  # no batch (running or not), no person, no history, no audit event

        _run(killed, roster)
        assert killed.snapshot() == expected
