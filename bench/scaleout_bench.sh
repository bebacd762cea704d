#!/usr/bin/env bash
# `make bench` section [8] (doc/scale-out.md, doc/benchmarks.md): `phase4 worker`
# on a throwaway local PostgreSQL 15 server (scripts/pg-throwaway.sh, fsync on,
# synchronous_commit off, as in [7]).
#
#   full backfill: run-all 2021-10-19..2025-06-22 on a generated four-season
#     league, each run in a fresh database (CREATE DATABASE ... TEMPLATE):
#     single-process run-all, then run-all --workers N for each N of
#     BENCH_SCALEOUT_WORKERS (local worker processes); per run the wall time,
#     the CPU time of phase4 (run-all and its workers: user + system) and of
#     the server (the postmaster and every backend, exited ones included), and
#     the workers' own claim time per unit (their summary lines).
#   a worker's cost per season it holds: run-all --workers 1 over one
#     mid-season date of each season (a season load and five units).
#   the queue alone (bench/claim_bench.cc): 4,225 units that do no work (845
#     days x 5 jobs with their real upstreams), claimed and committed by one
#     worker (claim and commit ms per unit), then by 16 at once (claims/s).
#
# Usage: bench/scaleout_bench.sh [BUILD_DIR]
#   BENCH_QUICK=1               one run of each
#   BENCH_SCALEOUT_RUNS=N       runs of each backfill and of the queue bench (default 3; quick 1)
#   BENCH_SCALEOUT_WORKERS="1 2 4"  the worker counts of the backfill
set -euo pipefail
BUILD_DIR=${1:-build}
QUICK=${BENCH_QUICK:-0}
if [[ $QUICK == 1 ]]; then RUNS=${BENCH_SCALEOUT_RUNS:-1}; else RUNS=${BENCH_SCALEOUT_RUNS:-3}; fi
WORKERS=${BENCH_SCALEOUT_WORKERS:-1 2 4}
START=2021-10-19
END=2025-06-22
here=$(cd "$(dirname "$0")" && pwd)
PHASE4=$(realpath "$BUILD_DIR/phase4")
CLAIMS=$(realpath "$BUILD_DIR/phase4_claim_bench")
unset PHASE4_SLACK_WEBHOOK_URL PHASE4_WAREHOUSE

source "$here/bench_lib.sh"  # median, mib, now_ns, start_pg_server, sql, uri
start_pg_server phase4-scaleout
TICKS=$(getconf CLK_TCK)

# The server's CPU seconds so far: the postmaster's own and its reaped
# children's (exited backends), plus its live children's.
server_cpu() {
  local total p
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$POSTMASTER/stat")
  for p in $(cat /proc/"$POSTMASTER"/task/*/children 2>/dev/null); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  awk -v t="$total" -v k="$TICKS" 'BEGIN {printf "%.2f", t / k}'
}

printf '\n== [8] phase4 worker on PostgreSQL 15 (local, port %s): full default backfill, single process and --workers %s (%d runs each); the queue alone\n' \
  "$PORT" "$WORKERS" "$RUNS"
sql "CREATE DATABASE gen"
"$PHASE4" --warehouse "$(uri gen)" generate --seasons 2021-2024 >/dev/null
echo "  generated 2021-2024"

# One run-all into a fresh copy of gen; $1 = "single" or a worker count.
# Prints "wall client_cpu server_cpu claim_ms".
run_once() {
  local mode=$1 args=() status=0 s0 s1 claim
  sql "DROP DATABASE IF EXISTS run" && sql "CREATE DATABASE run TEMPLATE gen"
  rm -rf "$TMP/ck"
  [[ $mode == single ]] || args=(--workers "$mode")
  s0=$(server_cpu)
  /usr/bin/time -f '%e %U %S' -o "$TMP/run.time" \
    "$PHASE4" --warehouse "$(uri run)" run-all --start-date "$START" --end-date "$END" \
    --checkpoint-dir "$TMP/ck" "${args[@]}" >"$TMP/run.log" 2>&1 || status=$?
  s1=$(server_cpu)
  if [[ $status != 0 || $(grep -c '^✓ #[0-9] .* completed' "$TMP/run.log") != 5 ]]; then
    echo "  run-all ($mode) FAILED (exit $status); log:" >&2
    tail -20 "$TMP/run.log" >&2
    return 1
  fi
  # The workers' claim time per unit, weighted by their units.
  claim=$(sed -n 's/.*: \([0-9]*\) units in .*claiming took \([0-9.]*\) ms per unit.*/\1 \2/p' "$TMP/run.log" |
    awk '{n += $1; t += $1 * $2} END {printf "%.2f", n ? t / n : 0}')
  read -r wall user sys <"$TMP/run.time"
  echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}') $(awk -v a="$s0" -v b="$s1" 'BEGIN {printf "%.2f", b - a}') $claim"
}

