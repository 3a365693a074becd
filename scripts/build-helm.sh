#!/usr/bin/env bash
# Builds helm from its Go module into a cache outside the work tree, reuses it when present, and prints
# its path. The chart's tests (src/packaging/helm-chart.test.ts, test/helm-chart.test.ts) run it on
# charts/barelb.
#
#   scripts/build-helm.sh                  # build when missing, print the binary's path
#   scripts/build-helm.sh --no-build       # print the path when built, else fail saying how to build it
#   BARELB_HELM=/path/to/helm ...          # use a ready binary instead (nothing is built)
#
# The version is stamped in with -ldflags as helm's Makefile does, so `helm version` tells the truth.
# A cold build took 5.5 min on two busy cores (329 s of `go install`, load average 8).
set -euo pipefail

HELM_MODULE_VERSION=v3.22.0

# shellcheck source=scripts/go-tool.sh
source "$(dirname "$0")/go-tool.sh"
go_tool helm "$HELM_MODULE_VERSION" BARELB_HELM "${1:-}" "helm.sh/helm/v3/cmd/helm@$HELM_MODULE_VERSION" \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_MODULE_VERSION"
