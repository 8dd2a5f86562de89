"""A small poverty roster with one bad row, written with the ingest tests' helpers (盐津县 530623)."""

from __future__ import annotations

from pathlib import Path

from tests.unit.ingest.rosters import POVERTY_HEADERS, household, poverty_row, write_xlsx

ROSTER_COUNTY = "530623"


def roster_with_a_bad_row(folder: Path) -> Path:
    rows = [
        POVERTY_HEADERS,
        *household("530623101001000001", 11, members=2),
        poverty_row("530623101001000002", "错号", "5306231970030410"),  # 16 digits: rejected
    ]
    return write_xlsx(folder / "建档立卡名册.xlsx", rows)
