package runner

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
)

// withEvents returns the model's own trace of the example file to until, as
// an API client with events sees it (runs, statuses, requests), plus the
// events the kubelet records for its actions (docs/semantics.md §10.15),
// each moved by shift and reported under reason rename(reason).
func withEvents(t *testing.T, file string, until, shift time.Duration, rename func(string) string) (*scenario.Document, []model.Action, int) {
	t.Helper()
	doc, err := scenario.Load(file)
	require.NoError(t, err)
	acts, err := model.Run(doc.Model(), until)
	require.NoError(t, err)
	obs := properties.ObsRuns | properties.ObsStatus | properties.ObsRequests
	var out, evs []model.Action
	for _, a := range acts {
		reason, msg := "", ""
		switch {
		case a.Kind == model.ActContainerStarted:
			reason, msg = "Started", "Container started"
		case a.Kind == model.ActStopSignal:
			reason, msg = "Killing", "Stopping container "+a.Container
		case a.Kind == model.ActBackOff:
			reason, msg = "BackOff", "Back-off restarting failed container "+a.Container
		case a.Kind == model.ActProbeResult && a.Result == model.ResultFailure:
			reason, msg = "Unhealthy", fmt.Sprintf("%s%s probe failed: scripted", string(a.Probe[0]-'a'+'A'), a.Probe[1:])
		}
		if reason != "" {
			evs = append(evs, model.Action{At: max(a.At+shift, 0), Kind: model.ActEvent, Container: a.Container, Attempt: a.Attempt, Reason: rename(reason), Result: msg})
		}
		if obs&properties.ObservableOf(a.Kind) != 0 || a.Kind == model.ActStatus {
			out = append(out, a)
		}
	}
	return doc, mergeEvents(properties.Restrict(out, obs), evs), len(evs)
}

// mergeEvents merges events (in time order) into a trace by time, each
// after the trace's actions of its instant.
func mergeEvents(acts, evs []model.Action) []model.Action {
	out := make([]model.Action, 0, len(acts)+len(evs))
	i := 0
	for _, a := range acts {
		for i < len(evs) && evs[i].At < a.At {
			out = append(out, evs[i])
			i++
		}
		out = append(out, a)
	}
	return append(out, evs[i:]...)
}

func runWithEvents(t *testing.T, doc *scenario.Document, acts []model.Action, until time.Duration) *result {
	t.Helper()
	obs := properties.ObsRuns | properties.ObsStatus | properties.ObsRequests | properties.ObsEvents
	props, err := SelectProperties(obs, nil)
	require.NoError(t, err)
	f := &fixedTrace{acts: acts, obs: obs}
	return runAutonomous(context.Background(), f, doc.Model(), checkCfg{props: props, tol: 0, until: until, level: LevelExact})
}

// TestEventsWitness: the model's own trace as an API client sees it, with
// the events a kubelet records for the model's actions, passes at the
// exact level; the same events a few seconds early, or under another
// reason, are each rejected with the kind "event", naming the event.
func TestEventsWitness(t *testing.T) {
	same := func(r string) string { return r }
	for _, c := range []struct {
		file  string
		until time.Duration
	}{
		{"../../corpus/examples/crashloop.yaml", 3 * time.Minute},     // Started, BackOff
		{"../../corpus/examples/liveness-exec.yaml", 3 * time.Minute}, // Unhealthy, Killing
	} {
		t.Run(c.file, func(t *testing.T) {
			doc, acts, n := withEvents(t, c.file, c.until, 0, same)
			require.GreaterOrEqual(t, n, 3)
			r := runWithEvents(t, doc, acts, c.until)
			require.Equal(t, Pass, r.verdict, "%+v", r.divergence)

			doc, acts, _ = withEvents(t, c.file, c.until, -5*time.Second, same)
			r = runWithEvents(t, doc, acts, c.until)
			require.Equal(t, Divergence, r.verdict)
			require.Equal(t, "event", string(r.divergence.Kind), r.divergence.Message)
			t.Log(r.divergence.Message)

			swap := func(r string) string {
				if r == "Started" {
					return "Killing"
				}
				return r
			}
			doc, acts, _ = withEvents(t, c.file, c.until, 0, swap)
			r = runWithEvents(t, doc, acts, c.until)
			require.Equal(t, Divergence, r.verdict)
			require.Equal(t, "event", string(r.divergence.Kind), r.divergence.Message)
			require.Contains(t, r.divergence.Message, "reason=Killing")
		})
	}
}

// TestEventsOrderedKill: a pod's kill records Killing for every container
// as it begins, though a sidecar's stop signal waits for the app container
// to stop (killContainer, terminationOrdering): the model shows that kill's
// beginning as the app's stop signal, and the sidecar's only at its turn.
// A Killing of the sidecar at the kill's beginning is explained; one where
// the model began no kill is not.
func TestEventsOrderedKill(t *testing.T) {
	s := apiScenario(t, `
pod:
  apiVersion: v1
  kind: Pod
  metadata: {name: api}
  spec:
    initContainers:
    - {name: side, image: busybox, restartPolicy: Always}
    containers:
    - {name: app, image: busybox}
behaviour:
  containers:
    app: {onStopSignal: {exitAfter: 3s}}
events:
- {at: 5s, type: Delete, gracePeriodSeconds: 30}`)
	const until = 20 * time.Second
	acts, err := model.Run(s, until)
	require.NoError(t, err)
	var sideStop, appStop time.Duration
	for _, a := range acts {
		if a.Kind == model.ActStopSignal && a.Container == "side" {
			sideStop = a.At
		}
		if a.Kind == model.ActStopSignal && a.Container == "app" {
			appStop = a.At
		}
	}
	require.Equal(t, 5*time.Second, appStop)
	require.Equal(t, 8*time.Second, sideStop, "the sidecar's stop signal waits for the app")
	obs := properties.ObsRuns | properties.ObsStatus | properties.ObsRequests | properties.ObsEvents
	props, err := SelectProperties(obs, nil)
	require.NoError(t, err)
	run := func(at time.Duration) *result {
		ev := model.Action{At: at, Kind: model.ActEvent, Container: "side", Reason: "Killing", Result: "Stopping container side"}
		out := mergeEvents(properties.Restrict(acts, obs), []model.Action{ev})
		require.Greater(t, out[len(out)-1].At, at, "the event is inside the trace")
		return runAutonomous(context.Background(), &fixedTrace{acts: out, obs: obs}, s, checkCfg{props: props, until: until, level: LevelExact})
	}
	r := run(5 * time.Second)
	require.Equal(t, Pass, r.verdict, "%+v", r.divergence)
	r = run(2 * time.Second)
	require.Equal(t, Divergence, r.verdict)
	require.Equal(t, "event", string(r.divergence.Kind), r.divergence.Message)
}
