#!/usr/bin/env bash
# Storage benchmarks (docs/architecture.md §5), side by side in one run on this machine:
#   1. ingest 1 GiB of random data (fsync included)  vs  dd if=data of=x bs=4M conv=fsync
#   2. verify the resulting plot (both cores)         vs  openssl dgst -sha256 of the same plot file
#   3. random capsule / 4 KiB chunk reads from a plot larger than 2 GiB
# Usage: bench/scripts/storage-ingest-verify.sh [WORK_DIR]   (needs ~6 GiB free in WORK_DIR)
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK="${1:-$(mktemp -d /tmp/dig-storage-bench.XXXXXX)}"
mkdir -p "$WORK"
. .mvn/find-jdk.sh
dig_find_jdk || { echo "no JDK >= 25 found" >&2; exit 2; }
JAVA="$JAVA_HOME/bin/java"

./mvnw -B -q -pl bench -am package -DskipTests
JAR=bench/target/dig-bench.jar
# each JVM's CPU use (user+sys, JVM start included) goes to stderr as cpu_seconds=...
bench() { /usr/bin/time -f "cpu_seconds=%U+%S wall_seconds=%e" "$JAVA" -Xmx4g --enable-native-access=ALL-UNNAMED \
  -cp "$JAR" net.dig.bench.StorageBench "$@" 2> >(grep -E "^cpu_seconds" >&2); }
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
echo "load_average_before=$(cut -d' ' -f1-3 /proc/loadavg) cores=$(nproc)"

echo "# data"
head -c 1073741824 /dev/urandom > "$WORK/data.bin"
sync

echo "# 1. ingest vs dd"
rm -f "$WORK/dd.out"
DD=$(secs dd if="$WORK/data.bin" of="$WORK/dd.out" bs=4M conv=fsync)
rm -f "$WORK/dd.out"; sync
rm -rf "$WORK"/home-*
# cold: a fresh JVM, as a CLI `datastore add` runs; warm: after one unmeasured ingest (a running node)
bench ingest "$WORK/home-cold" "$WORK/data.bin" none 0 | tee "$WORK/ingest-cold.txt"
rm -rf "$WORK/home-cold"
bench ingest "$WORK/home-none" "$WORK/data.bin" none 1 | tee "$WORK/ingest-none.txt"
bench ingest "$WORK/home-zstd" "$WORK/data.bin" zstd 1 | tee "$WORK/ingest-zstd.txt"
rm -rf "$WORK/home-zstd"
INGC=$(grep '^ingest_seconds' "$WORK/ingest-cold.txt" | cut -d= -f2)
ING=$(grep '^ingest_seconds' "$WORK/ingest-none.txt" | cut -d= -f2)
INGZ=$(grep '^ingest_seconds' "$WORK/ingest-zstd.txt" | cut -d= -f2)
echo "dd_seconds=$DD"
echo "ingest_vs_dd_ratio(none,cold)=$(echo "scale=2; $DD / $INGC" | bc)"
echo "ingest_vs_dd_ratio(none,warm)=$(echo "scale=2; $DD / $ING" | bc)"
echo "ingest_vs_dd_ratio(zstd,warm)=$(echo "scale=2; $DD / $INGZ" | bc)"

echo "# 2. verify vs openssl"
PLOT=$(ls "$WORK"/home-none/plots/*.plot)
cat "$PLOT" > /dev/null
OSSL=$(secs openssl dgst -sha256 "$PLOT")
bench verify "$WORK/home-none" 1 | tee "$WORK/verify-cold.txt"
bench verify "$WORK/home-none" 3 | tee "$WORK/verify.txt"
VERC=$(grep '^verify_seconds' "$WORK/verify-cold.txt" | cut -d= -f2)
VER=$(grep '^verify_seconds' "$WORK/verify.txt" | cut -d= -f2)
echo "openssl_seconds=$OSSL"
echo "verify_vs_openssl_ratio(cold)=$(echo "scale=2; $OSSL / $VERC" | bc)"
echo "verify_vs_openssl_ratio(warm)=$(echo "scale=2; $OSSL / $VER" | bc)"

echo "# 3. random reads from a plot > 2 GiB"
rm -rf "$WORK"/home-*
cat "$WORK/data.bin" "$WORK/data.bin" > "$WORK/big.bin"
head -c 268435456 "$WORK/data.bin" >> "$WORK/big.bin"
rm -f "$WORK/data.bin"
bench ingest "$WORK/home-big" "$WORK/big.bin" none
rm -f "$WORK/big.bin"
ls -l "$WORK"/home-big/plots/*.plot
bench read "$WORK/home-big" 400 42
rm -rf "$WORK/home-big"
echo "load_average_after=$(cut -d' ' -f1-3 /proc/loadavg)"
