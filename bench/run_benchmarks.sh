#!/usr/bin/env bash
# `make bench` (doc/benchmarks.md): every performance figure of DESIGN.md,
# one section each, every figure a median over several runs.
#
#   [1] Google Benchmark suite: processor compute over one season in memory
#       (all five processors), engine overhead per date.
#   [2] Full default backfill: run-all 2021-10-19..2025-06-22 on a generated
#       four-season league; fresh copy of the warehouse and fresh checkpoint
#       directory per run; wall time and peak RSS.
#   [3] Insert floor: the same output rows inserted into a fresh warehouse
#       through Warehouse::ReplaceDate and nothing else (one per run of [2],
#       on that run's warehouse), and the ratio backfill / floor.
#   [4] One date, all five processors, live mode (`phase4 process all`; and x 5).
#   [5] Scaling: run-all over generated leagues of 4, 8 and 16 seasons.
#   [6] Ledger (doc/ledger.md): `plan` over the full range, a re-run with every
#       unit up to date, and a re-run after a one-game correction made by a
#       direct SQL UPDATE (printed before [4], on [2]'s last warehouse).
#   [7] PostgreSQL against SQLite in the same run: full backfill, one live
#       date, peak RSS of phase4 and of the server (bench/postgres_bench.sh).
#   [8] phase4 worker on PostgreSQL: the full backfill in one process and with
#       1, 2 and 4 local workers, phase4's and the server's CPU; the queue's
#       claim and commit time per unit and claims/s with 16 workers
#       (bench/scaleout_bench.sh).
#
# Usage: bench/run_benchmarks.sh [BUILD_DIR]   (make bench BUILD_DIR=...)
# Environment:
#   BENCH_QUICK=1        one run of [2]/[3], one repetition of [1], scaling 4 and 8
#   BENCH_RUNS=N         runs of [2] and [3] (default 3; quick 1)
#   BENCH_LIVE_RUNS=N    runs of [4] (default 5, after one untimed warm-up)
#   BENCH_LIVE_DATE=D    the date of [4] (default 2025-01-15)
#   BENCH_LEDGER_RUNS=N  runs of [6] (default 3)
#   BENCH_CORRECTION_DATE=D  the corrected game's date in [6] (default 2024-01-15, mid-season)
#   BENCH_SCALING="8 16" league sizes of [5] beyond 4 (quick: "8"; "" skips [5])
#   BENCH_GBENCH=0       skips [1]
#   BENCH_POSTGRES=0     skips [7]
#   BENCH_SCALEOUT=0     skips [8]; BENCH_SCALEOUT_RUNS, BENCH_SCALEOUT_WORKERS as in scaleout_bench.sh
#   BENCH_TMP=DIR        scratch directory (default: a new one under $TMPDIR, removed at the end)
set -euo pipefail
BUILD_DIR=${1:-build}
QUICK=${BENCH_QUICK:-0}
if [[ $QUICK == 1 ]]; then
  RUNS=${BENCH_RUNS:-1} REPS=1 SCALING=${BENCH_SCALING-8}
else
  RUNS=${BENCH_RUNS:-3} REPS=5 SCALING=${BENCH_SCALING-8 16}
fi
LIVE_RUNS=${BENCH_LIVE_RUNS:-5}
LIVE_DATE=${BENCH_LIVE_DATE:-2025-01-15}
LEDGER_RUNS=${BENCH_LEDGER_RUNS:-3}
CORRECTION_DATE=${BENCH_CORRECTION_DATE:-2024-01-15}
START=2021-10-19
END=2025-06-22

PHASE4=$(realpath "$BUILD_DIR/phase4")
FLOOR=$(realpath "$BUILD_DIR/phase4_insert_floor")
WATCH=$(realpath "$BUILD_DIR/phase4_rss_watch")
for exe in "$PHASE4" "$FLOOR" "$WATCH" "$(dirname "$PHASE4")/phase4_claim_bench"; do
  [[ -x $exe ]] || { echo "missing $exe: build with -DPHASE4_BUILD_BENCH=ON" >&2; exit 1; }
