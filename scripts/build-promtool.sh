#!/usr/bin/env bash
# Builds promtool (Prometheus' rule checker and rule unit-test runner) from its Go module into a cache
# outside the work tree, reuses it when present, and prints its path. The monitoring package's test
# (src/metrics/monitoring-package.test.ts) runs it on deploy/monitoring/.
#
#   scripts/build-promtool.sh                  # build when missing, print the binary's path
#   scripts/build-promtool.sh --no-build       # print the path when built, else fail saying how to build it
#   BARELB_PROMTOOL=/path/to/promtool ...      # use a ready binary instead (nothing is built)
#
# Prometheus 3.x publishes its Go module as v0.3xx (v0.316.0 is Prometheus 3.16). The build leaves out
# every service-discovery plugin (build tag remove_all_sd): rule checks and tests need none, and the
# cloud SDKs they pull in would triple the build (over 20 minutes on two busy cores).
set -euo pipefail

PROMETHEUS_MODULE_VERSION=v0.316.0

if [[ -n "${BARELB_PROMTOOL:-}" ]]; then
  [[ -x "$BARELB_PROMTOOL" ]] || { echo "BARELB_PROMTOOL=$BARELB_PROMTOOL is not an executable" >&2; exit 1; }
  echo "$BARELB_PROMTOOL"
  exit 0
fi

dir="${BARELB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/barelb}/promtool/$PROMETHEUS_MODULE_VERSION"
if [[ -x "$dir/promtool" ]]; then
  echo "$dir/promtool"
  exit 0
fi
if [[ "${1:-}" == "--no-build" ]]; then
  echo "no promtool in $dir: run scripts/setup.sh or scripts/build-promtool.sh" >&2
  exit 1
fi

progress_tag=promtool
# shellcheck source=scripts/progress.sh
source "$(dirname "$0")/progress.sh"

# shellcheck source=scripts/ensure-toolchains.sh
source "$(dirname "$0")/ensure-toolchains.sh"
ensure_go >&2

mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "building github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE_VERSION into $dir"
build() {
  CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$tmp" nice -n 10 go install -trimpath -tags remove_all_sd \
    -ldflags "-s -w" "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE_VERSION" >&2
}
with_heartbeat "go install promtool" build
mv "$tmp/promtool" "$dir/promtool"
echo "$dir/promtool"
