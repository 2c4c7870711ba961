// Package containerd is a build module of the local node: its go.mod and go.sum
// pin the containerd that scripts/localnode.sh builds (see tools.go).
package containerd