done
unset PHASE4_SLACK_WEBHOOK_URL PHASE4_WAREHOUSE  # no alerts posted, no stray warehouse

if [[ -n ${BENCH_TMP:-} ]]; then
  TMP=$BENCH_TMP
  mkdir -p "$TMP"
else
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/phase4-bench.XXXXXX")
  trap 'rm -rf "$TMP"' EXIT
fi

source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"  # median, mib, now_ns, process_all_ms
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" "$2" | head -1; }  # key=value from a file
section() { printf '\n== %s\n' "$*"; }

section "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg); runs=$RUNS live_runs=$LIVE_RUNS quick=$QUICK"

# ---------------------------------------------------------------- [1]
if [[ ${BENCH_GBENCH:-1} != 0 ]]; then
  section "[1] Google Benchmark: compute over one season in memory (2023-24), engine overhead (median of $REPS)"
  if [[ -x $BUILD_DIR/phase4_bench ]]; then
    "$BUILD_DIR/phase4_bench" --benchmark_repetitions="$REPS" --benchmark_report_aggregates_only=true \
      --benchmark_display_aggregates_only=true 2>&1 | grep -vE '_(mean|stddev|cv)\b'
  else
    echo "  skipped: phase4_bench was not built (Google Benchmark not found)"
  fi
fi

# Generates a league of seasons FIRST-LAST into $1; prints "FIRST_DATE LAST_DATE".
generate() {
  local dir=$1 seasons=$2
  "$PHASE4" --warehouse "$dir" init >/dev/null
  "$PHASE4" --warehouse "$dir" generate --seasons "$seasons" >"$dir.generate.log"
  sed -n 's/.* dates, \([0-9-]*\) to \([0-9-]*\)$/\1 \2/p' "$dir.generate.log"
}

# One run-all over [$3, $4] on a fresh copy of warehouse $1 into $2 with a fresh
# checkpoint directory. Leaves $2.time ("wall user sys maxrss_kib"), $2.rss
# (phase4_rss_watch) and $2.log; fails unless every job completed.
run_all() {
  local gen=$1 wh=$2 start=$3 end=$4
  rm -rf "$wh" "$wh.ck"
  cp -r "$gen" "$wh"
  local status=0
  /usr/bin/time -f '%e %U %S %M' -o "$wh.time" \
    "$WATCH" -o "$wh.rss" -- \
    "$PHASE4" --warehouse "$wh" run-all --start-date "$start" --end-date "$end" \
    --checkpoint-dir "$wh.ck" >"$wh.log" 2>&1 || status=$?
  local done_jobs
  done_jobs=$(grep -c '^✓ #[0-9] .* completed' "$wh.log" || true)
  if [[ $status != 0 || $done_jobs != 5 ]]; then
    echo "  run-all FAILED (exit $status, $done_jobs/5 jobs completed); log: $wh.log" >&2
    tail -20 "$wh.log" >&2
    return 1
  fi
}

# "#1 30/13, #2 ..." (peak RSS/private MiB of each job, in execution order) from a phase4_rss_watch
# report; a pipelined run-all has no job processes (its jobs are threads of the one process).
job_peaks() {
  grep -q '^rss_process.* backfill ' "$1" || { echo "none: the jobs are threads of the run-all process"; return; }
  awk 'BEGIN { split("team_defense_zone_analysis player_shot_zone_analysis player_composite_factors " \
                     "player_daily_cache ml_feature_store", order, " ") }
       /^rss_process/ && / backfill / {
         for (i = 1; i <= NF; ++i) { split($i, a, "=")
                                     if (a[1] == "hwm_kib") k = a[2]; if (a[1] == "anon_kib") n = a[2]
                                     if ($i == "backfill") job = $(i + 1) }
         peak[job] = sprintf("%.0f/%.0f", k / 1024, n / 1024) }
       END { for (i = 1; i <= 5; ++i) printf "%s#%d %s", (i > 1 ? ", " : ""), i, peak[order[i]] }' "$1"
}

