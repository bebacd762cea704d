#!/usr/bin/env bash
# Runs each libFuzzer target of a PHASE4_FUZZ build for a fixed time, one
# after the other (one process at a time, so the machine stays usable).
#
#   scripts/run-fuzzers.sh BUILD_DIR SECONDS [TARGET...]
#
# Seeds: tests/data/good_input/<kind>, tests/data/bad_input/<kind> and
# tests/data/fuzz_regressions/<kind> (inputs that once crashed a target),
# and an excerpt of the real game-id CSV when ../shared/data is present. Each
# target keeps the corpus it grows in $FUZZ_CORPUS_DIR/<target> (default
# fuzz/corpus, git-ignored) and writes crash/leak/timeout inputs to
# $FUZZ_CORPUS_DIR/artifacts/. Exit status 1 when any target found a problem.
# See doc/fuzzing.md.
set -uo pipefail

BUILD_DIR=${1:-build-fuzz}
SECONDS_PER_TARGET=${2:-60}
shift 2 || true
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS_ROOT=${FUZZ_CORPUS_DIR:-$ROOT/fuzz/corpus}
MAX_LEN=${FUZZ_MAX_LEN:-16384}
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then TARGETS=(csv_import_fuzz schedule_fuzz checkpoint_fuzz jsonl_export_fuzz); fi

kind_of() {
  case "$1" in
    csv_import_fuzz) echo csv ;;
    schedule_fuzz) echo schedule ;;
    checkpoint_fuzz) echo checkpoint ;;
    jsonl_export_fuzz) echo export ;;  # no seed files: the input is decoded into rows
    *) echo "unknown fuzz target $1" >&2; return 1 ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$CORPUS_ROOT/artifacts"
failed=()
for target in "${TARGETS[@]}"; do
  kind=$(kind_of "$target") || exit 2
  bin="$BUILD_DIR/$target"
  if [ ! -x "$bin" ]; then
    echo "run-fuzzers: $bin is missing (build the fuzz_targets target first)" >&2
    exit 2
  fi
  corpus="$CORPUS_ROOT/$target"
  seeds="$CORPUS_ROOT/seeds/$target"
  rm -rf "$seeds"
  mkdir -p "$corpus" "$seeds"
  for dir in "$ROOT/tests/data/good_input/$kind" "$ROOT/tests/data/bad_input/$kind" \
    "$ROOT/tests/data/fuzz_regressions/$kind"; do
    [ -d "$dir" ] || continue
    for f in "$dir"/*; do
      [ -f "$f" ] && [ "$(basename "$f")" != MANIFEST ] && cp "$f" "$seeds/$(basename "$dir")_$(basename "$f")"
    done
  done
  real="$ROOT/../shared/data/schedule/nba_game_ids_2021-22_to_2024-25.csv"
  if [ "$kind" = schedule ] && [ -f "$real" ]; then head -200 "$real" >"$seeds/real_game_ids_head.csv"; fi
  dict=()
  if [ -f "$ROOT/fuzz/dicts/$kind.dict" ]; then dict=(-dict="$ROOT/fuzz/dicts/$kind.dict"); fi
  log="$CORPUS_ROOT/$target.log"
  echo "run-fuzzers: $target for ${SECONDS_PER_TARGET}s (corpus $corpus, log $log)"
  "$bin" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
    -max_len="$MAX_LEN" -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$CORPUS_ROOT/artifacts/$target-" "$corpus" "$seeds" >"$log" 2>&1
  rc=$?
  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb' "$log" |
    sed "s/^/  $target: /"
  if [ $rc -ne 0 ]; then
    failed+=("$target")
    echo "run-fuzzers: $target FAILED (exit $rc); see $log and $CORPUS_ROOT/artifacts/" >&2
    grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5 >&2
  fi
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "run-fuzzers: problems found by: ${failed[*]}" >&2
  exit 1
fi
echo "run-fuzzers: no problem found (${#TARGETS[@]} targets, ${SECONDS_PER_TARGET}s each)"
