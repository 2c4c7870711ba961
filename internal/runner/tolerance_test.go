package runner

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
)

// fixedTrace is an autonomous adapter that reports a given trace.
type fixedTrace struct {
	acts []model.Action
	obs  properties.Observables
}

func (f *fixedTrace) Info() adapters.Info {
	return adapters.Info{Name: "fixed", Mode: adapters.Autonomous, Observes: f.obs}
}

func (f *fixedTrace) Run(context.Context, *model.Scenario, time.Duration) ([]model.Action, error) {
	return append([]model.Action(nil), f.acts...), nil
}

// crashloopTrace is the model's trace of the crashloop example to 3 minutes,
// with actions from the third start on shifted by shift (a kubelet that
// restarts late, or early), without statuses and back-off refusals (a CRI
// recorder's view).
func crashloopTrace(t *testing.T, shift time.Duration) (*scenario.Document, []model.Action) {
	doc, err := scenario.Load("../../corpus/examples/crashloop.yaml")
	require.NoError(t, err)
	acts, err := model.Run(doc.Model(), 3*time.Minute)
	require.NoError(t, err)
	var out []model.Action
	starts := 0
	for _, a := range acts {
		if a.Kind == model.ActStatus || a.Kind == model.ActBackOff {
			continue
		}
		if a.Kind == model.ActContainerCreated {
			starts++
		}
		if starts >= 3 {
			a.At += shift
		}
		out = append(out, a)
	}
	return doc, out
}

func runFixed(t *testing.T, doc *scenario.Document, acts []model.Action, tol time.Duration) *result {
	props, err := SelectProperties(properties.ObsActions, nil)
	require.NoError(t, err)
	f := &fixedTrace{acts: acts, obs: properties.ObsActions}
	return runAutonomous(context.Background(), f, doc.Model(), checkCfg{props: props, tol: tol, until: 3 * time.Minute, level: levelFor(tol)})
}

func TestToleranceAcceptsLateWithinBound(t *testing.T) {
	doc, acts := crashloopTrace(t, 5*time.Second)
	r := runFixed(t, doc, acts, 10*time.Second)
	require.Equal(t, Pass, r.verdict, "%+v %+v", r.divergence, r.violation)
}

// A restart at a back-off's end may come later than the tolerance by the
// pod worker's jitter, half the time that was left (at most half the
// resync interval): the third start, after a back-off of 10s, may come 2s
// + 5s late, not 9s.
func TestToleranceRejectsLateBeyondBound(t *testing.T) {
	doc, acts := crashloopTrace(t, 9*time.Second)
	r := runFixed(t, doc, acts, 2*time.Second)
	require.Equal(t, Divergence, r.verdict)
	require.Contains(t, []string{"late", "missing"}, string(r.divergence.Kind), r.divergence.Message)
	require.Contains(t, r.divergence.Message, "(tolerance 2s, plus 5s for the pod worker's jittered wake at a back-off's end)")

	doc, acts = crashloopTrace(t, 5*time.Second)
	r = runFixed(t, doc, acts, 2*time.Second)
	require.Equal(t, Pass, r.verdict, "%+v", r.divergence)
}

func TestExactRejectsAnyLateness(t *testing.T) {
	doc, acts := crashloopTrace(t, time.Second)
	r := runFixed(t, doc, acts, 0)
	require.Equal(t, Divergence, r.verdict)
}

func TestToleranceNeverAllowsEarly(t *testing.T) {
	doc, acts := crashloopTrace(t, -3*time.Second)
	r := runFixed(t, doc, acts, time.Minute)
	require.Equal(t, Divergence, r.verdict)
	// The model's restart is a timer at 20s: a start at 17s is not allowed
	// yet ("unexpected", naming the timer); an action the model has
	// already queued for later in the same step is "early".
	require.Contains(t, []string{"early", "unexpected"}, string(r.divergence.Kind), r.divergence.Message)
}

func TestUnshiftedCRIViewPasses(t *testing.T) {
	doc, acts := crashloopTrace(t, 0)
	r := runFixed(t, doc, acts, 0)
	require.Equal(t, Pass, r.verdict, "%+v %+v", r.divergence, r.violation)
}

func TestLyingTraceIsCaught(t *testing.T) {
	doc, acts := crashloopTrace(t, 0)
	// Claim a start that never happened: an extra instance of app.
	lie := model.Action{At: acts[len(acts)-1].At, Kind: model.ActContainerStarted, Container: "app", Attempt: 99}
	r := runFixed(t, doc, append(acts, lie), 10*time.Second)
	require.NotEqual(t, Pass, r.verdict)
}