# ---------------------------------------------------------------- [2] + [3]
section "[2] Full default backfill: run-all --start-date $START --end-date $END, 4 generated seasons ($RUNS runs)"
GEN4=$TMP/gen4
read -r G4_FIRST G4_LAST < <(generate "$GEN4" 2021-2024) || true
[[ -n ${G4_LAST:-} ]] || { echo "generate failed:" >&2; cat "$GEN4.generate.log" >&2; exit 1; }
echo "  generated 2021-2024: $G4_FIRST to $G4_LAST ($(sed -n 's/.*: \([0-9]* games on [0-9]* dates\).*/\1/p' "$GEN4.generate.log"))"
walls=() cpus=() rsses=() trees=() anons=() tree_anons=() floors=()
for ((r = 1; r <= RUNS; ++r)); do
  WH=$TMP/run$r
  run_all "$GEN4" "$WH" "$START" "$END"
  read -r wall user sys maxrss <"$WH.time"
  tree=$(field peak_tree_rss_kib "$WH.rss")
  anon=$(field max_process_anon_kib "$WH.rss")
  tree_anon=$(field peak_tree_anon_kib "$WH.rss")
  walls+=("$wall") cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')") rsses+=("$maxrss") trees+=("$tree") anons+=("$anon") tree_anons+=("$tree_anon")
  printf '  run %d: %6.2f s wall (%.1f s user, %.1f s sys); peak RSS %s largest process (private %s),\n' \
    "$r" "$wall" "$user" "$sys" "$(mib "$maxrss")" "$(mib "$anon")"
  printf '         %s all processes at once (private %s)\n' "$(mib "$tree")" "$(mib "$tree_anon")"
  echo "         per job, peak RSS/private MiB: $(job_peaks "$WH.rss")"
  # [3] on this run's finished warehouse, right after it (same machine state).
  rm -rf "$WH.floor"
  "$PHASE4" --warehouse "$WH.floor" init >/dev/null
  "$FLOOR" "$WH" "$WH.floor" >"$WH.floor.txt"
  floors+=("$(sed -n 's/^floor_total .*seconds=\([0-9.]*\).*/\1/p' "$WH.floor.txt")")
  rm -rf "$WH.floor"
  ((r == RUNS)) || rm -rf "$WH"  # keep the last warehouse for [4]
done
WALL4=$(printf '%s\n' "${walls[@]}" | median)
CPU4=$(printf '%s\n' "${cpus[@]}" | median)
RSS4=$(printf '%s\n' "${rsses[@]}" | median)
TREE4=$(printf '%s\n' "${trees[@]}" | median)
ANON4=$(printf '%s\n' "${anons[@]}" | median)
TREE_ANON4=$(printf '%s\n' "${tree_anons[@]}" | median)
ROWS=$(sed -n 's/^floor_total rows=\([0-9]*\).*/\1/p' "$WH.floor.txt")
echo "  rows written: $ROWS (the five output tables)"
printf 'RESULT full_backfill median_wall_s=%.2f median_peak_rss_kib=%d median_peak_private_kib=%d median_tree_rss_kib=%d median_tree_private_kib=%d runs=%d\n' \
  "$WALL4" "$RSS4" "$ANON4" "$TREE4" "$TREE_ANON4" "$RUNS"
echo "  (peak RSS = /usr/bin/time %M = wait4's ru_maxrss: the largest peak of run-all or any one job;"
echo "   'all processes at once' = the largest sum of RSS over run-all and its jobs, sampled every 20 ms;"
echo "   private = RssAnon, RSS without the pages of memory-mapped files (SQLite mmap reads), sampled)"

