#!/usr/bin/env bash
# deploy/indexed-job.yaml on the local real node (scripts/localnode.sh), as a
# user would run it on any cluster: podconform's image (make image) loaded
# into the node's containerd, the Indexed Job applied with kubectl, then
# deploy/merge-job.yaml. The claim both mount is deploy/localnode/
# results-volume.yaml, a hostPath volume in the node's state directory.
#
# The merged summary.json must be byte-identical to the one an unsharded
# `podconform run` of the Job's flags writes (run on the host, same binary
# source), and so must the counterexample files. It prints the wall times of
# both, deletes what it created on the cluster, and leaves the node up
# (scripts/localnode.sh down takes it down).
set -euo pipefail
ROOT=${PODCONFORM_REPO:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$ROOT"
if [ -x /usr/local/go/bin/go ] && ! command -v go >/dev/null 2>&1; then
  export PATH=/usr/local/go/bin:$PATH
fi
log() { printf 'node-job: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
RUN=${PODCONFORM_NODE_RUN:-/run/podconform-node}
TIMEOUT=${NODE_JOB_TIMEOUT:-900}
k() { scripts/localnode.sh kubectl "$@"; }
now() { date +%s.%N; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

scripts/localnode.sh up
log "building podconform's image (make image) and bin/podconform"
make -s build image
scripts/localnode.sh load-image bin/podconform-image.tar >/dev/null
log "image loaded into the node's containerd: $(sed -n 's/^ *image: //p' deploy/indexed-job.yaml | head -1)"

cleanup() {
  k delete job podconform-run podconform-merge --ignore-not-found --wait=true >/dev/null 2>&1 || true
  k delete pvc podconform-results --ignore-not-found --wait=true >/dev/null 2>&1 || true
  k delete pv podconform-results-localnode --ignore-not-found --wait=true >/dev/null 2>&1 || true
  rm -rf "${RUN:?}/results"
}
cleanup
trap cleanup EXIT
sed "s|/run/podconform-node/results|$RUN/results|" deploy/localnode/results-volume.yaml | k apply -f - >/dev/null

# wait_job NAME: until the Job is Complete (0) or Failed (1), or TIMEOUT.
wait_job() {
  local i conds
  for ((i = 0; i < TIMEOUT; i++)); do
    conds=$(k get job "$1" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type} {end}' 2>/dev/null || true)
    case " $conds " in
      *" Complete "*) return 0 ;;
      *" Failed "*) k get pods -l app.kubernetes.io/name=podconform -o wide >&2 || true; return 1 ;;
    esac
    sleep 1
  done
  k get pods -l app.kubernetes.io/name=podconform -o wide >&2 || true
  return 1
}

t0=$(now)
k apply -f deploy/indexed-job.yaml >/dev/null
wait_job podconform-run || die "job podconform-run did not complete (pods above; logs: scripts/localnode.sh kubectl logs POD)"
t1=$(now)
k apply -f deploy/merge-job.yaml >/dev/null
wait_job podconform-merge || die "job podconform-merge did not complete"
t2=$(now)
log "Indexed Job: $(secs "$t0" "$t1") s for the shards, $(secs "$t1" "$t2") s for the merge"
k get pods -l app.kubernetes.io/name=podconform -o custom-columns=POD:.metadata.name,NODE:.spec.nodeName,PHASE:.status.phase --no-headers >&2

# The Job's flags, without --shard and --out, run unsharded on the host.
# (kubectl reads the manifest; python3's standard library takes the args.)
mapfile -t args < <(k create --dry-run=client -o json -f deploy/indexed-job.yaml | python3 -c '
import json, sys
args = json.load(sys.stdin)["spec"]["template"]["spec"]["containers"][0]["args"]
out, skip = [], False
for a in args:
    if skip:
        skip = False
    elif a in ("--shard", "--out"):
        skip = True
    else:
        out.append(a)
print("\n".join(out))')
[ "${#args[@]}" -gt 1 ] || die "could not read the Job's args from deploy/indexed-job.yaml"
tmp=$(mktemp -d)
trap 'cleanup; rm -rf "$tmp"' EXIT
log "unsharded: podconform ${args[*]}"
t3=$(now)
./bin/podconform "${args[@]}" --out "$tmp/unsharded" || die "the unsharded run failed"
t4=$(now)
log "unsharded run: $(secs "$t3" "$t4") s"

merged=$RUN/results/merged
[ -f "$merged/summary.json" ] || die "no merged summary ($merged/summary.json)"
cmp "$merged/summary.json" "$tmp/unsharded/summary.json" || die "the merged summary.json differs from the unsharded run's"
files() { if [ -d "$1" ]; then (cd "$1" && find . -type f | sort); fi; }
[ "$(files "$merged/counterexamples")" = "$(files "$tmp/unsharded/counterexamples")" ] \
  || die "the merged counterexample files are not the unsharded run's"
if [ -d "$merged/counterexamples" ] && [ -d "$tmp/unsharded/counterexamples" ]; then
  diff -r "$merged/counterexamples" "$tmp/unsharded/counterexamples" >/dev/null \
    || die "the merged counterexamples differ from the unsharded run's"
fi
log "ok: the merged summary.json ($(wc -c < "$merged/summary.json") bytes, $(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["totals"]; print(t["scenarios"], "scenarios,", t["passed"], "passed")' "$merged/summary.json")) is byte-identical to the unsharded run's"
