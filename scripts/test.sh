#!/usr/bin/env bash
# The whole test suite: lint, types, then pytest on SQLite and again on PostgreSQL.
# With CI=true an unreachable PostgreSQL is a failure; elsewhere it is reported and that pass is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"
ruff check src tests bench
ruff format --check src tests bench
echo "== mypy (strict on the pure packages)"
mypy

echo "== pytest on SQLite"
DOUDI_DB=sqlite pytest "$@"

PGHOST=${DOUDI_PG_HOST:-127.0.0.1}
if .venv/bin/python - "$PGHOST" <<'PY'
import sys, psycopg
try:
    psycopg.connect(host=sys.argv[1], port=5432, user="postgres", dbname="test", connect_timeout=5).close()
except Exception as exc:
    print(f"PostgreSQL unreachable: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
    echo "== pytest on PostgreSQL"
    DOUDI_DB=postgres pytest "$@"
elif [ "${CI:-}" = "true" ]; then
    echo "FAIL: PostgreSQL at $PGHOST:5432 (database test, user postgres) is required under CI" >&2
    exit 1
else
    echo "WARNING: PostgreSQL unreachable; the PostgreSQL pass did not run (it is required under CI)" >&2
fi
