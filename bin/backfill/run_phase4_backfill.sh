#!/usr/bin/env bash
# Runs every Phase 4 backfill job in dependency order. A thin wrapper over
# `phase4 run-all`: it takes every flag run-all takes, plus the global
# --warehouse and --log-level; the jobs, their numbers and stages are the
# binary's (`--help` here shows `phase4 run-all --help`, which lists them);
# see doc/backfill.md.
#
#   ./bin/backfill/run_phase4_backfill.sh --start-date 2021-10-19 --end-date 2025-06-22
#   ./bin/backfill/run_phase4_backfill.sh --start-date 2024-01-01 --end-date 2024-03-31 --dry-run
#   ./bin/backfill/run_phase4_backfill.sh --start-date 2024-01-01 --end-date 2024-03-31 --start-from 3
#   ./bin/backfill/run_phase4_backfill.sh --warehouse /data/wh --checkpoint-dir /data/ck \
#       --start-date 2021-10-19 --end-date 2025-06-22 --json
#
# The phase4 binary is $PHASE4_BIN, else build/phase4 of this repository,
# else `phase4` on the PATH. The warehouse is --warehouse, else
# $PHASE4_WAREHOUSE, else ./warehouse, else this repository's warehouse/
# (where `make demo` puts it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ -n "${PHASE4_BIN:-}" ]; then
  bin="$PHASE4_BIN"
elif [ -x "$here/build/phase4" ]; then
  bin="$here/build/phase4"
else
  bin="$(command -v phase4 || true)"
fi
if [ -z "$bin" ]; then
  echo "Error: no phase4 binary (build it with 'make', or set PHASE4_BIN)" >&2
  exit 1
fi

usage() {
  cat <<USAGE
Usage: $0 --start-date YYYY-MM-DD --end-date YYYY-MM-DD [run-all options]
       [--warehouse DIR|URI] [--log-level LEVEL]

Every option of \`phase4 run-all\` is accepted and passed on (shown below);
--warehouse and --log-level are phase4's global options.

USAGE
  "$bin" run-all --help
}

global=() args=()
warehouse=""
while [ $# -gt 0 ]; do
  case "$1" in
    --warehouse) warehouse="${2:?--warehouse needs a value}"; shift 2 ;;
    --warehouse=*) warehouse="${1#--warehouse=}"; shift ;;
    --log-level) global+=(--log-level "${2:?--log-level needs a value}"); shift 2 ;;
    --log-level=*) global+=("$1"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done

if [ -z "$warehouse" ] && [ -z "${PHASE4_WAREHOUSE:-}" ]; then
  if [ -e ./warehouse ]; then
    warehouse="./warehouse"
  elif [ -e "$here/warehouse" ]; then
    warehouse="$here/warehouse"
    echo "Using the warehouse of this repository: $warehouse (no ./warehouse in $PWD)" >&2
  else
    echo "Error: no warehouse found: looked in $PWD/warehouse and $here/warehouse;" \
      "give --warehouse DIR|URI or set PHASE4_WAREHOUSE (\`make demo\` creates $here/warehouse)" >&2
    exit 1
  fi
fi
if [ -n "$warehouse" ]; then global+=(--warehouse "$warehouse"); fi
exec "$bin" "${global[@]}" run-all "${args[@]}"
