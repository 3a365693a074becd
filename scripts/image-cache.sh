#!/usr/bin/env bash
# Sourced by the Docker-free image builds (scripts/build-lab-images.sh, scripts/build-image.sh): buildah on
# a storage in the cache directory $cache (set it before sourcing), and images kept there as OCI archives,
# rebuilt only when their key changes. Needs log (scripts/progress.sh).

# buildah keeps its images (and the BareLB build's layer cache) in the cache. overlay is used where the
# kernel allows overlay mounts (a cold BareLB build took 86 s with it, 625 s with vfs on a busy 2-core
# machine); vfs needs only plain directories but copies the whole tree for every layer, and each BareLB
# rebuild leaves a few GB of intermediate layers. BARELB_BUILDAH_DRIVER=vfs|overlay picks one.
buildah_with() {
  local d=$1
  if [[ $d == vfs ]]; then
    buildah=(nice -n 10 buildah --root "$cache/storage" --runroot "$cache/run" --storage-driver vfs)
  else
    buildah=(nice -n 10 buildah --root "$cache/storage-$d" --runroot "$cache/run-$d" --storage-driver "$d")
  fi
}
# Without BARELB_BUILDAH_DRIVER: overlay when a probe container mounts, else vfs.
pick_buildah_driver() {
  local driver=${BARELB_BUILDAH_DRIVER:-} probe=""
  if [[ -z $driver ]]; then
    buildah_with overlay
    if probe=$("${buildah[@]}" from --quiet scratch 2>/dev/null) && "${buildah[@]}" mount "$probe" >/dev/null 2>&1; then
      driver=overlay
    else
      driver=vfs
    fi
    [[ -n "$probe" ]] && "${buildah[@]}" rm "$probe" >/dev/null 2>&1
  fi
  buildah_with "$driver"
  log "buildah storage driver: $driver"
}

key_of() { sha256sum | cut -c1-32; }
is_current() { [[ -f "$cache/$1.oci.tar" && "$(cat "$cache/$1.key" 2>/dev/null)" == "$2" ]]; }

# Writes image $2 (in buildah's storage) as the OCI archive <cache>/$1.oci.tar. Its index names the
# manifest with the full reference (org.opencontainers.image.ref.name), which `ctr images import` keeps
# as the image's name.
export_image() {
  local name=$1 image=$2 key=$3
  rm -f "$cache/$name.oci.tar.tmp"
  "${buildah[@]}" push --quiet "$image" "oci-archive:$cache/$name.oci.tar.tmp:$image" >/dev/null
  mv "$cache/$name.oci.tar.tmp" "$cache/$name.oci.tar"
  echo "$key" >"$cache/$name.key"
  log "$name: $image -> $cache/$name.oci.tar ($(du -m "$cache/$name.oci.tar" | cut -f1) MiB)"
}

# Commits working container $1 as image $2, replacing an older image of that name.
commit() {
  "${buildah[@]}" rmi -f "$2" >/dev/null 2>&1 || true
  "${buildah[@]}" commit --quiet --format oci --rm "$1" "$2" >/dev/null
}

# step NAME KEY BUILD-COMMAND...: builds image NAME (reference ${ref[NAME]}) with the command unless its
# archive is of this KEY.
step() {
  local name=$1 key=$2
  if is_current "$name" "$key"; then
    log "$name: up to date (${ref[$name]})"
    return
  fi
  log "$name: building ${ref[$name]}"
  with_heartbeat "$name" "${@:3}"
  export_image "$name" "${ref[$name]}" "$key"
}

# The REVISION build argument: BARELB_IMAGES_REVISION, else git HEAD (+dirty).
image_revision() {
  local here=$1 revision
  revision=${BARELB_IMAGES_REVISION:-$(git -C "$here" rev-parse HEAD 2>/dev/null || echo unknown)}
  if [[ -z "${BARELB_IMAGES_REVISION:-}" && -n "$(git -C "$here" status --porcelain 2>/dev/null)" ]]; then
    revision="$revision-dirty"
  fi
  echo "$revision"
}

# The files BareLB's image is built from: the source paths of the Dockerfile's COPY lines (not those
# copied from a build stage), less what .dockerignore keeps out of the build context.
barelb_inputs() {
  local paths
  paths=$(grep -E '^COPY ' "$here/Dockerfile" | grep -v -- '--from' | awk '{ for (i = 2; i < NF; i++) print $i }')
  (
    cd "$here"
    echo Dockerfile
    echo .dockerignore
    # shellcheck disable=SC2086
    find $paths -type f -not -path '*/node_modules/*' -not -path 'native/*/build/*' -not -path 'native/*/prebuilds/*'
  ) | LC_ALL=C sort
}

# `RUN npm ci` fetches from the npm registry. Where this machine reaches it through a TLS proxy whose CA
# only the host trusts (NODE_EXTRA_CA_CERTS), npm in the build trusts that file too: it and a global
# npmrc naming it are mounted for the RUN steps alone, so neither lands in a layer. Further npmrc lines
# may be given. Sets npm_trust.
npm_trust_volumes() {
  npm_trust=()
  : >"$cache/build-npmrc"
  if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -f "$NODE_EXTRA_CA_CERTS" ]]; then
    echo "cafile=/run/barelb-build-ca.crt" >>"$cache/build-npmrc"
    npm_trust=(--volume "$NODE_EXTRA_CA_CERTS:/run/barelb-build-ca.crt:ro")
  fi
  (($# > 0)) && printf '%s\n' "$@" >>"$cache/build-npmrc"
  [[ -s "$cache/build-npmrc" ]] && npm_trust+=(--volume "$cache/build-npmrc:/usr/local/etc/npmrc:ro")
  return 0
}

# Untagged images (the layer cache of earlier BareLB builds) beyond BARELB_IMAGES_MAX_UNTAGGED (40) are
# pruned after a build.
prune_untagged() {
  local max=${BARELB_IMAGES_MAX_UNTAGGED:-40} n m
  untagged() { "${buildah[@]}" images --all --format '{{.Name}}' 2>/dev/null | grep -c '^<none>$' || true; }
  n=$(untagged)
  ((n > max)) || return 0
  log "pruning $n untagged images (the next BareLB build runs npm ci again)"
  # Each pass removes the leaves: repeat until the chains of untagged layers are gone.
  for _ in $(seq 30); do
    "${buildah[@]}" rmi --prune >/dev/null 2>&1 || break
    m=$(untagged)
    ((m < n)) || break
    n=$m
  done
  log "pruned: $(untagged) untagged images left"
}
