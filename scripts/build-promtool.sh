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

# shellcheck source=scripts/go-tool.sh
source "$(dirname "$0")/go-tool.sh"
go_tool promtool "$PROMETHEUS_MODULE_VERSION" BARELB_PROMTOOL "${1:-}" \
  "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE_VERSION" -tags remove_all_sd -ldflags "-s -w"
