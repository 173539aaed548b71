#!/usr/bin/env bash
# Container smoke test of the Dockerfile, run by .ci/run and usable by hand (as root):
#   bash packaging/docker/smoke.sh
#
# 1. Installs Docker and debootstrap from Debian's packages when they are missing and starts dockerd
#    in the background when no daemon answers. Where the daemon cannot run (no cgroups, overlay or
#    iptables), one line says why and the script exits 0: the image cannot be tested on this machine.
# 2. Builds a base image without Docker Hub: Debian bookworm (debootstrap minbase) plus the JDK 25
#    that builds this checkout (found like ./mvnw finds it). The base image is kept between runs,
#    one tag per JDK version, and reused when present.
# 3. Builds the Dockerfile with BUILD_IMAGE and RUNTIME_IMAGE set to that base (the Maven build in
#    the first stage fetches its dependencies from Maven Central over the host's network).
# 4. Runs the image with its ports published on 127.0.0.1 (free ports chosen by Docker) and checks:
#    the HEALTHCHECK turns healthy, GET /health answers UP, the node runs as uid 10001, /plots /cache
#    and /data are volumes, and docker stop (SIGTERM) ends it with exit code 0 after node_stopped.
#
# Every failure after the daemon is up exits 1 with the build, container and daemon logs. The
# container, the image, its build stage and the anonymous volumes are removed on exit (the base
# image and the layer with the Maven dependencies stay for the next run); a daemon this script started
# is stopped. Every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$SECONDS

APT_PACKAGES=(docker.io debootstrap)
MIRROR=http://deb.debian.org/debian
SUITE=bookworm
IMAGE=dig-node:smoke-$$
BUILD_STAGE=dig-node-build:smoke-$$
CONTAINER=dig-node-smoke-$$
DEPS_CACHE=dig-node-deps:smoke
DAEMON_WAIT=60      # s for a daemon to answer
HEALTHY_WAIT=180    # s for the health check to turn healthy
STOP_WAIT=60        # s docker stop waits before SIGKILL
BUILD_TIMEOUT=900   # s for the image build (dependencies from Maven Central included)

work=$(mktemp -d)
daemon_pid=""
phase=setup

say() { printf 'container smoke test: %s\n' "$*"; }

skip() {
    say "could not run here: $* (no container image was tested)"
    exit 0
}

dump_logs() {
    local f lines
    for f in "$work"/build.log "$work"/container.log "$work"/dockerd.log; do
        [ -s "$f" ] || continue
        lines=200
        [ "${f##*/}" != dockerd.log ] || lines=40
        echo "----- ${f##*/} (last $lines lines) -----"
        tail -n "$lines" "$f"
    done
}

fail() {
    echo "container smoke test FAILED ($phase): $*" >&2
    [ -z "$(docker ps -aq --filter "name=^${CONTAINER}\$" 2>/dev/null)" ] \
        || docker logs "$CONTAINER" >"$work/container.log" 2>&1 || true
    dump_logs >&2
    exit 1
}

cleanup() {
    local rc=$?
    trap - EXIT
    if [ -n "${DOCKER:-}" ] && [ "$phase" != setup ]; then
        docker rm -f -v "$CONTAINER" >/dev/null 2>&1 || true
        docker rmi -f "$IMAGE" "$BUILD_STAGE" >/dev/null 2>&1 || true
    fi
    if [ -n "$daemon_pid" ]; then
        kill -TERM "$daemon_pid" 2>/dev/null || true
        timeout 30 tail --pid="$daemon_pid" -f /dev/null 2>/dev/null || kill -KILL "$daemon_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
    say "finished in $((SECONDS - started)) s"
    exit "$rc"
}
trap cleanup EXIT

# Debian's client, which matches Debian's daemon, before any other docker on PATH.
docker() { timeout "${DOCKER_TIMEOUT:-120}" "$DOCKER" "$@"; }

# --- 1. engine -------------------------------------------------------------------------------
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} from Debian's packages"
    if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${APT_PACKAGES[@]}" >"$work/apt.log" 2>&1 \
        || { apt-get update -qq >>"$work/apt.log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${APT_PACKAGES[@]}" >>"$work/apt.log" 2>&1; }; }; then
        skip "apt-get could not install ${missing[*]}: $(tail -n 1 "$work/apt.log")"
    fi
fi
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=$(command -v docker) || skip "docker.io installed no docker client"

