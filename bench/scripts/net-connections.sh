#!/usr/bin/env bash
# 1,000 concurrent peer connections into one dig-net node; heap per connection measured in the node's
# process (the dialers run in a second JVM so their memory does not count).
#
#   bench/scripts/net-connections.sh [connections]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
connections=${1:-1000}
jar="$root/bench/target/dig-bench.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -B -q -pl bench -am package -DskipTests)
cd "$root"
. .mvn/find-jdk.sh
dig_find_jdk || { echo "no JDK >= 25 found" >&2; exit 2; }
java="$JAVA_HOME/bin/java"
out=$(mktemp -d)
"$java" -Xmx1g -cp "$jar" net.dig.bench.NetConnectionsBench server --connections "$connections" > "$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do grep -q READY "$out/server.log" && break; sleep 0.2; done
read -r _ port cadir < <(grep READY "$out/server.log")
"$java" -Xmx4g -cp "$jar" net.dig.bench.NetConnectionsBench client --connections "$connections" --parallel 50 \
    --port "$port" --ca-dir "$cadir" > "$out/client.log" 2>&1 &
client=$!
wait $server
grep -E 'connections=' "$out/server.log"
grep -E 'clients_connected=' "$out/client.log" || true
kill $client 2>/dev/null || true
