"""The pure packages import no Django, directly or through anything they import."""

import subprocess
import sys

import pytest

PURE = [
    "core",
    "ingest",
    "linkage",
    "rules",
    "campaign",
    "monitor",
    "signing",
    "synth",
    "evidence",
    "reports",
]


@pytest.mark.parametrize("package", PURE)
def test_pure_package_does_not_load_django(package: str) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module('doudi.{package}')\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"doudi.{package} loads Django: {result.stdout.strip()[:200]}"
