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
# The test binary with a test-only sixth processor (tests/processors/sixth_processor/).
sixth="$BUILD_DIR/phase4_sixth_processor_tests"
if [ -x "$sixth" ]; then
  "$sixth" --gtest_brief=1 >"$BUILD_DIR/sanitized-shard-sixth.log" 2>&1 &
  pids+=($!)
fi
failed=0
for ((i = 0; i < ${#pids[@]}; i++)); do
  if ! wait "${pids[$i]}"; then
    failed=1
    log="$BUILD_DIR/sanitized-shard-$i.log"
    if [ "$i" -ge "$SHARDS" ]; then log="$BUILD_DIR/sanitized-shard-sixth.log"; fi
    echo "sanitizer shard $i failed; its log:"
    cat "$log"
  fi
done
passed=$(cat "$BUILD_DIR"/sanitized-shard-*.log | grep -oE '\[  PASSED  \] [0-9]+' | awk '{s += $4} END {print s + 0}')
echo "sanitizer build (ASan + UBSan): $passed tests passed in $SHARDS shards"
exit $failed
