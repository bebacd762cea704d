#!/usr/bin/env bash
# The demo behind `make demo` (make has built the binary): creates the
# warehouse, generates four seasons on the built-in real calendar, checks
# that Phase 3 is ready, runs every Phase 4 job over the full default range
# (their progress and closing table on screen, the per-date log beside the
# warehouse), and ends with the pipeline report, on screen and as a
# self-contained HTML page (report.html beside the log); checkpoints live in the
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
step "phase4 run-all --start-date $START --end-date $END (per-date log: $LOG)"
# On a terminal a live block per job; otherwise a progress line every 10
# dates per job. Both end with the table of the jobs.
status=0
/usr/bin/time -f "run-all: %e s wall, %M KiB peak RSS" \
  "$PHASE4" --warehouse "$WAREHOUSE" run-all --start-date "$START" --end-date "$END" \
  --checkpoint-dir "$WORKDIR/checkpoints" --log-file "$LOG" || status=$?

step "phase4 report (rows, dates per job, feature quality, signal by month over 2024-25)"
"$PHASE4" --warehouse "$WAREHOUSE" report --start-date "$START" --end-date "$END" \
  --signal-start 2024-10-22 --signal-end "$END"

HTML="$WORKDIR/report.html"
step "phase4 report --html (every unit, Phase 3 coverage, rows, quality and signal by month)"
"$PHASE4" --warehouse "$WAREHOUSE" report --start-date "$START" --end-date "$END" --quiet \
  --html "$HTML"
echo "HTML report: $HTML (open it in a browser; it needs nothing else)"
exit $status
