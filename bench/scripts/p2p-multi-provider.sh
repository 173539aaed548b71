#!/usr/bin/env bash
# Fetching one datastore from 1 provider and from 3 over the peer network, each provider's link shaped to
# the same rate, so that the links, not the CPU, are the limit: the 3-provider fetch should approach 3x.
# Bar (docs/BENCHMARKS.md): 3 providers >= 2.5x the single-provider rate.
#
#   bench/scripts/p2p-multi-provider.sh [MiB (default 256) [RATE (tc syntax, default 32mbit) [runs (default 3)]]]
#
# Needs root, ip and tc. Four network namespaces: the fetcher's, and one per provider joined to it by a
# veth pair whose provider side (the direction the data flows) is shaped to RATE by tbf; one JVM per node
# (net.dig.bench.MultiProviderFetchBench). The namespaces and processes go away on exit. Not part of `verify`.
set -euo pipefail
cd "$(dirname "$0")/../.."
MIB="${1:-256}"
RATE="${2:-32mbit}"
RUNS="${3:-3}"
PORT=18650

./mvnw -B -q -o -pl bench -am package -DskipTests 2>&1 | grep -v '^WARNING' || true
JAVA_BIN=$(. .mvn/find-jdk.sh && dig_find_jdk >/dev/null && echo "$JAVA_HOME/bin/java")
JAR=bench/target/dig-bench.jar
MAIN=net.dig.bench.MultiProviderFetchBench

WORK=$(mktemp -d /tmp/dig-multi-bench.XXXXXX)
F="dig-mp-f-$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for i in 1 2 3; do ip netns del "dig-mp-p$i-$$" 2>/dev/null || true; done
  ip netns del "$F" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "setup: $MIB MiB in 16 MiB capsules, the same signed version in 3 provider homes" >&2
"$JAVA_BIN" -Xmx1g -cp "$JAR" "$MAIN" setup "$WORK" "$MIB" 3 >&2

ip netns add "$F"
ip -n "$F" link set lo up
addrs=()
for i in 1 2 3; do
  P="dig-mp-p$i-$$"
  ip netns add "$P"
  ip -n "$P" link set lo up
  ip link add "mpp$i-$$" netns "$P" type veth peer name "mpf$i-$$" netns "$F"
  ip -n "$P" addr add "10.78.$i.1/30" dev "mpp$i-$$"
  ip -n "$F" addr add "10.78.$i.2/30" dev "mpf$i-$$"
  ip -n "$P" link set "mpp$i-$$" up
  ip -n "$F" link set "mpf$i-$$" up
  ip netns exec "$P" tc qdisc add dev "mpp$i-$$" root tbf rate "$RATE" burst 64kb latency 5ms
  ip netns exec "$P" "$JAVA_BIN" -Xmx1g -cp "$JAR" "$MAIN" provider "$WORK" "$i" "10.78.$i.1" "$PORT" >"$WORK/p$i.log" 2>&1 &
  pids+=($!)
  addrs+=("10.78.$i.1:$PORT")
done
for i in 1 2 3; do
  for _ in $(seq 300); do grep -q serving "$WORK/p$i.log" && break; sleep 0.2; done
  grep -q serving "$WORK/p$i.log" || { cat "$WORK/p$i.log" >&2; exit 1; }
done
echo "links: 3 veth pairs, each provider's side shaped to $RATE (tbf); load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
ip netns exec "$F" "$JAVA_BIN" -Xmx2g -cp "$JAR" "$MAIN" fetch "$WORK" "$RUNS" "${addrs[@]}" | tee "$WORK/fetch.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
awk '
  /^fetch/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    if (v["providers"] == 1) { one += v["seconds"]; n1++ } else { three += v["seconds"]; n3++ }
  }
  END {
    printf "1 provider: %.1f s (mean of %d fetches)\n", one / n1, n1;
    printf "3 providers: %.1f s (mean of %d fetches)\n", three / n3, n3;
    printf "ratio 3/1: %.2fx (bar >= 2.5x)\n", one / three * n3 / n1;
  }' "$WORK/fetch.txt"
