#!/usr/bin/env bash
# Storage benchmarks (docs/architecture.md §5), side by side in one run on this machine:
#   1. ingest 1 GiB of random data (fsync included)  vs  dd if=data of=x bs=4M conv=fsync
#   2. verify the resulting plot (both cores)         vs  openssl dgst -sha256 of the same plot file
#   3. random capsule / 4 KiB chunk reads from a plot larger than 2 GiB
#   0. first, as users run it (whole processes, JVM start included, RUNS times each, min/median/max):
#      `dig-node datastore add` of 1 GiB (default codec; random and text data)  vs  dd bs=4M conv=fsync
#      `dig-node plot verify` of that plot                                     vs  openssl dgst -sha256
# Usage: [RUNS=3] [CLI_ONLY=1] [SKIP_BUILD=1] bench/scripts/storage-ingest-verify.sh [WORK_DIR]   (needs ~6 GiB free)
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK="${1:-$(mktemp -d /tmp/dig-storage-bench.XXXXXX)}"
mkdir -p "$WORK"
. .mvn/find-jdk.sh
dig_find_jdk || { echo "no JDK >= 25 found" >&2; exit 2; }
JAVA="$JAVA_HOME/bin/java"

[ -n "${SKIP_BUILD:-}" ] || ./mvnw -B -q -pl bench,node -am package -DskipTests
JAR=bench/target/dig-bench.jar
RUNS="${RUNS:-3}"
# each JVM's CPU use (user+sys, JVM start included) goes to stderr as cpu_seconds=...
bench() { /usr/bin/time -f "cpu_seconds=%U+%S wall_seconds=%e" "$JAVA" -Xmx4g --enable-native-access=ALL-UNNAMED \
  -cp "$JAR" net.dig.bench.StorageBench "$@" 2> >(grep -E "^cpu_seconds" >&2); }
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
echo "load_average_before=$(cut -d' ' -f1-3 /proc/loadavg) cores=$(nproc)"

echo "# data"
head -c 1073741824 /dev/urandom > "$WORK/data.bin"
sync

# min/median/max of the numbers on stdin
stats() { sort -g | awk '{v[NR]=$1} END {printf "min=%.3f median=%.3f max=%.3f", v[1], v[int((NR+1)/2)], v[NR]}'; }
# as users run it: the launcher (JDK lookup, staleness check, the AOT cache it keeps next to the jar)
dig() { ./dig-node --data-dir "$1" "${@:2}"; }

echo "# text data: the repository's sources and docs, repeated to 1 GiB"
git ls-files -z -- '*.java' '*.md' '*.xml' '*.json' '*.py' '*.sh' | xargs -0 cat > "$WORK/corpus.txt"
: > "$WORK/text.bin"
while [ "$(stat -c %s "$WORK/text.bin")" -lt 1073741824 ]; do cat "$WORK/corpus.txt" >> "$WORK/text.bin"; done
truncate -s 1073741824 "$WORK/text.bin"
rm -f "$WORK/corpus.txt"

./dig-node --version > /dev/null   # makes the AOT cache after a build, outside the timings
echo "# 0. whole processes: dig-node datastore add vs dd, dig-node plot verify vs openssl (runs=$RUNS)"
for kind in data text; do
  src="$WORK/$kind.bin"
  cat "$src" > /dev/null
  : > "$WORK/cli-$kind.txt"
  for run in $(seq "$RUNS"); do
    rm -f "$WORK/dd.out"; sync
    dd_s=$(secs dd if="$src" of="$WORK/dd.out" bs=4M conv=fsync)
    rm -f "$WORK/dd.out"; rm -rf "$WORK/cli-home"; sync
    dig "$WORK/cli-home" init > /dev/null 2>&1
    add_s=$(secs dig "$WORK/cli-home" datastore add "$src")
    plot=$(ls "$WORK"/cli-home/plots/*.plot)
    cat "$plot" > /dev/null
    ossl_s=$(secs openssl dgst -sha256 "$plot")
    s=$(date +%s.%N); dig "$WORK/cli-home" plot verify > /dev/null 2>&1 || { echo "verify failed" >&2; exit 1; }
    ver_s=$(echo "$(date +%s.%N) - $s" | bc)
    echo "$kind run=$run dd=$dd_s add=$add_s add_vs_dd=$(echo "scale=3; $dd_s / $add_s" | bc)" \
      "plot_bytes=$(stat -c %s "$plot") openssl=$ossl_s verify=$ver_s verify_vs_openssl=$(echo "scale=3; $ossl_s / $ver_s" | bc)" \
      "load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$WORK/cli-$kind.txt"
  done
  rm -rf "$WORK/cli-home"
  echo "$kind add_vs_dd: $(sed 's/.*add_vs_dd=\([^ ]*\).*/\1/' "$WORK/cli-$kind.txt" | stats)"
  echo "$kind verify_vs_openssl: $(sed 's/.*verify_vs_openssl=\([^ ]*\).*/\1/' "$WORK/cli-$kind.txt" | stats)"
done
rm -f "$WORK/text.bin"
if [ -n "${CLI_ONLY:-}" ]; then
  rm -f "$WORK/data.bin"
  echo "load_average_after=$(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

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
