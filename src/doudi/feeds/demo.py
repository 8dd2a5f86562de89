"""The demo county's departmental feeds: one idempotent step for `doudi demo` (doudi.web.demo), to run after the
campaign is open: write the synthetic feeds beside the rosters, import them as the county's civil-affairs login,
and check the county (findings, review cases, priority-group cases)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from doudi.synth.feeds import FEED_DIR, write_feeds

DEMO_ON = date(2020, 7, 1)  # the date the synthetic rosters and feeds describe


def run_feeds(folder: Path, county: str, seed: int, echo: Callable[[str], None]) -> None:
    from django.contrib.auth.models import User

    from .checking import run_checks
    from .imports import import_folder

    feeds = folder / FEED_DIR
    if not (feeds / ".complete").exists():
        write_feeds(folder, ("xlsx",), seed)
        (feeds / ".complete").touch()
    clerk = User.objects.get(username=f"county_civil_{county}")
    import_folder(feeds, clerk, DEMO_ON)
    report = run_checks(clerk, county, DEMO_ON)
    found = sum(report.found.values())
    echo(
        f"· 部门数据比对: 发现 {found} 条, 新立案 {report.cases_opened} 件, 重新研判 {report.cases_reopened} 件"
    )
