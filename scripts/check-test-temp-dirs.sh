#!/usr/bin/env bash
# Fails when a test process left its temporary directory behind: any
# $TMPDIR/phase4_test_<pid>_* newer than STAMP (touched before the tests
# started) whose process <pid> is gone. Every test's TempDir is removed by
# the process that created it (tests/test_support.h), also binary-wide ones.
set -uo pipefail
STAMP=${1:?usage: check-test-temp-dirs.sh STAMP_FILE}
TMP=${TMPDIR:-/tmp}
leaked=()
while IFS= read -r -d '' dir; do
  name=${dir##*/phase4_test_}
  pid=${name%%_*}
  [[ $pid =~ ^[0-9]+$ ]] || continue
  kill -0 "$pid" 2>/dev/null || leaked+=("$dir")
done < <(find "$TMP" -maxdepth 1 -type d -name 'phase4_test_*' -newer "$STAMP" -print0)
if ((${#leaked[@]})); then
  echo "test temp directories left behind by finished processes (${#leaked[@]}):"
  printf '  %s\n' "${leaked[@]:0:20}"
  exit 1
fi
echo "no test left a temp directory behind"
