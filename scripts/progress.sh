#!/usr/bin/env bash
# Sourced by the lab's build scripts: progress lines on stderr, and a heartbeat for long steps so a cold
# build is never silent. Set progress_tag (for example "lab-binaries") before use.

log() { echo "[${progress_tag:-build} $(date +%H:%M:%S)] $*" >&2; }

# Runs a command with a heartbeat line every 30 s, then says how long it took.
with_heartbeat() {
  local what=$1; shift
  local start=$SECONDS
  "$@" &
  local pid=$!
  local last=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if ((SECONDS - last >= 30)) && kill -0 "$pid" 2>/dev/null; then
      log "$what: still running ($((SECONDS - start)) s)"
      last=$SECONDS
    fi
  done
  wait "$pid"
  log "$what: done in $((SECONDS - start)) s"
}
