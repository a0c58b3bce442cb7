#!/usr/bin/env bash
# docker/certify.compose.yaml with podman-compose: the suite image against the reference broker's
# image (or BROKER_IMAGE), reports in $1 on the host. Run through `scripts/containers.sh compose DIR`,
# which provides the podman runtime in a private network namespace and builds the images first.
# Exit code: the suite service's (0 all passed, 1 a scenario failed, 3 unreachable).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || { echo "usage: $0 REPORT_DIR" >&2; exit 2; }
export REPORT_DIR=$1
export SUITE_IMAGE=${SUITE_IMAGE:-localhost/mqtt-conformance/suite:latest}
export BROKER_IMAGE=${BROKER_IMAGE:-localhost/mqtt-conformance/reference-broker:latest}
compose=(podman-compose -f "$ROOT/docker/certify.compose.yaml")
down() { "${compose[@]}" down -t 2 >/dev/null 2>&1 || true; }
trap down EXIT
rc=0
# --no-build: the images are built beforehand (scripts/containers.sh images), outside the namespace.
"${compose[@]}" up --no-build --exit-code-from suite || rc=$?
exit "$rc"
