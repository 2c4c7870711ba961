package runner

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
)

// killOrderTrace is the model's trace of the two-kills corpus case, taking
// picks at its choices (picks {1}: beta is killed before alpha), with edit
// applied to it.
func killOrderTrace(t *testing.T, picks []int, edit func([]model.Action) []model.Action) (*scenario.Document, []model.Action) {
	t.Helper()
	doc, err := scenario.Load("../../corpus/upstream/two-kills-either-order.yaml")
	require.NoError(t, err)
	acts, err := model.RunChoosing(doc.Model(), 2*time.Minute, picks)
	require.NoError(t, err)
	if edit != nil {
		acts = edit(acts)
	}
	return doc, acts
}

// runKillOrder checks acts against the model, with the invariants too
// when invariants is set (else refinement alone).
func runKillOrder(t *testing.T, acts []model.Action, doc *scenario.Document, invariants bool) *result {
	t.Helper()
	var props []properties.Property
	if invariants {
		var err error
		props, err = SelectProperties(properties.ObsAll, nil)
		require.NoError(t, err)
	}
	f := &fixedTrace{acts: acts, obs: properties.ObsAll}
	return runAutonomous(context.Background(), f, doc.Model(), checkCfg{props: props, until: 2 * time.Minute, level: LevelExact})
}

// The kubelet kills one sync's containers in Go map order: the checker
// accepts either order, with statuses, at tolerance 0.
func TestKillOrderEitherIsAccepted(t *testing.T) {
	for _, picks := range [][]int{nil, {1}} {
		doc, acts := killOrderTrace(t, picks, nil)
		r := runKillOrder(t, acts, doc, true)
		require.Equal(t, Pass, r.verdict, "picks %v: %+v %+v", picks, r.divergence, r.violation)
	}
}

// But the kills are still checked. Beta first with the wrong stop timeout:
// the checker has followed the beta-first branch since 30s, and the
// timeout diverges from it.
func TestKillOrderOtherBranchStillChecked(t *testing.T) {
	doc, acts := killOrderTrace(t, []int{1}, func(acts []model.Action) []model.Action {
		for i := range acts {
			if acts[i].Kind == model.ActStopSignal && acts[i].Container == "beta" {
				acts[i].Timeout = 24
				break
			}
		}
		return acts
	})
	r := runKillOrder(t, acts, doc, false)
	require.Equal(t, Divergence, r.verdict)
	require.Equal(t, 35*time.Second, r.divergence.At)
	require.Contains(t, r.divergence.Message, "it expects 35s StopSignal beta#0 timeout=25", "the checker follows the beta-first branch")
	require.Contains(t, r.divergence.Message, "the model follows the implementation's kill order: beta before alpha at 30s")
	require.Equal(t, []int{1}, r.picks, "the report's expected trace follows the same branch")
}

// With beta's preStop hook left out nothing is seen at 30s: neither order
// fits, and the divergence says both were tried.
func TestKillOrderNeitherBranchFits(t *testing.T) {
	doc, acts := killOrderTrace(t, []int{1}, func(acts []model.Action) []model.Action {
		out := acts[:0]
		for _, a := range acts {
			if a.Container == "beta" && (a.Kind == model.ActHookStarted || a.Kind == model.ActHookEnded) && a.Attempt == 0 {
				continue
			}
			out = append(out, a)
		}
		return out
	})
	r := runKillOrder(t, acts, doc, false)
	require.Equal(t, Divergence, r.verdict)
	require.Equal(t, "missing", string(r.divergence.Kind))
	require.Equal(t, 30*time.Second, r.divergence.At)
	require.Contains(t, r.divergence.Message, "no other order of one sync's kills fits either")
}
