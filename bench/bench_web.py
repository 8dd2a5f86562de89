"""Benchmark: server time of the main pages on the demo county (issue 7: every page at most 300 ms at p95).

    .venv/bin/python bench/bench_web.py [--var /tmp/doudi-bench-web] [--requests 30] [--runs 3]

Builds the demo county with `doudi.web.demo.run` (the README's main command without the server: 3,000 persons of
龙陵县, matched, assessed, a campaign in progress) into its own SQLite database under --var, once (the steps are
idempotent, so a rerun reuses it). Then, per run, each page is requested --requests times after one warm-up
request through Django's test client in this process: the full middleware, session, template and database work of
a request, without the network. p50 and p95 (wall and this process's CPU time per request) are over all requests
of all runs; the anchor, in the same run, is /healthz (a request through the same stack that touches no table). On
a shared machine the CPU figures are the steadier ones: wall time there includes waiting for a core.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

COUNTY = "530523"
PERSONS = 3_000
SEED = 2020


def setup(var: Path) -> None:
    var.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    os.environ["DOUDI_VAR"] = str(var)
    os.environ["DOUDI_DB"] = "sqlite"
    os.environ["DOUDI_SQLITE_PATH"] = str(var / "doudi.sqlite3")
    import django

    django.setup()
    from doudi.web import demo

    demo.run(COUNTY, PERSONS, SEED, echo=lambda line: print(line, flush=True))


def pages() -> list[tuple[str, str, str]]:
    """(label, user, url) of the main pages, each as the role that uses it."""
    from doudi.casework.models import Case

    township = f"township_{COUNTY}"
    civil = f"county_civil_{COUNTY}"
    case = (
        Case.objects.filter(township_code__startswith=COUNTY).exclude(state="received").order_by("id").first()
    )
    case = case or Case.objects.order_by("id").first()
    assert case is not None, "the demo has no cases"
    return [
        ("anchor: /healthz", civil, "/healthz"),
        ("工作台 home (county)", civil, "/"),
        ("待我办理 worklist (township)", township, "/worklist/"),
        ("统计看板 dashboard (county)", civil, "/dashboard/"),
        ("统计看板 dashboard (township)", township, f"/dashboard/?region={case.township_code}"),
        ("个案 case page (township)", township, f"/cases/{case.pk}/"),
        ("查找 search 张 (county)", civil, "/search/?q=%E5%BC%A0"),
        ("导入名册 imports (county)", civil, "/imports/"),
        ("行动结果 outcomes.xlsx (township)", township, f"/outcomes.xlsx?region={case.township_code}"),
        ("待我办理 worklist.xlsx (township)", township, "/worklist.xlsx"),
    ]


def timed(get: Callable[[], object], n: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of n requests after a warm-up request (caches, first template compile)."""
    get()
    out = []
    for _ in range(n):
        started, cpu = time.perf_counter(), time.process_time()
        response = get()
        out.append((time.perf_counter() - started, time.process_time() - cpu))
        assert getattr(response, "status_code", 0) == 200, response
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", type=Path, default=Path("/tmp/doudi-bench-web"))
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup(args.var)
    from django.contrib.auth.models import User
    from django.test import Client

    clients: dict[str, Client] = {}
    times: dict[str, list[tuple[float, float]]] = {}
    cpu: list[float] = []
    for _run in range(args.runs):
        started = time.process_time()
        for label, username, url in pages():
            if username not in clients:
                clients[username] = Client()
                clients[username].force_login(User.objects.get(username=username))
            client = clients[username]
            times.setdefault(label, []).extend(timed(lambda c=client, u=url: c.get(u), args.requests))
        cpu.append(time.process_time() - started)
    print(
        f"\n{platform.node()} · {os.cpu_count()} cores · load {os.getloadavg()} · "
        f"CPU s per run {statistics.median(cpu):.1f} · {args.runs} runs × {args.requests} requests per page"
    )
    print("| page | p50 ms | p95 ms | max ms | CPU ms p50 | CPU ms p95 |\n|---|---|---|---|---|---|")
    for label, pairs in times.items():
        wall, cpu = [w * 1000 for w, _c in pairs], [c * 1000 for _w, c in pairs]
        print(
            f"| {label} | {percentile(wall, 0.5):.1f} | {percentile(wall, 0.95):.1f} | {max(wall):.1f} "
            f"| {percentile(cpu, 0.5):.1f} | {percentile(cpu, 0.95):.1f} |"
        )


if __name__ == "__main__":
    main()
