package ociimage

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

func image() Image {
	return Image{
		Ref:   "example.com/podconform/podconform:1.0",
		Files: []File{{Path: "podconform", Mode: 0o755, Data: []byte("\x7fELF binary")}, {Path: "etc/note", Mode: 0o644, Data: []byte("hi\n")}},
		Dirs:  []string{"tmp"}, Entrypoint: []string{"/podconform"}, Env: []string{"PATH=/"},
		Architecture: "amd64", OS: "linux",
	}
}

func untar(t *testing.T, b []byte) (map[string][]byte, []string) {
	t.Helper()
	out := map[string][]byte{}
	var names []string
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, names
		}
		require.NoError(t, err)
		data, err := io.ReadAll(tr)
		require.NoError(t, err)
		out[h.Name] = data
		names = append(names, h.Name)
		require.Zero(t, h.ModTime.Unix(), h.Name)
	}
}

// TestWrite: the archive is an OCI layout whose index names the image and
// points at a manifest, config and layer whose digests and sizes match
// their bytes; the layer holds the files with their directories; the same
// inputs give the same bytes.
func TestWrite(t *testing.T) {
	var a, b bytes.Buffer
	digest, err := Write(&a, image())
	require.NoError(t, err)
	_, err = Write(&b, image())
	require.NoError(t, err)
	require.Equal(t, a.Bytes(), b.Bytes(), "deterministic")

	files, _ := untar(t, a.Bytes())
	require.JSONEq(t, `{"imageLayoutVersion":"1.0.0"}`, string(files["oci-layout"]))
	blob := func(d descriptor) []byte {
		data, ok := files[blobPath(d.Digest)]
		require.True(t, ok, d.Digest)
		sum := sha256.Sum256(data)
		require.Equal(t, d.Digest, "sha256:"+hex.EncodeToString(sum[:]))
		require.Equal(t, d.Size, int64(len(data)))
		return data
	}
	var index struct{ Manifests []descriptor }
	require.NoError(t, json.Unmarshal(files["index.json"], &index))
	require.Len(t, index.Manifests, 1)
	m := index.Manifests[0]
	require.Equal(t, digest, m.Digest)
	require.Equal(t, "example.com/podconform/podconform:1.0", m.Annotations["io.containerd.image.name"])
	require.Equal(t, "1.0", m.Annotations["org.opencontainers.image.ref.name"])
	var manifest struct {
		Config descriptor
		Layers []descriptor
	}
	require.NoError(t, json.Unmarshal(blob(m), &manifest))
	var config struct {
		Config struct{ Entrypoint []string }
		Rootfs struct {
			DiffIDs []string `json:"diff_ids"`
		}
	}
	require.NoError(t, json.Unmarshal(blob(manifest.Config), &config))
	require.Equal(t, []string{"/podconform"}, config.Config.Entrypoint)
	require.Len(t, manifest.Layers, 1)
	require.Equal(t, []string{manifest.Layers[0].Digest}, config.Rootfs.DiffIDs, "an uncompressed layer's diff id is its digest")
	layer, names := untar(t, blob(manifest.Layers[0]))
	require.Equal(t, []string{"etc/", "etc/note", "podconform", "tmp/"}, names)
	require.Equal(t, "\x7fELF binary", string(layer["podconform"]))
}

func TestWriteRejects(t *testing.T) {
	for name, edit := range map[string]func(*Image){
		"no tag":        func(i *Image) { i.Ref = "example.com/podconform" },
		"port, no tag":  func(i *Image) { i.Ref = "example.com:5000/podconform" },
		"absolute path": func(i *Image) { i.Files[0].Path = "/podconform" },
		"dot-dot":       func(i *Image) { i.Files[0].Path = "../x" },
		"no entrypoint": func(i *Image) { i.Entrypoint = nil },
	} {
		img := image()
		edit(&img)
		_, err := Write(io.Discard, img)
		require.Error(t, err, name)
	}
}
