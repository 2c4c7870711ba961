#!/usr/bin/env bash
# Checks that the local node (scripts/localnode.sh) keeps the host as it
# found it: it brings the node up, checks that nothing of it listens in the
# host's network namespace and that a pod runs, takes it down, and compares
# the host's state with the state before: sysctls, network namespaces,
# mounts, links, cgroups, the host paths the kubelet and containerd create,
# and processes running the node's binaries. Then it checks that down works
# after an up that was killed half-way. Exit 0 when the host is as it was.
set -euo pipefail
ROOT=${PODCONFORM_REPO:-$(cd "$(dirname "$0")/.." && pwd)}
NODE="$ROOT/scripts/localnode.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

snapshot() { # DIR
  local d=$1
  mkdir -p "$d"
  for k in vm.overcommit_memory kernel.panic kernel.panic_on_oops vm.panic_on_oom kernel.keys.root_maxkeys kernel.keys.root_maxbytes; do
    printf '%s=%s\n' "$k" "$(sysctl -n "$k" 2>/dev/null || echo '?')"
  done > "$d/sysctl"
  ls /run/netns 2>/dev/null | sort > "$d/netns" || true
  awk '{print $5}' /proc/self/mountinfo | grep -v '^/proc/' | sort > "$d/mounts"
  ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort > "$d/links"
  find /sys/fs/cgroup -maxdepth 2 -type d 2>/dev/null | sort > "$d/cgroups"
  for p in /var/lib/kubelet /var/log/containers /var/log/pods /var/lib/cni /run/containerd /etc/cni /opt/cni /run/podconform-node /run/netns /opt/containerd /run/nri /run/mount; do
    [ -e "$p" ] && echo "$p"
  done > "$d/paths" || true
  ss -Hltn 2>/dev/null | awk '{print $4}' | sort > "$d/listen" || true
}

# node_procs: PIDs of processes running a binary of the node's cache.
node_procs() {
  local cache=${PODCONFORM_NODE_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/podconform-node}
  for e in /proc/[0-9]*/exe; do
    t=$(readlink "$e" 2>/dev/null || true)
    case "$t" in "$cache"/*) p=${e#/proc/}; echo "${p%/exe}" ;; esac
  done
}

compare() { # WHAT
  for f in sysctl netns mounts links cgroups paths; do
    if ! diff -u "$tmp/before/$f" "$tmp/after/$f" > "$tmp/$f.diff"; then
      echo "localnode-test: $1: the host's $f changed:" >&2
      cat "$tmp/$f.diff" >&2
      fail=1
    fi
  done
  left=$(node_procs)
  if [ -n "$left" ]; then
    echo "localnode-test: $1: processes of the node still run: $left" >&2
    fail=1
  fi
}

"$NODE" build
snapshot "$tmp/before"
"$NODE" up
snapshot "$tmp/during"
if ! diff -q "$tmp/before/listen" "$tmp/during/listen" >/dev/null; then
  echo "localnode-test: the node listens in the host's network namespace:" >&2
  diff "$tmp/before/listen" "$tmp/during/listen" >&2 || true
  fail=1
fi
"$NODE" status
# A pod runs: busybox prints and exits 0.
cat > "$tmp/pod.json" <<'JSON'
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"localnode-test","namespace":"default"},
 "spec":{"nodeName":"podconform-node","restartPolicy":"Never","terminationGracePeriodSeconds":1,
  "containers":[{"name":"c","image":"podconform.dev/busybox:1.35","imagePullPolicy":"Never","command":["/bin/sh","-c","echo hello; exit 0"]}]}}
JSON
run=/run/podconform-node
api() {
  "$NODE" exec curl -sS --max-time 5 --cacert "$run/pki/ca.crt" --cert "$run/pki/admin.crt" --key "$run/pki/admin.key" "$@"
}
api -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/pod.json" https://127.0.0.1:6443/api/v1/namespaces/default/pods >/dev/null
phase=""
for _ in $(seq 1 120); do
  phase=$(api https://127.0.0.1:6443/api/v1/namespaces/default/pods/localnode-test | python3 -c 'import json,sys; print(json.load(sys.stdin).get("status",{}).get("phase",""))')
  [ "$phase" = Succeeded ] || [ "$phase" = Failed ] && break
  sleep 0.5
done
if [ "$phase" != Succeeded ]; then
  echo "localnode-test: the test pod ended $phase, not Succeeded" >&2
  fail=1
fi
# KWOK's fast stages run a pod on the fake node kwok-fast.
cat > "$tmp/kwok.json" <<'JSON'
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"localnode-test-kwok","namespace":"default"},
 "spec":{"nodeName":"kwok-fast","tolerations":[{"key":"kwok.x-k8s.io/node","operator":"Exists","effect":"NoSchedule"}],
  "containers":[{"name":"c","image":"none"}]}}
JSON
api -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/kwok.json" https://127.0.0.1:6443/api/v1/namespaces/default/pods >/dev/null
phase=""
for _ in $(seq 1 60); do
  phase=$(api https://127.0.0.1:6443/api/v1/namespaces/default/pods/localnode-test-kwok | python3 -c 'import json,sys; print(json.load(sys.stdin).get("status",{}).get("phase",""))')
  [ "$phase" = Running ] && break
  sleep 0.5
done
if [ "$phase" != Running ]; then
  echo "localnode-test: the pod on kwok-fast is $phase, not Running" >&2
  fail=1
fi
"$NODE" up # a second up is harmless
"$NODE" down
snapshot "$tmp/after"
compare "after up and down"

# A killed up: start one, kill it (by PID) once the API server runs, then
# down must still restore the host.
"$NODE" up > "$tmp/up.log" 2>&1 &
up=$!
for _ in $(seq 1 240); do
  [ -f /run/podconform-node/pids/kube-apiserver.pid ] && break
  sleep 0.25
done
kill -KILL "$up" 2>/dev/null || true
wait "$up" 2>/dev/null || true
"$NODE" down
snapshot "$tmp/after"
compare "after a killed up and down"

if [ $fail != 0 ]; then
  echo "localnode-test: FAILED: the host is not as it was" >&2
  exit 1
fi
echo "localnode-test: the host is as it was (up, a real pod and a KWOK pod, up again, down; a killed up, down)"
