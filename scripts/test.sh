#!/usr/bin/env bash
# The whole test suite: node's built-in runner over an explicit list of test files. Node 20 neither expands globs
# nor finds .ts files in a folder (it would run 0 tests and exit 0), so the list is built here and an empty list,
# or a run that executed no test, is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "test.sh: no test files found under test/" >&2
  exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
node --import tsx --test --test-reporter=spec "${files[@]}" 2>&1 | tee "$log" || status=$?

tests="$(grep -E '^ℹ tests [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)"
passed="$(grep -E '^ℹ pass [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)"
failed="$(grep -E '^ℹ fail [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)"
# A suite skipped as a whole (its tests never registered, e.g. the shared corpus absent) is not in "ℹ skipped":
# count the reporter's skip lines instead, tests and suites alike.
skipped="$(grep -cE '^[[:space:]]*﹣ ' "$log" || true)"
if [ "$tests" -eq 0 ]; then
  echo "test.sh: the runner executed no test" >&2
  exit 1
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
