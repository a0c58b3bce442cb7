#!/usr/bin/env bash
# Real containers for the tests, on a Debian machine without Docker and without an image registry.
#
#   scripts/containers.sh install            apt-get install podman, runc, debootstrap, podman-compose, slirp4netns
#   scripts/containers.sh images             build the Debian base image (once, cached) and the project's images
#   scripts/containers.sh run CMD [ARG...]   run CMD with a container runtime: DOCKER_HOST points at podman's
#                                            Docker-compatible API, served inside a private network namespace
#   scripts/containers.sh test [PATH...]     install + images + run "npx vitest run PATH..." (all of npm test without PATH)
#   scripts/containers.sh compose [DIR]      the compose certification of "your broker": the suite image against
#                                            the reference broker image, reports written to DIR (default docker/out/compose)
#
# Why this way (see docker/README.md): podman runs every container with runc (Debian 12's crun fails on
# cgroup v1 hybrid hosts); images come FROM a Debian base made by debootstrap from the host's apt mirror,
# because no image registry is reachable; and the podman service, every container, every bridge and
# firewall rule it makes live in a network namespace of their own (`unshare --net`), so the host's
# network configuration is never touched. Image builds use the host's network (no bridge, no rule).
# Every process started here is stopped by its PID; `run` fails if a container, podman service,
# conmon or slirp4netns process of its own is left behind.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export CONTAINERS_CONF="$ROOT/docker/podman/containers.conf"

# The images, named as the tests and docker/README.md name them.
BASE_IMAGE=localhost/debian:bookworm                      # debootstrap of Debian 12 (stands for debian:bookworm-slim)
NODE_IMAGE=localhost/mqtt-conformance/node:20-bookworm    # the host's Node 20 on the base (stands for node:20-bookworm-slim)
REFERENCE_IMAGE=localhost/mqtt-conformance/reference-broker:latest
SUITE_IMAGE=localhost/mqtt-conformance/suite:latest
MOSQUITTO_IMAGE=localhost/mqtt-conformance/mosquitto      # tagged with the upstream version of Debian's package