for mode in single $WORKERS; do
  walls=() clients=() servers=() claims=()
  for ((r = 1; r <= RUNS; ++r)); do
    out=$(run_once "$mode")
    read -r wall client server claim <<<"$out"
    walls+=("$wall") clients+=("$client") servers+=("$server") claims+=("$claim")
    if [[ $mode == single ]]; then
      printf '  run %d, run-all in one process:  %6.2f s wall, phase4 CPU %6.2f s, server CPU %6.2f s\n' \
        "$r" "$wall" "$client" "$server"
    else
      printf '  run %d, run-all --workers %d:     %6.2f s wall, phase4 CPU %6.2f s, server CPU %6.2f s, claiming %.2f ms/unit\n' \
        "$r" "$mode" "$wall" "$client" "$server" "$claim"
    fi
  done
  label=$([[ $mode == single ]] && echo "workers=0" || echo "workers=$mode")
  printf 'RESULT scaleout_backfill %s median_wall_s=%.2f median_phase4_cpu_s=%.2f median_server_cpu_s=%.2f median_claim_ms=%.2f runs=%d\n' \
    "$label" "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${clients[@]}" | median)" \
    "$(printf '%s\n' "${servers[@]}" | median)" "$(printf '%s\n' "${claims[@]}" | median)" "$RUNS"
done
echo "  (workers=0: run-all in one process, pipelined; phase4 CPU includes the worker processes)"

# What a worker pays for each season it holds: run-all --workers 1 over one
# mid-season date (a season load and its five units) on a fresh copy.
load_servers=() load_clients=()
for date in 2021-12-15 2022-12-15 2023-12-15 2024-12-16; do
  sql "DROP DATABASE IF EXISTS run" && sql "CREATE DATABASE run TEMPLATE gen"
  rm -rf "$TMP/ck"
  s0=$(server_cpu)
  /usr/bin/time -f '%e %U %S' -o "$TMP/load.time" "$PHASE4" --warehouse "$(uri run)" run-all \
    --start-date "$date" --end-date "$date" --checkpoint-dir "$TMP/ck" --workers 1 -q
  s1=$(server_cpu)
  read -r wall user sys <"$TMP/load.time"
  load_servers+=("$(awk -v a="$s0" -v b="$s1" 'BEGIN {printf "%.2f", b - a}')")
  load_clients+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')")
  printf '  one worker, one date (%s: a season load and 5 units): %.2f s wall, phase4 CPU %.2f s, server CPU %.2f s\n' \
    "$date" "$wall" "${load_clients[-1]}" "${load_servers[-1]}"
done
printf 'RESULT scaleout_season_load median_phase4_cpu_s=%.2f median_server_cpu_s=%.2f seasons=4\n' \
  "$(printf '%s\n' "${load_clients[@]}" | median)" "$(printf '%s\n' "${load_servers[@]}" | median)"

sql "DROP DATABASE IF EXISTS run"
sql "CREATE DATABASE queue"
"$PHASE4" --warehouse "$(uri queue)" init >/dev/null
claim_ms=() commit_ms=() rates=()
for ((r = 1; r <= RUNS; ++r)); do
  "$CLAIMS" "$(uri queue)" --workers 16 >"$TMP/claims.txt"
  c=$(sed -n 's/^claim_overhead .*claim_ms=\([0-9.]*\).*/\1/p' "$TMP/claims.txt")
  m=$(sed -n 's/^claim_overhead .*commit_ms=\([0-9.]*\).*/\1/p' "$TMP/claims.txt")
  t=$(sed -n 's/^claim_throughput .*claims_per_s=\([0-9]*\).*/\1/p' "$TMP/claims.txt")
  claim_ms+=("$c") commit_ms+=("$m") rates+=("$t")
  printf '  queue run %d: one worker %.3f ms per claim + %.3f ms per commit; 16 workers %d claims/s\n' "$r" "$c" "$m" "$t"
done
printf 'RESULT scaleout_claim_overhead median_claim_ms=%.3f median_commit_ms=%.3f runs=%d\n' \
  "$(printf '%s\n' "${claim_ms[@]}" | median)" "$(printf '%s\n' "${commit_ms[@]}" | median)" "$RUNS"
printf 'RESULT scaleout_claims_per_second workers=16 median=%.0f runs=%d\n' \
  "$(printf '%s\n' "${rates[@]}" | median)" "$RUNS"
