#!/usr/bin/env bash
# Plumtree vs flooding in the deterministic simulator (dig-sim), 1,000 and 10,000 nodes, every scenario.
# Overlay degree 8, 1 KB payloads, 10 warm-up + 20 measured broadcasts 1 s apart (SimSpec.of).
# Prints one Markdown row per run (the table in docs/BENCHMARKS.md) and keeps the JSON lines.
#
#   bench/scripts/sim-10k.sh [seed] [sizes...]      e.g. bench/scripts/sim-10k.sh 1 1000 10000
#
# Needs ~4 GiB of heap at 10,000 nodes; runs take about 1-2 minutes each on 2 shared cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seed=${1:-1}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
out="${TMPDIR:-/tmp}/dig-sim-bench"
mkdir -p "$out"
jsonl="$out/sim-seed$seed.jsonl"
: > "$jsonl"
export DIG_NODE_JAVA_OPTS="${DIG_NODE_JAVA_OPTS:--Xmx8g}"

echo "| nodes | scenario | reliability % (plumtree / flood) | RMR (plumtree / flood) | last delivery hop | latency p50 / p99 ms (plumtree) | latency p50 / p99 ms (flood) | bytes vs flood | penalties |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  for scenario in steady failure partition churn byzantine; do
    line=$("$root/dig-node" sim --nodes "$n" --seed "$seed" --scenario "$scenario" --json)
    echo "$line" >> "$jsonl"
    python3 - "$line" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); p = r["plumtree"]; f = r["flood"]
print(f"| {r['nodes']} | {r['scenario']} | {p['reliability_percent']:.3f} / {f['reliability_percent']:.3f} | "
      f"{p['rmr']:.4f} / {f['rmr']:.4f} | {p['last_delivery_hop_mean']:.2f} / {f['last_delivery_hop_mean']:.2f} | "
      f"{p['latency_p50_ms']:.0f} / {p['latency_p99_ms']:.0f} | {f['latency_p50_ms']:.0f} / {f['latency_p99_ms']:.0f} | "
      f"{r['bytes_vs_flood_percent']:.2f} % | {p['penalties']} |")
PY
  done
done
echo "JSON lines: $jsonl" >&2
