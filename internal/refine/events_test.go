package refine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

func event(at time.Duration, c, reason, msg string) *model.Action {
	return &model.Action{At: at, Kind: model.ActEvent, Container: c, Reason: reason, Result: msg}
}

// crashesWithEvents drives the crash loop through its first two exits
// (see twoCrashes), reporting events too, then the given events, and ends
// the check at 15s: the model refused a restart at 10s (a back-off of 10s)
// and never stopped the container.
func crashesWithEvents(t *testing.T, lag time.Duration, evs ...*model.Action) *Divergence {
	t.Helper()
	c, err := New(crashLoop(), Options{Observes: properties.ObsActions | properties.ObsEvents, Lag: lag})
	require.NoError(t, err)
	driveCrashes(t, c, event(0, "app", EventStarted, "Container started"))
	for _, ev := range evs {
		require.Nil(t, c.Input(model.Input{Kind: model.InTick, At: ev.At}))
		require.Nil(t, c.Observe(ev), "an event is judged only at the end")
	}
	return c.End(15*sec, false)
}

func TestEventsExplained(t *testing.T) {
	require.Nil(t, crashesWithEvents(t, 0,
		event(10*sec+500*time.Millisecond, "app", EventBackOff, "Back-off restarting failed container app in pod crashloop_default(uid)"),
		event(11*sec, "app", "Pulled", "not judged"),
		event(11*sec, "app", EventUnhealthy, "Liveness probe errored and resulted in unknown state: context canceled (not judged: the kubelet throws the result away)"),
	))
	// An event whose window reaches past the end of an incomplete run is
	// judged only if explained: the model stops at the end (15s).
	require.Nil(t, crashesWithEvents(t, 2*sec, event(14*sec, "app", EventKilling, "Stopping container app")))
	// A model behind the node by up to the declared lag explains it too.
	require.Nil(t, crashesWithEvents(t, 2*sec, event(9*sec, "app", EventBackOff, "Back-off restarting failed container app")))
}

// Each broken input is an event the model does not explain; each is
// rejected, and the message says what the model would have had to do.
func TestEventsUnexplained(t *testing.T) {
	for _, tc := range []struct {
		name string
		ev   *model.Action
		want string
	}{
		{"a kill the model never made", event(11*sec, "app", EventKilling, "Stopping container app"),
			"the node recorded 11s Event app#0 result=\"Stopping container app\" reason=Killing; for it the model must begin to kill app (its preStop hook or stop signal, or the kill after a failed postStart hook) between 9s and 11s (tolerance 0s, event slack 2s, lag 0s), and never did"},
		{"a back-off long before the model's", event(3*sec, "app", EventBackOff, "Back-off restarting failed container app"),
			"for it the model must refuse a restart of app (back-off) between 1s and 3s (tolerance 0s, event slack 2s, lag 0s), and did so only at 10s (10s BackOff app#1 wait=10s delay=10s)"},
		{"a probe the pod does not have", event(11*sec, "app", EventUnhealthy, "Liveness probe failed: boom"),
			"for it the model must get a failed liveness probe result of app"},
		{"a start the model did not make then", event(11*sec, "app", EventStarted, "Container started"),
			"for it the model must start app between 9s and 11s (tolerance 0s, event slack 2s, lag 0s), and did so only at 5s (5s ContainerStarted app#1)"},
		{"a hook the pod does not have", event(11*sec, "app", EventFailedPostStartHook, "PostStartHook failed"),
			"for it the model must see app's postStart hook fail"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := crashesWithEvents(t, 0, tc.ev)
			require.NotNil(t, d)
			require.Equal(t, Event, d.Kind)
			require.Contains(t, d.Message, tc.want)
			require.Contains(t, d.Message, "; at the end of the run, in the model, app exited 1 at 10s")
			t.Log(d.Message)
		})
	}
}

func TestUnhealthyProbe(t *testing.T) {
	for msg, want := range map[string]model.ProbeType{
		"Liveness probe failed: x": model.Liveness,
		"Readiness probe errored and resulted in unknown state: rpc error": model.Readiness,
		"(combined from similar events): Startup probe failed: HTTP 500":   model.Startup,
		"Livenessprobe failed": "",
		"":                     "",
	} {
		p, ok := unhealthyProbe(msg)
		require.Equal(t, want, p, msg)
		require.Equal(t, want != "", ok, msg)
	}
}

// The kubelet records BackOff at every sync that finds the container
// still backing off, and the model notes the refusal once, when it
// begins: an event in the middle of the model's back-off is explained,
// one after its end is not.
func TestEventsBackOffAnyMomentOfIt(t *testing.T) {
	// The model refused at 10s with 10s to wait: backing off in [10s, 20s].
	require.Nil(t, crashesWithEvents(t, 0, event(14*sec+500*time.Millisecond, "app", EventBackOff, "Back-off restarting failed container app")))
	d := crashesWithEvents(t, 0, event(4*sec, "app", EventBackOff, "Back-off restarting failed container app"))
	require.NotNil(t, d, "a back-off event before the model's back-off began")
	require.Contains(t, d.Message, "did so only at 10s (10s BackOff app#1 wait=10s delay=10s)")
}

// A force-deleted pod's object goes at once, and the node kills its
// containers after (recording Killing): the checker follows the model no
// further than the removal, so an event whose window passes it is judged
// only if explained. Here app's postStart hook holds the pod worker, so
// the model's kill waits for a hook answer the world never gives once the
// object is gone (recorded: 01bc6094ed). An event before the removal is
// judged as ever.
func TestEventsAfterTheObjectsRemoval(t *testing.T) {
	run := func(evAt time.Duration) *Divergence {
		c, err := New(hookedApp(), Options{Observes: properties.ObsRuns | properties.ObsContainerStatuses | properties.ObsRequests | properties.ObsEvents})
		require.NoError(t, err)
		require.Nil(t, c.Observe(act(0, model.ActContainerStarted, "app", 0)))
		if evAt < 2*sec {
			require.Nil(t, c.Input(model.Input{Kind: model.InTick, At: evAt}))
			require.Nil(t, c.Observe(event(evAt, "app", EventKilling, "Stopping container app")))
		}
		require.Nil(t, c.Input(model.Input{Kind: model.InForceDelete, At: 2 * sec}))
		require.Nil(t, c.Observe(&model.Action{At: 2 * sec, Kind: model.ActDeleteRequested, Force: true}))
		require.Nil(t, c.Observe(&model.Action{At: 2 * sec, Kind: model.ActPodRemoved}))
		if evAt >= 2*sec {
			require.Nil(t, c.Input(model.Input{Kind: model.InTick, At: evAt}))
			require.Nil(t, c.Observe(event(evAt, "app", EventKilling, "Stopping container app")))
		}
		return c.End(5*sec, true)
	}
	require.Nil(t, run(2*sec+500*time.Millisecond), "after the removal")
	d := run(1500 * time.Millisecond)
	require.NotNil(t, d, "before the removal, with no kill in the model")
	require.Equal(t, Event, d.Kind)
	t.Log(d.Message)
}
