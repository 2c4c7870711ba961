//go:build tools

// Package kwok pins the KWOK that fakes a node on the local API server.
package kwok

import _ "sigs.k8s.io/kwok/cmd/kwok"
