#!/usr/bin/env bash
# Proves the Chia harness against itself on loopback: a real Chia full node process (peer.py
# listen) and Chia's own client classes (peer.py dial) complete the handshake and a
# RequestPeers/RespondPeers exchange. Frames the full node sent are written to $OUT/frames.jsonl.
# Usage: interop/chia/selftest.sh [OUT_DIR]     (needs interop/chia/setup.sh first)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="$here/.venv/bin/python"
[[ -x "$py" ]] || { echo "selftest: run $here/setup.sh first" >&2; exit 1; }
work="$(mktemp -d)"
out="${1:-$work/capture}"
network="dig-interop-selftest"
listener_pid=""
cleanup() {
  if [[ -n "$listener_pid" ]] && kill -0 "$listener_pid" 2>/dev/null; then
    kill "$listener_pid" 2>/dev/null || true
    wait "$listener_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$py" "$here/peer.py" listen --root "$work/listener" --network-id "$network" --port 0 --timeout 120 \
  > "$work/listener.jsonl" 2> "$work/listener.err" &
listener_pid=$!
port=""
for _ in $(seq 1 600); do
  port="$(sed -n 's/.*"event": "listening", "port": \([0-9]*\).*/\1/p' "$work/listener.jsonl" 2>/dev/null | head -n1 || true)"
  [[ -n "$port" ]] && break
  kill -0 "$listener_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$port" ]]; then
  echo "selftest: the Chia full node never reported a listening port" >&2
  cat "$work/listener.jsonl" "$work/listener.err" >&2
  exit 1
fi
echo "selftest: chia_full_node listening on 127.0.0.1:$port"

status=0
"$py" "$here/peer.py" dial --root "$work/dialer" --network-id "$network" --addr "127.0.0.1:$port" \
  --timeout 60 --capture "$out" > "$work/dialer.jsonl" 2> "$work/dialer.err" || status=$?
cat "$work/dialer.jsonl"
if [[ $status -ne 0 ]] || ! grep -q '"event": "respond_peers"' "$work/dialer.jsonl" \
   || ! grep -q '"event": "handshake"' "$work/dialer.jsonl"; then
  echo "selftest: FAILED (dialer exit $status)" >&2
  tail -n 30 "$work/dialer.err" >&2
  exit 1
fi
echo "selftest: OK (handshake + RequestPeers/RespondPeers between chia_full_node and ChiaServer.start_client)"

status=0
"$py" "$here/peer.py" dial --process --root "$work/dialer-process" --network-id "$network" \
  --addr "127.0.0.1:$port" --timeout 90 > "$work/dialer-process.jsonl" 2> "$work/dialer-process.err" || status=$?
cat "$work/dialer-process.jsonl"
if [[ $status -ne 0 ]] || ! grep -q '"event": "received", "message": "respond_peers"' "$work/dialer-process.jsonl"; then
  echo "selftest: FAILED (full node process as dialer, exit $status)" >&2
  exit 1
fi
echo "selftest: OK (a second chia_full_node process dialed the first, sent RequestPeers and got RespondPeers)"
