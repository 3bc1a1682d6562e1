#!/usr/bin/env bash
# Builds the server image (default localhost/claude-code-server:latest) from docker/Dockerfile with
# podman, on the local base image (made by make-base-image.sh when missing) unless BASE_IMAGE names
# another. Extra arguments go to `podman build` (e.g. --target, --no-cache).
#   docker/build-image.sh
#   BASE_IMAGE=docker.io/library/node:20-bookworm-slim IMAGE=ccs:dev docker/build-image.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
IMAGE="${IMAGE:-localhost/claude-code-server:latest}"
BASE_IMAGE="${BASE_IMAGE:-${CCS_BASE_IMAGE:-localhost/ccs-base:bookworm}}"

command -v podman >/dev/null || { echo "build-image: podman is not installed; to install it: apt-get install -y podman" >&2; exit 1; }
if [ "$BASE_IMAGE" = "${CCS_BASE_IMAGE:-localhost/ccs-base:bookworm}" ]; then
  CCS_BASE_IMAGE="$BASE_IMAGE" "$here/make-base-image.sh"
fi
mapfile -t options < <("$here/podman-options.sh" "$BASE_IMAGE")

# The CA bundle that lets the build reach the npm registry through a TLS-inspecting proxy: the one
# Node is told to trust here (NODE_EXTRA_CA_CERTS), else the system's, unless CCS_BUILD_CA names one.
ca="${CCS_BUILD_CA:-${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}}"
secret=()
[ -r "$ca" ] && secret=(--secret "id=extra_ca,src=$ca")

podman build "${options[@]}" "${secret[@]}" \
  -f "$here/Dockerfile" --ignorefile "$here/Dockerfile.dockerignore" \
  --build-arg "BASE_IMAGE=$BASE_IMAGE" --format docker --layers -t "$IMAGE" "$@" "$root"

# Each build whose sources changed leaves the previous one's untagged layers (about 1 GB). Those of
# this Dockerfile older than CCS_KEEP_LAYERS (default 6h) go; newer ones stay as the layer cache.
podman image prune --force --filter label=org.claude-code-server.build \
  --filter "until=${CCS_KEEP_LAYERS:-6h}" >/dev/null
