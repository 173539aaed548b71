#!/usr/bin/env bash
# Builds interop/dig-rust/target/release/dig-interop-peer from crates.io with the committed
# Cargo.lock (--locked: no resolution at build time). Prints the seconds it took.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# rustup installs into ~/.cargo/bin, which a non-login shell may not have on PATH.
command -v cargo >/dev/null || PATH="$HOME/.cargo/bin:$PATH"
command -v cargo >/dev/null || { echo "dig-rust build: cargo not found (install Rust via rustup or Debian's cargo)" >&2; exit 1; }
start=$SECONDS
cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml"
echo "dig-rust build: $here/target/release/dig-interop-peer ready in $((SECONDS - start)) s ($(cargo --version))"
