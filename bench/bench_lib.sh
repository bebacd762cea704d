# Shell helpers of bench/run_benchmarks.sh and bench/postgres_bench.sh (sourced by both).

# median of the numbers on stdin (mean of the two middle ones for an even count)
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) exit 1; print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f MiB", k/1024}'; }
now_ns() { date +%s%N; }

# `phase4 process all --analysis-date $LIVE_DATE` on warehouse $1 with
# PHASE4_TODAY=$2: one untimed warm-up, then $LIVE_RUNS timed runs; prints
# each run's milliseconds on one line. Uses PHASE4, LIVE_DATE, LIVE_RUNS, TMP.
process_all_ms() {
  local wh=$1 today=$2 totals=() r t0 t1
  for ((r = 0; r <= LIVE_RUNS; ++r)); do
    t0=$(now_ns)
    PHASE4_TODAY=$today "$PHASE4" --warehouse "$wh" process all --analysis-date "$LIVE_DATE" \
      >"$TMP/live.log" 2>&1 || { echo "  process all FAILED:" >&2; tail -3 "$TMP/live.log" >&2; return 1; }
    t1=$(now_ns)
    ((r == 0)) || totals+=("$(((t1 - t0) / 1000000))")
  done
  echo "${totals[*]}"
}
