// Package docs holds podconform's documentation: semantics.md (the Pod
// lifecycle rules the reference model encodes, numbered §N.M, each with the
// upstream kubelet code it comes from), upstream-differences.md (what running
// the upstream kubelet's code against the model found) and
// adapter-protocol.md (the exec adapter protocol).
//
// The package has no code. Its test, citations_test.go, keeps the
// repository's citations honest: every file a citation names is in the
// repository (or is an upstream path), and every § number names a rule of
// semantics.md.
package docs
