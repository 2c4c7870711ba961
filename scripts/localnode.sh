#!/usr/bin/env bash
# podconform's local real node: etcd, kube-apiserver, kube-controller-manager,
# containerd + runc and a v1.36.3 kubelet (and KWOK), built from the Go module
# proxy and run inside a network namespace this script creates.
#
#   scripts/localnode.sh build    build (or find cached) every binary
#   scripts/localnode.sh up       build, then bring the node up (idempotent)
#   scripts/localnode.sh down     stop everything by PID, restore the host
#   scripts/localnode.sh status   what runs, and where
#   scripts/localnode.sh exec CMD run CMD inside the node's network namespace
#   scripts/localnode.sh kubectl ARGS...   kubectl, as admin, inside it
#   scripts/localnode.sh load-image FILE   import an OCI image archive into
#                                 the node's containerd (for its pods)
#
# Binaries are cached in $PODCONFORM_NODE_CACHE (default
# ~/.cache/podconform-node), keyed by the versions below. The node's state
# lives in $PODCONFORM_NODE_RUN (default /run/podconform-node) and is removed
# by down.
set -euo pipefail

ROOT=${PODCONFORM_REPO:-$(cd "$(dirname "$0")/.." && pwd)}
K8S_VERSION=v1.36.3
ETCD_VERSION=v3.6.8
CONTAINERD_VERSION=v2.4.2
RUNC_VERSION=v1.5.3
KWOK_VERSION=v0.8.0
VERSIONS="k8s-$K8S_VERSION etcd-$ETCD_VERSION containerd-$CONTAINERD_VERSION runc-$RUNC_VERSION kwok-$KWOK_VERSION"

CACHE=${PODCONFORM_NODE_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/podconform-node}
BIN=$CACHE/bin-$(printf '%s' "$VERSIONS" | sha256sum | cut -c1-12)

