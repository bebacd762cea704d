#!/usr/bin/env bash
# Runs all five Phase 4 backfill jobs in dependency order (#1 and #2
# concurrently, then #3, #4, #5). A thin wrapper over `phase4 run-all`, with
# the operator document's flags; see doc/backfill.md.
#
#   ./bin/backfill/run_phase4_backfill.sh --start-date 2021-10-19 --end-date 2025-06-22
#   ./bin/backfill/run_phase4_backfill.sh --start-date 2024-01-01 --end-date 2024-03-31 --dry-run
#   ./bin/backfill/run_phase4_backfill.sh --start-date 2024-01-01 --end-date 2024-03-31 --start-from 3
#
# The phase4 binary is $PHASE4_BIN, else build/phase4 of this repository,
# else `phase4` on the PATH. The warehouse is $PHASE4_WAREHOUSE or ./warehouse.
set -euo pipefail

usage() {
  cat <<USAGE
Usage: $0 --start-date YYYY-MM-DD --end-date YYYY-MM-DD [--dry-run] [--start-from N] [--no-resume]

Execution order:
  1. team_defense_zone_analysis   (reads Phase 3 only)   } in parallel
  2. player_shot_zone_analysis    (reads Phase 3 only)   }
  3. player_composite_factors     (reads #1, #2, Phase 3)
  4. player_daily_cache           (reads #1, #2, #3, Phase 3)
  5. ml_feature_store             (reads #1, #2, #3, #4)

Options:
  --start-date D   first date of the range (required)
  --end-date D     last date of the range (required)
  --dry-run        check each job's inputs; write nothing
  --start-from N   skip processors before #N (1-5), e.g. after #1 and #2 are done
  --no-resume      ignore checkpoints and process the range again
  -h, --help       this help
USAGE
}

args=()
start="" end=""
while [ $# -gt 0 ]; do
  case "$1" in
    --start-date) start="${2:?--start-date needs a value}"; args+=(--start-date "$2"); shift 2 ;;
    --end-date) end="${2:?--end-date needs a value}"; args+=(--end-date "$2"); shift 2 ;;
    --start-from) args+=(--start-from "${2:?--start-from needs a value}"); shift 2 ;;
    --dry-run|--no-resume) args+=("$1"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "Unknown option: $1" >&2; usage >&2; exit 1 ;;
  esac
done
if [ -z "$start" ] || [ -z "$end" ]; then
  echo "Error: --start-date and --end-date are required" >&2
  exit 1
fi

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
exec "$bin" run-all "${args[@]}"
