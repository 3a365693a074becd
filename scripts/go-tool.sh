#!/usr/bin/env bash
# Sourced by scripts/build-promtool.sh and scripts/build-helm.sh: a Go tool built from its module with
# `go install pkg@version` into a cache outside the work tree (~/.cache/barelb/<name>/<version>/), reused
# when present. Prints the binary's path on stdout; progress goes to stderr.
#
#   go_tool <name> <version> <override> <mode> <package@version> [go install flags...]
#     override: the name of an environment variable that may point at a ready binary (nothing is built)
#     mode:     --no-build prints the path when built, else fails saying how to build it

go_tool() {
  local name=$1 version=$2 override=$3 mode=$4 package=$5
  shift 5
  if [[ -n "${!override:-}" ]]; then
    [[ -x "${!override}" ]] || { echo "$override=${!override} is not an executable" >&2; return 1; }
    echo "${!override}"
    return 0
  fi
  local dir="${BARELB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/barelb}/$name/$version"
  if [[ -x "$dir/$name" ]]; then
    echo "$dir/$name"
    return 0
  fi
  if [[ "$mode" == "--no-build" ]]; then
    echo "no $name in $dir: run scripts/setup.sh or scripts/build-$name.sh" >&2
    return 1
  fi

  progress_tag=$name
  # shellcheck source=scripts/progress.sh
  source "$(dirname "${BASH_SOURCE[0]}")/progress.sh"
  # shellcheck source=scripts/ensure-toolchains.sh
  source "$(dirname "${BASH_SOURCE[0]}")/ensure-toolchains.sh"
  ensure_go >&2

  mkdir -p "$dir"
  go_tool_tmp=$(mktemp -d "$dir/.build.XXXXXX")
  trap 'rm -rf "$go_tool_tmp"' EXIT
  log "building $package into $dir"
  go_tool_install() {
    CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$go_tool_tmp" nice -n 10 go install -trimpath "$@" >&2
  }
  with_heartbeat "go install $name" go_tool_install "$@" "$package"
  mv "$go_tool_tmp/$name" "$dir/$name"
  echo "$dir/$name"
}