if ! docker info >/dev/null 2>&1; then
    say "no Docker daemon answers: starting dockerd (log kept for failures)"
    setsid dockerd >"$work/dockerd.log" 2>&1 </dev/null &
    daemon_pid=$!
    deadline=$((SECONDS + DAEMON_WAIT))
    until DOCKER_TIMEOUT=5 docker info >/dev/null 2>&1; do
        if ! kill -0 "$daemon_pid" 2>/dev/null; then
            daemon_pid=""
            reason=$(grep -E 'level=(fatal|error)|failed' "$work/dockerd.log" | tail -n 1 | sed 's/^.*msg=//')
            skip "dockerd exited: ${reason:-$(tail -n 1 "$work/dockerd.log")}"
        fi
        [ $SECONDS -lt $deadline ] || skip "dockerd did not answer within ${DAEMON_WAIT} s: $(tail -n 1 "$work/dockerd.log")"
        sleep 1
    done
fi
# A daemon that answers but cannot start a container (cgroups, overlay, iptables) cannot test the
# image either: found out with a container of the base image, below.
phase=base-image
say "daemon $(docker version -f '{{.Server.Version}}'), storage $(docker info -f '{{.Driver}}')"

# --- 2. base image ---------------------------------------------------------------------------
# shellcheck source=../../.mvn/find-jdk.sh
. .mvn/find-jdk.sh
dig_find_jdk || fail "no JDK ${DIG_MIN_JAVA} or newer on this machine (JAVA_HOME, PATH, /usr/lib/jvm)"
jdk_version=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"/\1/p' "$JAVA_HOME/release" 2>/dev/null | head -n 1)
jdk_version=${jdk_version:-$DIG_JAVA_VERSION}
BASE_IMAGE=dig-base:$SUITE-jdk-$(printf '%s' "$jdk_version" | tr -c 'A-Za-z0-9_.\n-' '-' | tr 'A-Z' 'a-z')

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    say "reusing base image $BASE_IMAGE"
else
    base_started=$SECONDS
    say "building base image $BASE_IMAGE: debootstrap $SUITE minbase + $JAVA_HOME"
    rootfs=$work/rootfs
    timeout 600 debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$work/build.log" 2>&1 \
        || fail "debootstrap $SUITE from $MIRROR failed"
    mkdir -p "$rootfs/opt/java"
    cp -a "$JAVA_HOME" "$rootfs/opt/java/openjdk"
    # A JDK whose cacerts links to the system's store gets the file itself.
    cacerts=$rootfs/opt/java/openjdk/lib/security/cacerts
    if [ -L "$cacerts" ]; then
        rm "$cacerts" && cp -L "$JAVA_HOME/lib/security/cacerts" "$cacerts"
    fi
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | DOCKER_TIMEOUT=300 docker import \
        -c 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        -c 'ENV JAVA_HOME=/opt/java/openjdk' - "$BASE_IMAGE" >/dev/null \
        || fail "docker import of the base image failed"
    rm -rf "$rootfs"
    say "base image built in $((SECONDS - base_started)) s"
fi

if ! probe=$(docker run --rm --network none "$BASE_IMAGE" java -version 2>&1); then
    if grep -qiE 'cgroup|overlay|iptables|operation not permitted|permission denied|namespace' <<<"$probe"; then
        skip "the daemon cannot start a container: $(tail -n 1 <<<"$probe")"
    fi
    fail "java -version in the base image: $probe"
fi

# --- 3. image --------------------------------------------------------------------------------
phase=build
build_started=$SECONDS
# The legacy builder on the host's network: the first stage downloads from Maven Central.
build_args=(--network host --force-rm --build-arg "BUILD_IMAGE=$BASE_IMAGE" --build-arg "RUNTIME_IMAGE=$BASE_IMAGE")
DOCKER_BUILDKIT=0 DOCKER_TIMEOUT=$BUILD_TIMEOUT docker build "${build_args[@]}" --target build -t "$BUILD_STAGE" . \
    >"$work/build.log" 2>&1 || fail "docker build (stage build) failed or took over ${BUILD_TIMEOUT} s"
DOCKER_BUILDKIT=0 DOCKER_TIMEOUT=$BUILD_TIMEOUT docker build "${build_args[@]}" -t "$IMAGE" . \
    >>"$work/build.log" 2>&1 || fail "docker build failed"
say "image built in $((SECONDS - build_started)) s"
# The layer with the Maven plugins and dependencies (the first ./mvnw step) is kept under a tag of its own, so the
# next run's build finds it in the layer cache while the POMs are unchanged; the layer it replaces
# goes.
deps_layer=$(sed -n '/^Step [0-9]*\/[0-9]* : RUN \.\/mvnw /,$p' "$work/build.log" \
    | sed -n 's/^ ---> \([0-9a-f]\{12,\}\)$/\1/p' | head -n 1)
