// Package ociimage writes a container image as an OCI image layout in one
// tar archive (the form `ctr images import` and registries' upload tools
// read), with no container engine: one uncompressed layer of the given
// files, a config with the entrypoint, a manifest and an index naming the
// image. The archive depends only on its inputs: every timestamp is the
// Unix epoch and every list is in a fixed order, so the same binary gives
// the same image digest.
package ociimage