log() { printf '[containers] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

cmd_install() {
  local need=()
  command -v podman >/dev/null || need+=(podman)
  [ -x /usr/sbin/runc ] || command -v runc >/dev/null || need+=(runc)
  command -v debootstrap >/dev/null || [ -x /usr/sbin/debootstrap ] || need+=(debootstrap)
  command -v podman-compose >/dev/null || need+=(podman-compose)
  command -v slirp4netns >/dev/null || need+=(slirp4netns)
  command -v unshare >/dev/null || need+=(util-linux)
  command -v ip >/dev/null || need+=(iproute2)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

# Seconds since $1 (a `date +%s.%N`), one decimal.
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# Timings of this build, for the report: "name seconds" lines.
TIMINGS=${CONTAINERS_TIMINGS:-}
timing() { log "$1: $2 s"; [ -z "$TIMINGS" ] || printf '%s %s\n' "$1" "$2" >>"$TIMINGS"; }

build_base() {
  if podman image exists "$BASE_IMAGE"; then log "$BASE_IMAGE: cached"; return; fi
  command -v debootstrap >/dev/null || [ -x /usr/sbin/debootstrap ] || die "debootstrap is not installed (scripts/containers.sh install)"
  local t0 rootfs mirror
  t0=$(date +%s.%N)
  rootfs=$(mktemp -d /tmp/mqttc-rootfs.XXXXXX)
  # The mirror apt already uses on this host (deb822 or one-line format).
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
  log "$BASE_IMAGE: debootstrap bookworm from $mirror"
  /usr/sbin/debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/tmp/mqttc-debootstrap.log 2>&1 ||
    { rm -rf "$rootfs"; die "debootstrap failed: see /tmp/mqttc-debootstrap.log"; }
  # Like debian:bookworm: the host's apt sources (updates and security included), empty apt lists.
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    rm -f "$rootfs/etc/apt/sources.list"
    cp /etc/apt/sources.list.d/debian.sources "$rootfs/etc/apt/sources.list.d/"
  fi
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
  tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
  timing base "$(since "$t0")"
}

# A stand-in for node:20-bookworm-slim: the host's Node 20 (binary, npm, headers) and CA bundle on the Debian base.
build_node() {
  local ctx t0 node_bin node_prefix
  node_bin=$(readlink -f "$(command -v node)")
  node_prefix=$(dirname "$(dirname "$node_bin")")
  [ -d "$node_prefix/lib/node_modules/npm" ] || die "no npm beside $node_bin (expected $node_prefix/lib/node_modules/npm)"
  [ -d "$node_prefix/include/node" ] || die "no Node headers beside $node_bin (expected $node_prefix/include/node)"
  ctx=$(mktemp -d /tmp/mqttc-node.XXXXXX)
  mkdir -p "$ctx/bin" "$ctx/lib/node_modules" "$ctx/include"
  cp "$node_bin" "$ctx/bin/node"
  cp -a "$node_prefix/lib/node_modules/npm" "$ctx/lib/node_modules/"
  cp -a "$node_prefix/include/node" "$ctx/include/"
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/ca-certificates.crt" 2>/dev/null || : >"$ctx/ca-certificates.crt"
  # Same mtimes every time, so that an unchanged Node is a cached layer.
  find "$ctx" -exec touch -h -d @0 {} +
  t0=$(date +%s.%N)
  podman build --quiet --network host --build-arg BASE="$BASE_IMAGE" -f "$ROOT/docker/local/node.Dockerfile" -t "$NODE_IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
  timing node "$(since "$t0")"
}

build_project() {
  local t0 version
  t0=$(date +%s.%N)
  podman build --quiet --network host --build-arg NODE_IMAGE="$NODE_IMAGE" -f "$ROOT/docker/reference-broker.Dockerfile" -t "$REFERENCE_IMAGE" "$ROOT" >/dev/null
  timing reference-broker "$(since "$t0")"
  t0=$(date +%s.%N)
  podman build --quiet --network host --build-arg NODE_IMAGE="$NODE_IMAGE" -f "$ROOT/docker/suite.Dockerfile" -t "$SUITE_IMAGE" "$ROOT" >/dev/null
  timing suite "$(since "$t0")"
  t0=$(date +%s.%N)
  podman build --quiet --network host --build-arg BASE="$BASE_IMAGE" -f "$ROOT/docker/mosquitto/Dockerfile" -t "$MOSQUITTO_IMAGE:debian" "$ROOT/docker/mosquitto" >/dev/null
  # Tag it with Mosquitto's version, as the eclipse-mosquitto images are (2.0.11-1.2+deb12u1 -> 2.0.11).
  version=$(podman run --rm --network none --entrypoint dpkg-query "$MOSQUITTO_IMAGE:debian" -W -f '${Version}' mosquitto)
  version=${version%%-*}
  podman tag "$MOSQUITTO_IMAGE:debian" "$MOSQUITTO_IMAGE:$version"
  timing mosquitto "$(since "$t0")"
  log "images: $REFERENCE_IMAGE, $SUITE_IMAGE, $MOSQUITTO_IMAGE:$version"
}

cmd_images() {
  command -v podman >/dev/null || die "podman is not installed (scripts/containers.sh install)"
  local t0
  t0=$(date +%s.%N)
  build_base
  build_node
  build_project
  timing all-images "$(since "$t0")"
  # Intermediate images of rebuilt layers: drop the dangling ones, keep the cache of the tagged ones.
  podman image prune -f >/dev/null 2>&1 || true
}

# --- the runtime: podman's API in a private network namespace ---------------------------------------

# Processes of ours that must not survive: anything left in the namespace, and podman's helpers.
leftovers() { # $1: the namespace's inode (net:[N])
  local pid ns
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    ns=$(readlink "/proc/$pid/ns/net" 2>/dev/null) || continue
    [ "$ns" = "$1" ] || continue
    [ "$pid" = "$$" ] && continue
    printf '%s %s\n' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120)"
  done
}

# Runs inside the namespace (as `containers.sh __inside CMD...`): loopback up, podman service, CMD, teardown.
cmd_inside() {
  ip link set lo up
  local sock_dir sock service rc=0 t
  sock_dir=$(mktemp -d /tmp/mqttc-podman.XXXXXX)
  sock="$sock_dir/podman.sock"
  podman system service --time=0 "unix://$sock" >"$sock_dir/service.log" 2>&1 &
  service=$!
  for t in $(seq 1 200); do [ -S "$sock" ] && break; kill -0 "$service" 2>/dev/null || break; sleep 0.05; done
  [ -S "$sock" ] || { cat "$sock_dir/service.log" >&2; die "podman system service did not open $sock"; }
  export DOCKER_HOST="unix://$sock"
  # testcontainers: this VM has a /.dockerenv, so it would look for a bridge gateway; the reaper
  # (ryuk) image cannot be pulled here, and the targets remove their containers themselves.
  export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 TESTCONTAINERS_RYUK_DISABLED=true
  # The container tests must run, not skip, when started from here.
  export MQTT_CONFORMANCE_CONTAINERS=required
  # Where a test may create podman networks (compose): only inside this namespace.
  MQTT_CONFORMANCE_NETNS=$(readlink /proc/self/ns/net)
  export MQTT_CONFORMANCE_NETNS
  export MQTT_CONFORMANCE_MOSQUITTO_IMAGE MQTT_CONFORMANCE_REFERENCE_IMAGE=$REFERENCE_IMAGE MQTT_CONFORMANCE_SUITE_IMAGE=$SUITE_IMAGE
  MQTT_CONFORMANCE_MOSQUITTO_IMAGE=$(podman images --format '{{.Repository}}:{{.Tag}}' "$MOSQUITTO_IMAGE" | grep -v ':debian$' | head -1 || true)
  log "podman service (pid $service) at $DOCKER_HOST, in network namespace $(readlink /proc/self/ns/net)"
  # CMD runs in the foreground; Ctrl-C reaches it (same process group) and then the teardown below.
  trap 'true' INT TERM
  "$@" || rc=$?
  trap - INT TERM
  teardown "$service" "$sock_dir"
  exit "$rc"
}

teardown() { # $1 service pid, $2 its directory
  local ids
  # Containers a run left (it should have removed its own): remove them, and say so.
  ids=$(podman ps -aq --filter label=org.testcontainers=true 2>/dev/null || true)
  ids="$ids $(podman ps -aq --filter label=io.podman.compose.project 2>/dev/null || true)"
  if [ -n "${ids// /}" ]; then
    log "removing containers left behind: $(echo $ids)"
    # shellcheck disable=SC2086
    podman rm -f -t 2 $ids >/dev/null 2>&1 || true
  fi
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  rm -rf "$2"
}

cmd_run() {
  [ $# -gt 0 ] || die "usage: scripts/containers.sh run CMD [ARG...]"
  command -v podman >/dev/null || die "podman is not installed (scripts/containers.sh install)"
  [ "$(id -u)" = 0 ] || die "run as root: podman's bridge networking lives in a private network namespace, which needs root (sudo scripts/containers.sh ...)"
  local rc=0 ns left
  # The namespace is a child of ours; its inode identifies our processes afterwards.
  unshare --net --fork -- "$0" __inside "$@" &
  local child=$!
  trap 'kill -INT "$child" 2>/dev/null || true' INT TERM
  # Note the namespace as soon as the child is in it (the inode differs from ours).
  for _ in $(seq 1 100); do
    ns=$(readlink "/proc/$child/ns/net" 2>/dev/null || true)
    [ -n "$ns" ] && [ "$ns" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.02
  done
  wait "$child" || rc=$?
  trap - INT TERM
  # Nothing of ours may be left: no process in the namespace (podman service, conmon, slirp4netns,
  # a broker), no container of the tests or of compose, no conmon of ours anywhere.
  left=$(leftovers "$ns")
  if [ -n "$left" ]; then
    log "error: processes left in our network namespace:"; printf '%s\n' "$left" >&2
    [ "$rc" != 0 ] || rc=70
  fi
  local containers
  containers=$(podman ps -a --format '{{.ID}} {{.Image}} {{.Names}}' --filter label=org.testcontainers=true 2>/dev/null || true)
  if [ -n "$containers" ]; then
    log "error: containers left behind:"; printf '%s\n' "$containers" >&2
    [ "$rc" != 0 ] || rc=70
  fi
  [ -z "$left$containers" ] && log "clean: no container, podman service, conmon or slirp4netns process of ours is left"
  return "$rc"
}

cmd_test() {
  cmd_install
  cmd_images
  cd "$ROOT"
  if [ $# -gt 0 ]; then cmd_run npx vitest run "$@"; else cmd_run npm test; fi
}

cmd_compose() {
  local out=${1:-$ROOT/docker/out/compose}
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  cmd_run "$ROOT/scripts/compose-certify.sh" "$out"
}

case "${1:-}" in
  install) shift; cmd_install "$@" ;;
  images) shift; cmd_images "$@" ;;
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  compose) shift; cmd_compose "$@" ;;
  __inside) shift; cmd_inside "$@" ;;
  *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
