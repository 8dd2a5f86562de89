"""Benchmark: the monthly payroll and the early-warning lists of one county (issue 9: a 300,000-person county in
at most 10 s each).

    .venv/bin/python bench/bench_watch.py [--households 5000] [--runs 3] [--cache /tmp/watch]

With --cache DIR the populated database is kept as DIR/bench-<N>.sqlite3 and reused by the next run with the
same N (populating 100,000 households takes minutes); without it a fresh database is built in a temp dir.

Sets up a fresh SQLite database in a temporary directory with N card households of 3 persons spread over the
real villages of 祥云县 (532923), each with a yearly income item; every 4th household is in dibao, every 20th
has a tekun member, and one in 50 received temporary assistance this month. Measured: `queries.payroll` for the
county (admin scope) and `queries.warnings` for the county. Anchors in the same run: for the payroll, reading
the same enrolment rows with their household (one query, no logic); for the warnings, the registry's own
`assess_registry_batch` over the county (its columnar read and doudi.rules.batch, which the warnings build on).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

COUNTY = "532923"
MONTH = date(2021, 4, 1)


def setup_django(workdir: Path, db: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    os.environ.setdefault("DOUDI_VAR", str(workdir))
    os.environ["DOUDI_SQLITE_PATH"] = str(db)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def populate(n: int) -> None:
    from doudi.core import ids
    from doudi.core.divisions import yunnan
    from doudi.registry import models as m

    villages = [v.code for t in yunnan().children(COUNTY) for v in yunnan().children(t.code)]
    households = []
    for i in range(n):
        v = villages[i % len(villages)]
        households.append(
            m.Household(
                origin="card",
                household_no=f"B{i:09d}",
                county_code=COUNTY,
                township_code=v[:9],
                village_code=v,
                hukou_county_code=COUNTY,
            )
        )
    m.Household.objects.bulk_create(households, batch_size=5000)
    persons, memberships = [], []
    for i, h in enumerate(households):
        for k, (relation, born) in enumerate((("户主", 1960), ("配偶", 1962), ("之子", 1990))):
            seq = (i % 300) * 3 + k + 1  # unique with the birth day below
            p = m.Person(
                id_number=ids.make(COUNTY, date(born, 1, 1) + timedelta(days=i // 300), seq),
                name=f"人{i}-{k}",
                birth_date=date(born, 1, 1),
                county_code=COUNTY,
                township_code=h.township_code,
                village_code=h.village_code,
                labor_capacity="full",
            )
            persons.append(p)
            memberships.append((p, h, relation))
    m.Person.objects.bulk_create(persons, batch_size=5000)
    m.Membership.objects.bulk_create(
        [m.Membership(person=p, household=h, relation=r) for p, h, r in memberships], batch_size=5000
    )
    m.IncomeItem.objects.bulk_create(
        [
            m.IncomeItem(household=h, kind="agriculture", amount_fen=300_000 + (i % 40) * 50_000)
            for i, h in enumerate(households)
        ],
        batch_size=5000,
    )
    m.DibaoEnrolment.objects.bulk_create(
        [
            m.DibaoEnrolment(
                household=h, covered_members=3, monthly_amount_fen=50_000, start_date=date(2019, 7, 1)
            )
            for h in households[::4]
        ],
        batch_size=5000,
    )
    heads = {h.pk: p for p, h, r in memberships if r == "户主"}
    m.TekunEnrolment.objects.bulk_create(
        [
            m.TekunEnrolment(
                person=heads[h.pk],
                household=h,
                support_mode="home",
                basic_standard_fen=83_200,
                care_standard_fen=5_000,
                start_date=date(2020, 1, 1),
            )
            for h in households[1::20]
        ],
        batch_size=5000,
    )
    m.TemporaryAssistancePayment.objects.bulk_create(
        [
            m.TemporaryAssistancePayment(
                household=h, kind="emergency", amount_fen=100_000, paid_on=date(2021, 4, 10)
            )
            for h in households[2::50]
        ],
        batch_size=5000,
    )


def timed(fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """Wall seconds and the result; the CPU seconds of the call are appended to CPU[fn's measure]."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - start, result


CPU: list[float] = []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=None, help="keep and reuse the database in this folder")
    parser.add_argument("--populate-only", action="store_true", help="build the cached database and stop")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        if args.cache:
            args.cache.mkdir(parents=True, exist_ok=True)
            db = args.cache / f"bench-{args.households}.sqlite3"
        fresh = not db.exists()
        setup_django(Path(tmp), db)
        from django.contrib.auth.models import User

        from doudi.registry import models as m
        from doudi.registry.assessment import assess_registry_batch
        from doudi.watch.queries import payroll, warnings

        if fresh:
            populate(args.households)
            User.objects.create_superuser("bench", password="x")
        if args.populate_only:
            return
        admin = User.objects.get(username="bench")
        persons = m.Person.objects.count()
        pay, pay_anchor, warn, warn_anchor = [], [], [], []
        pay_cpu, warn_cpu, pay_anchor_cpu, warn_anchor_cpu = [], [], [], []
        for _ in range(args.runs):
            t, lines = timed(lambda: payroll(admin, MONTH, COUNTY))
            pay.append(t)
            pay_cpu.append(CPU[-1])
            pay_anchor.append(timed(lambda: list(m.DibaoEnrolment.objects.select_related("household")))[0])
            pay_anchor_cpu.append(CPU.pop())
            t, found = timed(lambda: warnings(admin, MONTH, COUNTY))
            warn.append(t)
            warn_cpu.append(CPU[-1])
            warn_anchor.append(timed(lambda: assess_registry_batch(MONTH, COUNTY))[0])
            warn_anchor_cpu.append(CPU.pop())
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}; sqlite"
        )
        print(
            f"{args.households} households, {persons} persons; payroll lines {len(lines)}; "  # type: ignore[arg-type]
            f"warned households {sum(len(v) for v in found.values())}"
        )  # type: ignore[attr-defined]
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(
            f"CPU seconds, medians: payroll {statistics.median(pay_cpu):.2f} s, "
            f"warnings {statistics.median(warn_cpu):.2f} s"
        )
        print(
            f"payroll: median {statistics.median(pay):.2f} s of {args.runs}; anchor (read enrolments) "
            f"{statistics.median(pay_anchor):.2f} s (CPU {statistics.median(pay_anchor_cpu):.2f} s)"
        )
        print(
            f"warnings: median {statistics.median(warn):.2f} s of {args.runs}; anchor (registry.assessment.assess_registry_batch) "
            f"{statistics.median(warn_anchor):.2f} s (CPU {statistics.median(warn_anchor_cpu):.2f} s)"
        )


if __name__ == "__main__":
    main()
