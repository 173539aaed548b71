#!/usr/bin/env bash
# Critical-lane latency under a saturating bulk transfer, lanes on (the real LaneScheduler) vs off (FIFO),
# in a virtual-time model of one connection (SimLanesBench). Extra arguments go to SimLanesBench, e.g.
#   bench/scripts/sim-lanes.sh --mbps 100 --bulk-kib 1024 --bulk-backlog 16
set -euo pipefail
cd "$(dirname "$0")/../.."
. .mvn/find-jdk.sh
dig_find_jdk || { echo "no JDK >= 25 found" >&2; exit 2; }
./mvnw -B -q -pl bench -am package -DskipTests
"$JAVA_HOME/bin/java" -cp bench/target/dig-bench.jar net.dig.bench.SimLanesBench "$@"
