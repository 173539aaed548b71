#!/usr/bin/env bash
# dig-net priority lanes on one saturated TLS WebSocket connection: critical-message latency p50/p99
# with lanes (critical probe) vs one FIFO (the same probe under a bulk opcode), the two kinds alternating
# on one connection.
#
#   bench/scripts/net-lanes.sh [probes [--bulk-kib K] [--socket-buffer-kib N] [--one-process]]
#
# Defaults: 1000 probes, 4096 KiB bulk messages, the node's socket buffers (N = 0: kernel autotuning).
# The two nodes run in two JVMs pinned to different cores (taskset), as on two machines; --one-process
# runs both in one JVM sharing every core (also the fallback without taskset or a second core).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
probes=${1:-1000}
shift || true
one=false
args=()
for a in "$@"; do
  if [ "$a" = "--one-process" ]; then one=true; else args+=("$a"); fi
done
jar="$root/bench/target/dig-bench.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -B -q -pl bench -am package -DskipTests)
cd "$root"
. .mvn/find-jdk.sh
dig_find_jdk || { echo "no JDK >= 25 found" >&2; exit 2; }
java=("$JAVA_HOME/bin/java" -Xmx3g -cp "$jar" net.dig.bench.NetLanesBench --probes "$probes" --bulk-kib 4096 --gap-ms 20)
if ! command -v taskset >/dev/null || [ "$(nproc)" -lt 2 ]; then
  one=true
fi
if $one; then
  "${java[@]}" --role both "${args[@]}"
  exit
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/dig-net-lanes.XXXXXX")
trap 'rm -rf "$dir"' EXIT
taskset -c 1 "${java[@]}" --role receiver --dir "$dir" "${args[@]}" &
receiver=$!
taskset -c 0 "${java[@]}" --role sender --dir "$dir" "${args[@]}"
wait "$receiver"
