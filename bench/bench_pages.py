"""Benchmark: every main page of a 300,000-person county under a load tool (wrk) on loopback (issue 7: ≤ 300 ms p95).

    .venv/bin/python bench/bench_pages.py [--persons 300000] [--duration 6] [--connections 2] [--workers 2]
    DOUDI_DB=postgres .venv/bin/python bench/bench_pages.py ...      # database doudi_serve<N>k, kept

Set-up (once, kept for reruns; not timed): the demo county (`doudi.web.demo.run`: the rosters synthesised,
imported, assessed, matched, the campaign's cases opened and some moved, departmental feeds checked: the real paths
of `doudi demo`) of --persons persons of 龙陵县 (530523), in /tmp/serve/demo<N>k.sqlite3 or in the
PostgreSQL database doudi_serve<N>k (--db / --pg-name to choose another). The synthesised rosters are cached
under --var and shared by both databases.

Measured: the server is `doudi serve --workers W` itself (gunicorn pre-fork workers on Linux) in a child process;
each page is requested by `wrk` (Debian's wrk 4) with a logged-in session cookie for --duration seconds over
--connections keep-alive connections, after a warm-up request. wrk's Lua script reports p50/p95/max and the count
of non-200 answers (any fails the run). "Server CPU" is user+system time of the gunicorn master and its workers
(from /proc) per request: the figure that does not depend on the load average; on PostgreSQL it leaves out the
database's own processes. The anchor in the same run and the same way: /healthz (no table, no session).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

COUNTY = "530523"
SEED = 2020
LIMIT_MS = 300.0
ROOT = Path(__file__).resolve().parent.parent

LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; first_bad = "" end
function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if first_bad == "" then first_bad = tostring(status) end
  end
end
function done(summary, latency, requests)
  local n_bad, why = 0, ""
  for _, t in ipairs(threads) do
    n_bad = n_bad + t:get("bad")
    if why == "" then why = t:get("first_bad") end
  end
  io.write(string.format(
    'WRKJSON {"requests": %d, "p50": %.3f, "p95": %.3f, "max": %.3f, "bad": %d, "why": "%s", "errors": %d}\\n',
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency.max / 1000,
    n_bad, why, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def database_env(args: argparse.Namespace) -> dict[str, str]:
    env = {"DJANGO_SETTINGS_MODULE": "doudi.settings", "DOUDI_VAR": str(args.var)}
    if os.environ.get("DOUDI_DB", "sqlite") == "postgres":
        env["DOUDI_DB"] = "postgres"
        env["DOUDI_PG_NAME"] = args.pg_name or f"doudi_serve{args.persons // 1000}k"
    else:
        env["DOUDI_DB"] = "sqlite"
        env["DOUDI_SQLITE_PATH"] = str(args.db or Path(f"/tmp/serve/demo{args.persons // 1000}k.sqlite3"))
    return env


def build(args: argparse.Namespace, env: dict[str, str]) -> None:
    """The demo county through `doudi.web.demo.run` (idempotent: a kept database is reused)."""
    os.environ.update(env)
    if env["DOUDI_DB"] == "postgres":
        import psycopg

        with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as conn:
            if not conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [env["DOUDI_PG_NAME"]]
            ).fetchone():
                conn.execute(f'CREATE DATABASE "{env["DOUDI_PG_NAME"]}"')
    else:
        Path(env["DOUDI_SQLITE_PATH"]).parent.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from doudi.casework.models import Campaign
    from doudi.web import demo

    try:
        done = Campaign.objects.filter(county_code=COUNTY).exists()
    except Exception:  # a fresh database: no tables yet
        done = False
    if not done:
        began = time.perf_counter()
        demo.run(COUNTY, args.persons, SEED, echo=lambda line: print(line, file=sys.stderr, flush=True))
        print(f"set-up {time.perf_counter() - began:.0f} s", file=sys.stderr)
    else:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)  # a kept database, migrations added since
    from django.db import connections

    connections.close_all()


def pages() -> list[tuple[str, str, str]]:
    """(label, username, url) of the main pages, each as the role that uses it."""
    from doudi.casework.models import Case
    from doudi.registry.models import Person
    from doudi.web.search import initials

    township, civil = f"township_{COUNTY}", f"county_civil_{COUNTY}"
    from django.contrib.auth.models import User

    scope = User.objects.get(username=township).profile.scope
    case = Case.objects.filter(township_code=scope).exclude(state="received").order_by("id").first()
    case = case or Case.objects.filter(township_code=scope).order_by("id").first()
    assert case is not None, "the demo township has no cases"
    person = (
        Person.objects.filter(village_code__startswith=COUNTY).exclude(id_number=None).order_by("id")[1000]
    )
    surname = urllib.parse.quote(person.name[:1])
    return [
        ("anchor: /healthz", civil, "/healthz"),
        ("工作台 home (county)", civil, "/"),
        ("待我办理 worklist (township)", township, "/worklist/"),
        ("待我办理 worklist (county)", civil, "/worklist/"),
        ("统计看板 dashboard (county)", civil, "/dashboard/"),
        ("统计看板 dashboard (township)", township, f"/dashboard/?region={scope}"),
        ("个案 case page (township)", township, f"/cases/{case.pk}/"),
        (f"查找 search by name {person.name[:1]} (county)", civil, f"/search/?q={surname}"),
        (
            f"查找 search by full name {person.name} (county)",
            civil,
            f"/search/?q={urllib.parse.quote(person.name)}",
        ),
        (
            f"查找 search by pinyin initials {initials(person.name)} (county)",
            civil,
            f"/search/?q={initials(person.name)}",
        ),
        ("查找 search by ID (county)", civil, f"/search/?q={person.id_number}"),
        ("导入名册 imports (county)", civil, "/imports/"),
        ("名册 rosters (county)", civil, "/rosters/"),
        ("动态监测 watch reviews (county)", civil, "/watch/"),
        ("动态监测 watch changes (county)", civil, "/watch/changes/"),
        ("动态监测 watch warnings (county)", civil, "/watch/warnings/"),
        ("动态监测 watch payroll (township)", township, "/watch/payroll/"),
        ("行动结果 outcomes.xlsx (township)", township, f"/outcomes.xlsx?region={scope}"),
        ("行动结果 outcomes.xlsx (county)", civil, "/outcomes.xlsx"),
        ("待我办理 worklist.xlsx (township)", township, "/worklist.xlsx"),
    ]


def session_cookies(usernames: set[str]) -> dict[str, str]:
    from django.contrib.auth.models import User
    from django.test import Client

    cookies = {}
    for name in usernames:
        client = Client()
        client.force_login(User.objects.get(username=name))
        cookies[name] = client.cookies["sessionid"].value
    return cookies


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    command = [str(ROOT / ".venv/bin/doudi"), "serve", "--port", str(port), "--workers", str(workers)]
    command += ["--threads", str(threads)]
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the server did not start")


def tree_cpu(pid: int) -> float:
    """utime + stime of a process and its children (the gunicorn master and its workers), seconds."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            rest = stat.read_text().rsplit(")", 1)[1]
        except OSError:
            continue
        fields = rest.split()
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def wrk(port: int, url: str, cookie: str, args: argparse.Namespace, script: Path) -> dict[str, Any]:
    command = [
        "wrk",
        "-t1",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "60s",
        "-s",
        str(script),
    ]
    command += ["-H", f"Cookie: sessionid={cookie}", f"http://127.0.0.1:{port}{url}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    return dict(json.loads(line.removeprefix("WRKJSON ")))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--var", type=Path, default=Path("/tmp/serve/var"), help="rosters cache (DOUDI_VAR)")
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (kept)")
    parser.add_argument("--pg-name", default=None, help="PostgreSQL database (kept)")
    parser.add_argument("--duration", type=int, default=6, help="seconds of load per page and run")
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", default="", help="measure only pages whose label contains this text")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    env = database_env(args)
    build(args, env)
    targets = [p for p in pages() if args.only in p[0] or p[2] == "/healthz"]
    cookies = session_cookies({user for _label, user, _url in targets})
    from django.db import connection

    vendor = connection.vendor
    connection.close()
    port = free_port()
    server = start_server(env, port, args.workers, args.threads)
    results: dict[str, list[dict[str, Any]]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
            script = Path(tmp) / "report.lua"
            script.write_text(LUA)
            # Every worker up and warm (Django imported, URLconf loaded) before anything is timed.
            warm_up = ["wrk", "-t1", f"-c{2 * args.workers}", "-d4s", f"http://127.0.0.1:{port}/healthz"]
            subprocess.run(warm_up, capture_output=True, check=True)
            for run in range(args.runs):
                for label, user, url in targets:
                    curl = ["curl", "-s", "-m", "120", "-o", "/dev/null", "-w", "%{http_code}"]
                    curl += ["-b", f"sessionid={cookies[user]}", f"http://127.0.0.1:{port}{url}"]
                    warm = subprocess.run(curl, capture_output=True, text=True).stdout
                    if warm != "200":
                        raise SystemExit(f"{label}: {url} answered {warm}")
                    load, cpu = os.getloadavg()[0], tree_cpu(server.pid)
                    got = wrk(port, url, cookies[user], args, script)
                    got["cpu_ms"] = (tree_cpu(server.pid) - cpu) * 1000 / max(1, got["requests"])
                    got["load"] = load
                    if got["bad"] or got["errors"]:
                        raise SystemExit(f"{label}: {got}")
                    results.setdefault(label, []).append(got)
                    print(
                        f"run {run + 1} {label}: {got['requests']} requests, p50 {got['p50']:.1f} ms, "
                        f"p95 {got['p95']:.1f} ms, server CPU {got['cpu_ms']:.1f} ms/request, load {load:.1f}",
                        file=sys.stderr,
                        flush=True,
                    )
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(
        f"\n{vendor}, {args.persons} persons; {platform.machine()}, {os.cpu_count()} cores; `doudi serve --workers "
        f"{args.workers} --threads {args.threads}`; wrk -c{args.connections} -d{args.duration}s x {args.runs} runs"
    )
    print("| page | requests | p50 ms | p95 ms | server CPU ms / request | load |")
    print("|---|---|---|---|---|---|")
    for label, runs in results.items():
        p95 = statistics.median(r["p95"] for r in runs)
        flag = "" if p95 <= LIMIT_MS or label.startswith("anchor") else " **over 300**"
        print(
            f"| {label} | {sum(r['requests'] for r in runs)} | {statistics.median(r['p50'] for r in runs):.1f} "
            f"| {p95:.1f}{flag} | {statistics.median(r['cpu_ms'] for r in runs):.1f} "
            f"| {min(r['load'] for r in runs):.1f}-{max(r['load'] for r in runs):.1f} |"
        )


if __name__ == "__main__":
    main()
