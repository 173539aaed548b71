#!/usr/bin/env bash
# Builds minisketch's C++ library (the copy shipped inside the minisketch-rs crate) and a small
# sketch printer, for PinSketchMinisketchTest. Usage: build-reference.sh OUTPUT_BINARY
set -euo pipefail
out=$(realpath -m "${1:?usage: build-reference.sh OUTPUT_BINARY}")
here=$(cd "$(dirname "$0")" && pwd)
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
g++ -O1 -std=c++11 -I"$ms/include" -DDISABLE_DEFAULT_FIELDS -DENABLE_FIELD_INT_32 -o "$out" \
    "$here/sketch-ref.c" "$ms/src/minisketch.cpp" "$ms/src/fields/"generic_*.cpp
