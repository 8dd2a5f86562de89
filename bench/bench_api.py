"""Benchmark: the case-list API over a county-sized campaign (issue 6: a page in at most 150 ms at p95, 20 clients).

    .venv/bin/python bench/bench_api.py [--persons 300000] [--clients 20] [--requests 40] [--runs 3] [--db x.sqlite3]
    DOUDI_DB=postgres .venv/bin/python bench/bench_api.py ...   # a scratch database doudi_bench_api_<pid>

Set-up (not timed): a fresh database (SQLite in a temporary directory, or a PostgreSQL database created for the
run and dropped after it), migrated; N persons in households of 3 or 4 (heads with valid IDs, memberships) spread
over the villages of 祥云县; one household in three a card household on the S1 list; a 2020 campaign whose cases
are opened through `actions.open_cases`, then spread over the states with a few UPDATEs.

Measured, per run: GET /api/campaigns/{id}/cases?page=P&page_size=50 with a bearer token (county user, random
pages by number and by `?after=` keyset; township user filtered by state), each as --clients concurrent clients
with keep-alive connections on loopback against the server `doudi serve` runs (`run_server`: --workers gunicorn
processes, default one per core; --workers 1 = waitress, 8 threads) in a child process. The anchor, in the same
run and the same way: /bench/anchor/{id}, a bare Django view that authenticates nobody and returns the same
count as JSON. Latencies are wall times seen by the clients; p50/p95 over all requests of all runs. CPU is the
server process's (utime + stime from /proc) per request: the figure that does not depend on the load average.
Also: the SQL queries one case-list request makes (Django's test client, in this process), to catch N+1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

COUNTY = "532923"
LIMIT_MS = 150.0
PAGE = 50
HERE = Path(__file__).resolve().parent


# The server's URLconf: the project's URLs plus the anchor (module __getattr__, so importing this file is cheap).
def __getattr__(name: str) -> Any:
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.urls import path

    from doudi.urls import urlpatterns as project

    return [path("bench/anchor/<int:pk>", anchor_view), *project]


def anchor_view(request: Any, pk: int) -> Any:
    """The bare floor: one COUNT of the campaign's cases, as JSON, no authentication, no serialisation."""
    from django.http import JsonResponse

    from doudi.casework.models import Case

    return JsonResponse({"count": Case.objects.filter(campaign_id=pk).count()})


# Set-up ------------------------------------------------------------------------------------------------------------


def database_env(workdir: Path, keep: Path | None = None, pg_name: str | None = None) -> dict[str, str]:
    env = {"DJANGO_SETTINGS_MODULE": "doudi.settings", "DOUDI_VAR": str(workdir)}
    if os.environ.get("DOUDI_DB", "sqlite") == "sqlite":
        env["DOUDI_SQLITE_PATH"] = str(keep or workdir / "bench.sqlite3")
    elif pg_name:
        env["DOUDI_PG_NAME"] = pg_name
        env["DOUDI_PG_KEEP"] = "1"
    else:
        env["DOUDI_PG_NAME"] = f"doudi_bench_api_{os.getpid()}"
    return env


