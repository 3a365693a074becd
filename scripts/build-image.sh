#!/usr/bin/env bash
# Builds BareLB's image for one platform from the project's Dockerfile without a Docker engine, the way
# `docker buildx build --platform` does: buildah runs the Dockerfile's build stages on this machine's own
# platform and makes only the runtime stage, which has no RUN step, the target's, so no step runs under
# emulation and binfmt_misc is not needed (the Dockerfile says how the addon is compiled for the target).
#
#   scripts/build-image.sh --platform linux/arm64    # prints the OCI archive's path
#   scripts/build-image.sh --platform linux/amd64
#
# The archive is <cache>/platforms/barelb-<arch>.oci.tar, the image localhost/barelb:dev-<arch>, built in
# a storage of its own (the lab's images, and what they name, are left alone), and rebuilt only when its
# inputs change (the same key as the lab's BareLB image, plus the platform).
# Bases, loaded from scripts/build-lab-images.sh's cache (run it first; scripts/setup.sh does):
#   - build stages: the lab's node:24-bookworm, for this machine's CPU;
#   - runtime stage, this machine's CPU: the lab's node:24-bookworm-slim;
#   - runtime stage, another CPU: localhost/node:24-bookworm-slim-<arch>, made here and cached like the
#     lab's: Debian bookworm's Essential packages and libstdc++ for that CPU, by mmdebstrap's `extract`
#     variant (unpacked, their maintainer scripts not run: running them would need the foreign CPU, that
#     is binfmt_misc and qemu-user-static), then the accounts base-passwd would have written, and
#     Node.js and npm from npm's node-linux-<cpu> package. Enough to run Node; not a base to apt-get in.
set -euo pipefail

{
here=$(cd "$(dirname "$0")/.." && pwd)
platform=""
while (($# > 0)); do
  case $1 in
    --platform) platform=${2:-}; shift 2 ;;
    --platform=*) platform=${1#--platform=}; shift ;;
    *) echo "usage: scripts/build-image.sh --platform linux/amd64|linux/arm64" >&2; exit 2 ;;
  esac
done
case $platform in
  linux/amd64) arch=amd64 node_arch=x64 ;;
  linux/arm64) arch=arm64 node_arch=arm64 ;;
  *) echo "build-image: --platform linux/amd64 or linux/arm64, not '$platform'" >&2; exit 2 ;;
esac

root="${BARELB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/barelb}"
lab_cache="$root/images"
cache="$lab_cache/platforms"
mkdir -p "$cache"

progress_tag=image-$arch
# shellcheck source=scripts/progress.sh
source "$here/scripts/progress.sh"
# shellcheck source=scripts/ensure-toolchains.sh
source "$here/scripts/ensure-toolchains.sh"
# shellcheck source=scripts/image-cache.sh
source "$here/scripts/image-cache.sh"

