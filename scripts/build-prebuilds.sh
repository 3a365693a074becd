#!/usr/bin/env bash
# Compiles the native addon (AF_PACKET and TCP MD5 sockets, malloc_trim) for every platform the npm package ships it for, so `npm i -g barelb`
# needs no compiler: native/af-packet/prebuilds/linux-x64/ and linux-arm64/ (cross-compiled with
# Debian's gcc-aarch64-linux-gnu). Run by `npm pack` (prepack), and by the Dockerfile for the image's
# CPU alone. The addon is plain C against N-API 8, so one binary per CPU serves every Node version from
# 20 on; it needs only N-API's headers, which are the same on every architecture.
#
#   scripts/build-prebuilds.sh [x64|arm64 ...]     # Node's names for the CPUs (process.arch); default both
set -euo pipefail
cd "$(dirname "$0")/../native/af-packet"

headers=""
for d in "${npm_config_nodedir:-}/include/node" /usr/local/include/node /usr/include/node; do
  if [[ -f "$d/node_api.h" ]]; then headers=$d; break; fi
done
[[ -n "$headers" ]] || { echo "build-prebuilds: no node_api.h (Node's headers) found" >&2; exit 1; }

build() {
  local arch=$1 cc=$2
  if ! command -v "$cc" >/dev/null; then
    echo "build-prebuilds: $cc missing (scripts/setup.sh installs it)" >&2
    return 1
  fi
  mkdir -p "prebuilds/linux-$arch"
  # The flags binding.gyp gives node-gyp; symbols stay unresolved until Node loads the addon.
  "$cc" -shared -fPIC -std=gnu11 -O2 -Wall -Wextra -fvisibility=hidden -DNAPI_VERSION=8 -DBUILDING_NODE_EXTENSION \
    -I"$headers" -o "prebuilds/linux-$arch/af_packet.node" src/*.c -lpthread
  echo "build-prebuilds: prebuilds/linux-$arch/af_packet.node"
}
# Debian's triplet-named gcc is the native compiler on its own CPU and a cross compiler on the other.
arches=("$@")
((${#arches[@]} > 0)) || arches=(x64 arm64)
for arch in "${arches[@]}"; do
  case $arch in
    x64) build x64 "${CC_X64:-x86_64-linux-gnu-gcc}" ;;
    arm64) build arm64 "${CC_ARM64:-aarch64-linux-gnu-gcc}" ;;
    *) echo "build-prebuilds: no prebuild for CPU $arch (x64 or arm64)" >&2; exit 1 ;;
  esac
done
