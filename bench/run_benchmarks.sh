#!/usr/bin/env bash
# `make bench`: the Google Benchmark suite (processor compute over one season
# in memory, engine overhead per date), medians of 5 repetitions, then the
# end-to-end timing of one full backfill of the default range.
set -euo pipefail
BUILD_DIR=${1:-build}
"$BUILD_DIR/phase4_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_display_aggregates_only=true 2>&1 | grep -vE '_(mean|stddev|cv)\b'

WH=$(mktemp -d)
trap 'rm -rf "$WH"' EXIT
"$BUILD_DIR/phase4" --warehouse "$WH/wh" generate --seasons 2021-2024 >/dev/null
echo
echo "End to end: run-all over 2021-10-19..2025-06-22 (all processors, SQLite):"
/usr/bin/time -f "  %e s wall, %U s user, %S s sys, %M KiB peak RSS" \
  "$BUILD_DIR/phase4" --warehouse "$WH/wh" run-all --start-date 2021-10-19 --end-date 2025-06-22 \
  --checkpoint-dir "$WH/ck" >"$WH/run-all.log"
grep -E '^(✓|✗)' "$WH/run-all.log"
