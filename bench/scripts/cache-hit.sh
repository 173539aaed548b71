#!/usr/bin/env bash
# Cache mode's byte hit ratio (net.dig.service.CacheEviction, the node's policy) vs Belady with sizes and the
# static oracle, on seeded Zipf traces over whole datastores of varied sizes (net.dig.bench.CacheModeHitBench).
# Usage: bench/scripts/cache-hit.sh [datastores (1000)] [reads (1000000)] [zipf_s (0.9)] [cache_fraction (0.10)] [seeds ("1 2 3 4 5")]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q -o -pl bench -am package -DskipTests 2>&1 | grep -v '^WARNING' || true
JAVA_BIN=$(. .mvn/find-jdk.sh && dig_find_jdk >/dev/null && echo "$JAVA_HOME/bin/java")
uptime
for seed in ${5:-1 2 3 4 5}; do
  "$JAVA_BIN" -cp bench/target/dig-bench.jar net.dig.bench.CacheModeHitBench "${1:-1000}" "${2:-1000000}" "${3:-0.9}" "${4:-0.10}" "$seed"
done
