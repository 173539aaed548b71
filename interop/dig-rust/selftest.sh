#!/usr/bin/env bash
# Proves the DIG Rust peer on loopback: against itself (handshake, RequestPeers/RespondPeers,
# RegisterPeer 218 -> RegisterAck 219, DIG frames 220/221 both ways) and, when interop/chia/.venv
# exists, against a real Chia full node process in both directions.
# Usage: interop/dig-rust/selftest.sh      (needs build.sh first; chia/setup.sh for the Chia part)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/target/release/dig-interop-peer"
chia_py="$here/../chia/.venv/bin/python"
[[ -x "$bin" ]] || { echo "selftest: run $here/build.sh first" >&2; exit 1; }
work="$(mktemp -d)"
network="$(printf 'dig-interop' | sha256sum | cut -d' ' -f1)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# wait_port FILE PID: prints the port from the first {"event":"listening","port":N} line.
wait_port() {
  local port=""
  for _ in $(seq 1 600); do
    port="$(grep -o '"event": *"listening", *"port": *[0-9]*\|"port": *[0-9]*' "$1" 2>/dev/null | head -n1 | grep -o '[0-9]*$' || true)"
    [[ -n "$port" ]] && { echo "$port"; return 0; }
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "selftest: listener never reported a port" >&2; cat "$1" >&2; return 1
}

expect() { # FILE PATTERN WHAT
  grep -q "$2" "$1" || { echo "selftest: FAILED: $3" >&2; cat "$1" >&2; exit 1; }
}

echo "== rust dial -> rust listen"
"$bin" listen --port 0 --network-id "$network" --advertise 127.0.0.1:9444 --dig-send 221:00 --timeout-secs 30 \
  > "$work/listen.jsonl" 2>&1 & pids+=($!)
port="$(wait_port "$work/listen.jsonl" "${pids[-1]}")"
"$bin" dial --addr "127.0.0.1:$port" --network-id "$network" --server-port 9555 --dig-send 220:deadbeef \
  --timeout-secs 30 > "$work/dial.jsonl"
wait "${pids[-1]}"
expect "$work/dial.jsonl" '"event":"respond_peers".*"port":9444' "RespondPeers with the advertised peer"
expect "$work/dial.jsonl" '"event":"register_ack".*"success":true' "RegisterAck(true) for RegisterPeer"
expect "$work/dial.jsonl" '"type":221' "DIG frame 221 from the listener"
expect "$work/listen.jsonl" '"type":220' "DIG frame 220 from the dialer"
echo "ok"

if [[ -x "$chia_py" ]]; then
  echo "== rust dial -> chia_full_node"
  "$chia_py" "$here/../chia/peer.py" listen --root "$work/chia-listener" --network-id "$network" --port 0 \
    --timeout 120 > "$work/chia-listen.jsonl" 2> "$work/chia-listen.err" & pids+=($!)
  port="$(wait_port "$work/chia-listen.jsonl" "${pids[-1]}")"
  # A Chia peer closes the connection on any opcode it does not know (>= 200), so no DIG frame here.
  "$bin" dial --addr "127.0.0.1:$port" --network-id "$network" --dig-request none --timeout-secs 30 \
    > "$work/dial-chia.jsonl"
  expect "$work/dial-chia.jsonl" '"event":"respond_peers"' "RespondPeers from chia_full_node"
  expect "$work/dial-chia.jsonl" '"software_version":"2.7.5"' "handshake from chia 2.7.5"
  echo "ok"

  echo "== chia ChiaServer.start_client -> rust listen"
  "$bin" listen --port 0 --network-id "$network" --advertise 127.0.0.1:9444 --timeout-secs 60 \
    > "$work/listen2.jsonl" 2>&1 & pids+=($!)
  port="$(wait_port "$work/listen2.jsonl" "${pids[-1]}")"
  "$chia_py" "$here/../chia/peer.py" dial --root "$work/chia-dialer" --network-id "$network" \
    --addr "127.0.0.1:$port" --timeout 60 > "$work/chia-dial.jsonl" 2> "$work/chia-dial.err"
  expect "$work/chia-dial.jsonl" '"event": "respond_peers".*"port": 9444' "Chia client got RespondPeers from the Rust peer"
  echo "ok"

  echo "== chia_full_node process (node discovery) -> rust listen"
  "$bin" listen --port 0 --network-id "$network" --advertise 127.0.0.1:9444 --timeout-secs 90 \
    > "$work/listen3.jsonl" 2>&1 & pids+=($!)
  port="$(wait_port "$work/listen3.jsonl" "${pids[-1]}")"
  "$chia_py" "$here/../chia/peer.py" dial --process --root "$work/chia-process" --network-id "$network" \
    --addr "127.0.0.1:$port" --timeout 90 > "$work/chia-process.jsonl" 2> "$work/chia-process.err"
  expect "$work/chia-process.jsonl" '"event": "received", "message": "respond_peers"' "chia_full_node got RespondPeers"
  expect "$work/listen3.jsonl" '"type":43' "RequestPeers from chia_full_node"
  echo "ok"
else
  echo "(skipping the Chia part: run interop/chia/setup.sh to include it)"
fi
echo "selftest: OK"
