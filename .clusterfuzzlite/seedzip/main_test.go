package main

import (
	"archive/zip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSeedZip(t *testing.T) {
	dir := t.TempDir()
	raw := filepath.Join(dir, "doc.yaml")
	gofuzz := filepath.Join(dir, "0a1b")
	bad := filepath.Join(dir, "bad")
	require.NoError(t, os.WriteFile(raw, []byte("kind: Scenario\n"), 0o644))
	require.NoError(t, os.WriteFile(gofuzz, []byte("go test fuzz v1\n[]byte(\"a\\x00b\")\n"), 0o644))
	require.NoError(t, os.WriteFile(bad, []byte("go test fuzz v1\nint(3)\n"), 0o644))

	out := filepath.Join(dir, "seeds.zip")
	require.NoError(t, write(out, []string{raw, gofuzz}))
	zr, err := zip.OpenReader(out)
	require.NoError(t, err)
	defer zr.Close()
	var got [][]byte
	for _, f := range zr.File {
		r, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(r)
		require.NoError(t, err)
		got = append(got, b)
	}
	require.Len(t, got, 2)
	for i, want := range []string{"kind: Scenario\n", "a\x00b"} {
		require.Equal(t, uint32(len(want)), binary.BigEndian.Uint32(got[i][:4]))
		require.Equal(t, want, string(got[i][4:]))
	}

	err = write(filepath.Join(dir, "x.zip"), []string{bad})
	require.ErrorContains(t, err, "bad: go test fuzz value")
	_, statErr := os.Stat(filepath.Join(dir, "x.zip"))
	require.True(t, os.IsNotExist(statErr), "nothing is written on an error")
}
