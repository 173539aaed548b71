#!/usr/bin/env bash
# dig-net priority lanes on one saturated TLS WebSocket connection: critical-message latency p50/p99
# with lanes (critical probe) vs one FIFO (the same probe under a bulk opcode), the two kinds alternating
# on one connection.
#
#   bench/scripts/net-lanes.sh [probes [--bulk-kib K] [--socket-buffer-kib N] [--one-process | --link RATE] [--pin]]
#
# Defaults: 1000 probes, 4096 KiB bulk messages, the node's socket buffers (N = 0: kernel autotuning).
# The two nodes run in two JVMs, as on two machines, over loopback; --pin gives each JVM a core of its own
# (taskset; on a 2-core machine that starves each JVM's JIT and GC threads, so it is not the default);
# --one-process runs both in one JVM sharing every core (also the fallback without taskset or a second
# core). --link RATE (tc syntax, e.g. 1gbit; needs root, ip and tc) puts the two JVMs in two network
# namespaces joined by a veth pair whose sending side is shaped to RATE (tbf, 5 ms of queue), so that
# the link, not the CPU, is what the bulk transfer saturates; with --one-process the JVM runs in one
# namespace whose loopback is shaped. The namespaces go away on exit.
# DIG_BENCH_JAVA_OPTS: extra JVM options for the nodes (e.g. -Xlog:gc:file=/tmp/gc-%p.log).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
probes=${1:-1000}
shift || true
one=false
pin=false
link=
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --one-process) one=true ;;
    --pin) pin=true ;;
    --link) link=$2; shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
jar="$root/bench/target/dig-bench.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -B -q -pl bench -am package -DskipTests)
cd "$root"
. .mvn/find-jdk.sh
dig_find_jdk || { echo "no JDK >= 25 found" >&2; exit 2; }
java=("$JAVA_HOME/bin/java" -Xmx3g -XX:+UseG1GC ${DIG_BENCH_JAVA_OPTS:-} -cp "$jar" net.dig.bench.NetLanesBench --probes "$probes" --bulk-kib 4096 --gap-ms 20)
if ! command -v taskset >/dev/null || [ "$(nproc)" -lt 2 ]; then
  one=true
fi
core_a=()
core_b=()
if $pin; then
  core_a=(taskset -c 1)
  core_b=(taskset -c 0)
fi
if $one && [ -z "$link" ]; then
  "${java[@]}" --role both "${args[@]}"
  exit
fi
if $one; then
  # one JVM in a namespace of its own whose loopback is shaped (both directions share it); the bucket
  # must hold loopback's 64 KiB packets, or tbf drops every one of them
  ns="dig-lanes-$$"
  trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip netns exec "$ns" tc qdisc add dev lo root tbf rate "$link" burst 256kb latency 5ms
  echo "link: loopback of a fresh network namespace shaped to $link (tbf)"
  ip netns exec "$ns" "${java[@]}" --role both "${args[@]}"
  exit
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/dig-net-lanes.XXXXXX")
host=127.0.0.1
in_a=()
in_b=()
cleanup() {
  rm -rf "$dir"
  if [ -n "$link" ]; then
    ip netns del "dig-lanes-a-$$" 2>/dev/null || true
    ip netns del "dig-lanes-b-$$" 2>/dev/null || true
  fi
}
trap cleanup EXIT
if [ -n "$link" ]; then
  a="dig-lanes-a-$$"
  b="dig-lanes-b-$$"
  ip netns add "$a"
  ip netns add "$b"
  ip link add "dla$$" netns "$a" type veth peer name "dlb$$" netns "$b"
  ip -n "$a" addr add 10.77.0.1/30 dev "dla$$"
  ip -n "$b" addr add 10.77.0.2/30 dev "dlb$$"
  for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
  ip -n "$a" link set "dla$$" up
  ip -n "$b" link set "dlb$$" up
  ip netns exec "$b" tc qdisc add dev "dlb$$" root tbf rate "$link" burst 64kb latency 5ms
  host=10.77.0.1
  in_a=(ip netns exec "$a")
  in_b=(ip netns exec "$b")
  echo "link: veth shaped to $link (tbf) from the sender to the receiver"
fi
"${in_a[@]}" "${core_a[@]}" "${java[@]}" --role receiver --dir "$dir" --host "$host" "${args[@]}" &
receiver=$!
"${in_b[@]}" "${core_b[@]}" "${java[@]}" --role sender --dir "$dir" --host "$host" "${args[@]}"
wait "$receiver"
