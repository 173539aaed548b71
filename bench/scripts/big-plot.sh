#!/usr/bin/env bash
# A plot far larger than the heap: `dig-node datastore add` of a sparse SIZE_GIB file (reads as zeros;
# default codec) and `dig-node plot verify` of the plot, each in a JVM limited to -Xmx256m. Before
# chunk hashes were streamed to a table file, the writer held every one of them (32 bytes per 4 KiB)
# in heap, twice at finish. Prints wall and CPU seconds and the peak RSS of each process; fails if
# either command fails. Everything it makes is deleted at the end.
# Usage: [SIZE_GIB=20] bench/scripts/big-plot.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_GIB="${SIZE_GIB:-20}"
WORK="${1:-$(mktemp -d /tmp/dig-big-plot.XXXXXX)}"
mkdir -p "$WORK"
trap 'rm -rf "$WORK/home" "$WORK/big.bin"' EXIT
. .mvn/find-jdk.sh
dig_find_jdk || { echo "no JDK >= 25 found" >&2; exit 2; }
JAVA="$JAVA_HOME/bin/java"
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -B -q -pl node -am package -DskipTests
dig() { /usr/bin/time -f "$1 wall_seconds=%e cpu_seconds=%U+%S max_rss_kib=%M" "$JAVA" -Xmx256m \
  --enable-native-access=ALL-UNNAMED -jar node/target/dig-node.jar --data-dir "$WORK/home" "${@:2}"; }
echo "date=$(date -u +%FT%TZ) load_average_before=$(cut -d' ' -f1-3 /proc/loadavg) cores=$(nproc) size_gib=$SIZE_GIB"
truncate -s "${SIZE_GIB}G" "$WORK/big.bin"
dig init init > /dev/null
dig add datastore add "$WORK/big.bin" > /dev/null
ls -l "$WORK"/home/plots/*.plot
dig verify plot verify
echo "load_average_after=$(cut -d' ' -f1-3 /proc/loadavg)"
