#!/usr/bin/env bash
# Run the 2-process (gloo) tests again and again and count the failures,
# to find and check intermittent aborts of distributed runs (not for CI).
#
#   bash tools/misc/stress_dist.sh [RUNS] [LOAD]
#
# RUNS (default 30): runs of each test. LOAD (default 0): CPU-burning
# processes running beside the tests (2 on this 2-core machine: the loaded
# case). TESTS (environment): the pytest node ids, default the 2-process
# tests of training, testing, extraction and PAL. Prints a line per run and
# "runs / failures" per test; a failed run's output is kept in
# $OUT_DIR (default /tmp/stress_dist) with the aborting rank's lines.
set -u
RUNS=${1:-30}
LOAD=${2:-0}
PYTHON=${PYTHON:-python}
OUT_DIR=${OUT_DIR:-/tmp/stress_dist}
TESTS=${TESTS:-"tests/tools/test_train_and_test.py::test_dist_train_two_cpu_processes tests/tools/test_extract_features.py::test_two_processes_do_each_video_exactly_once tests/tools/test_pal_dist_train.py::test_queue_receives_the_keys_of_both_ranks"}
cd "$(dirname "$0")/../.."
mkdir -p "$OUT_DIR"
burners=()
for _ in $(seq 1 "$LOAD"); do
  "$PYTHON" -c 'import time
t = time.time() + 7200
while time.time() < t: pass' &
  burners+=($!)
done
trap 'kill "${burners[@]}" 2>/dev/null' EXIT
for test in $TESTS; do
  failures=0
  for run in $(seq 1 "$RUNS"); do
    log="$OUT_DIR/$(basename "${test%%::*}" .py)-$run.log"
    start=$(date +%s)
    if "$PYTHON" -m pytest -q -p no:cacheprovider "$test" > "$log" 2>&1; then
      echo "$test run $run: ok ($(( $(date +%s) - start )) s)"
      rm -f "$log"
    else
      failures=$((failures + 1))
      echo "$test run $run: FAILED ($(( $(date +%s) - start )) s), log $log"
      grep -n -E 'terminate called|SIGABRT|Signal 6|exitcode|Traceback' \
        "$log" | head -5
    fi
  done
  echo "$test: $RUNS runs / $failures failures (load $LOAD)"
done
