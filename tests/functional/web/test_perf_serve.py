"""`doudi serve --workers N`: pre-fork worker processes on Linux (gunicorn), waitress with one."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from doudi.web import commands


def _calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(commands, "_pending_migrations", lambda: [])

    def run_server(host: str, port: int, threads: int, workers: int) -> None:
        seen.append({"host": host, "port": port, "threads": threads, "workers": workers})

    monkeypatch.setattr(commands, "run_server", run_server)
    return seen


def test_serve_defaults_to_one_worker_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _calls(monkeypatch)
    assert CliRunner().invoke(commands.serve, ["--port", "8123"]).exit_code == 0
    assert seen == [{"host": "127.0.0.1", "port": 8123, "threads": 8, "workers": os.cpu_count() or 1}]
    assert CliRunner().invoke(commands.serve, ["--workers", "3", "--threads", "2"]).exit_code == 0
    assert seen[-1]["workers"] == 3 and seen[-1]["threads"] == 2


def test_serve_rejects_zero_workers_and_keeps_the_secret_key_check(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _calls(monkeypatch)
    result = CliRunner().invoke(commands.serve, ["--workers", "0"])
    assert result.exit_code != 0 and "--workers" in result.output
    result = CliRunner().invoke(commands.serve, ["--host", "0.0.0.0", "--workers", "4"])
    assert result.exit_code != 0 and "DOUDI_SECRET_KEY" in result.output
    assert seen == []


def test_gunicorn_options_bind_the_address_and_load_the_app_in_each_worker() -> None:
    options = commands.gunicorn_options("127.0.0.1", 8000, 2, 4)
    assert options["bind"] == "127.0.0.1:8000" and options["workers"] == 2 and options["threads"] == 4
    assert options["preload_app"] is False and options["worker_class"] == "gthread"
    assert commands.gunicorn_options("::1", 8000, 2, 4)["bind"] == "[::1]:8000"


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not commands.can_prefork(), reason="gunicorn runs on POSIX systems only")
def test_two_workers_serve_in_separate_processes() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = (
        "from doudi.cli import setup_django; setup_django(); from doudi.web.commands import run_server; "
        f"run_server('127.0.0.1', {port}, threads=2, workers=2)"
    )
    server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline, body = time.monotonic() + 60, b""
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                body = conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.3)
        assert body == b'{"status": "ok"}'
        deadline = time.monotonic() + 30
        while len(_children(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_children(server.pid)) == 2
    finally:
        server.terminate()
        server.wait(timeout=30)
