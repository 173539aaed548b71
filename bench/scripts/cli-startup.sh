#!/usr/bin/env bash
# Whole-process time of the launcher with and without the JDK AOT cache (node/target/dig-node.aot):
# `./dig-node --version` and `./dig-node datastore add` of a 64 KiB file into a fresh home, plus
# `java -version` as the JVM's own floor. Uses hyperfine when installed, else a loop over date +%s%N.
#   bench/scripts/cli-startup.sh [RUNS]        (default 10; the jar must be built and current)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-10}
cd "$root"
. .mvn/find-jdk.sh
dig_find_jdk
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c 65536 /dev/urandom >"$work/small.bin"
./dig-node --version >/dev/null            # builds the jar and the AOT cache when needed
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
add="rm -rf $work/h && ./dig-node --data-dir $work/h datastore add $work/small.bin >/dev/null 2>&1"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 2 --runs "$runs" --export-markdown "$work/version.md" \
    -n "java -version" "$JAVA_HOME/bin/java -version" \
    -n "dig-node --version, AOT cache" "./dig-node --version" \
    -n "dig-node --version, no cache" "env DIG_NODE_AOT=0 ./dig-node --version"
  cat "$work/version.md"
  hyperfine --warmup 1 --runs "$runs" --export-markdown "$work/add.md" \
    -n "datastore add, AOT cache" "$add" \
    -n "datastore add, no cache" "DIG_NODE_AOT=0 $add"
  cat "$work/add.md"
else
  for name in "--version" "DIG_NODE_AOT=0 --version" "add" "DIG_NODE_AOT=0 add"; do
    case $name in
      *add) cmd="$add" ;;
      *) cmd="./dig-node --version >/dev/null" ;;
    esac
    case $name in DIG_NODE_AOT=0*) cmd="DIG_NODE_AOT=0; export DIG_NODE_AOT; $cmd" ;; esac
    total=0
    for _ in $(seq "$runs"); do
      t0=$(date +%s%N); bash -c "$cmd"; t1=$(date +%s%N)
      total=$((total + t1 - t0))
    done
    echo "$name: mean $((total / runs / 1000000)) ms over $runs runs"
  done
fi
