#!/usr/bin/env bash
# Replicating one datastore between two dig-nodes over the peer network (mTLS WebSocket, signed 240
# requests, 4 MiB windows, every chunk verified, staged and landed in a plot) against curl downloading
# the very same bytes over HTTPS from nginx (sendfile, TLS) on the same machine, both on 127.0.0.1.
# Bar (docs/BENCHMARKS.md): P2P >= 0.8x the nginx HTTPS download rate.
#
# Usage: bench/scripts/p2p-fetch-vs-nginx.sh [MiB (default 1024)]
# Installs nginx-light from Debian packages if missing (needs root). Not part of `verify`.
set -euo pipefail
cd "$(dirname "$0")/../.."
MIB="${1:-1024}"
NGINX_PORT=18443

if ! { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }; then
  echo "installing nginx-light from Debian packages..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

./mvnw -B -q -o -pl bench -am package -DskipTests 2>&1 | grep -v '^WARNING' || true
JAVA_BIN=$(. .mvn/find-jdk.sh && dig_find_jdk >/dev/null && echo "$JAVA_HOME/bin/java")

WORK=$(mktemp -d /tmp/dig-p2p-bench.XXXXXX)
chmod 755 "$WORK"  # nginx workers run as www-data
cleanup() {
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "P2P: two nodes, $MIB MiB datastore (16 MiB capsules)..." >&2
"$JAVA_BIN" -Xmx2g -cp bench/target/dig-bench.jar net.dig.bench.PeerFetchBench "$WORK" "$MIB" 2>&1 \
  | grep -E '^(outcome|p2p_)' | tee "$WORK/p2p.txt"
chmod -R a+rX "$WORK/www"

mkdir -p "$WORK/nginx"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
  -keyout "$WORK/nginx/key.pem" -out "$WORK/nginx/cert.pem" 2>/dev/null
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  types { application/octet-stream bin; }
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT ssl;
    ssl_certificate $WORK/nginx/cert.pem;
    ssl_certificate_key $WORK/nginx/key.pem;
    ssl_protocols TLSv1.3;
    root $WORK/www;
  }
}
CONF
"$NGINX" -c "$WORK/nginx/nginx.conf"
sleep 1
curl -sk -o /dev/null "https://127.0.0.1:$NGINX_PORT/data.bin"  # warm the page cache
for i in 1 2 3; do
  curl -sk -o "$WORK/got.bin" -w '%{time_total} %{speed_download}\n' "https://127.0.0.1:$NGINX_PORT/data.bin"
done >"$WORK/nginx.txt"
cmp "$WORK/got.bin" "$WORK/www/data.bin"
awk -v mib="$MIB" '
  FNR == NR && /^p2p_fetch_mib_per_s/ {p2p = $2; next}
  FNR != NR {t += $1; n++}
  END {
    ng = mib / (t / n);
    printf "nginx https curl (mean of %d, to a file): %.1f MiB/s\n", n, ng;
    printf "p2p fetch: %.1f MiB/s\n", p2p;
    printf "ratio p2p/nginx: %.2fx (bar >= 0.8x)\n", p2p / ng;
  }' "$WORK/p2p.txt" "$WORK/nginx.txt"
