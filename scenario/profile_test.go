package scenario_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/scenario"
)

// TestLoadProfile: a profile file is read strictly and validated as a
// scenario's profile field; errors name the file and the field.
func TestLoadProfile(t *testing.T) {
	p, err := scenario.LoadProfile("../deploy/localnode/profile.yaml")
	require.NoError(t, err)
	require.Equal(t, time.Minute, p.BackoffMax.Duration)

	dir := t.TempDir()
	write := func(name, text string) string {
		f := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(f, []byte(text), 0o644))
		return f
	}
	_, err = scenario.LoadProfile(write("bad.yaml", "backoffMax: 100ms\n"))
	require.ErrorContains(t, err, "bad.yaml")
	require.ErrorContains(t, err, "profile.backoffMax")
	_, err = scenario.LoadProfile(write("unknown.yaml", "backoffMaxx: 1m\n"))
	require.ErrorContains(t, err, "backoffMaxx")
}
