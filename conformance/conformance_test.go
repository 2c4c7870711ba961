package conformance

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/adapters"
	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/internal/runner"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

// recorder is a testing.TB that records what Check reports instead of
// failing the real test.
type recorder struct {
	testing.TB
	errors, logs []string
	cleanups     []func()
	failed       bool
}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return "TestRecorded" }
func (r *recorder) Failed() bool { return r.failed }
func (r *recorder) Cleanup(f func()) {
	r.cleanups = append(r.cleanups, f)
}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic("Fatalf: " + fmt.Sprintf(format, args...))
}
func (r *recorder) done() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

// TestCheckPassesTheModel: the reference model passes, and its temporary
// results are removed.
func TestCheckPassesTheModel(t *testing.T) {
	r := &recorder{TB: t}
	res := Check(r, modeladapter.New(), Checks(30))
	r.done()
	require.Empty(t, r.errors)
	require.Equal(t, 30, res.Scenarios)
	require.Equal(t, 30, res.Passed)
	require.Empty(t, res.Failures)
	_, err := os.Stat(res.Out)
	require.True(t, os.IsNotExist(err), "a passing check leaves no results behind")
}

// TestCheckCatchesABug: a mutant that starts the init containers together
// is one t.Error per distinct failure, naming init-strict-order, with a
// counterexample on disk that replays through PODCONFORM_REPLAY.
func TestCheckCatchesABug(t *testing.T) {
	a, err := modeladapter.Mutant("parallel-init")
	require.NoError(t, err)
	r := &recorder{TB: t}
	res := Check(r, a, Checks(60), ShrinkSteps(30))
	r.done()
	defer os.RemoveAll(res.Out)
	require.NotEmpty(t, res.Failures)
	require.Len(t, r.errors, len(res.Failures), "one error per distinct failure")
	joined := strings.Join(r.errors, "\n")
	require.Contains(t, joined, "init-strict-order")
	f := res.Failures[0]
	require.FileExists(t, f.File)
	_, err = scenario.Load(f.File)
	require.NoError(t, err)
	require.Contains(t, r.errors[0], "counterexample: "+f.File)
	require.Contains(t, r.errors[0], "replay: PODCONFORM_REPLAY="+f.File+" go test -run '^TestRecorded$' .")
	_, err = os.Stat(res.Out)
	require.NoError(t, err, "a failing check keeps its results")

	// The replay runs that file only, and fails the same way.
	t.Setenv(ReplayEnv, f.File)
	r2 := &recorder{TB: t}
	res2 := Check(r2, a)
	r2.done()
	defer os.RemoveAll(res2.Out)
	require.Equal(t, 1, res2.Scenarios)
	require.NotEmpty(t, r2.errors)
	require.Contains(t, r2.errors[0], f.Check)
}

// TestCheckBaseline: failures the baseline lists are logged, not errors.
func TestCheckBaseline(t *testing.T) {
	a, err := modeladapter.Mutant("parallel-init")
	require.NoError(t, err)
	r := &recorder{TB: t}
	res := Check(r, a, Checks(40), ShrinkSteps(20))
	r.done()
	defer os.RemoveAll(res.Out)
	require.NotEmpty(t, r.errors)

	base := t.TempDir() + "/baseline.json"
	var b strings.Builder
	b.WriteString(`{"apiVersion":"podconform.dev/v1alpha1","kind":"Baseline","failures":[`)
	for i, f := range res.Failures {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "{%q:%q}", "signature", f.Check+" | "+f.Shape)
	}
	b.WriteString("]}")
	require.NoError(t, os.WriteFile(base, []byte(b.String()), 0o644))
	r2 := &recorder{TB: t}
	res2 := Check(r2, a, Checks(40), ShrinkSteps(20), Baseline(base))
	r2.done()
	require.Empty(t, r2.errors)
	require.Contains(t, strings.Join(r2.logs, "\n"), "known (in the baseline)")
	require.NoFileExists(t, res2.Out+"/summary.json")
}

// noInit is the model, refusing as unsupported any pod with an init
// container (as an implementation without them would).
type noInit struct{ adapters.DrivenAdapter }

func (a noInit) Open(ctx context.Context, s *model.Scenario) (adapters.Session, error) {
	if len(s.Pod.Spec.InitContainers) > 0 {
		return nil, adapters.Errorf(adapters.ErrKindUnsupported, "no init containers here")
	}
	return a.DrivenAdapter.Open(ctx, s)
}

// TestCheckGenerate: Generate shapes the generated scenarios (with no
// init containers, an adapter without them skips none; with podconform's
// own mix it skips many), and the summary records the knobs.
func TestCheckGenerate(t *testing.T) {
	a := noInit{modeladapter.New()}
	r := &recorder{TB: t}
	res := Check(r, a, Checks(40))
	r.done()
	require.Empty(t, r.errors)
	require.Positive(t, res.Skipped, "podconform's own mix has init containers")

	dir := t.TempDir()
	r = &recorder{TB: t}
	res = Check(r, a, Checks(40), Out(dir), Generate(gen.Knobs{MaxApps: 2, MaxAttempts: 3, MaxEvents: 1}))
	r.done()
	require.Empty(t, r.errors)
	require.Zero(t, res.Skipped)
	require.Equal(t, 40, res.Passed)
	sum, err := runner.ReadSummary(filepath.Join(dir, "summary.json"))
	require.NoError(t, err)
	require.NotNil(t, sum.Config.Knobs)
	require.Equal(t, 2, sum.Config.Knobs.MaxApps)
}

// TestCheckAutonomous: an autonomous adapter (one that runs a scenario by
// itself and returns its whole trace) is checked the same way: the model
// run autonomously passes, and the same mutant run autonomously is caught
// by the same invariant.
func TestCheckAutonomous(t *testing.T) {
	r := &recorder{TB: t}
	res := Check(r, modeladapter.Autonomous(), Checks(30))
	r.done()
	require.Empty(t, r.errors)
	require.Equal(t, 30, res.Passed)

	a, err := modeladapter.AutonomousMutant("parallel-init")
	require.NoError(t, err)
	r = &recorder{TB: t}
	res = Check(r, a, Checks(60), ShrinkSteps(30))
	r.done()
	defer os.RemoveAll(res.Out)
	require.NotEmpty(t, res.Failures)
	require.Contains(t, strings.Join(r.errors, "\n"), "init-strict-order")
}
