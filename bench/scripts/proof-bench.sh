#!/usr/bin/env bash
# Proof bundle speed and soundness (net.dig.bench.ProofBench): honest generation p50/p99 (inclusion +
# physical access; work per difficulty separately), one-thread verification throughput (wall and CPU time)
# with its floor (one Ed25519 verify over the signed bytes, SHA-256 over the hashed chunks), both next to
# Ed25519 sign/verify measured in the same run, and a simulated run of a node missing 1 % of its
# chunks against the detection formula. Prints the load average before and after.
# Usage: bench/scripts/proof-bench.sh [iterations] [simulated_days] [challenges_per_day]
set -euo pipefail
cd "$(dirname "$0")/../.."
. .mvn/find-jdk.sh
dig_find_jdk || { echo "no JDK >= 25 found" >&2; exit 2; }
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -B -q -o -pl bench -am package -DskipTests
echo "date=$(date -u +%FT%TZ) load_average_before=$(cut -d' ' -f1-3 /proc/loadavg) cores=$(nproc)"
"$JAVA_HOME/bin/java" -Xmx1g -cp bench/target/dig-bench.jar net.dig.bench.ProofBench "$@"
