#!/usr/bin/env bash
# The demo behind `make demo`: build is done by make; this creates the
# warehouse, generates four seasons on the built-in calendar and checks that
# Phase 3 is ready for the full default Phase 4 range.
set -euo pipefail
PHASE4=${1:-build/phase4}
WAREHOUSE=${2:-./warehouse}
START=2021-10-19
END=2025-06-22

step() { printf '\n==> %s\n' "$*"; }

step "phase4 init (warehouse: $WAREHOUSE)"
"$PHASE4" --warehouse "$WAREHOUSE" init

step "phase4 generate --seasons 2021-2024 (four seasons on the built-in calendar)"
"$PHASE4" --warehouse "$WAREHOUSE" generate --seasons 2021-2024

step "phase4 verify-phase3 --start-date $START --end-date $END"
"$PHASE4" --warehouse "$WAREHOUSE" verify-phase3 --start-date "$START" --end-date "$END"
