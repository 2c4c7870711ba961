package bounded

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	require.NoError(t, os.WriteFile(small, []byte("12345"), 0o644))
	data, err := ReadFile(small, 5, "a test file")
	require.NoError(t, err)
	require.Equal(t, "12345", string(data))

	_, err = ReadFile(small, 4, "a test file")
	require.ErrorContains(t, err, small)
	require.ErrorContains(t, err, "the most a test file may be")

	_, err = ReadFile(filepath.Join(dir, "missing"), 5, "a test file")
	require.ErrorIs(t, err, os.ErrNotExist)

	if _, err := os.Stat("/dev/zero"); err == nil {
		_, err = ReadFile("/dev/zero", 1<<20, "a test file")
		require.ErrorContains(t, err, "larger than 1 MiB")
	}
}