section "[3] Insert floor: the same $ROWS rows into a fresh warehouse via Warehouse::ReplaceDate, one transaction per (table, date)"
sed 's/^floor_table /  /' "$WH.floor.txt" | grep -v '^floor_total'
echo "  (per table: last run; total per run: ${floors[*]} s)"
FLOOR_S=$(printf '%s\n' "${floors[@]}" | median)
RATIO=$(awk -v a="$WALL4" -v b="$FLOOR_S" 'BEGIN {printf "%.2f", a / b}')
printf 'RESULT insert_floor median_s=%.2f runs=%d\n' "$FLOOR_S" "$RUNS"
printf 'RESULT backfill_over_floor ratio=%s\n' "$RATIO"

# ---------------------------------------------------------------- [6]
# Run here, on the finished warehouse of the last run of [2] ([4] changes it).
section "[6] Ledger: plan, a re-run with nothing to do, and a re-run after a one-game correction, over $START..$END"
echo "  correction: UPDATE player_game_summary SET points = points + 7 for one player's game on" \
  "$CORRECTION_DATE, straight into the file; each re-run on a fresh copy of the finished warehouse"
plans=() noops=() fixes=() recomputed=""
for ((r = 1; r <= LEDGER_RUNS; ++r)); do
  t0=$(now_ns)
  "$PHASE4" --warehouse "$WH" plan --start-date "$START" --end-date "$END" >"$TMP/plan.log"
  plans+=("$((($(now_ns) - t0) / 1000000))")
  t0=$(now_ns)
  "$PHASE4" --warehouse "$WH" run-all --start-date "$START" --end-date "$END" \
    --checkpoint-dir "$WH.ck" >"$TMP/noop.log" 2>&1 || { echo "  no-op re-run FAILED" >&2; tail "$TMP/noop.log" >&2; exit 1; }
  noops+=("$((($(now_ns) - t0) / 1000000))")
  rm -rf "$WH.fix" "$WH.fix.ck"
  cp -r "$WH" "$WH.fix"
  # The copy's 760 MB are still being written back; without this, the
  # run's first fsync would wait for them (a copy made by the benchmark,
  # not a cost of the run: a warehouse corrected in place has none).
  sync
  player=$(sqlite3 "$WH.fix/nba_analytics.db" "SELECT player_lookup FROM player_game_summary WHERE game_date = '$CORRECTION_DATE' AND minutes_played > 20 ORDER BY player_lookup LIMIT 1")
  sqlite3 "$WH.fix/nba_analytics.db" "UPDATE player_game_summary SET points = points + 7 WHERE game_date = '$CORRECTION_DATE' AND player_lookup = '$player'"
  t0=$(now_ns)
  "$PHASE4" --warehouse "$WH.fix" run-all --start-date "$START" --end-date "$END" \
    --checkpoint-dir "$WH.fix.ck" >"$TMP/fix.log" 2>&1 || { echo "  re-run after the correction FAILED" >&2; tail "$TMP/fix.log" >&2; exit 1; }
  fixes+=("$((($(now_ns) - t0) / 1000000))")
  # The run's log has each job's summary (the console shows the table).
  recomputed=$(cat "$WH.fix.ck"/logs/run-all_*.log |
    sed -n 's/^.*\[#[0-9] \([a-z_]*\)\]   Successful: .* (\([0-9]*\) computed in this run.*/\1 \2/p' | tr '\n' ' ')
done
rm -rf "$WH.fix" "$WH.fix.ck"
printf '  plan over the full range (ms): %s\n' "${plans[*]}"
printf '  re-run with every unit up to date (ms): %s\n' "${noops[*]}"
printf '  re-run after the correction (ms): %s; units computed: %s\n' "${fixes[*]}" "$recomputed"
printf 'RESULT ledger_plan median_ms=%d runs=%d\n' "$(printf '%s\n' "${plans[@]}" | median)" "$LEDGER_RUNS"
printf 'RESULT ledger_noop_rerun median_ms=%d runs=%d\n' "$(printf '%s\n' "${noops[@]}" | median)" "$LEDGER_RUNS"
printf 'RESULT ledger_rerun_after_correction median_ms=%d date=%s runs=%d\n' \
  "$(printf '%s\n' "${fixes[@]}" | median)" "$CORRECTION_DATE" "$LEDGER_RUNS"

