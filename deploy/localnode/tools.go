//go:build tools

// Package localnode pins the Kubernetes commands the local node builds
// (see scripts/localnode.sh), and kubectl, which applies the Indexed Job's
// manifests there (scripts/node-job.sh); it has no code of its own.
package localnode

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
