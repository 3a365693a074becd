#!/usr/bin/env bash
# Builds helm from its Go module into a cache outside the work tree, reuses it when present, and prints
# its path. The chart's tests (src/deploy/helm-chart.test.ts, test/helm-chart.test.ts) run it on charts/barelb.
#
#   scripts/build-helm.sh                  # build when missing, print the binary's path
#   scripts/build-helm.sh --no-build       # print the path when built, else fail saying how to build it
#   BARELB_HELM=/path/to/helm ...          # use a ready binary instead (nothing is built)
#
# The version is stamped in with -ldflags the way helm's Makefile does, so `helm version` tells the truth.
set -euo pipefail

HELM_MODULE_VERSION=v3.22.0

if [[ -n "${BARELB_HELM:-}" ]]; then
  [[ -x "$BARELB_HELM" ]] || { echo "BARELB_HELM=$BARELB_HELM is not an executable" >&2; exit 1; }
  echo "$BARELB_HELM"
  exit 0
fi

dir="${BARELB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/barelb}/helm/$HELM_MODULE_VERSION"
if [[ -x "$dir/helm" ]]; then
  echo "$dir/helm"
  exit 0
fi
if [[ "${1:-}" == "--no-build" ]]; then
  echo "no helm in $dir: run scripts/setup.sh or scripts/build-helm.sh" >&2
  exit 1
fi

progress_tag=helm
# shellcheck source=scripts/progress.sh
source "$(dirname "$0")/progress.sh"

# shellcheck source=scripts/ensure-toolchains.sh
source "$(dirname "$0")/ensure-toolchains.sh"
ensure_go >&2

mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "building helm.sh/helm/v3/cmd/helm@$HELM_MODULE_VERSION into $dir"
build() {
  CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$tmp" nice -n 10 go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_MODULE_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_MODULE_VERSION" >&2
}
with_heartbeat "go install helm" build
mv "$tmp/helm" "$dir/helm"
echo "$dir/helm"
