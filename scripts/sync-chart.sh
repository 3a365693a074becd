#!/usr/bin/env bash
# Copies into charts/barelb/ what the chart shares with deploy/, since a chart cannot read files outside its
# directory: the CRDs (config/crd, into crds/, which Helm installs before the templates), the init
# container's script (deploy/bootstrap) and the monitoring package (deploy/monitoring). Run it after
# changing any of those; src/packaging/helm-chart.test.ts fails while a copy differs.
set -euo pipefail
cd "$(dirname "$0")/.."

chart=charts/barelb
rm -f "$chart"/crds/*.yaml
mkdir -p "$chart/crds" "$chart/files/monitoring"
cp config/crd/barelb.io_*.yaml "$chart/crds/"
cp deploy/bootstrap/ensure-memberlist-secret.cjs "$chart/files/"
cp deploy/monitoring/service-monitors.yaml deploy/monitoring/prometheus-rule.yaml \
  deploy/monitoring/dashboards/barelb.json "$chart/files/monitoring/"
echo "synced $chart/crds and $chart/files from config/crd and deploy/"
