#!/usr/bin/env bash
# Run one test file (or any pytest arguments) N times in a row, niced, and stop at the first failure, keeping
# every run's output: how the race tests are shown to hold on a loaded machine (docs/race-tests.md).
#   scripts/repeat-tests.sh 20 tests/e2e/test_sync_clients.py            # log in .racelogs/
# Prints "<args>: K of N passed, wall S s" and exits non-zero if a run failed (its output is in the log).
set -uo pipefail
runs=$1
shift
mkdir -p .racelogs
log=".racelogs/$(echo "$*" | tr -c 'A-Za-z0-9_.-' '_' | cut -c1-120).log"
: >"$log"
start=$(date +%s)
passed=0
for i in $(seq 1 "$runs"); do
    began=$(date +%s)
    nice -n 19 .venv/bin/pytest -p no:randomly -p no:cacheprovider -q -x "$@" >>"$log" 2>&1
    status=$?
    echo "run $i exit $status $(($(date +%s) - began)) s" >>"$log"
    [ "$status" -ne 0 ] && break
    passed=$((passed + 1))
done
echo "$*: $passed of $runs passed, wall $(($(date +%s) - start)) s (log: $log)"
[ "$passed" -eq "$runs" ]