def _pg_admin(sql: str) -> None:
    import psycopg

    params = {
        "host": os.environ.get("DOUDI_PG_HOST", "127.0.0.1"),
        "port": os.environ.get("DOUDI_PG_PORT", "5432"),
        "user": os.environ.get("DOUDI_PG_USER", "postgres"),
        "password": os.environ.get("DOUDI_PG_PASSWORD", ""),
        "dbname": "postgres",
    }
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(sql)


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    if "DOUDI_PG_NAME" in env and "DOUDI_PG_KEEP" not in env:
        _pg_admin(f'CREATE DATABASE "{env["DOUDI_PG_NAME"]}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def load_county(persons: int) -> tuple[int, int]:
    """(households, card households) of a county of `persons` persons."""
    from doudi.core import ids
    from doudi.core.divisions import yunnan
    from doudi.registry.models import Household, Membership, Person, PovertyRegistration

    villages = [v.code for t in yunnan().children(COUNTY) for v in yunnan().children(t.code)]
    rng = random.Random(6)
    sizes, left = [], persons
    while left > 0:
        sizes.append(min(left, 3 + len(sizes) % 2))
        left -= sizes[-1]
    households = [
        Household(origin="card" if i % 3 == 0 else "civil", household_no=f"B{i:09d}" if i % 3 == 0 else None)
        for i in range(len(sizes))
    ]
    for i, h in enumerate(households):
        h.set_village(villages[i % len(villages)])
    Household.objects.bulk_create(households, batch_size=5000)
    people, links, used = [], [], dict[date, int]()
    for h, size in zip(households, sizes, strict=True):
        for k in range(size):
            born = date(1940 + rng.randrange(70), 1 + rng.randrange(12), 1 + rng.randrange(28))
            p = Person(name=f"张{len(people) % 9973}", sex="M" if k % 2 == 0 else "F", birth_date=born)
            used[born] = used.get(born, 0) + 1
            p.id_number = ids.make(COUNTY, born, used[born])
            p.set_village(h.village_code)
            people.append(p)
            links.append((p, h, "户主" if k == 0 else "配偶" if k == 1 else "之子"))
    Person.objects.bulk_create(people, batch_size=5000)
    Membership.objects.bulk_create(
        [Membership(person=p, household=h, relation=r) for p, h, r in links], batch_size=5000
    )
    heads = iter(p for p, _h, r in links if r == "户主")
    for h in households:
        h.head = next(heads)
    Household.objects.bulk_update(households, ["head"], batch_size=5000)
    card = [h for h in households if h.origin == "card"]
    PovertyRegistration.objects.bulk_create(
        [PovertyRegistration(household=h, household_no=h.household_no, safety_net_mark=True) for h in card],
        batch_size=5000,
    )
    return len(households), len(card)


def open_campaign() -> tuple[int, int]:
    """(campaign id, cases), the cases spread over the states as in the middle of S3."""
    from doudi.casework import actions
    from doudi.casework.models import Case
    from doudi.registry.users import create_user

    civil = create_user("bench-civil", "x" * 12, "county_civil", COUNTY)
    campaign = actions.create_campaign(civil, 2020, COUNTY)
    actions.open_cases(civil, campaign, actions.safety_net_inputs(campaign), date(2020, 3, 16))
    cases = Case.objects.filter(campaign=campaign)
    ids = list(cases.order_by("id").values_list("id", flat=True))
    for modulo, state, step in (
        (2, "assessing", "S2"),
        (3, "proposed_eligible", "S3"),
        (5, "approved", "S4"),
    ):
        chosen = [pk for pk in ids if pk % modulo == 0]
        for start in range(0, len(chosen), 900):
            cases.filter(pk__in=chosen[start : start + 900]).update(state=state, due_step=step)
    return campaign.pk, len(ids)


def tokens() -> dict[str, str]:
    from django.contrib.auth.models import User

    from doudi.api.auth import issue_token
    from doudi.registry.users import create_user

    def login(name: str, role: str, scope: str) -> Any:
        found = User.objects.filter(username=name).first()
        return found or create_user(name, "x" * 12, role, scope)

    return {
        "county": issue_token(login("bench-county", "county_civil", COUNTY)),
        "township": issue_token(login("bench-township", "township", busiest_township())),
    }


def busiest_township() -> str:
    from django.db.models import Count

    from doudi.casework.models import Case

    row = (
        Case.objects.filter(township_code__startswith=COUNTY, state="assessing")
        .values("township_code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return str(row["township_code"]) if row else f"{COUNTY}101"


def last_case(campaign: int) -> int:
    from doudi.casework.models import Case

    return Case.objects.filter(campaign_id=campaign).order_by("-id").values_list("id", flat=True).first() or 0


def existing_campaign() -> tuple[int, int, int, int] | None:
    """(campaign, cases, households, card households) of a database kept by an earlier run (--db)."""
    from doudi.casework.models import Campaign, Case
    from doudi.registry.models import Household

    campaign = Campaign.objects.filter(year=2020, county_code=COUNTY).first()
    if campaign is None:
        return None
    cases = Case.objects.filter(campaign=campaign).count()
    return campaign.pk, cases, Household.objects.count(), Household.objects.filter(origin="card").count()


# Measuring ---------------------------------------------------------------------------------------------------------


def queries_per_request(path: str, token: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get(path)  # warm-up
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    """The server `doudi serve` runs (doudi.web.commands.run_server: gunicorn workers when workers > 1, else
    waitress with 8 threads), with this file's URLconf (the anchor) set before the workers fork."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "settings.ROOT_URLCONF = 'bench_api'; from doudi.web.commands import run_server; "
        f"run_server('127.0.0.1', {port}, threads=8 if {workers} == 1 else 4, workers={workers})"
    )
    server_env = {**os.environ, **env}
    server_env["PYTHONPATH"] = os.pathsep.join([str(HERE), server_env.get("PYTHONPATH", "")])
    process = subprocess.Popen(
        [sys.executable, "-c", code], env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the benchmark server did not start")


def cpu_seconds(pid: int) -> float:
    """utime + stime of the server process and its children (gunicorn's workers), seconds."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def hammer(port: int, paths: list[str], clients: int, headers: dict[str, str]) -> list[float]:
    """Each client thread takes its share of `paths` over one keep-alive connection; milliseconds per request."""
    timings: list[float] = []
    lock, start = threading.Lock(), threading.Barrier(clients)
    failures: list[str] = []

    def client(mine: list[str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        own: list[float] = []
        start.wait()
        for path in mine:
            began = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            own.append((time.perf_counter() - began) * 1000)
            if response.status != 200:
                failures.append(f"{path}: {response.status} {body[:200]!r}")
        conn.close()
        with lock:
            timings.extend(own)

    threads = [threading.Thread(target=client, args=(paths[i::clients],)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(failures[0])
    return timings


WRK_LUA = """
local paths = {%(paths)s}
local threads, i = {}, 0
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local n_bad = 0
  for _, t in ipairs(threads) do n_bad = n_bad + t:get("bad") end
  io.write(string.format('WRKJSON {"requests": %%d, "p50": %%.3f, "p95": %%.3f, "bad": %%d, "errors": %%d}\\n',
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000, n_bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def hammer_wrk(
    port: int, paths: list[str], clients: int, headers: dict[str, str], seconds: int
) -> dict[str, Any]:
    """Debian's wrk (C, event loop): `clients` keep-alive connections on one thread for `seconds`, cycling
    through `paths`; the load generator costs a fraction of what Python client threads cost on the same cores."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_LUA % {"paths": ", ".join(json.dumps(p) for p in paths)})
    command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--timeout", "60s", "-s", script.name]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, f"http://127.0.0.1:{port}/"], capture_output=True, text=True, check=True)
    os.unlink(script.name)
    line = next(x for x in out.stdout.splitlines() if x.startswith("WRKJSON "))
    got: dict[str, Any] = json.loads(line.removeprefix("WRKJSON "))
    if got["bad"] or got["errors"]:
        raise RuntimeError(f"{paths[0]}: {got['bad']} non-200 answers, {got['errors']} socket errors")
    return got


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(
    args: argparse.Namespace,
    port: int,
    pid: int,
    campaign: int,
    cases: int,
    token: dict[str, str],
    last_id: int,
) -> None:
    rng = random.Random(2020)
    pages = max(1, cases // PAGE)
    n = args.requests * args.clients
    loads = {
        "anchor": ([f"/bench/anchor/{campaign}"] * n, {}),
        "cases, county user, random page": (
            [
                f"/api/campaigns/{campaign}/cases?page={rng.randrange(1, pages + 1)}&page_size={PAGE}"
                for _ in range(n)
            ],
            {"Authorization": f"Bearer {token['county']}"},
        ),
        "cases, county user, keyset page (after=)": (
            [
                f"/api/campaigns/{campaign}/cases?after={rng.randrange(0, max(1, last_id))}&page_size={PAGE}"
                for _ in range(n)
            ],
            {"Authorization": f"Bearer {token['county']}"},
        ),
        "cases, township user, state filter": (
            [f"/api/campaigns/{campaign}/cases?state=assessing&page={1 + i % 5}" for i in range(n)],
            {"Authorization": f"Bearer {token['township']}"},
        ),
    }
    if args.tool == "wrk":
        measure_wrk(args, port, pid, loads)
        return
    results: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in loads}
    for run in range(args.runs):
        for name, (paths, headers) in loads.items():
            hammer(port, paths[: args.clients], args.clients, headers)  # warm-up: one request per client
            before = cpu_seconds(pid)
            timings = hammer(port, paths, args.clients, headers)
            cpu_ms = (cpu_seconds(pid) - before) * 1000 / len(paths)
            results[name][0].extend(timings)
            results[name][1].append(cpu_ms)
            print(
                f"run {run + 1} {name}: p50 {pct(timings, 0.5):.1f} ms, p95 {pct(timings, 0.95):.1f} ms, "
                f"server CPU {cpu_ms:.1f} ms/request, load {os.getloadavg()[0]:.1f}",
                file=sys.stderr,
                flush=True,
            )
    print(
        f"| request ({args.clients} clients, {n} requests x {args.runs} runs) | p50 | p95 | server CPU / request |"
    )
    print("|---|---|---|---|")
    for name, (timings, cpu) in results.items():
        print(
            f"| {name} | {pct(timings, 0.5):.1f} ms | {pct(timings, 0.95):.1f} ms | "
            f"{statistics.median(cpu):.1f} ms |"
        )


def measure_wrk(
    args: argparse.Namespace, port: int, pid: int, loads: dict[str, tuple[list[str], dict[str, str]]]
) -> None:
    """Each load for --seconds under wrk, --runs times; medians over the runs of wrk's p50 and p95."""
    rows: dict[str, list[tuple[float, float, float]]] = {name: [] for name in loads}
    for run in range(args.runs):
        for name, (paths, headers) in loads.items():
            hammer_wrk(port, paths, args.clients, headers, 2)  # warm-up
            before = cpu_seconds(pid)
            got = hammer_wrk(port, paths, args.clients, headers, args.seconds)
            cpu_ms = (cpu_seconds(pid) - before) * 1000 / max(1, got["requests"])
            rows[name].append((got["p50"], got["p95"], cpu_ms))
            print(
                f"run {run + 1} {name}: {got['requests']} requests, p50 {got['p50']:.1f} ms, p95 {got['p95']:.1f} ms,"
                f" server CPU {cpu_ms:.1f} ms/request, load {os.getloadavg()[0]:.1f}",
                file=sys.stderr,
                flush=True,
            )
    print(
        f"| request (wrk, {args.clients} connections, {args.seconds} s x {args.runs} runs) | p50 | p95 | runs' p95 |"
    )
    print("|---|---|---|---|")
    for name, got in rows.items():
        p50, p95 = statistics.median(r[0] for r in got), statistics.median(r[1] for r in got)
        each = ", ".join(f"{r[1]:.0f}" for r in got)
        cpu = statistics.median(r[2] for r in got)
        print(f"| {name} | {p50:.1f} ms | {p95:.1f} ms | {each} ms (server CPU {cpu:.1f} ms/request) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=40, help="per client and run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, default=None, help="SQLite file to keep and reuse between runs")
    parser.add_argument("--pg-name", default=None, help="PostgreSQL database to keep and reuse (not dropped)")
    parser.add_argument(
        "--county", default="532923", help="county of the campaign (530523: the database of bench_pages.py)"
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="server processes (1: waitress, 8 threads)"
    )
    parser.add_argument(
        "--tool",
        choices=("wrk", "threads"),
        default="wrk",
        help="load generator: Debian's wrk, or Python threads",
    )
    parser.add_argument("--seconds", type=int, default=10, help="wrk: seconds per load and run")
    args = parser.parse_args()
    if args.tool == "wrk" and shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (or --tool threads)")
    global COUNTY
    COUNTY = args.county
    with tempfile.TemporaryDirectory(prefix="doudi-bench-api-") as tmp:
        env = database_env(Path(tmp), args.db, args.pg_name)
        setup_django(env)
        server = None
        try:
            began = time.perf_counter()
            kept = existing_campaign()
            if kept is None:
                households, card = load_county(args.persons)
                campaign, cases = open_campaign()
            else:
                campaign, cases, households, card = kept
                print(f"reusing {args.db}", flush=True)
            token = tokens()
            from django.db import connection

            connection.close()
            print(
                f"database {connection.vendor}: {args.persons} persons, {households} households, {card} card "
                f"households, {cases} cases; set-up {time.perf_counter() - began:.0f} s",
                flush=True,
            )
            for who, path in (
                ("county", f"/api/campaigns/{campaign}/cases?page=7&page_size={PAGE}"),
                ("township", f"/api/campaigns/{campaign}/cases?state=assessing"),
            ):
                print(f"SQL queries per case-list request ({who}): {queries_per_request(path, token[who])}")
            connection.close()
            port = free_port()
            server = start_server(env, port, args.workers)
            print(
                f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}; "
                f"load average at start {os.getloadavg()[0]:.1f}"
            )
            measure(args, port, server.pid, campaign, cases, token, last_case(campaign))
        finally:
            if server is not None:
                server.terminate()
                server.wait()
            if "DOUDI_PG_NAME" in env and "DOUDI_PG_KEEP" not in env:
                from django.db import connections

                connections.close_all()
                _pg_admin(f'DROP DATABASE IF EXISTS "{env["DOUDI_PG_NAME"]}"')


if __name__ == "__main__":
    main()
