package model_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

// requireCauses checks that every action has a cause that says something.
func requireCauses(t testing.TB, acts []model.Action, causes []model.Cause, where string) {
	t.Helper()
	require.Lenf(t, causes, len(acts), "%s: one cause per action", where)
	for i, c := range causes {
		s := c.String()
		require.Falsef(t, c.IsZero(), "%s: %v %s has no cause", where, acts[i].At, acts[i].Kind)
		require.NotEmptyf(t, s, "%s: %v %s", where, acts[i].At, acts[i].Kind)
		require.NotContainsf(t, s, "rule ", "%s: %v %s: cause with no phrase", where, acts[i].At, acts[i].Kind)
	}
}

// explainedRun runs s step by step, checking the causes of every step, and
// returns the whole trace.
func explainedRun(t *testing.T, s *model.Scenario, mut model.Mutation, until time.Duration, where string) []model.Action {
	t.Helper()
	sim, err := model.NewSim(s, until, mut)
	require.NoError(t, err, where)
	acts := append([]model.Action(nil), sim.Initial()...)
	requireCauses(t, acts, sim.Causes(), where)
	for !sim.Done() {
		step, err := sim.Step()
		require.NoError(t, err, where)
		if len(step) > 0 {
			requireCauses(t, step, sim.Causes(), where)
		}
		acts = append(acts, step...)
		if len(step) > 0 || !sim.Done() {
			if _, ok := sim.Model().NextTimer(); ok {
				require.False(t, sim.Model().NextTimerCause().IsZero(), "%s: a timer with no cause at %v", where, sim.Model().Now())
			}
		}
	}
	return acts
}

// TestEveryActionHasACause: every action the model (and every mutant)
// takes over the corpus and generated scenarios carries a cause, and so
// does its next timer.
func TestEveryActionHasACause(t *testing.T) {
	files, err := filepath.Glob("../corpus/*/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	kinds := map[model.ActionKind]bool{}
	for _, f := range files {
		doc, err := scenario.Load(f)
		require.NoError(t, err, f)
		s := doc.Model()
		for _, a := range explainedRun(t, s, 0, 20*time.Minute, f) {
			kinds[a.Kind] = true
		}
		for _, mi := range model.Mutations() {
			explainedRun(t, s, mi.Mutation, 20*time.Minute, f+" "+mi.Name)
		}
	}
	g := gen.Scenario(gen.DefaultKnobs())
	for i := 0; i < 300; i++ {
		doc := g.Example(i)
		for _, a := range explainedRun(t, doc.Model(), 0, gen.Until(doc), "generated scenario "+doc.Metadata.Name) {
			kinds[a.Kind] = true
		}
	}
	for _, k := range []model.ActionKind{model.ActSandboxCreated, model.ActContainerCreated, model.ActContainerStarted,
		model.ActHookStarted, model.ActHookEnded, model.ActProbeResult, model.ActStopSignal, model.ActSIGKILL,
		model.ActContainerExited, model.ActBackOff, model.ActDeleteRequested, model.ActSandboxStopped,
		model.ActPodRemoved, model.ActStatus} {
		require.Truef(t, kinds[k], "no run produced %s", k)
	}
}

// TestCausesAreRunExplained: RunExplained's trace is Run's, and its causes
// line up with it.
func TestCausesAreRunExplained(t *testing.T) {
	s := typicalScenario()
	acts, causes, err := model.RunExplained(s, time.Hour)
	require.NoError(t, err)
	plain := run(t, s, time.Hour)
	require.Equal(t, plain, acts)
	requireCauses(t, acts, causes, "typical")
}

// TestCauseExamples pins a few causes' words.
func TestCauseExamples(t *testing.T) {
	doc, err := scenario.Load("../corpus/examples/crashloop.yaml")
	require.NoError(t, err)
	acts, causes, err := model.RunExplained(doc.Model(), 2*time.Minute)
	require.NoError(t, err)
	find := func(k model.ActionKind, attempt int) string {
		for i, a := range acts {
			if a.Kind == k && a.Attempt == attempt {
				return causes[i].String()
			}
		}
		t.Fatalf("no %s #%d", k, attempt)
		return ""
	}
	require.Equal(t, "restart refused: back-off 20s from the exit at 25s, until 45s (kuberuntime_manager.go doBackOff)", find(model.ActBackOff, 2))
	require.Contains(t, find(model.ActContainerStarted, 1), "its first restart: no back-off yet")
	require.Contains(t, find(model.ActContainerStarted, 3), "back-off 20s ended at 45s")

	s := typicalScenario()
	acts, causes, err = model.RunExplained(s, time.Hour)
	require.NoError(t, err)
	var stop, next string
	for i, a := range acts {
		if a.Kind == model.ActStopSignal && a.Container == "web" && stop == "" {
			stop = causes[i].String()
		}
		if a.Kind == model.ActContainerStarted && a.Container == "init-b" {
			next = causes[i].String()
		}
	}
	require.Equal(t, "next init container after init-a exited 0 at 2s (computeInitContainerActions)", next)
	require.True(t, strings.HasPrefix(stop, "stop signal with timeout 9s: grace 10s minus 1s of preStop (killContainer); "), stop)

	m, err := model.New(s)
	require.NoError(t, err)
	m.Drain()
	at, ok := m.NextTimer()
	require.True(t, ok)
	require.Equal(t, 5*time.Second, at)
	require.Equal(t, "startup probe of proxy, period 5s", m.NextTimerCause().String())
	require.Contains(t, m.DescribeContainer("web"), "web has not started: init container init-a is still running (started at 0s)")
}
