// Command podconform-image builds podconform's container image without a
// container engine: an OCI image layout archive holding one static binary
// at /podconform (its entrypoint) and an empty /tmp.
//
//	CGO_ENABLED=0 go build -o bin/podconform-static ./cmd/podconform
//	go run ./cmd/podconform-image --ref REF --out bin/podconform-image.tar bin/podconform-static
//
// `make image` does both. Load the archive into containerd with
// `ctr -n k8s.io images import --local FILE`, or push it to a registry with
// any tool that reads OCI layouts (skopeo copy oci-archive:FILE docker://REF,
// crane push FILE REF).
package main
