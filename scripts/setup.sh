#!/usr/bin/env bash
# One-time set-up of a fresh Debian machine for BareLB development and tests: Debian packages for the
# lab (network namespaces, iptables for kube-proxy, arping/curl/tcpdump for checks, stress-ng for load,
# compilers for the native frame socket), Node.js 24 and Go when the machine lacks them
# (scripts/ensure-toolchains.sh), npm packages, and the lab's control-plane binaries built from their Go
# modules (cached in ~/.cache/barelb, reused when present).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(iproute2 iptables nftables conntrack arping iputils-ping ndisc6 curl tcpdump openssl util-linux procps stress-ng
  psmisc kmod make g++ python3 libpcap-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  echo "[setup] installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# shellcheck source=scripts/ensure-toolchains.sh
source scripts/ensure-toolchains.sh
ensure_node
ensure_go
echo "[setup] node $(node --version), npm $(npm --version), $(go version | cut -d' ' -f3)"

echo "[setup] npm ci"
npm ci --no-fund --no-audit

echo "[setup] lab binaries"
scripts/build-lab-binaries.sh >/dev/null
echo "[setup] done"
