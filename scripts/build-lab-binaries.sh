#!/usr/bin/env bash
# Builds the lab's control-plane binaries (etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
# kube-proxy, kubectl), the node binaries (kubelet; containerd, containerd-shim-runc-v2 and ctr from the
# containerd module) and the lab's pod workload (podserver) from their Go modules into a cache outside the
# work tree, and reuses them when present. runc and the CNI plugins come from Debian (setup.sh).
#
#   scripts/build-lab-binaries.sh            # build what is missing, print the directory
#   BARELB_K8S_VERSION=1.33 ...              # the Kubernetes binaries of another supported minor
#   BARELB_K8S_BIN_DIR=/path ...             # use ready binaries instead (nothing is built)
#
# The default Kubernetes is tools/lab-binaries/kube; each older minor the project is tested on has its own
# wrapper module, tools/lab-binaries/kube-<major.minor> (docs/compatibility.md). Every version builds
# into its own cache directory, so switching back and forth rebuilds nothing.
#
# A cold build takes well over ten minutes on two cores, so every step prints progress and a
# heartbeat line every 30 s: nothing hangs silently.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
mods="$here/tools/lab-binaries"
kube_version_of() { grep -oE "^\s*(require )?k8s.io/kubernetes v[0-9.]+" "$mods/$1/go.mod" | awk "{print \$NF}"; }
# The wrapper module of BARELB_K8S_VERSION (major.minor, a leading v allowed): the default one when it
# names the default's minor, else kube-<major.minor>.
kube_mod=kube
if [[ -n "${BARELB_K8S_VERSION:-}" ]]; then
  want=${BARELB_K8S_VERSION#v}
  default_minor=$(kube_version_of kube | sed -E 's/^v([0-9]+\.[0-9]+)\..*/\1/')
  if [[ ! $want =~ ^[0-9]+\.[0-9]+$ ]]; then
    echo "BARELB_K8S_VERSION=$BARELB_K8S_VERSION: give a major.minor such as 1.33" >&2
    exit 1
  elif [[ $want != "$default_minor" ]]; then
    kube_mod="kube-$want"
    if [[ ! -f "$mods/$kube_mod/go.mod" ]]; then
      known=$(cd "$mods" && ls -d kube-* 2>/dev/null | sed 's/^kube-//' | tr '\n' ' ' || true)
      echo "BARELB_K8S_VERSION=$BARELB_K8S_VERSION: no module tools/lab-binaries/$kube_mod; known: $default_minor (default) ${known}" >&2
      exit 1
    fi
  fi
fi
kube_version=$(kube_version_of "$kube_mod")
etcd_version=$(grep -oE "^\s*(require )?go.etcd.io/etcd/server/v3 v[0-9.]+" "$mods/etcd/go.mod" | awk "{print \$NF}")
containerd_version=$(grep -oE "^\s*(require )?github.com/containerd/containerd/v2 v[0-9.]+" "$mods/containerd/go.mod" | awk "{print \$NF}")
kube_bins=(kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubectl kubelet)
containerd_bins=(containerd containerd-shim-runc-v2 ctr)
bins=(etcd "${kube_bins[@]}" "${containerd_bins[@]}" podserver)

if [[ -n "${BARELB_K8S_BIN_DIR:-}" ]]; then
  for b in "${bins[@]}"; do
    [[ -x "$BARELB_K8S_BIN_DIR/$b" ]] || { echo "BARELB_K8S_BIN_DIR=$BARELB_K8S_BIN_DIR has no executable $b" >&2; exit 1; }
  done
  echo "$BARELB_K8S_BIN_DIR"
  exit 0
fi

# containerd's version is not in the directory name: adding the node binaries must not orphan a cache of
# control-plane binaries that took a quarter of an hour to build. It is checked through a stamp instead.
cache="${BARELB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/barelb}/k8s/${kube_version}-etcd-${etcd_version}"
mkdir -p "$cache"

progress_tag=lab-binaries
# shellcheck source=scripts/progress.sh
source "$(dirname "$0")/progress.sh"

# Go from the module proxy when the machine has none recent enough (setup.sh does the same).
# shellcheck source=scripts/ensure-toolchains.sh
source "$(dirname "$0")/ensure-toolchains.sh"
ensure_go

export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod

build_kube() {
  local b=$1 major minor
  major=$(echo "${kube_version#v}" | cut -d. -f1)
  minor=$(echo "${kube_version#v}" | cut -d. -f2)
  # The same version stamps Kubernetes' own hack/lib/version.sh sets, so `kubectl version` and
  # /version report the real release.
  local ld="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    ld+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  (cd "$mods/$kube_mod" && go build -trimpath -ldflags "$ld" -o "$cache/$b.tmp" "k8s.io/kubernetes/cmd/$b")
  mv "$cache/$b.tmp" "$cache/$b"
}

build_etcd() {
  (cd "$mods/etcd" && go build -trimpath -ldflags "-s -w" -o "$cache/etcd.tmp" .)
  mv "$cache/etcd.tmp" "$cache/etcd"
}

# containerd is built without cgo: the lab uses the native snapshotter, so the btrfs, devmapper and zfs
# snapshotters (which need cgo or C headers) are left out.
build_containerd() {
  local b=$1
  local ld="-s -w -X github.com/containerd/containerd/v2/version.Version=${containerd_version#v}"
  (cd "$mods/containerd" && go build -trimpath -tags "no_btrfs no_devmapper no_zfs" -ldflags "$ld" \
    -o "$cache/$b.tmp" "github.com/containerd/containerd/v2/cmd/$b")
  mv "$cache/$b.tmp" "$cache/$b"
}

build_podserver() {
  (cd "$mods/podserver" && go build -trimpath -ldflags "-s -w" -o "$cache/podserver.tmp" .)
  mv "$cache/podserver.tmp" "$cache/podserver"
}

# A containerd of another version than the wrapper module names is rebuilt.
if [[ "$(cat "$cache/containerd.version" 2>/dev/null)" != "$containerd_version" ]]; then
  rm -f "${containerd_bins[@]/#/$cache/}"
fi

missing=()
for b in "${bins[@]}"; do [[ -x "$cache/$b" ]] || missing+=("$b"); done
if ((${#missing[@]} == 0)); then
  log "all binaries present in $cache"
  echo "$cache"
  exit 0
fi

log "building ${missing[*]} (kubernetes $kube_version, etcd $etcd_version, containerd $containerd_version) into $cache"
log "downloading modules"
for m in "$kube_mod" etcd containerd; do
  with_heartbeat "go mod download ($m)" bash -c "cd '$mods/$m' && go mod download"
done
for b in "${missing[@]}"; do
  case " ${containerd_bins[*]} " in
    *" $b "*) with_heartbeat "$b" build_containerd "$b"; continue ;;
  esac
  if [[ $b == etcd || $b == podserver ]]; then
    with_heartbeat "$b" "build_$b"
  else
    with_heartbeat "$b" build_kube "$b"
  fi
done
echo "$containerd_version" >"$cache/containerd.version"
echo "$cache"
