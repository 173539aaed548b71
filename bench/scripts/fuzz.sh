#!/usr/bin/env bash
# Coverage-guided fuzzing of one Jazzer target (docs/fuzzing.md).
# Usage: bench/scripts/fuzz.sh MODULE/Class#method SECONDS|EXECUTIONS
#   bench/scripts/fuzz.sh wire/WireFuzzTest#body 600s     run for ten minutes
#   bench/scripts/fuzz.sh wire/WireFuzzTest#body 10000000  run ten million inputs
# A number with an s, m or h suffix is a duration; a bare number is a count of executions.
# The generated corpus grows in MODULE/.cifuzz-corpus/<package>.<Class>/<method>/ (ignored by git);
# an input that fails is written to MODULE/src/test/resources/<package path>/<Class>Inputs/<method>/,
# where the default build replays it from then on. The last lines printed are libFuzzer's DONE line
# (executions, coverage) and the number of findings.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ $# -ne 2 || "$1" != */*#* ]]; then
  sed -n '3,6p' "$0" >&2
  exit 2
fi
module=${1%%/*}
test=${1#*/}
budget=$2
if [[ "$budget" =~ ^[0-9]+[smh]$ ]]; then
  export JAZZER_MAX_DURATION=$budget
elif [[ "$budget" =~ ^[0-9]+$ ]]; then
  export JAZZER_MAX_EXECUTIONS=$budget
  export JAZZER_MAX_DURATION=24h
else
  echo "budget must be a duration (600s, 10m, 2h) or a count of executions" >&2
  exit 2
fi
log=$(mktemp -t fuzz.XXXXXX.log)
status=0
JAZZER_FUZZ=1 ./mvnw -B -o -pl "$module" -am test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.hooks=true >"$log" 2>&1 || status=$?
grep -E '^#[0-9]+[[:space:]]+DONE|^Done [0-9]+ runs|^DEDUP_TOKEN|Test unit written' "$log" | tail -4 || true
echo "findings: $(grep -c -E '^== Java Exception|^==[0-9]+== ERROR' "$log" || true) (full log: $log)"
exit $status
