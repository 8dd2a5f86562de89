"""The one write path for the audit log (reads of full IDs, exports, imports, every action), hash-chained.

Every event carries `seq` (1, 2, 3, ... with no gaps), the digest of the event before it (`prev_digest`) and its
own `digest`: SM3 over the canonical form of its content and `prev_digest`. Changing any stored field of an event
breaks its digest; deleting an event leaves a gap in `seq` and breaks the next event's `prev_digest`.
`verify()` (`doudi audit verify`) walks the chain and names the first broken event.

Appends are serialised so two transactions never read the same head: PostgreSQL takes a transaction-scoped
advisory lock, SQLite takes the database write lock (a no-op write) before reading the head. The lock is held
until the surrounding transaction ends; `seq` is also unique, so a fork could never be stored.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import OperationalError, connection, models, transaction
from django.utils import timezone

from doudi.signing.sm import sm3_hex

from .models import AuditEvent

GENESIS = "0" * 64  # prev_digest of the first event
LOCK_KEY = 0x446F756469  # "Doudi": the PostgreSQL advisory lock of the chain
SQLITE_LOCK_WAIT = 30.0  # seconds, like the connection's busy timeout
CHAIN_FIELDS = ("seq", "at", "user_id", "action", "object_type", "object_id", "region_code", "detail")


def record(
    user: Any,
    action: str,
    obj: models.Model | None = None,
    region_code: str = "",
    **detail: Any,
) -> AuditEvent:
    """Append one audit event. `obj` gives the object type ('registry.person') and id; `detail` must be
    JSON-serialisable and should not repeat personal data the event is about."""
    with transaction.atomic():
        _lock_chain()
        head = AuditEvent.objects.order_by("-seq").values_list("seq", "digest").first()
        seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
        event = AuditEvent(
            seq=seq,
            at=timezone.now(),
            user=user if getattr(user, "pk", None) else None,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            region_code=region_code,
            detail=json.loads(json.dumps(detail, ensure_ascii=False)),  # stored exactly as hashed
            prev_digest=prev,
        )
        event.digest = digest_of(content_of(event), prev)
        event.save()
    return event


def _lock_chain() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        elif connection.vendor == "sqlite":
            _sqlite_write_lock(cursor)


def _sqlite_write_lock(cursor: Any) -> None:
    """Take the write lock with a write that changes nothing. A file database waits (its busy timeout); an
    in-memory shared-cache one (the test database) answers 'table is locked' at once, so wait here instead."""
    statement = f'UPDATE "{AuditEvent._meta.db_table}" SET id = id WHERE id = -1'
    deadline = time.monotonic() + SQLITE_LOCK_WAIT
    while True:
        try:
            cursor.execute(statement)
            return
        except OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


# The canonical form -----------------------------------------------------------------------------------------


def content_of(event: Any) -> dict[str, Any]:
    """The hashed fields of an event (a model instance or a row dict with the CHAIN_FIELDS)."""
    get = event.get if isinstance(event, dict) else lambda name: getattr(event, name)
    return {name: get(name) for name in CHAIN_FIELDS}


def canonical(content: dict[str, Any], prev_digest: str) -> bytes:
    """Sorted-key compact JSON (UTF-8) of the content and the previous digest; times in UTC, microseconds."""
    at = content["at"]
    if isinstance(at, datetime):
        at = at.astimezone(UTC).isoformat(timespec="microseconds")
    body = {**content, "at": at, "prev": prev_digest}
    body["detail"] = json.loads(json.dumps(body["detail"]))  # int keys become strings, as once stored
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def digest_of(content: dict[str, Any], prev_digest: str) -> str:
    return sm3_hex(canonical(content, prev_digest))


# Verification -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold: which event (seq and row id) and what is wrong, in Chinese."""

    seq: int | None
    event_id: int
    at: str
    action: str
    problem: str

    def describe(self) -> str:
        where = f"第 {self.seq} 条" if self.seq is not None else "未编号的一条"
        return f"{where}审计记录(编号 {self.event_id}, {self.at}, 操作 {self.action}): {self.problem}"


@dataclass(frozen=True)
class Verification:
    checked: int
    head_seq: int
    head_digest: str
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _rows() -> Iterator[dict[str, Any]]:
    fields = ("id", *CHAIN_FIELDS, "prev_digest", "digest")
    yield from AuditEvent.objects.order_by("seq", "id").values(*fields).iterator(chunk_size=2000)


def _problem(row: dict[str, Any], expected_seq: int, prev: str) -> str:
    if row["seq"] is None:
        return "没有链序号: 该记录未经审计写入通道写入(可能被直接插入数据库)"
    if row["seq"] != expected_seq:
        missing = (
            f"第 {expected_seq} 条"
            if row["seq"] == expected_seq + 1
            else f"第 {expected_seq}-{row['seq'] - 1} 条"
        )
        return f"之前的{missing}记录缺失(被删除)"
    if row["prev_digest"] != prev:
        return "前一条记录的摘要与本条记载的不一致: 前一条记录被修改或删除"
    if digest_of(content_of(row), row["prev_digest"]) != row["digest"]:
        return "内容与摘要不符: 本条记录在写入后被修改"
    return ""


def verify() -> Verification:
    """Walk the chain from the first event; stop at the first broken one."""
    expected, prev, checked = 1, GENESIS, 0
    for row in _rows():
        problem = _problem(row, expected, prev)
        if problem:
            at = row["at"].astimezone(UTC).isoformat(timespec="seconds") if row["at"] else ""
            broken = Break(row["seq"], row["id"], at, row["action"], problem)
            return Verification(checked, expected - 1, prev, broken)
        checked, expected, prev = checked + 1, expected + 1, row["digest"]
    return Verification(checked, expected - 1, prev, None)


def check_anchor(seq: int, digest: str) -> str:
    """'' if event `seq` is still in the chain with `digest` (a head written down earlier), else what is wrong.
    A verified chain cannot show that its last events were deleted; an anchor kept elsewhere can."""
    found = AuditEvent.objects.filter(seq=seq).values_list("digest", flat=True).first()
    if found is None:
        return f"记下的第 {seq} 条记录已不在日志中: 该条及其后的记录被删除"
    if found != digest:
        return f"第 {seq} 条记录的摘要与记下的不一致: 记录被替换"
    return ""


# Logins ----------------------------------------------------------------------------------------------------------

LOGIN_ACTION = "login"
LOGIN_FAILED_ACTION = "login_failed"


def _login(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    scope = getattr(getattr(user, "profile", None), "scope", "")
    record(user, LOGIN_ACTION, user, region_code=scope, path=getattr(request, "path", ""))


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    """A refused login: the name tried (never the password; Django has already masked it)."""
    record(None, LOGIN_FAILED_ACTION, None, username=str(credentials.get("username", ""))[:150])


def connect_login_audit() -> None:
    """Audit every login and every refused one (Django's auth signals; idempotent)."""
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    user_logged_in.connect(_login, dispatch_uid="doudi.registry.audit.login")
    user_login_failed.connect(_login_failed, dispatch_uid="doudi.registry.audit.login_failed")
