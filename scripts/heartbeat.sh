#!/usr/bin/env bash
# heartbeat.sh LABEL CMD [ARGS...]: runs CMD, printing "LABEL: still
# running, N s" to standard error every HEARTBEAT_EVERY seconds (60 by
# default) while it runs, so that a long build (the kubelet adapter's
# module, the local node's binaries) is not silent. Exits with CMD's
# status; an interrupt or a termination is passed on to CMD.
set -u
label=$1
shift
every=${HEARTBEAT_EVERY:-60}
start=$SECONDS
"$@" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null' INT TERM
while kill -0 "$pid" 2>/dev/null; do
  for _ in $(seq 1 "$every"); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$pid" 2>/dev/null; then
    printf '%s: still running, %d s\n' "$label" "$((SECONDS - start))" >&2
  fi
done
wait "$pid"
