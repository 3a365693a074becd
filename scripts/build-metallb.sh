#!/usr/bin/env bash
# Builds MetalLB's controller and speaker from its Go module into a cache outside the work tree, with
# the release's install manifest (CRDs, ServiceAccounts, RBAC) beside them, for `npm run bench:vs-metallb`
# (issue 14: BareLB measured side by side with MetalLB). Nothing of MetalLB enters the repository.
# Reuses the cache when present and prints its directory as the last line.
#
#   scripts/build-metallb.sh             # build when missing, print the directory
#   BARELB_METALLB_VERSION=v0.16.2 ...   # another release (default: the one the issue's table measured)
#
# The first build takes about 5 minutes on two cores (MetalLB pulls in controller-runtime and gRPC).
set -euo pipefail

version="${BARELB_METALLB_VERSION:-v0.16.1}"
dir="${BARELB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/barelb}/metallb/$version"
if [[ -x "$dir/controller" && -x "$dir/speaker" && -f "$dir/metallb-native.yaml" ]]; then
  echo "$dir"
  exit 0
fi

progress_tag=metallb
# shellcheck source=scripts/progress.sh
source "$(dirname "$0")/progress.sh"
# shellcheck source=scripts/ensure-toolchains.sh
source "$(dirname "$0")/ensure-toolchains.sh"
ensure_go >&2

mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
build() {
  CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$tmp" nice -n 10 go install -trimpath -ldflags "-s -w" \
    "go.universe.tf/metallb/controller@$version" "go.universe.tf/metallb/speaker@$version" >&2
}
log "building MetalLB $version's controller and speaker into $dir"
with_heartbeat "go install metallb" build
# The module's own install manifest: the same CRDs and RBAC a `kubectl apply` install gets.
module_dir=$(GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "go.universe.tf/metallb@$version" |
  sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
cp "$module_dir/config/manifests/metallb-native.yaml" "$tmp/metallb-native.yaml"
mv "$tmp/controller" "$tmp/speaker" "$tmp/metallb-native.yaml" "$dir/"
echo "$dir"
