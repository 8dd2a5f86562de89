"""Imports started from the pages run in a background thread of the web process, so the page can show their
progress while they run.

`doudi serve` is one process with worker threads (waitress), so a job's progress lives in this module's memory;
the durable record of an import stays its ImportBatch. Progress comes from `import_roster`'s own callback: rows
read while the file is parsed, then households written chunk by chunk. The accepted and rejected counts are read
from the batch row the import has created inside its transaction (visible to its own thread only), at its first
write chunk.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.registry.access import NotInScope

log = logging.getLogger(__name__)
KEEP = 200  # finished jobs remembered (the oldest are forgotten first)


@dataclass
class ImportJob:
    token: str
    user_id: int
    kind: str
    file_name: str
    stage: str = "queued"  # queued, read, write, done, failed
    done: int = 0
    total: int | None = None
    rows_read: int | None = None
    rows_accepted: int | None = None
    rows_rejected: int | None = None
    batch_id: int | None = None
    already_imported: bool = False
    problem: str = ""
    started_at: Any = field(default_factory=timezone.now)
    thread: threading.Thread | None = None

    @property
    def finished(self) -> bool:
        return self.stage in ("done", "failed")

    def progress(self, sha256: str, stage: str, done: int, total: int | None) -> None:
        """import_roster's callback: (stage, done, total) with stage 'read' (rows) or 'write' (chunks)."""
        self.stage, self.done, self.total = stage, done, total
        if stage == "write" and self.batch_id is None:
            self._counts_from_batch(sha256)

    def _counts_from_batch(self, sha256: str) -> None:
        from doudi.registry.models import BatchStatus, ImportBatch

        batch = ImportBatch.objects.filter(kind=self.kind, sha256=sha256, status=BatchStatus.RUNNING).first()
        if batch is not None:
            self.batch_id = batch.pk
            self.rows_read, self.rows_accepted, self.rows_rejected = (
                batch.rows_read,
                batch.rows_accepted,
                batch.rows_rejected,
            )

    def finish(self, result: Any) -> None:
        self.batch_id = result.batch.pk
        self.rows_read, self.rows_accepted, self.rows_rejected = (
            result.rows_read,
            result.rows_accepted,
            result.rows_rejected,
        )
        self.already_imported = result.already_imported
        self.stage = "done"

    def fail(self, problem: str) -> None:
        self.problem, self.stage = problem, "failed"


_JOBS: dict[str, ImportJob] = {}
_LOCK = threading.Lock()


def _remember(job: ImportJob) -> None:
    with _LOCK:
        _JOBS[job.token] = job
        finished = [token for token, j in _JOBS.items() if j.finished]
        for token in finished[: max(0, len(finished) - KEEP)]:
            del _JOBS[token]


def get(user: Any, token: str) -> ImportJob:
    """The user's own job; anyone else's, or an unknown token, is not found."""
    job = _JOBS.get(token)
    if job is None or job.user_id != getattr(user, "pk", None):
        raise NotInScope(_("没有找到该导入任务(服务重启后进行中的任务不再显示, 请在已导入的批次中查看)"))
    return job


def start(user: Any, path: Path, kind: str, errors_path: Path) -> ImportJob:
    """Start importing `path` in a background thread; returns at once."""
    job = ImportJob(uuid.uuid4().hex, user.pk, kind, path.name)
    job.thread = threading.Thread(
        target=_run, args=(job, user, path, errors_path), name=f"import-{job.token[:8]}", daemon=True
    )
    _remember(job)
    job.thread.start()
    return job


def _run(job: ImportJob, user: Any, path: Path, errors_path: Path) -> None:
    from doudi.ingest.problems import FileProblem
    from doudi.registry.imports import file_digest, import_roster

    try:
        sha256, _size = file_digest(path)
        result = import_roster(
            path,
            job.kind,
            user=user,
            errors_path=errors_path,
            progress=lambda stage, done, total: job.progress(sha256, stage, done, total),
        )
        job.finish(result)
    except FileProblem as exc:
        job.fail(_("文件 %(name)s 无法导入: %(why)s") % {"name": path.name, "why": exc.message})
    except Exception:  # the page must say it failed; the log keeps the traceback
        log.exception("import %s of %s failed", job.token, path)
        job.fail(
            _("文件 %(name)s 导入时出错, 已全部回滚, 没有写入任何数据; 请联系系统管理员")
            % {"name": path.name}
        )
    finally:
        connections.close_all()  # this thread's connections
