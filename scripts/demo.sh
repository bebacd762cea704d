#!/usr/bin/env bash
# The demo behind `make demo` (make has built the binary): creates the
# warehouse, generates four seasons on the built-in real calendar, checks
# that Phase 3 is ready, runs every Phase 4 job over the full default range,
# prints each job's summary and ends with the pipeline report, on screen and
# as a self-contained HTML page (report.html beside the log). The full
# run-all log is kept beside the warehouse; checkpoints live in the
# warehouse, so a fresh warehouse never meets an old checkpoint. A
# PostgreSQL warehouse (a URI, demo-postgres.sh) has no directory: the third
# argument says where the log, checkpoints and report.html go.
set -euo pipefail
PHASE4=${1:-build/phase4}
WAREHOUSE=${2:-./warehouse}
WORKDIR=${3:-$WAREHOUSE}
mkdir -p "$WORKDIR"
START=2021-10-19
END=2025-06-22

step() { printf '\n==> %s\n' "$*"; }

step "phase4 init (warehouse: $WAREHOUSE)"
"$PHASE4" --warehouse "$WAREHOUSE" init

step "phase4 generate --seasons 2021-2024 (four seasons on the built-in calendar)"
"$PHASE4" --warehouse "$WAREHOUSE" generate --seasons 2021-2024

step "phase4 verify-phase3 --start-date $START --end-date $END"
"$PHASE4" --warehouse "$WAREHOUSE" verify-phase3 --start-date "$START" --end-date "$END"

LOG="$WORKDIR/run-all.log"
step "phase4 run-all --start-date $START --end-date $END (full log: $LOG)"
status=0
/usr/bin/time -f "run-all: %e s wall, %M KiB peak RSS" \
  "$PHASE4" --warehouse "$WAREHOUSE" run-all --start-date "$START" --end-date "$END" \
  --checkpoint-dir "$WORKDIR/checkpoints" >"$LOG" 2>&1 || status=$?
# Each job's summary block (between its 80-character rules), then the
# orchestrator's own lines.
awk '
  /^\[#[0-9]+ [a-z_]+\] =+$/ { inside = !inside; print; next }
  inside { print; next }
  /^(✓|✗|===|Phase 4 Backfill|Interrupted|Resume|Stopping|After fixing|run-all:)/ { print }
' "$LOG"

step "phase4 report (rows, dates per job, feature quality, signal by month over 2024-25)"
"$PHASE4" --warehouse "$WAREHOUSE" report --start-date "$START" --end-date "$END" \
  --signal-start 2024-10-22 --signal-end "$END"

HTML="$WORKDIR/report.html"
step "phase4 report --html (every unit, Phase 3 coverage, rows, quality and signal by month)"
"$PHASE4" --warehouse "$WAREHOUSE" report --start-date "$START" --end-date "$END" --quiet \
  --html "$HTML"
echo "HTML report: $HTML (open it in a browser; it needs nothing else)"
exit $status