# ---------------------------------------------------------------- [4]
LIVE_TODAY=$(date -u -d "$LIVE_DATE + 1 day" +%F)
section "[4] One date, all five processors, live mode (phase4 process all, and phase4 process JOB x 5)"
echo "  on the warehouse of the last run of [2]; PHASE4_TODAY=$LIVE_TODAY (every live check runs) and"
echo "  PHASE4_TODAY=$LIVE_DATE (the morning of the date: no defensive checks); 1 warm-up + $LIVE_RUNS runs"
JOBS=(team_defense_zone_analysis player_shot_zone_analysis player_composite_factors player_daily_cache
  ml_feature_store)
live_bench() {
  local today=$1 label=$2 totals=() r j t0 t1 s0
  declare -A per
  for ((r = 0; r <= LIVE_RUNS; ++r)); do
    s0=$(now_ns)
    for j in "${JOBS[@]}"; do
      t0=$(now_ns)
      PHASE4_TODAY=$today "$PHASE4" --warehouse "$WH" process "$j" --analysis-date "$LIVE_DATE" \
        >"$TMP/live.log" 2>&1 || { echo "  live run of $j FAILED:" >&2; tail -3 "$TMP/live.log" >&2; return 1; }
      t1=$(now_ns)
      ((r == 0)) || per[$j]+="$(((t1 - t0) / 1000000)) "
    done
    ((r == 0)) || totals+=("$(((t1 - s0) / 1000000))")
  done
  local line="" n=0
  for j in "${JOBS[@]}"; do line+=" #$((++n)) $(tr ' ' '\n' <<<"${per[$j]}" | grep . | median) ms"; done
  printf '  %-34s runs (ms): %s\n' "$label" "${totals[*]}"
  echo "    per processor (median):$line"
  LIVE_MEDIAN=$(printf '%s\n' "${totals[@]}" | median)
}
# The nightly path: `phase4 process all` (one process, one read of the season).
live_all_bench() {
  local today=$1 label=$2 ms totals
  ms=$(process_all_ms "$WH" "$today") || return 1
  read -r -a totals <<<"$ms"
  printf '  %-34s runs (ms): %s\n' "$label" "${totals[*]}"
  LIVE_MEDIAN=$(printf '%s\n' "${totals[@]}" | median)
}
echo "  phase4 process all --analysis-date $LIVE_DATE (one process):"
live_all_bench "$LIVE_TODAY" "today = date + 1 (all checks):"
printf 'RESULT live_one_date median_ms=%d date=%s today=%s runs=%d command=process_all\n' "$LIVE_MEDIAN" "$LIVE_DATE" "$LIVE_TODAY" "$LIVE_RUNS"
live_all_bench "$LIVE_DATE" "today = date (no defensive checks):"
printf 'RESULT live_one_date_morning median_ms=%d date=%s today=%s runs=%d command=process_all\n' "$LIVE_MEDIAN" "$LIVE_DATE" "$LIVE_DATE" "$LIVE_RUNS"
echo "  five processes, phase4 process JOB for each JOB in order:"
live_bench "$LIVE_TODAY" "today = date + 1 (all checks):"
printf 'RESULT live_one_date_five_processes median_ms=%d date=%s today=%s runs=%d\n' "$LIVE_MEDIAN" "$LIVE_DATE" "$LIVE_TODAY" "$LIVE_RUNS"
rm -rf "$WH"

