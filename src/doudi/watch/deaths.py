"""Import a death-registration roster (死亡登记名册: 姓名, 身份证号, 死亡日期; CSV or Excel): each accepted row
marks the person dead and records a death ChangeEvent (which reassesses the household). No row is lost:
rows read = accepted + rejected, and every rejection says row, column and how to fix it."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from doudi.core import ids
from doudi.registry import models as m
from doudi.registry.access import persons_for
from doudi.registry.audit import record

from .actions import WatchError, record_change
from .models import ChangeKind

COLUMNS = ("姓名", "身份证号", "死亡日期")


@dataclass
class DeathReport:
    file_name: str
    read: int = 0
    accepted: int = 0
    rejected: list[str] = field(default_factory=list)  # Chinese messages with row and column

    @property
    def balanced(self) -> bool:
        return self.read == self.accepted + len(self.rejected)


def _rows(path: Path) -> list[list[Any]]:
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return [list(r) for r in csv.reader(f)]
    from python_calamine import CalamineWorkbook

    return [list(r) for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()]


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip().replace("/", "-").replace(".", "-")
    return date.fromisoformat(text) if len(text) == 10 else datetime.strptime(text, "%Y-%m-%d").date()


def _household(person: m.Person) -> m.Household | None:
    ms = person.memberships.filter(valid_to__isnull=True).select_related("household").first()
    return ms.household if ms else None


def _one(user: Any, row: list[Any], where: str, index: dict[str, int], source: str) -> str | None:
    """Import one row; the Chinese reason when rejected."""
    raw_id = row[index["身份证号"]] if index["身份证号"] < len(row) else ""
    try:
        number = ids.validate(raw_id)
    except ids.InvalidId as exc:
        return f"{where} 列 身份证号: {exc}; 请核对后重新导入"
    try:
        died = _date(row[index["死亡日期"]])
    except (ValueError, IndexError):
        return f"{where} 列 死亡日期: 无法识别 {row[index['死亡日期']] if index['死亡日期'] < len(row) else ''!r}, 应写 YYYY-MM-DD"
    person = persons_for(user).filter(id_number=number).first()
    if person is None:
        return f"{where}: 身份证号 {ids.mask(number)} 不在库中或不在您的管辖范围内"
    household = _household(person)
    if household is None:
        person.alive, person.death_date = False, died
        person.save()
        return None
    try:
        record_change(user, household, ChangeKind.DEATH, died, person, {"row": where}, source)
    except WatchError as exc:
        return f"{where}: {exc}"
    return None


def import_deaths(user: Any, path: Path) -> DeathReport:
    rows = _rows(path)
    report = DeathReport(path.name)
    if not rows:
        raise WatchError(f"{path.name}: 文件为空; 需要表头 {'、'.join(COLUMNS)}")
    header = [str(c).strip() for c in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise WatchError(f"{path.name} 第1行: 缺少列 {'、'.join(missing)}; 表头须包含 {'、'.join(COLUMNS)}")
    index = {c: header.index(c) for c in COLUMNS}
    for n, row in enumerate(rows[1:], start=2):
        if not any(str(c).strip() for c in row):
            continue
        report.read += 1
        with transaction.atomic():
            problem = _one(user, row, f"{path.name} 第{n}行", index, f"死亡登记名册 {path.name}")
        if problem is None:
            report.accepted += 1
        else:
            report.rejected.append(problem)
    record(
        user,
        "import",
        None,
        "",
        kind="deaths",
        file_name=path.name,
        read=report.read,
        accepted=report.accepted,
        rejected=len(report.rejected),
    )
    return report
