package kubelet

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/internal/runner"
	"github.com/podconform/podconform/scenario"
)

// useTestBubbles runs each scenario's bubble as a subtest of t (a test
// binary already has its testing.M, so the host cannot start one).
func useTestBubbles(t *testing.T) {
	t.Helper()
	old := runInBubble
	runInBubble = func(name string, f func()) {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(*testing.T) { f() })
		})
	}
	t.Cleanup(func() { runInBubble = old })
}

func generated(seed int64, k int) *scenario.Document { return runner.GeneratedFixed(seed, k) }

// TestFidelityRun runs the corpus and generated scenarios on the kubelet's
// code through the runner, as "podconform run --adapter kubelet" does: the
// kubelet's code must run every scenario, with no adapter error (no panic,
// no runaway, no refusal on the default profile). The verdicts themselves
// are the fidelity run's findings (docs/upstream-differences.md).
// PODCONFORM_KUBELET_CHECKS sets the number of generated scenarios.
func TestFidelityRun(t *testing.T) {
	useTestBubbles(t)
	checks := 200
	if n, err := strconv.Atoi(os.Getenv("PODCONFORM_KUBELET_CHECKS")); err == nil {
		checks = n
	}
	out := t.TempDir()
	sum, err := runner.Run(context.Background(), runner.Options{
		Adapter: New(), AdapterSpec: "--adapter kubelet",
		Checks: checks, Seed: 1, Corpus: []string{"../../corpus"},
		Out: out, Parallel: 4, FixedProfile: true,
	})
	require.NoError(t, err)
	for _, f := range sum.Failures {
		require.NotEqual(t, runner.AdapterError, f.Verdict, "%s: %s", f.Name, f.Message)
	}
	require.Equal(t, checks+sum.Config.Corpus, sum.Totals.Scenarios)
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	require.NoError(t, err)
	require.True(t, json.Valid(b))
	t.Logf("%+v", sum.Totals)
}