if [ -n "$deps_layer" ]; then
    old_deps=$(docker image inspect -f '{{.Id}}' "$DEPS_CACHE" 2>/dev/null || true)
    docker tag "$deps_layer" "$DEPS_CACHE"
    new_deps=$(docker image inspect -f '{{.Id}}' "$DEPS_CACHE")
    if [ -n "$old_deps" ] && [ "$old_deps" != "$new_deps" ]; then
        docker rmi "$old_deps" >/dev/null 2>&1 || true
    fi
fi

# --- 4. run ----------------------------------------------------------------------------------
phase=run
run_started=$SECONDS
docker run -d --name "$CONTAINER" \
    -p 127.0.0.1::8555 -p 127.0.0.1::9444 -p 127.0.0.1::9090 \
    --health-interval 2s --health-timeout 5s --health-retries 3 --health-start-period 120s \
    "$IMAGE" >/dev/null || fail "docker run failed"

deadline=$((SECONDS + HEALTHY_WAIT))
while :; do
    state=$(docker inspect -f '{{.State.Status}} {{.State.Health.Status}}' "$CONTAINER") \
        || fail "docker inspect failed"
    case $state in
        "running healthy") break ;;
        *unhealthy) fail "the health check reported unhealthy: $(docker inspect -f '{{json .State.Health.Log}}' "$CONTAINER")" ;;
        running*) ;;
        *) fail "the container is $state" ;;
    esac
    [ $SECONDS -lt $deadline ] || fail "not healthy within ${HEALTHY_WAIT} s ($state)"
    sleep 1
done
say "healthy after $((SECONDS - run_started)) s"

metrics_port=$(docker port "$CONTAINER" 9090/tcp | sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p' | head -n 1)
api_port=$(docker port "$CONTAINER" 8555/tcp | sed -n 's/^127\.0\.0\.1:\([0-9]*\)$/\1/p' | head -n 1)
[ -n "$metrics_port" ] && [ -n "$api_port" ] \
    || fail "ports not published on 127.0.0.1 only: $(docker port "$CONTAINER" | tr '\n' ' ')"
[ -z "$(docker port "$CONTAINER" | grep -v '127\.0\.0\.1:')" ] \
    || fail "a port is published beyond 127.0.0.1: $(docker port "$CONTAINER" | tr '\n' ' ')"

health=$(curl -sS --max-time 10 "http://127.0.0.1:$metrics_port/health") || fail "GET /health on 127.0.0.1:$metrics_port failed"
grep -q '"status":"UP"' <<<"$health" || fail "GET /health answered $health"
say "GET /health on 127.0.0.1:$metrics_port: $health"

uid=$(docker exec "$CONTAINER" id -u) || fail "docker exec id failed"
pid1_uid=$(docker exec "$CONTAINER" sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' /proc/1/status) \
    || fail "docker exec reading /proc/1/status failed"
pid1=$(docker exec "$CONTAINER" cat /proc/1/comm)
[ "$uid" = 10001 ] && [ "$pid1_uid" = 10001 ] && [ "$pid1" = java ] \
    || fail "expected java as uid 10001, found exec uid $uid, PID 1 $pid1 as uid $pid1_uid"

mounts=$(docker inspect -f '{{range .Mounts}}{{.Type}}:{{.Destination}} {{end}}' "$CONTAINER")
for volume in /plots /cache /data; do
    grep -q "volume:$volume " <<<"$mounts" || fail "$volume is not a volume (mounts: $mounts)"
done
say "java runs as uid 10001; volumes: $mounts"

phase=stop
stop_started=$SECONDS
DOCKER_TIMEOUT=$((STOP_WAIT + 30)) docker stop -t "$STOP_WAIT" "$CONTAINER" >/dev/null || fail "docker stop failed"
exit_code=$(docker inspect -f '{{.State.ExitCode}}' "$CONTAINER")
docker logs "$CONTAINER" >"$work/container.log" 2>&1
[ "$exit_code" = 0 ] || fail "docker stop (SIGTERM) ended the node with exit code $exit_code"
grep -q '"node_stopped"' "$work/container.log" || fail "no node_stopped in the log after docker stop"
say "docker stop: exit code 0 after node_stopped in $((SECONDS - stop_started)) s"
say "passed: image built, healthy, /health UP, uid 10001, 3 volumes, clean SIGTERM stop"
