//go:build tools

// Package runc pins the runc the local node runs.
package runc

import _ "github.com/opencontainers/runc"
