#!/usr/bin/env bash
# `make bench` section [7] (doc/benchmarks.md, doc/postgres.md): the PostgreSQL
# warehouse against SQLite in the same run, on a throwaway local PostgreSQL 15
# server (scripts/pg-throwaway.sh: fsync on, synchronous_commit off, which is
# SQLite's synchronous=NORMAL in WAL mode: a commit survives a crash of the
# process, a power loss may lose the last ones).
#
#   full backfill: run-all 2021-10-19..2025-06-22 on a generated four-season
#     league, alternately on a fresh SQLite copy and on a fresh database
#     (CREATE DATABASE ... TEMPLATE of the generated one), fresh checkpoints;
#     wall time, peak RSS of phase4 (/usr/bin/time %M), and the server's
#     memory: the peak over the run of the sum of the proportional set size
#     (Pss: shared buffers divided among the processes that map them) of the
#     server's processes, sampled every 100 ms.
#   live: one date, all five processors (`phase4 process all`), 1 warm-up +
#     BENCH_LIVE_RUNS runs on the warehouse of the last backfill.
#
# Usage: bench/postgres_bench.sh [BUILD_DIR]; environment as run_benchmarks.sh
# (BENCH_QUICK, BENCH_RUNS, BENCH_LIVE_RUNS, BENCH_LIVE_DATE).
set -euo pipefail
BUILD_DIR=${1:-build}
QUICK=${BENCH_QUICK:-0}
if [[ $QUICK == 1 ]]; then RUNS=${BENCH_RUNS:-1}; else RUNS=${BENCH_RUNS:-3}; fi
LIVE_RUNS=${BENCH_LIVE_RUNS:-5}
LIVE_DATE=${BENCH_LIVE_DATE:-2025-01-15}
LIVE_TODAY=$(date -u -d "$LIVE_DATE + 1 day" +%F)
START=2021-10-19
END=2025-06-22
here=$(cd "$(dirname "$0")" && pwd)
PHASE4=$(realpath "$BUILD_DIR/phase4")
unset PHASE4_SLACK_WEBHOOK_URL PHASE4_WAREHOUSE

source "$here/bench_lib.sh"  # median, mib, now_ns, start_pg_server, sql, uri
start_pg_server phase4-pgbench

# The server's memory now: the sum of Pss (KiB) of the postmaster and its children.
server_pss() {
  local total=0 p v
  for p in $POSTMASTER $(cat /proc/"$POSTMASTER"/task/*/children 2>/dev/null); do
    v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}
# Samples server_pss every 100 ms into $1 until killed.
sample_server() { local peak=0 v; while true; do v=$(server_pss); ((v > peak)) && peak=$v && echo "$peak" >"$1"; sleep 0.1; done; }

printf '\n== [7] PostgreSQL 15 (local, port %s) against SQLite, same run: full default backfill (%d runs), one live date\n' "$PORT" "$RUNS"
"$PHASE4" --warehouse "$TMP/gen" init >/dev/null
"$PHASE4" --warehouse "$TMP/gen" generate --seasons 2021-2024 >/dev/null
sql "CREATE DATABASE gen"
"$PHASE4" --warehouse "$(uri gen)" generate --seasons 2021-2024 >/dev/null
echo "  generated 2021-2024 into both; server memory at rest: $(mib "$(server_pss)") Pss"

# run-all on $1 (a location); leaves "$2.time" (wall user sys maxrss) and "$2.log".
run_all() {
  local wh=$1 out=$2 status=0
  /usr/bin/time -f '%e %U %S %M' -o "$out.time" \
    "$PHASE4" --warehouse "$wh" run-all --start-date "$START" --end-date "$END" \
    --checkpoint-dir "$out.ck" >"$out.log" 2>&1 || status=$?
  if [[ $status != 0 || $(grep -c '^✓ #[0-9] .* completed' "$out.log") != 5 ]]; then
    echo "  run-all on $wh FAILED (exit $status); log:" >&2
    tail -20 "$out.log" >&2
    return 1
  fi
}
sq_walls=() pg_walls=() pg_rss=() sq_rss=() server_peaks=()
for ((r = 1; r <= RUNS; ++r)); do
  rm -rf "$TMP/sq" "$TMP/sq.ck" && cp -r "$TMP/gen" "$TMP/sq"
  run_all "$TMP/sq" "$TMP/sq"
  read -r wall _ _ rss <"$TMP/sq.time"
  sq_walls+=("$wall") sq_rss+=("$rss")
  sql "DROP DATABASE IF EXISTS run" && sql "CREATE DATABASE run TEMPLATE gen"
  rm -rf "$TMP/pg.ck"
  echo 0 >"$TMP/server.peak"
  sample_server "$TMP/server.peak" &
  sampler=$!
  run_all "$(uri run)" "$TMP/pg"
  kill "$sampler" && wait "$sampler" 2>/dev/null || true
  read -r pwall _ _ prss <"$TMP/pg.time"
  peak=$(cat "$TMP/server.peak")
  pg_walls+=("$pwall") pg_rss+=("$prss") server_peaks+=("$peak")
  printf '  run %d: SQLite %6.2f s (phase4 peak RSS %s); PostgreSQL %6.2f s (phase4 peak RSS %s, server peak Pss %s)\n' \
    "$r" "$wall" "$(mib "$rss")" "$pwall" "$(mib "$prss")" "$(mib "$peak")"
done
SQ=$(printf '%s\n' "${sq_walls[@]}" | median)
PG=$(printf '%s\n' "${pg_walls[@]}" | median)
printf 'RESULT postgres_full_backfill median_wall_s=%.2f sqlite_median_wall_s=%.2f ratio=%.2f phase4_peak_rss_kib=%d sqlite_phase4_peak_rss_kib=%d server_peak_pss_kib=%d runs=%d\n' \
  "$PG" "$SQ" "$(awk -v a="$PG" -v b="$SQ" 'BEGIN {print a / b}')" \
  "$(printf '%s\n' "${pg_rss[@]}" | median)" "$(printf '%s\n' "${sq_rss[@]}" | median)" \
  "$(printf '%s\n' "${server_peaks[@]}" | median)" "$RUNS"

pg_live=$(process_all_ms "$(uri run)" "$LIVE_TODAY")
sq_live=$(process_all_ms "$TMP/sq" "$LIVE_TODAY")
echo "  phase4 process all --analysis-date $LIVE_DATE, PHASE4_TODAY=$LIVE_TODAY (ms): PostgreSQL $pg_live; SQLite $sq_live"
printf 'RESULT postgres_live_one_date median_ms=%d sqlite_median_ms=%d date=%s runs=%d command=process_all\n' \
  "$(tr ' ' '\n' <<<"$pg_live" | median)" "$(tr ' ' '\n' <<<"$sq_live" | median)" "$LIVE_DATE" "$LIVE_RUNS"
