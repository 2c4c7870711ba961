package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBuild: a static binary becomes an archive; a dynamically linked one
// or a non-ELF file is refused, and nothing is written.
func TestBuild(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "image.tar")
	text := filepath.Join(dir, "script")
	require.NoError(t, os.WriteFile(text, []byte("#!/bin/sh\n"), 0o755))
	require.ErrorContains(t, build("example.com/p:1", out, text), "not an ELF executable")
	if _, err := os.Stat("/bin/sh"); err == nil {
		dyn, _ := filepath.EvalSymlinks("/bin/sh")
		if err := build("example.com/p:1", out, dyn); err != nil {
			require.ErrorContains(t, err, "dynamically linked")
		}
	}
	_, err := os.Stat(out)
	require.True(t, os.IsNotExist(err))

	static := "/bin/busybox" // Debian's busybox-static, which CI installs
	if _, err := os.Stat(static); err != nil {
		t.Skipf("no %s: the static case is not checked here", static)
	}
	require.NoError(t, build("example.com/p:1", out, static))
	st, err := os.Stat(out)
	require.NoError(t, err)
	require.Greater(t, st.Size(), int64(100_000))
}
