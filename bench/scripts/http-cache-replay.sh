#!/usr/bin/env bash
# Zipf trace replay: W-TinyLFU (Caffeine, used by the node's L1/L2 tiers) vs LRU vs LFU at equal size.
# Usage: bench/scripts/http-cache-replay.sh [keys (default 100000)] [requests (default 2000000)]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q -o -pl bench -am package -DskipTests 2>&1 | grep -v '^WARNING' || true
JAVA_BIN=$(. .mvn/find-jdk.sh && dig_find_jdk >/dev/null && echo "$JAVA_HOME/bin/java")
"$JAVA_BIN" -cp bench/target/dig-bench.jar net.dig.bench.CacheTraceReplay "${1:-100000}" "${2:-2000000}"
