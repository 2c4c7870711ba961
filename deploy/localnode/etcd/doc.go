// Package etcd is a build module of the local node: its go.mod and go.sum
// pin the etcd that scripts/localnode.sh builds (see tools.go).
package etcd
