#!/usr/bin/env bash
# Runs the test binary of the sanitizer build (ASan + UBSan) as two shards in
# parallel. One process per shard (not one per test, as ctest does) lets the
# tests of a shard share the leagues they generate, which keeps the slower
# instrumented run within minutes.
set -uo pipefail
BUILD_DIR=${1:-build-asan}
SHARDS=${2:-2}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

pids=()
for ((i = 0; i < SHARDS; i++)); do
  GTEST_TOTAL_SHARDS=$SHARDS GTEST_SHARD_INDEX=$i \
    "$BUILD_DIR/phase4_tests" --gtest_brief=1 >"$BUILD_DIR/sanitized-shard-$i.log" 2>&1 &
  pids+=($!)
done
failed=0
for ((i = 0; i < SHARDS; i++)); do
  if ! wait "${pids[$i]}"; then
    failed=1
    echo "sanitizer shard $i failed; its log:"
    cat "$BUILD_DIR/sanitized-shard-$i.log"
  fi
done
passed=$(cat "$BUILD_DIR"/sanitized-shard-*.log | grep -oE '\[  PASSED  \] [0-9]+' | awk '{s += $4} END {print s + 0}')
echo "sanitizer build (ASan + UBSan): $passed tests passed in $SHARDS shards"
exit $failed
