#!/usr/bin/env bash
# Attacks on P2P admission against one node with default limits (NetAttackBench):
#   bench/scripts/net-attack.sh lockout [--sources 249] [--hold 250] [--rate 500] [--probes 10]
#   bench/scripts/net-attack.sh churn [--connections 20000] [--tls 1000]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
jar="$root/bench/target/dig-bench.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -B -q -pl bench -am package -DskipTests)
cd "$root"
. .mvn/find-jdk.sh
dig_find_jdk || { echo "no JDK >= 25 found" >&2; exit 2; }
exec "$JAVA_HOME/bin/java" -Xmx1g -cp "$jar" net.dig.bench.NetAttackBench "$@"
