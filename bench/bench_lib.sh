# Shell helpers of bench/run_benchmarks.sh, bench/postgres_bench.sh and bench/scaleout_bench.sh
# (sourced by them).

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

# Starts a throwaway PostgreSQL 15 server (scripts/pg-throwaway.sh: fsync on,
# synchronous_commit off) in a new directory $TMP (prefix $1), stopped and
# removed at exit. Sets TMP, SERVER, PORT and POSTMASTER (its pid), and
# defines sql SQL (as postgres on the database postgres) and uri DB.
start_pg_server() {
  local scripts
  scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")/../scripts" && pwd)
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  chmod 755 "$TMP"  # the server runs as postgres: it must reach its directory
  SERVER=$TMP/server
  mkdir -p "$SERVER"
  PG_THROWAWAY=$scripts/pg-throwaway.sh
  trap 'bash "$PG_THROWAWAY" stop "$SERVER" >/dev/null 2>&1 || true; rm -rf "$TMP"' EXIT
  PORT=$(bash "$PG_THROWAWAY" start "$SERVER")
  POSTMASTER=$(head -1 "$SERVER/data/postmaster.pid")
}
sql() { PGOPTIONS="-c client_min_messages=warning" /usr/lib/postgresql/15/bin/psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "$1"; }
uri() { echo "postgresql://postgres@127.0.0.1:$PORT/$1"; }