log() { printf 'localnode: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [ -x /usr/local/go/bin/go ] && ! command -v go >/dev/null 2>&1; then
  export PATH=/usr/local/go/bin:$PATH
fi

# with_heartbeat LABEL CMD...: runs CMD (a command or one of this script's
# functions), printing a line every 30 s while it runs, so that a long build
# shows progress. An interrupt or a termination is passed on to CMD.
with_heartbeat() {
  local label=$1; shift
  local t0=$SECONDS pid i
  "$@" &
  pid=$!
  trap 'kill -TERM "$pid" 2>/dev/null' INT TERM
  while kill -0 "$pid" 2>/dev/null; do
    for ((i = 0; i < 30; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$label: building, still running, $((SECONDS - t0)) s"
    fi
  done
  trap - INT TERM
  wait "$pid"
}

apt_need() {
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} (apt)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# build_one NAME CMD...: runs CMD (which must write $BIN/NAME) unless
# $BIN/NAME exists.
build_one() {
  local name=$1; shift
  if [ -x "$BIN/$name" ]; then
    return
  fi
  log "building $name"
  local start=$SECONDS
  with_heartbeat "$name" "$@"
  [ -x "$BIN/$name" ] || die "building $name did not produce $BIN/$name"
  log "built $name in $((SECONDS - start)) s"
}

# gobuild DIR NAME PKG [ENV...]: builds PKG from the build module
# deploy/localnode/DIR (which pins its version, with go.sum) into $BIN/NAME.
gobuild() {
  local dir=$1 name=$2 pkg=$3; shift 3
  (cd "$ROOT/deploy/localnode/$dir" && env "$@" go build -o "$BIN/$name.tmp" "$pkg") && mv "$BIN/$name.tmp" "$BIN/$name"
}

cmd_build() {
  apt_need libseccomp-dev containernetworking-plugins busybox-static iproute2 openssl curl procps util-linux python3
  mkdir -p "$BIN"
  log "binaries in $BIN ($VERSIONS)"
  build_one etcd gobuild etcd etcd go.etcd.io/etcd/server/v3 CGO_ENABLED=0
  build_one kube-apiserver gobuild . kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
  build_one kube-controller-manager gobuild . kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager
  build_one kube-scheduler gobuild . kube-scheduler k8s.io/kubernetes/cmd/kube-scheduler
  build_one kubectl gobuild . kubectl k8s.io/kubernetes/cmd/kubectl
  build_one kubelet gobuild . kubelet k8s.io/kubernetes/cmd/kubelet
  build_one containerd gobuild containerd containerd github.com/containerd/containerd/v2/cmd/containerd CGO_ENABLED=0 GOFLAGS=-tags=no_btrfs,no_devmapper,no_zfs
  build_one containerd-shim-runc-v2 gobuild containerd containerd-shim-runc-v2 github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 CGO_ENABLED=0
  build_one ctr gobuild containerd ctr github.com/containerd/containerd/v2/cmd/ctr CGO_ENABLED=0
  build_one runc gobuild runc runc github.com/opencontainers/runc CGO_ENABLED=1 GOFLAGS=-tags=seccomp
  build_one kwok gobuild kwok kwok sigs.k8s.io/kwok/cmd/kwok CGO_ENABLED=0
  log "every binary is built"
}

# ---------------------------------------------------------------------------
# The node (and two KWOK nodes on the same API server).

NS=${PODCONFORM_NODE_NETNS:-podconform-node}
RUN=${PODCONFORM_NODE_RUN:-/run/podconform-node}
NODE=${PODCONFORM_NODE_NAME:-podconform-node}
NODE_IP=10.200.0.1
POD_CIDR=10.244.0.0/24
SVC_CIDR=10.96.0.0/24
BRIDGE=pcn0
IN=(nsenter "--net=/run/netns/$NS")
# The sysctls the kubelet may set (protectKernelDefaults false), restored by
# down.
SYSCTLS="vm.overcommit_memory kernel.panic kernel.panic_on_oops vm.panic_on_oom kernel.keys.root_maxkeys kernel.keys.root_maxbytes"
# Host paths the kubelet, containerd and the CNI library create whatever
# their flags say; down removes those that did not exist before up.
HOST_PATHS="/var/lib/kubelet /var/log/containers /var/log/pods /var/lib/cni /run/containerd /etc/cni /opt/cni /opt/containerd /run/nri /run/mount"
KUBECONFIG_ADMIN=$RUN/pki/admin.kubeconfig

# api PATH: GET PATH from the API server, as admin, inside the namespace.
api() {
  "${IN[@]}" curl -sSf --max-time 5 --cacert "$RUN/pki/ca.crt" --cert "$RUN/pki/admin.crt" --key "$RUN/pki/admin.key" "https://127.0.0.1:6443$1"
}

# start NAME CMD...: starts CMD inside the namespace, in its own process
# group, logging to $RUN/log/NAME.log, and records its PID.
start() {
  local name=$1; shift
  setsid "${IN[@]}" "$@" >"$RUN/log/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/pids/$name.pid"
  echo "$name" >> "$RUN/pids/order"
}

# wait_for WHAT SECONDS CMD...: polls CMD until it succeeds.
wait_for() {
  local what=$1 secs=$2; shift 2
  local i
  for ((i = 0; i < secs * 4; i++)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.25
  done
  die "$what not ready after ${secs} s (logs in $RUN/log)"
}

save_host() {
  mkdir -p "$RUN/host"
  : > "$RUN/host/sysctl"
  local k v p h c
  for k in $SYSCTLS; do
    if v=$(sysctl -n "$k" 2>/dev/null); then printf '%s=%s\n' "$k" "$v" >> "$RUN/host/sysctl"; fi
  done
  : > "$RUN/host/paths"
  for p in $HOST_PATHS; do
    if [ -e "$p" ]; then echo "$p" >> "$RUN/host/paths"; fi
  done
  ls /run/netns 2>/dev/null > "$RUN/host/netns" || true
  # ip netns add creates /run/netns and bind-mounts it on itself.
  if [ -d /run/netns ]; then touch "$RUN/host/netns-dir"; fi
  if awk '$5 == "/run/netns" {found=1} END {exit !found}' /proc/self/mountinfo; then touch "$RUN/host/netns-mount"; fi
  : > "$RUN/host/cgroups"
  for h in /sys/fs/cgroup/*/; do
    for c in kubepods kubepods.slice k8s.io podconform; do
      if [ -d "$h$c" ]; then echo "$h$c" >> "$RUN/host/cgroups"; fi
    done
  done
}

certs() {
  local d=$RUN/pki
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=podconform-node-ca" -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
  sign() { # NAME SUBJ [SAN]
    local ext=$d/$1.ext
    printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' > "$ext"
    if [ -n "${3:-}" ]; then printf 'subjectAltName=%s\n' "$3" >> "$ext"; fi
    openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$d/$1.key" -out "$d/$1.csr" 2>/dev/null
    openssl x509 -req -in "$d/$1.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 -extfile "$ext" -out "$d/$1.crt" 2>/dev/null
  }
  sign apiserver "/CN=kube-apiserver" "IP:127.0.0.1,IP:$NODE_IP,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
  sign admin "/CN=podconform-admin/O=system:masters"
  sign kubelet "/CN=system:node:$NODE/O=system:nodes" "IP:$NODE_IP,DNS:$NODE"
  sign controller-manager "/CN=system:kube-controller-manager"
  sign apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client/O=system:masters"
  openssl genrsa -out "$d/sa.key" 2048 2>/dev/null
  openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
  kubeconfig() { # NAME CERT
    cat > "$d/$1.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: "https://127.0.0.1:6443", certificate-authority: "$d/ca.crt"}
users:
- name: $2
  user: {client-certificate: "$d/$2.crt", client-key: "$d/$2.key"}
contexts:
- name: local
  context: {cluster: local, user: $2, namespace: default}
current-context: local
KC
  }
  kubeconfig admin admin
  kubeconfig kubelet kubelet
  kubeconfig controller-manager controller-manager
}

# images builds the busybox and pause images (single-layer OCI archives)
# from Debian's busybox-static.
images() {
  local d=$RUN/images
  mkdir -p "$d"
  python3 - "$d" <<'PY'
import hashlib, io, json, os, sys, tarfile, time
out = sys.argv[1]
def layer():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        def add_dir(name):
            ti = tarfile.TarInfo(name); ti.type = tarfile.DIRTYPE; ti.mode = 0o755 if name != "tmp" else 0o1777; ti.mtime = 0; t.addfile(ti)
        for dname in ["bin", "tmp", "proc", "sys", "dev", "etc", "root"]:
            add_dir(dname)
        data = open("/bin/busybox", "rb").read()
        ti = tarfile.TarInfo("bin/busybox"); ti.size = len(data); ti.mode = 0o755; ti.mtime = 0
        t.addfile(ti, io.BytesIO(data))
        for app in ["sh", "sleep", "cat", "echo", "ls", "ps", "date", "printf", "kill", "true", "false", "test", "[", "mkdir", "rm", "touch", "wget", "nc", "env", "id", "hostname", "uptime", "cut", "grep"]:
            ti = tarfile.TarInfo("bin/" + app); ti.type = tarfile.SYMTYPE; ti.linkname = "busybox"; ti.mtime = 0; t.addfile(ti)
        for f, body in [("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n"), ("etc/group", b"root:x:0:\n")]:
            ti = tarfile.TarInfo(f); ti.size = len(body); ti.mode = 0o644; ti.mtime = 0; t.addfile(ti, io.BytesIO(body))
    return buf.getvalue()
def blob(d, b):
    h = hashlib.sha256(b).hexdigest()
    os.makedirs(os.path.join(d, "blobs", "sha256"), exist_ok=True)
    open(os.path.join(d, "blobs", "sha256", h), "wb").write(b)
    return "sha256:" + h
lay = layer()
for name, ref, cmd in [("busybox", "podconform.dev/busybox:1.35", ["/bin/sh"]),
                       ("pause", "podconform.dev/pause:1", ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"])]:
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    ld = blob(d, lay)
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": cmd, "Env": ["PATH=/bin"]},
                      "rootfs": {"type": "layers", "diff_ids": [ld]}}).encode()
    cd = blob(d, cfg)
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": len(cfg)},
                      "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": ld, "size": len(lay)}]}).encode()
    md = blob(d, man)
    json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": len(man),
               "annotations": {"io.containerd.image.name": ref, "org.opencontainers.image.ref.name": ref.split(":")[-1]}}]},
              open(os.path.join(d, "index.json"), "w"))
    open(os.path.join(d, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
    with tarfile.open(os.path.join(out, name + ".tar"), "w") as t:
        for root, _, files in os.walk(d):
            for f in files:
                p = os.path.join(root, f)
                t.add(p, arcname=os.path.relpath(p, d))
PY
}

containerd_config() {
  mkdir -p "$RUN/containerd" "$RUN/cni/conf"
  cat > "$RUN/containerd/config.toml" <<TOML
version = 3
root = "$RUN/containerd/root"
state = "$RUN/containerd/state"
[grpc]
  address = "$RUN/containerd/containerd.sock"
[ttrpc]
  address = "$RUN/containerd/containerd.sock.ttrpc"
[plugins.'io.containerd.internal.v1.opt']
  path = "$RUN/containerd/opt"
[plugins.'io.containerd.nri.v1.nri']
  disable = true
[plugins.'io.containerd.cri.v1.runtime']
  restrict_oom_score_adj = true
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = "$BIN/runc"
        SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["/usr/lib/cni"]
    conf_dir = "$RUN/cni/conf"
[plugins.'io.containerd.cri.v1.images']
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "podconform.dev/pause:1"
TOML
  cat > "$RUN/cni/conf/10-podconform.conflist" <<CNI
{"cniVersion": "1.0.0", "name": "podconform", "plugins": [
  {"type": "bridge", "bridge": "pcnpod0", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "dataDir": "$RUN/cni/ipam"}},
  {"type": "loopback"}]}
CNI
}

kubelet_config() {
  mkdir -p "$RUN/kubelet"
  cat > "$RUN/kubelet/config.yaml" <<KCFG
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: "$RUN/pki/ca.crt"}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
protectKernelDefaults: false
containerRuntimeEndpoint: "unix://$RUN/containerd/containerd.sock"
podLogsDir: "$RUN/pod-logs"
staticPodPath: ""
address: "$NODE_IP"
port: 10250
readOnlyPort: 0
healthzPort: 0
clusterDomain: cluster.local
resolvConf: ""
podCIDR: "$POD_CIDR"
maxPods: 60
syncFrequency: 1m
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: "0%", nodefs.available: "0%", imagefs.available: "0%"}
crashLoopBackOff: {maxContainerRestartPeriod: 60s}
featureGates: {KubeletCrashLoopBackOffMax: true}
KCFG
}

# kwok_nodes starts two KWOK controllers on the same API server, each
# faking one node with one of KWOK's stage sets: kwok-fast (pod/fast) and
# kwok-general (pod/general), with the node stages node/fast and
# node/heartbeat. The stage files come from KWOK's module, as the build
# fetched it.
kwok_nodes() {
  local src
  src=$(cd "$ROOT/deploy/localnode/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage
  [ -d "$src" ] || die "KWOK's stages are not in the module cache ($src)"
  local set node
  for set in fast general; do
    node=kwok-$set
    mkdir -p "$RUN/kwok/$set"
    {
      for f in "$src"/node/fast/*.yaml "$src"/node/heartbeat/*.yaml "$src"/pod/$set/*.yaml; do
        case "$(basename "$f")" in kustomization.yaml) continue ;; esac
        cat "$f"
        printf '\n---\n'
      done
    } > "$RUN/kwok/$set/stages.yaml"
    printf '{"apiVersion":"v1","kind":"Node","metadata":{"name":"%s","labels":{"type":"kwok","podconform.dev/kwok-stages":"%s"},"annotations":{"kwok.x-k8s.io/node":"fake"}},"spec":{"taints":[{"key":"kwok.x-k8s.io/node","value":"fake","effect":"NoSchedule"}]}}' "$node" "$set" > "$RUN/kwok/$set/node.json"
    "${IN[@]}" curl -sSf --max-time 5 --cacert "$RUN/pki/ca.crt" --cert "$RUN/pki/admin.crt" --key "$RUN/pki/admin.key" \
      -X POST -H 'Content-Type: application/json' --data-binary @"$RUN/kwok/$set/node.json" https://127.0.0.1:6443/api/v1/nodes >/dev/null
    start "kwok-$set" "$BIN/kwok" --kubeconfig "$RUN/pki/admin.kubeconfig" --config "$RUN/kwok/$set/stages.yaml" \
      --manage-single-node "$node" --server-address "127.0.0.1:$([ $set = fast ] && echo 10247 || echo 10248)" \
      --node-ip "10.200.1.$([ $set = fast ] && echo 1 || echo 2)" --cidr "10.245.$([ $set = fast ] && echo 0 || echo 1).1/24"
    wait_for "KWOK node $node" 60 node_ready_named "$node"
  done
}

node_ready_named() {
  api "/api/v1/nodes/$1" 2>/dev/null | python3 -c 'import json,sys; n=json.load(sys.stdin); sys.exit(0 if any(c["type"]=="Ready" and c["status"]=="True" for c in n["status"].get("conditions") or []) else 1)' 2>/dev/null
}

running() { # NAME: the process recorded for NAME is alive
  [ -f "$RUN/pids/$1.pid" ] && kill -0 "$(cat "$RUN/pids/$1.pid")" 2>/dev/null
}

node_ready() {
  api "/api/v1/nodes/$NODE" 2>/dev/null | python3 -c 'import json,sys; n=json.load(sys.stdin); sys.exit(0 if any(c["type"]=="Ready" and c["status"]=="True" for c in n["status"]["conditions"]) else 1)'
}

cmd_up() {
  if [ -d "$RUN" ] && running kubelet && node_ready; then
    log "already up (node $NODE Ready); nothing to do"
    return
  fi
  if [ -d "$RUN" ] || [ -e "/run/netns/$NS" ]; then
    log "a previous node is partly there: taking it down first"
    cmd_down
  fi
  cmd_build
  local t0=$SECONDS
  mkdir -p "$RUN"/{log,pids}
  save_host
  ip netns add "$NS"
  ip -n "$NS" link set lo up
  ip -n "$NS" link add "$BRIDGE" type bridge
  ip -n "$NS" addr add "$NODE_IP/24" dev "$BRIDGE"
  ip -n "$NS" link set "$BRIDGE" up
  log "network namespace $NS: node IP $NODE_IP on $BRIDGE, nothing in the host's namespace"
  certs
  start etcd "$BIN/etcd" --name default --data-dir "$RUN/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster default=http://127.0.0.1:2380 --listen-metrics-urls ''
  wait_for etcd 30 "${IN[@]}" curl -sf --max-time 2 http://127.0.0.1:2379/health
  start kube-apiserver "$BIN/kube-apiserver" --etcd-servers http://127.0.0.1:2379 \
    --bind-address 0.0.0.0 --advertise-address "$NODE_IP" --secure-port 6443 \
    --tls-cert-file "$RUN/pki/apiserver.crt" --tls-private-key-file "$RUN/pki/apiserver.key" \
    --client-ca-file "$RUN/pki/ca.crt" --service-cluster-ip-range "$SVC_CIDR" \
    --service-account-key-file "$RUN/pki/sa.pub" --service-account-signing-key-file "$RUN/pki/sa.key" \
    --service-account-issuer https://kubernetes.default.svc \
    --kubelet-client-certificate "$RUN/pki/apiserver-kubelet-client.crt" --kubelet-client-key "$RUN/pki/apiserver-kubelet-client.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
    --enable-priority-and-fairness=false --profiling=false
  wait_for kube-apiserver 90 api /readyz
  start kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig "$RUN/pki/controller-manager.kubeconfig" \
    --service-account-private-key-file "$RUN/pki/sa.key" --root-ca-file "$RUN/pki/ca.crt" \
    --use-service-account-credentials --controllers '*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-service,-route' \
    --bind-address 127.0.0.1 --secure-port 10257 --leader-elect=false
  # The scheduler places pods that name no node (a Job's); the cluster
  # adapter names its node itself. The KWOK nodes are tainted NoSchedule.
  start kube-scheduler "$BIN/kube-scheduler" --kubeconfig "$RUN/pki/admin.kubeconfig" \
    --authentication-kubeconfig "$RUN/pki/admin.kubeconfig" --authorization-kubeconfig "$RUN/pki/admin.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 10259 --leader-elect=false
  images
  containerd_config
  start containerd env "PATH=$BIN:$PATH" "$BIN/containerd" --config "$RUN/containerd/config.toml"
  wait_for containerd 30 test -S "$RUN/containerd/containerd.sock"
  for img in busybox pause; do
    "${IN[@]}" "$BIN/ctr" --address "$RUN/containerd/containerd.sock" -n k8s.io images import --local "$RUN/images/$img.tar" >/dev/null 2>"$RUN/log/ctr-import.log"
  done
  kubelet_config
  start kubelet env "PATH=$BIN:$PATH" "$BIN/kubelet" --config "$RUN/kubelet/config.yaml" \
    --kubeconfig "$RUN/pki/kubelet.kubeconfig" --root-dir "$RUN/kubelet/root" \
    --hostname-override "$NODE" --node-ip "$NODE_IP" --v 1
  wait_for "node $NODE" 120 node_ready
  # The kubelet registers the node with the not-ready NoSchedule taint, which
  # the node lifecycle controller would remove once Ready; that controller is
  # off here, so the taint goes now, and the scheduler can place pods (a
  # Job's) on the node.
  "${IN[@]}" "$BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" taint nodes "$NODE" node.kubernetes.io/not-ready:NoSchedule- >/dev/null 2>&1 || true
  # Namespace default's service account, which pods need (the
  # controller-manager makes it).
  wait_for "service account default/default" 60 api /api/v1/namespaces/default/serviceaccounts/default
  kwok_nodes
  for name in $(cat "$RUN/pids/order"); do
    running "$name" || die "$name stopped (log: $RUN/log/$name.log)"
  done
  log "up in $((SECONDS - t0)) s: node $NODE Ready, KWOK nodes kwok-fast and kwok-general Ready; kubeconfig $KUBECONFIG_ADMIN (use it inside the namespace: $0 exec CMD)"
}

# kill_pid PID: TERM, then KILL after 10 s.
kill_pids() {
  local p
  for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 40); do
    local alive=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && return
    sleep 0.25
  done
  for p in "$@"; do kill -KILL "$p" 2>/dev/null || true; done
}

cmd_down() {
  local t0=$SECONDS
  if [ -f "$RUN/pids/order" ]; then
    # Our processes, last started first.
    for name in $(tac "$RUN/pids/order"); do
      if running "$name"; then
        kill_pids "$(cat "$RUN/pids/$name.pid")"
      fi
    done
  fi
  # Whatever is left in the namespaces we made (containerd's shims, the
  # containers in pod namespaces), by PID.
  local new_ns=()
  if [ -d /run/netns ]; then
    for n in $(ls /run/netns); do
      if [ "$n" = "$NS" ] || { [ -f "$RUN/host/netns" ] && ! grep -qx "$n" "$RUN/host/netns" && [[ $n == cni-* ]]; }; then
        new_ns+=("$n")
      fi
    done
  fi
  for n in "${new_ns[@]}"; do
    pids=$(ip netns pids "$n" 2>/dev/null || true)
    [ -n "$pids" ] && kill_pids $pids
  done
  # The containers' cgroups: their processes, then the groups.
  for h in /sys/fs/cgroup/*/; do
    for c in kubepods kubepods.slice k8s.io podconform; do
      [ -d "$h$c" ] || continue
      [ -f "$RUN/host/cgroups" ] && grep -qx "$h$c" "$RUN/host/cgroups" && continue
      pids=$(find "$h$c" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
      [ -n "$pids" ] && kill_pids $pids
      find "$h$c" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    done
  done
  # Mounts under our paths, deepest first.
  local prefixes=("$RUN")
  if [ -f "$RUN/host/paths" ]; then
    for p in $HOST_PATHS; do grep -qx "$p" "$RUN/host/paths" || prefixes+=("$p"); done
  fi
  for pre in "${prefixes[@]}"; do
    awk -v p="$pre" '$5 == p || index($5, p "/") == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do
      umount -l "$m" 2>/dev/null || true
    done
  done
  for n in "${new_ns[@]}"; do
    ip netns delete "$n" 2>/dev/null || true
  done
  # /run/netns as it was: ip netns add made it (and its mount) if it was
  # not there.
  if [ -d "$RUN/host" ]; then
    if [ ! -e "$RUN/host/netns-mount" ] && awk '$5 == "/run/netns" {found=1} END {exit !found}' /proc/self/mountinfo; then
      [ -z "$(ls -A /run/netns 2>/dev/null)" ] && umount /run/netns 2>/dev/null || true
    fi
    if [ ! -e "$RUN/host/netns-dir" ]; then
      rmdir /run/netns 2>/dev/null || true
    fi
  fi
  # Sysctls as they were.
  if [ -f "$RUN/host/sysctl" ]; then
    while IFS== read -r k v; do
      [ "$(sysctl -n "$k" 2>/dev/null)" = "$v" ] || sysctl -qw "$k=$v" >/dev/null
    done < "$RUN/host/sysctl"
  fi
  # Host paths that were not there before.
  if [ -f "$RUN/host/paths" ]; then
    for p in $HOST_PATHS; do
      grep -qx "$p" "$RUN/host/paths" || rm -rf "$p"
    done
  fi
  rm -rf "$RUN"
  log "down in $((SECONDS - t0)) s"
}

cmd_status() {
  if [ ! -d "$RUN" ]; then
    echo "localnode: down (no $RUN)"
    [ -e "/run/netns/$NS" ] && echo "localnode: but network namespace $NS exists: run $0 down"
    return 3
  fi
  echo "localnode: state in $RUN, network namespace $NS, node $NODE ($NODE_IP), binaries in $BIN"
  local ok=0
  for name in $(cat "$RUN/pids/order" 2>/dev/null); do
    if running "$name"; then
      echo "  $name: running, pid $(cat "$RUN/pids/$name.pid")"
    else
      echo "  $name: NOT running (log: $RUN/log/$name.log)"
      ok=1
    fi
  done
  for n in "$NODE" kwok-fast kwok-general; do
    if node_ready_named "$n"; then echo "  node $n: Ready"; else echo "  node $n: not Ready"; ok=1; fi
  done
  echo "  kubeconfig: $KUBECONFIG_ADMIN (inside the namespace: $0 exec CMD)"
  return $ok
}

cmd_exec() {
  [ -e "/run/netns/$NS" ] || die "the node is down"
  exec "${IN[@]}" env "KUBECONFIG=$KUBECONFIG_ADMIN" "$@"
}

cmd_load_image() {
  [ -S "$RUN/containerd/containerd.sock" ] || die "the node is down"
  [ -f "${1:-}" ] || die "load-image: no such file: ${1:-}"
  "${IN[@]}" "$BIN/ctr" --address "$RUN/containerd/containerd.sock" -n k8s.io images import --local "$1"
}

case "${1:-}" in
  build) cmd_build ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  exec) shift; cmd_exec "$@" ;;
  kubectl) shift; cmd_exec "$BIN/kubectl" "$@" ;;
  load-image) shift; cmd_load_image "$@" ;;
  *)
    echo "usage: $0 build|up|down|status|exec CMD...|kubectl ARGS...|load-image FILE" >&2
    exit 2
    ;;
esac
