#!/usr/bin/env bash
# dig-net priority lanes on one saturated TLS WebSocket connection: critical-message latency p50/p99
# with lanes (critical probe) vs one FIFO (the same probe under a bulk opcode), the two kinds alternating
# on one connection.
#
#   bench/scripts/net-lanes.sh [probes [--bulk-kib K] [--socket-buffer-kib N]]   (default 1000 probes, 4096 KiB bulk
#   messages, the node's socket buffers; N = 0: kernel autotuning)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
probes=${1:-1000}
jar="$root/bench/target/dig-bench.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -B -q -pl bench -am package -DskipTests)
cd "$root"
. .mvn/find-jdk.sh
dig_find_jdk || { echo "no JDK >= 25 found" >&2; exit 2; }
java="$JAVA_HOME/bin/java"
"$java" -Xmx3g -cp "$jar" net.dig.bench.NetLanesBench --probes "$probes" --bulk-kib 4096 --gap-ms 20 "${@:2}"
