#!/usr/bin/env bash
# Builds minisketch's C++ library (the copy shipped inside the minisketch-rs crate) and a small sketch
# printer for PinSketchMinisketchTest, which finds it at gossip/src/test/minisketch/target/sketch-ref.
# Usage: build-reference.sh [OUTPUT_BINARY] (default: that path). Prints the seconds it took.
#
# Idempotent: an output newer than this script and sketch-ref.c is kept as it is. The crate's source comes
# through cargo's registry cache (~/.cargo/registry), so a machine that fetched it once builds offline.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:-$here/target/sketch-ref}")
start=$SECONDS
if [[ -x "$out" && "$out" -nt "$here/sketch-ref.c" && "$out" -nt "$here/build-reference.sh" ]]; then
    echo "minisketch reference: $out is up to date ($((SECONDS - start)) s)"
    exit 0
fi
# rustup installs into ~/.cargo/bin, which a non-login shell may not have on PATH.
command -v cargo >/dev/null || PATH="$HOME/.cargo/bin:$PATH"
command -v cargo >/dev/null || { echo "minisketch reference: cargo not found (install Rust via rustup or Debian's cargo)" >&2; exit 1; }
command -v g++ >/dev/null || { echo "minisketch reference: g++ not found (Debian's g++)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cat > "$work/Cargo.toml" <<'TOML'
[package]
name = "minisketch-fetch"
version = "0.0.0"
edition = "2021"
[dependencies]
minisketch-rs = "=0.1.9"
TOML
echo 'fn main() {}' > "$work/src/main.rs"
(cd "$work" && cargo fetch -q)
ms=$(find "${CARGO_HOME:-$HOME/.cargo}/registry/src" -maxdepth 2 -type d -name 'minisketch-rs-0.1.9' | head -1)/minisketch
mkdir -p "$(dirname "$out")"
g++ -O1 -std=c++11 -I"$ms/include" -DDISABLE_DEFAULT_FIELDS -DENABLE_FIELD_INT_32 -o "$out.tmp" \
    "$here/sketch-ref.c" "$ms/src/minisketch.cpp" "$ms/src/fields/"generic_*.cpp
mv -f "$out.tmp" "$out"
echo "minisketch reference: $out built in $((SECONDS - start)) s ($(g++ --version | head -1))"
