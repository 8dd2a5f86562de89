"""The monthly report (一月一分析) as a kind: numbered, signed and verified like every roster version. Its
figures are gathered in doudi.rosterbook.monthly; its columns and charts are in doudi.reports.monthly."""

from __future__ import annotations

from doudi.reports.monthly import KIND, TITLE

from ..monthly import build
from . import KindSpec, register

register(KindSpec(KIND, TITLE, build, monthly=True, full_ids=False))
