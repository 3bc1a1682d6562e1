#!/usr/bin/env bash
# Prints the options `podman build` and `podman run` need on this machine, one per line: none where
# podman's defaults start a container; else the OCI runtime runc with open-file and process limits
# below the host's (for VMs whose root lacks CAP_SYS_RESOURCE, which rootful podman's default
# limits need, and whose hybrid cgroup layout crun refuses). Exits 1, saying why, when neither works.
set -euo pipefail
IMAGE="${1:-${CCS_BASE_IMAGE:-localhost/ccs-base:bookworm}}"
FALLBACK=(--runtime=runc --ulimit=nofile=16384:16384 --ulimit=nproc=8192:8192)

if out="$(podman run --rm --network=none "$IMAGE" true 2>&1)"; then exit 0; fi
if command -v runc >/dev/null && podman run --rm --network=none "${FALLBACK[@]}" "$IMAGE" true >/dev/null 2>&1; then
  printf '%s\n' "${FALLBACK[@]}"
  exit 0
fi
echo "podman-options: podman cannot start a container from $IMAGE: $out" >&2
command -v runc >/dev/null || echo "podman-options: installing runc (apt-get install -y runc) may help" >&2
exit 1
