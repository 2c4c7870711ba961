// Package localnode is the build module of podconform's local real node: a
// go.mod that pins the Kubernetes commands the node runs (tools.go) to
// v1.36.3, the release the model follows, with the staging modules pinned
// to the matching release. scripts/localnode.sh builds them from it, and
// builds etcd, containerd, runc and KWOK by their own modules.
package localnode
