#!/usr/bin/env bash
# GET /capsule (16 MiB and 256 KiB bodies) and a small JSON endpoint of dig-node, against nginx
# (sendfile on) serving the very same bytes, both on 127.0.0.1, measured with wrk in one run.
# docs/architecture.md §5 bars: capsules >= 0.9x nginx throughput; small JSON >= 0.5x nginx requests/s.
#
# Usage: bench/scripts/http-vs-nginx.sh [seconds-per-run (default 15)] [connections (default 16)]
# Installs nginx-light and wrk from Debian packages if missing (needs root). Not part of `verify`.
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR="${1:-15}"
CONNS="${2:-16}"
THREADS=2
LOOPS=$(nproc)
NGINX_PORT=18080
NODE_PORT=18555
METRICS_PORT=19090

if ! command -v wrk >/dev/null || ! { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }; then
  echo "installing nginx-light and wrk from Debian packages..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

./mvnw -B -q -o -pl bench -am package -DskipTests 2>&1 | grep -v '^WARNING' || true
JAVA_BIN=$(. .mvn/find-jdk.sh && dig_find_jdk >/dev/null && echo "$JAVA_HOME/bin/java")

WORK=$(mktemp -d /tmp/dig-http-bench.XXXXXX)
chmod 755 "$WORK"  # nginx workers run as www-data
NODE_PID=""
cleanup() {
  [ -n "$NODE_PID" ] && kill "$NODE_PID" 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$JAVA_BIN" -Xmx1g -cp bench/target/dig-bench.jar net.dig.bench.HttpBenchNode "$WORK" "$NODE_PORT" "$METRICS_PORT" "$LOOPS" \
  >"$WORK/node.log" 2>&1 &
NODE_PID=$!
for _ in $(seq 1 120); do [ -f "$WORK/urls.env" ] && break; sleep 1; done
[ -f "$WORK/urls.env" ] || { echo "node did not start:" >&2; cat "$WORK/node.log" >&2; exit 1; }
# shellcheck disable=SC1091
source "$WORK/urls.env"

mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes $LOOPS;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  types { application/octet-stream bin; application/json json; }
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; }
}
CONF
"$NGINX" -c "$WORK/nginx/nginx.conf"
sleep 1

# Sanity: both serve identical bytes.
cmp <(curl -s "http://127.0.0.1:$NGINX_PORT/c256k.bin") <(curl -s "http://127.0.0.1:$NODE_PORT$NODE_256K")
cmp <(curl -s "http://127.0.0.1:$NGINX_PORT/c16m.bin") <(curl -s "http://127.0.0.1:$NODE_PORT$NODE_16M")

run() { # name url -> "req/s MB/s p50 p99"
  wrk -t"$THREADS" -c"$CONNS" -d"${DUR}s" --latency "$2" >"$WORK/$1.txt" 2>&1 || true
  awk -v name="$1" '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    function mb(v) { if (v ~ /GB$/) return v*1024; if (v ~ /MB$/) return v+0; if (v ~ /KB$/) return v/1024; return v/1048576 }
    /Requests\/sec/ {rps=$2} /Transfer\/sec/ {tps=mb($2)} /^ +50%/ {p50=ms($2)} /^ +99%/ {p99=ms($2)}
    /Non-2xx/ {bad=$NF}
    END { printf "%s %.1f %.1f %.2f %.2f %s\n", name, rps, tps, p50, p99, (bad==""?0:bad) }' "$WORK/$1.txt"
}

# Warm both (page cache, JIT).
wrk -t1 -c4 -d3s "http://127.0.0.1:$NODE_PORT$NODE_256K" >/dev/null; wrk -t1 -c4 -d3s "http://127.0.0.1:$NGINX_PORT/c256k.bin" >/dev/null

# ABBA order per pair (nginx, node, node, nginx) so background load drifting during the run hits both alike;
# each figure below is the mean of its two runs.
{
  for pair in "16m c16m.bin $NODE_16M" "256k c256k.bin $NODE_256K" "json small.json $NODE_JSON"; do
    set -- $pair
    run "nginx_$1" "http://127.0.0.1:$NGINX_PORT/$2"
    run "node_$1" "http://127.0.0.1:$NODE_PORT$3"
    run "node_$1" "http://127.0.0.1:$NODE_PORT$3"
    run "nginx_$1" "http://127.0.0.1:$NGINX_PORT/$2"
  done
} >"$WORK/raw.txt"
awk '{n[$1]++; r[$1]+=$2; t[$1]+=$3; p5[$1]+=$4; p9[$1]+=$5; b[$1]+=$6}
  END {for (k in n) printf "%s %.1f %.1f %.2f %.2f %d\n", k, r[k]/n[k], t[k]/n[k], p5[k]/n[k], p9[k]/n[k], b[k]}' "$WORK/raw.txt" \
  | sort -t_ -k2,2 -k1,1 >"$WORK/results.txt"

echo "wrk -t$THREADS -c$CONNS -d${DUR}s --latency, ABBA x2 per pair (means); node event loops: $LOOPS; nginx workers: $LOOPS; cores: $(nproc)"
printf "%-12s %12s %10s %9s %9s %8s\n" run "req/s" "MiB/s" "p50 ms" "p99 ms" "non-2xx"
while read -r n rps tps p50 p99 bad; do printf "%-12s %12s %10s %9s %9s %8s\n" "$n" "$rps" "$tps" "$p50" "$p99" "$bad"; done <"$WORK/results.txt"
awk '{v[$1]=$2; t[$1]=$3}
  END {
    printf "ratio 16 MiB  node/nginx throughput: %.2fx (bar >= 0.9x)\n", t["node_16m"]/t["nginx_16m"];
    printf "ratio 256 KiB node/nginx throughput: %.2fx (bar >= 0.9x)\n", t["node_256k"]/t["nginx_256k"];
    printf "ratio JSON    node manifest / nginx static file req/s: %.2fx (bar >= 0.5x)\n", v["node_json"]/v["nginx_json"];
  }' "$WORK/results.txt"
echo "JSON body: $JSON_BYTES bytes (manifest of a one-capsule datastore; nginx serves the same bytes)"
