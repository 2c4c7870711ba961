package kubelet

import (
	"context"
	"os"
	"strconv"
	"testing"
	"testing/synctest"

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

func checks(def int) int {
	if n, err := strconv.Atoi(os.Getenv("PODCONFORM_KUBELET_CHECKS")); err == nil {
		return n
	}
	return def
}

// TestFidelity runs the corpus and generated scenarios on the kubelet's
// code and checks them against the reference model: every invariant, and
// refinement at zero tolerance.
func TestFidelity(t *testing.T) {
	useTestBubbles(t)
	out := t.TempDir()
	if d := os.Getenv("PODCONFORM_KUBELET_OUT"); d != "" {
		out = d
	}
	sum, err := runner.Run(context.Background(), runner.Options{
		Adapter:      New(),
		AdapterSpec:  "--adapter kubelet",
		Checks:       checks(100),
		Seed:         1,
		Corpus:       []string{"../../corpus"},
		Out:          out,
		Parallel:     2,
		FixedProfile: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sum.Failures {
		t.Errorf("%s (%s): %s %s %s at %s: %s; expected %v observed %s", f.Name, f.Source, f.Verdict, f.Property, f.Kind, f.At, f.Message, f.Expected, f.Observed)
	}
	t.Logf("%+v", sum.Totals)
}

func generated(seed int64, k int) *scenarioDoc { return runner.GeneratedFixed(seed, k) }

type scenarioDoc = scenario.Document