# ---------------------------------------------------------------- [5]
if [[ -n $SCALING ]]; then
  section "[5] Scaling: run-all over every date of generated leagues of 4 $SCALING seasons (one run each beyond 4)"
  echo "  seasons beyond 2024 reuse the real calendars of 2021-2024 shifted by whole years (src/generate/season_facts.h)"
  echo "  CPU s = user + system CPU time of the run: the machine's load moves it less than wall time"
  printf '  %7s  %-23s %6s %9s %9s %9s %10s %9s %12s %9s\n' seasons range dates "wall s" s/season \
    "CPU s/sn" "peak RSS" private "all at once" private
  dates4=$(sed -n 's/.* on \([0-9]*\) dates,.*/\1/p' "$GEN4.generate.log")
  printf '  %7d  %-23s %6d %9.2f %9.2f %9.2f %10s %9s %12s %9s  (medians of [2])\n' 4 "$START..$END" \
    "$dates4" "$WALL4" "$(awk -v w="$WALL4" 'BEGIN {print w / 4}')" "$(awk -v c="$CPU4" 'BEGIN {print c / 4}')" \
    "$(mib "$RSS4")" "$(mib "$ANON4")" "$(mib "$TREE4")" "$(mib "$TREE_ANON4")"
  printf 'RESULT scaling seasons=4 wall_s=%.2f s_per_season=%.2f cpu_s_per_season=%.2f peak_rss_kib=%d peak_private_kib=%d tree_rss_kib=%d tree_private_kib=%d\n' \
    "$WALL4" "$(awk -v w="$WALL4" 'BEGIN {print w / 4}')" "$(awk -v c="$CPU4" 'BEGIN {print c / 4}')" "$RSS4" \
    "$ANON4" "$TREE4" "$TREE_ANON4"
  rm -rf "$GEN4"
  for n in $SCALING; do
    GEN=$TMP/gen$n
    first="" last=""
    read -r first last < <(generate "$GEN" "2021-$((2021 + n - 1))") || true
    [[ -n $last ]] || { echo "generate of $n seasons failed:" >&2; cat "$GEN.generate.log" >&2; exit 1; }
    dates=$(sed -n 's/.* on \([0-9]*\) dates,.*/\1/p' "$GEN.generate.log")
    run_all "$GEN" "$TMP/scale$n" "$first" "$last"
    rm -rf "$GEN"
    read -r wall user sys maxrss <"$TMP/scale$n.time"
    tree=$(field peak_tree_rss_kib "$TMP/scale$n.rss")
    anon=$(field max_process_anon_kib "$TMP/scale$n.rss")
    tree_anon=$(field peak_tree_anon_kib "$TMP/scale$n.rss")
    per_season=$(awk -v w="$wall" -v n="$n" 'BEGIN {printf "%.2f", w / n}')
    cpu_per_season=$(awk -v u="$user" -v s="$sys" -v n="$n" 'BEGIN {printf "%.2f", (u + s) / n}')
    printf '  %7d  %-23s %6d %9.2f %9.2f %9.2f %10s %9s %12s %9s\n' "$n" "$first..$last" "$dates" "$wall" \
      "$per_season" "$cpu_per_season" "$(mib "$maxrss")" "$(mib "$anon")" "$(mib "$tree")" "$(mib "$tree_anon")"
    echo "           per job, peak RSS/private MiB: $(job_peaks "$TMP/scale$n.rss")"
    printf 'RESULT scaling seasons=%d wall_s=%.2f s_per_season=%.2f cpu_s_per_season=%.2f peak_rss_kib=%d peak_private_kib=%d tree_rss_kib=%d tree_private_kib=%d\n' \
      "$n" "$wall" "$per_season" "$cpu_per_season" "$maxrss" "$anon" "$tree" "$tree_anon"
    rm -rf "$TMP/scale$n" "$TMP/scale$n.ck"
  done
fi

# ---------------------------------------------------------------- [7]
if [[ ${BENCH_POSTGRES:-1} != 0 ]]; then
  bash "$(dirname "$0")/postgres_bench.sh" "$BUILD_DIR"
fi

# ---------------------------------------------------------------- [8]
if [[ ${BENCH_SCALEOUT:-1} != 0 ]]; then
  bash "$(dirname "$0")/scaleout_bench.sh" "$BUILD_DIR"
fi
echo
echo "done; RESULT lines are the figures (doc/benchmarks.md)"
