#!/usr/bin/env bash
# podconform run against the local real node (scripts/localnode.sh), through
# the cluster adapter: on the kubelet + containerd node, and, with --kwok, on
# KWOK's fake nodes (fast and general stage sets) too.
#
#   scripts/node-run.sh [--kwok] [--checks N] [--parallel N] [--max-until D] [--out DIR]
#
# It brings the node up if it is not (idempotent), builds bin/podconform and
# bin/podconform-cluster, and runs every command inside the node's network
# namespace. The real node's run must finish without adapter errors (exit 0 or
# 1: its divergences are findings, docs/upstream-differences.md section 3);
# a KWOK run must be found non-conformant (exit 1: docs/kwok.md). Results go
# to OUT/real, OUT/kwok-fast and OUT/kwok-general. It leaves the node up:
# scripts/localnode.sh down takes it down.
set -euo pipefail
ROOT=${PODCONFORM_REPO:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$ROOT"
KWOK=0
CHECKS=20
PARALLEL=4
MAX_UNTIL=60s
OUT=node-results
while [ $# -gt 0 ]; do
  case $1 in
    --kwok) KWOK=1; shift ;;
    --checks) CHECKS=$2; shift 2 ;;
    --parallel) PARALLEL=$2; shift 2 ;;
    --max-until) MAX_UNTIL=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "node-run: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [ -x /usr/local/go/bin/go ] && ! command -v go >/dev/null 2>&1; then
  export PATH=/usr/local/go/bin:$PATH
fi
log() { printf 'node-run: %s\n' "$*" >&2; }

scripts/localnode.sh up
log "building bin/podconform and bin/podconform-cluster"
make -s build cluster
RUN=${PODCONFORM_NODE_RUN:-/run/podconform-node}
KC=$RUN/pki/admin.kubeconfig
mkdir -p "$OUT"

# run NAME NODE NAMESPACE PARALLEL MAX_UNTIL EXTRA...: one podconform run;
# prints its summary's first lines and returns its exit status.
run() {
  local name=$1 node=$2 ns=$3 par=$4 mu=$5; shift 5
  rm -rf "${OUT:?}/$name"
  log "$name: corpus/examples and $CHECKS generated scenarios on node $node, $par at once, each up to $mu"
  local t0=$SECONDS rc=0
  scripts/localnode.sh exec "$ROOT/bin/podconform" run --adapter cluster --kubeconfig "$KC" \
    --node "$node" --namespace "$ns" "$@" --profile deploy/localnode/profile.yaml \
    --corpus corpus/examples --checks "$CHECKS" --parallel "$par" --max-until "$mu" \
    --shrink-steps 0 --level refinement --quiet --out "$OUT/$name" > "$OUT/$name.txt" 2>&1 || rc=$?
  head -n 3 "$OUT/$name.txt" >&2
  log "$name: exit $rc in $((SECONDS - t0)) s; summary in $OUT/$name/summary.json"
  return $rc
}

# adapter_errors DIR: the summary's adapter error count.
adapter_errors() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"].get("adapterErrors", 0))' "$1/summary.json"
}

fail=0
rc=0
run real podconform-node podconform "$PARALLEL" "$MAX_UNTIL" --image podconform.dev/busybox:1.35 || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
  log "the real node's run failed with exit $rc (adapter errors or usage): see $OUT/real.txt"
  fail=1
elif [ "$(adapter_errors "$OUT/real")" != 0 ]; then
  log "the real node's run had adapter errors: see $OUT/real.txt"
  fail=1
fi
if [ "$KWOK" = 1 ]; then
  for set in fast general; do
    rc=0
    # KWOK runs nothing: its pods are cheap, and it acts within seconds.
    run "kwok-$set" "kwok-$set" "podconform-kwok-$set" 10 30s || rc=$?
    if [ "$rc" -ne 1 ]; then
      log "KWOK ($set stages) should be found non-conformant without adapter errors (exit 1), got exit $rc: see $OUT/kwok-$set.txt"
      fail=1
    fi
  done
fi
exit $fail
