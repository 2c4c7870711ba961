package model_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// walk drives the model through its public interface only: at each step it
// picks one of Enabled's moves, or lets the clock run to the next timer,
// with choices from a seeded source. It returns the trace.
func walk(t *testing.T, s *model.Scenario, seed uint64, steps int) []model.Action {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 0))
	m, err := model.New(s)
	require.NoError(t, err)
	trace := append([]model.Action(nil), m.Drain()...)
	requireCauses(t, trace, m.Causes(), "walk start")
	deletes := 0
	for i := 0; i < steps && !m.Finished(); i++ {
		moves := m.Enabled()
		next, hasTimer := m.NextTimer()
		now := m.Now()
		var in model.Input
		pickMove := len(moves) > 0 && (!hasTimer || next > now) && r.IntN(3) > 0
		if len(moves) > 0 && (!hasTimer || moves[0].Kind == model.InProbeAnswer) {
			pickMove = true // a probe asked now must be answered first
		}
		if pickMove {
			mv := moves[r.IntN(len(moves))]
			if (mv.Kind == model.InDelete || mv.Kind == model.InForceDelete) && (deletes > 2 || r.IntN(8) > 0) {
				continue
			}
			in = model.Input{Kind: mv.Kind, At: now, Container: mv.Container, Probe: mv.Probe}
			if mv.Kind != model.InProbeAnswer && hasTimer && next > now {
				in.At = now + time.Duration(r.Int64N(int64(next-now)+1))
			}
			switch mv.Kind {
			case model.InExit:
				in.ExitCode = []int32{0, 1, 137}[r.IntN(3)]
				in.OOMKilled = r.IntN(10) == 0
			case model.InProbeAnswer:
				in.Success = r.IntN(3) > 0
			case model.InHookDone:
				in.HookOK = r.IntN(4) > 0
			case model.InDelete:
				in.Grace = r.Int64N(40) - 1
				deletes++
			case model.InForceDelete:
				deletes++
			case model.InSetCondition:
				in.Condition = mv.Condition
				in.CondStatus = []v1.ConditionStatus{v1.ConditionTrue, v1.ConditionFalse, v1.ConditionUnknown}[r.IntN(3)]
			}
		} else if hasTimer {
			in = model.Input{Kind: model.InTick, At: next}
		} else {
			break
		}
		acts, err := m.Step(in)
		if err == model.ErrFinished {
			break
		}
		require.NoErrorf(t, err, "seed %d step %d input %+v", seed, i, in)
		requireCauses(t, acts, m.Causes(), "walk")
		for _, a := range acts {
			require.GreaterOrEqual(t, a.At, now, "time went backwards")
		}
		trace = append(trace, acts...)
	}
	return trace
}

// TestRandomWalk: any interleaving of the world's enabled moves is accepted,
// never panics, keeps time monotone and restart counts non-decreasing, and
// the same seed gives the same trace.
func TestRandomWalk(t *testing.T) {
	s := typicalScenario()
	s.Pod.Spec.InitContainers[0].RestartPolicy = nil
	never := typicalScenario()
	never.Pod.Spec.RestartPolicy = v1.RestartPolicyNever
	onf := typicalScenario()
	onf.Pod.Spec.RestartPolicy = v1.RestartPolicyOnFailure
	total, seen := 0, map[model.ActionKind]bool{}
	for _, sc := range []*model.Scenario{s, never, onf} {
		for seed := uint64(1); seed <= 150; seed++ {
			tr := walk(t, sc, seed, 400)
			total += len(tr)
			for _, a := range tr {
				seen[a.Kind] = true
			}
			restarts := map[string]int32{}
			for _, a := range tr {
				if a.Kind != model.ActStatus {
					continue
				}
				for _, cs := range append(append([]v1.ContainerStatus{}, a.Status.InitContainerStatuses...), a.Status.ContainerStatuses...) {
					require.GreaterOrEqualf(t, cs.RestartCount, restarts[cs.Name], "seed %d: restart count of %s fell", seed, cs.Name)
					restarts[cs.Name] = cs.RestartCount
				}
			}
			if seed <= 5 {
				require.Equal(t, tr, walk(t, sc, seed, 400), "same seed, same trace")
			}
		}
	}
	require.Greater(t, total/450, 15, "walks must go deep enough to mean something")
	for _, k := range []model.ActionKind{model.ActContainerExited, model.ActBackOff, model.ActStopSignal, model.ActSIGKILL,
		model.ActHookStarted, model.ActHookEnded, model.ActProbeResult, model.ActDeleteRequested, model.ActPodRemoved, model.ActSandboxStopped} {
		require.Truef(t, seen[k], "no walk produced %s", k)
	}
}
