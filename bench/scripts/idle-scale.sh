#!/usr/bin/env bash
# One dig-node at idle with 100 peers and 10,000 datastores announced to it.
# Bar (docs/BENCHMARKS.md): heap after a full GC under 512 MiB, CPU at idle < 2 % of one core.
#
# The node runs as `./dig-node start` runs it (the application jar, the launcher's JVM options, no -Xmx,
# a temporary data directory; the jar is run directly so that the launcher does not rebuild it while
# sources are edited); the peers are real GossipServices in a second JVM (net.dig.bench.IdleScaleBench), each on
# its own 127.0.0.x address, connected over mTLS, sending holdings (222), DHT (241), node messages (240)
# and keepalives. Once every announcement is done the script lets things settle, then reads the node
# process's own CPU time (utime + stime in /proc/PID/stat) over the idle window, and its heap after a
# full GC (jcmd GC.run, GC.heap_info).
#
# Usage: bench/scripts/idle-scale.sh [peers (100)] [datastores (10000)] [idle seconds (90)] [settle seconds (60)]
# DIG_BENCH_NO_BUILD=1 uses the jars already built.
set -euo pipefail
cd "$(dirname "$0")/../.."
PEERS="${1:-100}"
DATASTORES="${2:-10000}"
IDLE="${3:-90}"
SETTLE="${4:-60}"
NETWORK_ID=idle-scale-bench

if [ -z "${DIG_BENCH_NO_BUILD:-}" ]; then
  ./mvnw -B -q -o -pl node,bench -am package -DskipTests 2>&1 | grep -v '^WARNING' || true
fi
. .mvn/find-jdk.sh
dig_find_jdk >/dev/null || { echo "no JDK >= 25 found" >&2; exit 2; }
JAVA_BIN="$JAVA_HOME/bin/java"
JCMD="$JAVA_HOME/bin/jcmd"

WORK=$(mktemp -d /tmp/dig-idle-bench.XXXXXX)
NODE_PID=""
PEERS_PID=""
cleanup() {
  [ -n "$PEERS_PID" ] && kill "$PEERS_PID" 2>/dev/null || true
  [ -n "$NODE_PID" ] && kill "$NODE_PID" 2>/dev/null && wait "$NODE_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck disable=SC2086
"$JAVA_BIN" --enable-native-access=ALL-UNNAMED ${DIG_NODE_JAVA_OPTS:-} -jar node/target/dig-node.jar \
  --data-dir "$WORK/home" --set network.listen_address=127.0.0.1:0 --set api.listen_address=127.0.0.1:0 \
  --set monitoring.metrics_port=0 --set storage.scrub.rate=0 \
  start --ready-file "$WORK/ready.json" --network-id "$NETWORK_ID" >"$WORK/node.log" 2>&1 &
NODE_PID=$!
for _ in $(seq 1 1500); do [ -f "$WORK/ready.json" ] && break; kill -0 "$NODE_PID" 2>/dev/null || break; sleep 0.2; done
[ -f "$WORK/ready.json" ] || { cat "$WORK/node.log" >&2; echo "the node did not start" >&2; exit 1; }
P2P_PORT=$(grep -o '"p2p_port" *: *[0-9]*' "$WORK/ready.json" | grep -o '[0-9]*$')
API_PORT=$(grep -o '"api_port" *: *[0-9]*' "$WORK/ready.json" | grep -o '[0-9]*$')
echo "node pid $NODE_PID p2p 127.0.0.1:$P2P_PORT api 127.0.0.1:$API_PORT" >&2

"$JAVA_BIN" -Xmx2g -cp bench/target/dig-bench.jar net.dig.bench.IdleScaleBench "127.0.0.1:$P2P_PORT" \
  "$NETWORK_ID" "$PEERS" "$DATASTORES" >"$WORK/peers.log" 2>&1 &
PEERS_PID=$!
for _ in $(seq 1 3000); do grep -q '^READY' "$WORK/peers.log" && break; kill -0 "$PEERS_PID" || break; sleep 0.2; done
grep '^READY' "$WORK/peers.log" >&2 || { tail -50 "$WORK/peers.log" >&2; echo "the peers did not get ready" >&2; exit 1; }
sleep "$SETTLE"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
t0=$(date +%s.%N); c0=$(cpu_ticks "$NODE_PID")
sleep "$IDLE"
t1=$(date +%s.%N); c1=$(cpu_ticks "$NODE_PID")

"$JCMD" "$NODE_PID" GC.run >/dev/null
HEAP=$("$JCMD" "$NODE_PID" GC.heap_info)
USED_K=$(echo "$HEAP" | grep -o 'used [0-9]*K' | head -1 | grep -o '[0-9]*')
MAX_HEAP=$("$JCMD" "$NODE_PID" VM.flags | grep -o 'MaxHeapSize=[0-9]*' | grep -o '[0-9]*')
STATUS=$(curl -s "http://127.0.0.1:$API_PORT/node/status" || true)
"$JCMD" "$NODE_PID" GC.class_histogram | head -25 >"$WORK/histogram.txt"

echo "node status: $(echo "$STATUS" | grep -o '"peers":[0-9]*\|"dht":{[^}]*}' | tr '\n' ' ')"
echo "node log lines during the run: $(wc -l <"$WORK/node.log")"
echo "top of the node's class histogram after the full GC:"
sed -n 1,16p "$WORK/histogram.txt"
awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$HZ" -v used="$USED_K" -v max="$MAX_HEAP" \
    -v peers="$PEERS" -v ds="$DATASTORES" 'BEGIN {
  cpu = (c1 - c0) / hz; wall = t1 - t0;
  printf "idle window: %.1f s wall, node CPU %.2f s = %.2f %% of one core (bar < 2 %%)\n", wall, cpu, 100 * cpu / wall;
  printf "heap after full GC: %.1f MiB (bar < 512 MiB), -Xmx (JVM default) %.0f MiB\n", used / 1024, max / 1048576;
  printf "peers %d, datastores %d\n", peers, ds;
}'
