#!/usr/bin/env bash
# Sourced by scripts/setup.sh and the Go build scripts: makes sure this machine has the Node.js and Go that
# BareLB needs, from the registries it may use and nowhere else.
#   - Node.js 24 LTS, the binary npm publishes as `node-linux-<arch>@24`, installed into /usr/local
#     (ahead of /usr/bin on a default PATH). The npm that installs it may be any: Debian's will do.
#   - Go (the lab builds Kubernetes from its modules), the toolchain the Go module proxy serves as
#     `golang.org/toolchain`, unpacked into ~/.cache/barelb/go and put on PATH for the lab build.
# A machine that already has them (node 24.x, go >= the version below) is left alone.

BARELB_NODE_MAJOR=24
# Where Node.js goes when it is missing: its bin/ must come before /usr/bin on PATH.
BARELB_NODE_PREFIX=${BARELB_NODE_PREFIX:-/usr/local}
BARELB_GO_VERSION=1.26.8

barelb_arch() {
  case "$(uname -m)" in
    x86_64) echo "$1" ;;
    aarch64 | arm64) echo "$2" ;;
    *) echo "unsupported machine $(uname -m)" >&2; return 1 ;;
  esac
}

ensure_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [[ "$major" == "$BARELB_NODE_MAJOR" ]]; then return 0; fi
  if ! command -v npm >/dev/null; then
    echo "[setup] installing Debian's npm, only to fetch Node.js $BARELB_NODE_MAJOR"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm
  fi
  local pkg
  pkg="node-linux-$(barelb_arch x64 arm64)@$BARELB_NODE_MAJOR"
  echo "[setup] installing Node.js $BARELB_NODE_MAJOR ($pkg from npm) into $BARELB_NODE_PREFIX (found: ${major/#0/none})"
  npm install --global --prefix "$BARELB_NODE_PREFIX" --no-fund --no-audit "$pkg"
  hash -r
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [[ "$major" != "$BARELB_NODE_MAJOR" ]]; then
    echo "[setup] Node.js $BARELB_NODE_MAJOR is in $BARELB_NODE_PREFIX/bin but $(command -v node) comes first on PATH" >&2
    return 1
  fi
}

# True when `go` is present and at least BARELB_GO_VERSION.
go_is_recent() {
  local have
  have=$(go env GOVERSION 2>/dev/null) || return 1
  have=${have#go}
  [[ "$(printf '%s\n%s\n' "$BARELB_GO_VERSION" "$have" | sort -V | head -1)" == "$BARELB_GO_VERSION" ]]
}

ensure_go() {
  if go_is_recent; then return 0; fi
  local dir="$HOME/.cache/barelb/go/$BARELB_GO_VERSION"
  if [[ ! -x "$dir/bin/go" ]]; then
    local mod="v0.0.1-go$BARELB_GO_VERSION.linux-$(barelb_arch amd64 arm64)"
    local proxy="${GOPROXY:-https://proxy.golang.org}"
    proxy=${proxy%%,*}
    echo "[setup] installing Go $BARELB_GO_VERSION (golang.org/toolchain@$mod from $proxy)"
    local tmp
    tmp=$(mktemp -d)
    curl -fsSL --retry 3 -o "$tmp/go.zip" "$proxy/golang.org/toolchain/@v/$mod.zip"
    (cd "$tmp" && python3 -m zipfile -e go.zip x)
    # Module zips keep no file modes: mark the tools executable, as the go command does on a switch.
    local root="$tmp/x/golang.org/toolchain@$mod"
    chmod +x "$root"/bin/* "$root"/pkg/tool/*/*
    mkdir -p "$(dirname "$dir")"
    rm -rf "$dir"
    mv "$root" "$dir"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  go_is_recent
}

