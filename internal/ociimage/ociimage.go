package ociimage

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"
)

// File is one regular file of the image's only layer.
type File struct {
	// Path inside the image, without a leading slash ("podconform").
	Path string
	Mode int64
	Data []byte
}

// Image describes the image to write.
type Image struct {
	// Ref names the image, "registry/repository:tag".
	Ref string
	// Files are the layer's files; their parent directories are added.
	Files []File
	// Dirs are empty directories to add (e.g. "tmp", mode 1777).
	Dirs []string
	// Entrypoint and Env of the image's config.
	Entrypoint []string
	Env        []string
	// Architecture and OS of the image ("amd64", "linux").
	Architecture, OS string
}

// The OCI media types used.
const (
	mediaManifest = "application/vnd.oci.image.manifest.v1+json"
	mediaConfig   = "application/vnd.oci.image.config.v1+json"
	mediaLayer    = "application/vnd.oci.image.layer.v1.tar"
)

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Write writes img to w as an OCI image layout tar archive, and returns
// the manifest's digest.
func Write(w io.Writer, img Image) (string, error) {
	if err := img.validate(); err != nil {
		return "", err
	}
	layer, err := img.layer()
	if err != nil {
		return "", err
	}
	layerDesc := describe(mediaLayer, layer)
	config, err := json.Marshal(map[string]any{
		"architecture": img.Architecture,
		"os":           img.OS,
		"config":       map[string]any{"Entrypoint": img.Entrypoint, "Env": img.Env},
		"rootfs":       map[string]any{"type": "layers", "diff_ids": []string{layerDesc.Digest}},
	})
	if err != nil {
		return "", err
	}
	configDesc := describe(mediaConfig, config)
	manifest, err := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     mediaManifest,
		"config":        configDesc,
		"layers":        []descriptor{layerDesc},
	})
	if err != nil {
		return "", err
	}
	manifestDesc := describe(mediaManifest, manifest)
	tag := img.Ref[strings.LastIndex(img.Ref, ":")+1:]
	manifestDesc.Annotations = map[string]string{
		"io.containerd.image.name":          img.Ref,
		"org.opencontainers.image.ref.name": tag,
	}
	index, err := json.Marshal(map[string]any{"schemaVersion": 2, "manifests": []descriptor{manifestDesc}})
	if err != nil {
		return "", err
	}

	tw := tar.NewWriter(w)
	for _, e := range []struct {
		name string
		data []byte
	}{
		{"oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)},
		{"index.json", index},
		{blobPath(manifestDesc.Digest), manifest},
		{blobPath(configDesc.Digest), config},
		{blobPath(layerDesc.Digest), layer},
	} {
		if err := writeFile(tw, e.name, 0o644, e.data); err != nil {
			return "", err
		}
	}
	return manifestDesc.Digest, tw.Close()
}

func (img Image) validate() error {
	i := strings.LastIndex(img.Ref, ":")
	switch {
	case i <= 0 || i < strings.LastIndex(img.Ref, "/") || i == len(img.Ref)-1:
		return fmt.Errorf("ociimage: Ref %q: want registry/repository:tag", img.Ref)
	case img.Architecture == "" || img.OS == "":
		return fmt.Errorf("ociimage: Architecture and OS are required")
	case len(img.Entrypoint) == 0:
		return fmt.Errorf("ociimage: Entrypoint is required")
	}
	for _, f := range img.Files {
		if f.Path == "" || strings.HasPrefix(f.Path, "/") || path.Clean(f.Path) != f.Path || strings.HasPrefix(f.Path, "..") {
			return fmt.Errorf("ociimage: file path %q: want a clean relative path", f.Path)
		}
	}
	return nil
}

// layer is the tar of the image's files, their directories and Dirs, in
// name order.
func (img Image) layer() ([]byte, error) {
	dirs := map[string]int64{}
	for _, d := range img.Dirs {
		mode := int64(0o755)
		if d == "tmp" {
			mode = 0o1777
		}
		dirs[path.Clean(d)] = mode
	}
	files := map[string]File{}
	for _, f := range img.Files {
		files[f.Path] = f
		for d := path.Dir(f.Path); d != "."; d = path.Dir(d) {
			if _, ok := dirs[d]; !ok {
				dirs[d] = 0o755
			}
		}
	}
	var names []string
	for d := range dirs {
		names = append(names, d+"/")
	}
	for f := range files {
		names = append(names, f)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, n := range names {
		if d, ok := strings.CutSuffix(n, "/"); ok {
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: n, Mode: dirs[d], ModTime: time.Unix(0, 0), Format: tar.FormatPAX}); err != nil {
				return nil, err
			}
			continue
		}
		f := files[n]
		if err := writeFile(tw, n, f.Mode, f.Data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeFile(tw *tar.Writer, name string, mode int64, data []byte) error {
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)), ModTime: time.Unix(0, 0), Format: tar.FormatPAX}); err != nil {
		return err
	}
	_, err := tw.Write(data)
	return err
}

func describe(media string, b []byte) descriptor {
	sum := sha256.Sum256(b)
	return descriptor{MediaType: media, Digest: "sha256:" + hex.EncodeToString(sum[:]), Size: int64(len(b))}
}

func blobPath(digest string) string { return "blobs/sha256/" + strings.TrimPrefix(digest, "sha256:") }
