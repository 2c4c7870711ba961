package runner

import (
	"context"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/adapters"
	execadapter "github.com/podconform/podconform/adapters/exec"
	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/model"
)

// bothKinds has the methods of a driven and of an autonomous adapter, as
// an exec adapter does; its Info says which it is. It counts the calls.
type bothKinds struct {
	*modeladapter.Adapter
	auto       *modeladapter.AutonomousAdapter
	mode       adapters.Mode
	opens, run *atomic.Int64
}

func newBothKinds(mode adapters.Mode) bothKinds {
	return bothKinds{modeladapter.New(), modeladapter.Autonomous(), mode, new(atomic.Int64), new(atomic.Int64)}
}

func (b bothKinds) Info() adapters.Info {
	i := b.Adapter.Info()
	i.Mode = b.mode
	return i
}

func (b bothKinds) Open(ctx context.Context, s *model.Scenario) (adapters.Session, error) {
	b.opens.Add(1)
	return b.Adapter.Open(ctx, s)
}

func (b bothKinds) Run(ctx context.Context, s *model.Scenario, until time.Duration) ([]model.Action, error) {
	b.run.Add(1)
	return b.auto.Run(ctx, s, until)
}

// TestDispatchOnMode: an adapter with both method sets is run as its
// Info().Mode says (driven when it says nothing); a mode it does not
// implement, or an unknown one, is an error before anything runs.
func TestDispatchOnMode(t *testing.T) {
	for _, c := range []struct {
		mode        adapters.Mode
		opens, runs bool
	}{
		{adapters.Autonomous, false, true},
		{adapters.Driven, true, false},
		{"", true, false},
	} {
		a := newBothKinds(c.mode)
		sum, err := Run(context.Background(), Options{Adapter: a, Checks: 20, Seed: 4})
		require.NoError(t, err, "mode %q", c.mode)
		require.Equal(t, 0, sum.ExitCode(), "mode %q", c.mode)
		require.Equal(t, c.opens, a.opens.Load() > 0, "mode %q: Open called %d times", c.mode, a.opens.Load())
		require.Equal(t, c.runs, a.run.Load() > 0, "mode %q: Run called %d times", c.mode, a.run.Load())
		require.Equal(t, string(c.mode), sum.Adapter.Mode)
	}
	_, err := Run(context.Background(), Options{Adapter: newBothKinds("stepped"), Checks: 1})
	require.ErrorContains(t, err, `unknown mode "stepped"`)
	_, err = Run(context.Background(), Options{Adapter: drivenOnly{modeladapter.New()}, Checks: 1})
	require.ErrorContains(t, err, "says it is autonomous")
}

// drivenOnly says it is autonomous but has no Run.
type drivenOnly struct{ *modeladapter.Adapter }

func (d drivenOnly) Info() adapters.Info {
	i := d.Adapter.Info()
	i.Mode = adapters.Autonomous
	return i
}

// execPipe serves a over the exec protocol on in-process pipes and
// returns the runner's side.
func execPipe(t *testing.T, a adapters.Adapter) *execadapter.Conn {
	t.Helper()
	reqR, reqW := io.Pipe()
	repR, repW := io.Pipe()
	served := make(chan error, 1)
	go func() {
		err := execadapter.Serve(context.Background(), reqR, repW, a)
		repW.Close()
		served <- err
	}()
	c, err := execadapter.NewConn(repR, reqW, execadapter.Options{})
	require.NoError(t, err)
	t.Cleanup(func() {
		reqW.Close()
		require.NoError(t, <-served)
		repR.Close()
	})
	return c
}

// TestExecAutonomousConformant: the model, served in autonomous mode over
// the exec protocol, passes every generated scenario and the corpus: the
// runner sends each scenario whole and checks the trace that comes back.
func TestExecAutonomousConformant(t *testing.T) {
	c := execPipe(t, modeladapter.Autonomous())
	require.Equal(t, adapters.Autonomous, c.Info().Mode)
	sum, err := Run(context.Background(), Options{Adapter: c, AdapterSpec: "--adapter exec", Checks: 100, Seed: 11,
		Corpus: corpusDirs(), Parallel: 1})
	require.NoError(t, err)
	for _, f := range sum.Failures {
		t.Errorf("%s (%s): %s %s: %s", f.Name, f.Source, f.Property, f.Kind, f.Message)
	}
	require.Equal(t, 0, sum.ExitCode())
	require.Greater(t, sum.Totals.Scenarios, 100)
	require.Equal(t, "exec:model:autonomous", sum.Adapter.Name)
	require.Equal(t, string(adapters.Autonomous), sum.Adapter.Mode)
}

// TestExecAutonomousMutantCaught: a mutant served the same way is caught,
// by conformance failures, not adapter errors.
func TestExecAutonomousMutantCaught(t *testing.T) {
	m, err := modeladapter.AutonomousMutant("parallel-init")
	require.NoError(t, err)
	c := execPipe(t, m)
	sum, err := Run(context.Background(), Options{Adapter: c, Checks: 60, Seed: 1, Parallel: 1, ShrinkSteps: 20, Out: t.TempDir()})
	require.NoError(t, err)
	require.Equal(t, 1, sum.ExitCode())
	require.Zero(t, sum.Totals.AdapterErrors)
	require.NotZero(t, sum.Totals.Violations+sum.Totals.Divergences)
}
