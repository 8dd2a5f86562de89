"""Benchmark: a county leading-group meeting confirming 10,000 cases in one batch (issue 6: at most 10 s).

    .venv/bin/python bench/bench_committee.py [--cases 10000] [--runs 3]
    DOUDI_DB=postgres DOUDI_PG_NAME=test .venv/bin/python bench/bench_committee.py   # on PostgreSQL

Sets up a fresh SQLite database in a temporary directory (or uses the PostgreSQL database named by the
environment, inside a transaction that is rolled back at the end), with N card households on the S1 list, opens
their cases through `actions.open_cases` (timed too), then puts them straight into the states a committee
confirms (half approved, half not eligible) with one UPDATE: the set-up is not what is measured. Each run
calls `actions.confirm_in_committee` for all N cases (state machine per case, bulk update, bulk history, one
audit record) and is reset afterwards. The anchor, in the same run, is the bare database work the action cannot
avoid: one bulk_update of N cases and one bulk_create of N history rows.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

COUNTY = "532923"
LIMIT_S = 10.0


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    os.environ.setdefault("DOUDI_VAR", str(workdir))
    if os.environ.get("DOUDI_DB", "sqlite") == "sqlite":
        os.environ["DOUDI_SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_households(n: int) -> list[int]:
    from doudi.core.divisions import yunnan
    from doudi.registry.models import Household, PovertyRegistration

    villages = [v.code for t in yunnan().children(COUNTY) for v in yunnan().children(t.code)]
    households = [
        Household(
            origin="card", household_no=f"B{i:09d}", county_code=COUNTY, township_code=v[:9], village_code=v
        )
        for i, v in ((i, villages[i % len(villages)]) for i in range(n))
    ]
    Household.objects.bulk_create(households, batch_size=5000)
    PovertyRegistration.objects.bulk_create(
        [
            PovertyRegistration(household=h, household_no=h.household_no, safety_net_mark=True)
            for h in households
        ],
        batch_size=5000,
    )
    return [h.pk for h in households]


def ready_for_committee(campaign_id: int) -> list[int]:
    from django.db.models import Q

    from doudi.casework.models import Case

    cases = Case.objects.filter(campaign_id=campaign_id)
    common = {"due_step": "S4", "due_date": date(2020, 5, 25), "meeting": None}
    ids = list(cases.order_by("id").values_list("id", flat=True))
    even = Q(id__in=ids[::2])
    cases.filter(even).update(
        state="approved",
        decision="eligible",
        program="dibao",
        benefit_fen=30_000,
        enrolled=True,
        approved_by=["1"],
        **common,
    )
    cases.exclude(even).update(
        state="not_eligible",
        decision="not_eligible",
        reason_code="d3_houses",
        note="住房超标",
        approved_by=["1"],
        **common,
    )
    return ids


def anchor(campaign_id: int, ids: list[int]) -> float:
    """The bare database work: read the cases, one UPDATE of all of them, one bulk insert of N history rows."""
    from django.db import transaction
    from django.db.models import F

    from doudi.casework.models import Case, CaseEvent

    started = time.perf_counter()
    with transaction.atomic():
        cases = list(Case.objects.filter(pk__in=ids))
        for start in range(0, len(ids), 900):
            Case.objects.filter(pk__in=ids[start : start + 900]).update(version=F("version") + 1)
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(case=c, on=date(2020, 5, 20), role="x", transition="anchor", to_state=c.state)
                for c in cases
            ],
            batch_size=2000,
        )
        transaction.set_rollback(True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="doudi-bench-committee-") as tmp:
        setup_django(Path(tmp))
        from django.db import connection, transaction

        from doudi.casework import actions
        from doudi.registry.users import create_user

        with transaction.atomic():
            civil = create_user("bench-civil", "x" * 12, "county_civil", COUNTY)
            committee = create_user("bench-committee", "x" * 12, "county_committee", COUNTY)
            make_households(args.cases)
            campaign = actions.create_campaign(civil, 2020, COUNTY)
            started = time.perf_counter()
            report = actions.open_cases(
                civil, campaign, actions.safety_net_inputs(campaign), date(2020, 3, 16)
            )
            opened = time.perf_counter() - started
            assert report.created == args.cases
            timings, anchors = [], []
            for run in range(args.runs):
                ids = ready_for_committee(campaign.pk)
                anchors.append(anchor(campaign.pk, ids))
                sid = transaction.savepoint()
                started = time.perf_counter()
                actions.confirm_in_committee(
                    committee, campaign, date(2020, 5, 20), "领导小组成员", ids, date(2020, 5, 20)
                )
                timings.append(time.perf_counter() - started)
                transaction.savepoint_rollback(sid)
                print(
                    f"run {run + 1}: confirm {timings[-1]:.2f} s, anchor {anchors[-1]:.2f} s", file=sys.stderr
                )
            transaction.set_rollback(True)
        median = statistics.median(timings)
        print(
            f"database: {connection.vendor}; machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}"
        )
        print(f"open_cases for {args.cases} households: {opened:.2f} s (one run)")
        print(
            f"confirm_in_committee, {args.cases} cases: median {median:.2f} s of {args.runs} runs "
            f"(limit {LIMIT_S:.0f} s) — anchor (bare bulk update + history insert) median "
            f"{statistics.median(anchors):.2f} s, ratio {median / statistics.median(anchors):.1f}x"
        )
        sys.exit(0 if median <= LIMIT_S else 1)


if __name__ == "__main__":
    main()
