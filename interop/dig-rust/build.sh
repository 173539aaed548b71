#!/usr/bin/env bash
# Builds interop/dig-rust/target/release/dig-interop-peer from crates.io with the committed
# Cargo.lock (--locked: no resolution at build time). Prints the seconds it took.
#
# Compiled dependencies are kept in a target directory outside the checkout
# ($DIG_INTEROP_CARGO_TARGET_DIR, default ~/.cache/dig-node/interop-cargo-target) so that fresh
# clones on the same machine (CI) reuse them; a machine without that cache builds everything
# (about 4 CPU-minutes). The binary is then copied to the path the Java interop tests use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# rustup installs into ~/.cargo/bin, which a non-login shell may not have on PATH.
command -v cargo >/dev/null || PATH="$HOME/.cargo/bin:$PATH"
command -v cargo >/dev/null || { echo "dig-rust build: cargo not found (install Rust via rustup or Debian's cargo)" >&2; exit 1; }
target="${DIG_INTEROP_CARGO_TARGET_DIR:-${CARGO_TARGET_DIR:-$HOME/.cache/dig-node/interop-cargo-target}}"
start=$SECONDS
CARGO_TARGET_DIR="$target" cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml"
mkdir -p "$here/target/release"
cp -f "$target/release/dig-interop-peer" "$here/target/release/dig-interop-peer.tmp"
mv -f "$here/target/release/dig-interop-peer.tmp" "$here/target/release/dig-interop-peer"
echo "dig-rust build: $here/target/release/dig-interop-peer ready in $((SECONDS - start)) s ($(cargo --version), target dir $target)"
