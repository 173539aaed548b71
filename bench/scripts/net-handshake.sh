#!/usr/bin/env bash
# dig-net loopback handshake latency (TCP + mTLS 1.3 + WebSocket upgrade + Chia handshake), p50/p99.
#
#   bench/scripts/net-handshake.sh [iterations]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
iterations=${1:-500}
jar="$root/bench/target/dig-bench.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -B -q -pl bench -am package -DskipTests)
cd "$root"
. .mvn/find-jdk.sh
dig_find_jdk || { echo "no JDK >= 25 found" >&2; exit 2; }
java="$JAVA_HOME/bin/java"
"$java" -Xmx1g -cp "$jar" net.dig.bench.NetHandshakeBench --iterations "$iterations" --warmup 100