for tool in buildah mmdebstrap; do
  command -v "$tool" >/dev/null || { echo "build-image: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done
for base in node-build node-slim; do
  [[ -f "$lab_cache/$base.oci.tar" ]] || { echo "build-image: no $lab_cache/$base.oci.tar: run scripts/build-lab-images.sh" >&2; exit 1; }
done
pick_buildah_driver

host_arch=$(dpkg --print-architecture)
# The build base keeps the name the Dockerfile gives it; a runtime base for another CPU gets a name of its
# own (one name is one image in a storage), given to the Dockerfile as RUNTIME_IMAGE.
declare -A ref=(
  [node-build]="docker.io/library/node:$BARELB_NODE_MAJOR-bookworm"
  [node-slim-$host_arch]="docker.io/library/node:$BARELB_NODE_MAJOR-bookworm-slim"
  [barelb-$arch]="localhost/barelb:dev-$arch"
)
[[ $arch == "$host_arch" ]] || ref[node-slim-$arch]="localhost/node:$BARELB_NODE_MAJOR-bookworm-slim-$arch"

# A lab base, from its archive, into this storage; again when the lab rebuilt it.
load_lab_base() {
  local lab_name=$1 name=$2 key
  key=$(cat "$lab_cache/$lab_name.key")
  if [[ "$(cat "$cache/$name.lab-key" 2>/dev/null)" == "$key" ]] &&
    "${buildah[@]}" inspect --type image "${ref[$name]}" >/dev/null 2>&1; then
    return
  fi
  log "$name: loading ${ref[$name]} from $lab_cache/$lab_name.oci.tar"
  "${buildah[@]}" rmi -f "${ref[$name]}" >/dev/null 2>&1 || true
  "${buildah[@]}" pull --quiet "oci-archive:$lab_cache/$lab_name.oci.tar" >/dev/null
  echo "$key" >"$cache/$name.lab-key"
}

node_version=$(node --version)
npm_version=$(npm --version)
# node:24-bookworm-slim for another CPU (see the top).
build_foreign_slim() {
  local name=$1 arch=$2 node_arch=$3
  local work c
  work=$(mktemp -d)
  # Run by step in a subshell of its own: the scratch directory goes when it ends, failed or not.
  trap 'rm -rf "$work"' EXIT
  # base-passwd's preinst would copy its masters to /etc; node and the image's USER need no more.
  mmdebstrap --quiet --variant=extract --mode=root --format=tar --architectures="$arch" \
    --include='?essential' --include=libstdc++6 \
    --customize-hook='cp "$1/usr/share/base-passwd/passwd.master" "$1/etc/passwd"' \
    --customize-hook='cp "$1/usr/share/base-passwd/group.master" "$1/etc/group"' \
    bookworm "$work/rootfs.tar" /etc/apt/sources.list.d/debian.sources
  # npm refuses a package for another CPU without --force.
  npm install --global --force --prefix "$work/npm" --no-fund --no-audit --loglevel=error \
    "node-linux-$node_arch@${node_version#v}" "npm@$npm_version" >/dev/null
  mkdir -p "$work/node/usr/local/bin" "$work/node/usr/local/lib/node_modules"
  mv "$work/npm/lib/node_modules/node-linux-$node_arch/bin/node" "$work/node/usr/local/bin/node"
  mv "$work/npm/lib/node_modules/npm" "$work/node/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/node/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/node/usr/local/bin/npx"
  tar -C "$work/node" -cf "$work/node.tar" .
  c=$("${buildah[@]}" from --quiet --arch "$arch" scratch)
  {
    "${buildah[@]}" add --quiet "$c" "$work/rootfs.tar" / >/dev/null &&
      "${buildah[@]}" add --quiet "$c" "$work/node.tar" / >/dev/null &&
      "${buildah[@]}" config --os linux --arch "$arch" \
        --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        --env "NODE_VERSION=${node_version#v}" --cmd '["node"]' \
        --label "org.opencontainers.image.description=Debian bookworm (Essential, unpacked) for $arch and Node.js $node_version from npm, built by BareLB's scripts/build-image.sh" \
        "$c" &&
      commit "$c" "${ref[$name]}"
  } || { "${buildah[@]}" rm "$c" >/dev/null 2>&1; return 1; }
}

build_barelb_for() {
  local name=$1 revision=$2 arch=$3
  # npm ci takes what it can from this machine's npm cache (the lockfile's integrity hashes check every
  # package), so a cold build fetches only what the checkout's own `npm ci` has not.
  npm_trust_volumes "cache=/run/barelb-npm-cache" "prefer-offline=true"
  "${buildah[@]}" bud --quiet --layers --pull-never --isolation chroot --network host "${npm_trust[@]}" \
    --volume "$(npm config get cache):/run/barelb-npm-cache" \
    --platform "linux/$arch" --build-arg "BUILDPLATFORM=linux/$host_arch" --build-arg "TARGETPLATFORM=linux/$arch" \
    --build-arg "RUNTIME_IMAGE=${ref[node-slim-$arch]}" \
    --build-arg "REVISION=$revision" -t "${ref[$name]}" -f "$here/Dockerfile" "$here" >/dev/null
}

recipe() { declare -f commit export_image "$@" | sha256sum | cut -c1-16; }
load_lab_base node-build node-build
if [[ $arch == "$host_arch" ]]; then
  load_lab_base node-slim "node-slim-$arch"
  slim_key=$(cat "$lab_cache/node-slim.key")
else
  slim_key=$(echo "$(recipe build_foreign_slim) $arch $node_version $npm_version" |
    cat - /etc/apt/sources.list.d/debian.sources | key_of)
  step "node-slim-$arch" "$slim_key" build_foreign_slim "node-slim-$arch" "$arch" "$node_arch"
  # A cached archive with no image in this storage (pruned): load it.
  "${buildah[@]}" inspect --type image "${ref[node-slim-$arch]}" >/dev/null 2>&1 ||
    "${buildah[@]}" pull --quiet "oci-archive:$cache/node-slim-$arch.oci.tar" >/dev/null
fi

revision=$(image_revision "$here")
barelb_key=$(
  cd "$here"
  {
    echo "$(recipe build_barelb_for barelb_inputs) $revision $arch $slim_key $(cat "$lab_cache/node-build.key")"
    barelb_inputs | while read -r f; do sha256sum "$f"; done
  } | key_of
)
step "barelb-$arch" "$barelb_key" build_barelb_for "barelb-$arch" "$revision" "$arch"
prune_untagged
echo "$cache/barelb-$arch.oci.tar"
exit 0
}
