#!/usr/bin/env bash
# The demo behind `make demo-postgres`: starts a throwaway local PostgreSQL 15
# server (scripts/pg-throwaway.sh, as the tests do), creates a database and
# runs the same demo as `make demo` (scripts/demo.sh) against it. The server
# and its directory are removed at the end, also on failure or Ctrl-C; the
# run-all log and the checkpoints go to ./warehouse-postgres.
set -euo pipefail
PHASE4=${1:-build/phase4}
WORKDIR=${2:-./warehouse-postgres}
here=$(cd "$(dirname "$0")" && pwd)
server=$(mktemp -d "${TMPDIR:-/tmp}/phase4-demo-postgres.XXXXXX")
cleanup() {
  bash "$here/pg-throwaway.sh" stop "$server" >/dev/null 2>&1 || true
  rm -rf "$server"
}
trap cleanup EXIT
port=$(bash "$here/pg-throwaway.sh" start "$server")
psql_bin=/usr/lib/postgresql/15/bin/psql
"$psql_bin" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE demo"
uri="postgresql://postgres@127.0.0.1:$port/demo"
printf 'PostgreSQL 15 server on 127.0.0.1:%s (data in %s, removed at the end)\n' "$port" "$server"
rm -rf "$WORKDIR/checkpoints"  # a fresh database never meets an old checkpoint
bash "$here/demo.sh" "$PHASE4" "$uri" "$WORKDIR"
