package model_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/model"
)

func dur(d time.Duration) *metav1.Duration { return &metav1.Duration{Duration: d} }
func i64(v int64) *int64                   { return &v }

func pod(name string, init []v1.Container, apps ...v1.Container) v1.Pod {
	return v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
		Spec:       v1.PodSpec{InitContainers: init, Containers: apps},
	}
}

func ctr(name string) v1.Container { return v1.Container{Name: name, Image: "busybox"} }

func run(t *testing.T, s *model.Scenario, until time.Duration) []model.Action {
	t.Helper()
	acts, err := model.Run(s, until)
	require.NoError(t, err)
	return acts
}

// of returns the actions of kind k for container c (any container if "").
func of(acts []model.Action, k model.ActionKind, c string) []model.Action {
	var out []model.Action
	for _, a := range acts {
		if a.Kind == k && (c == "" || a.Container == c) {
			out = append(out, a)
		}
	}
	return out
}

// restartGaps returns, for each restart, the time from an instance's exit to
// the next instance's start.
func restartGaps(acts []model.Action, c string) []time.Duration {
	var gaps []time.Duration
	var exitAt time.Duration
	exited := false
	for _, a := range acts {
		if a.Container != c {
			continue
		}
		switch a.Kind {
		case model.ActContainerExited:
			exitAt, exited = a.At, true
		case model.ActContainerStarted:
			if exited {
				gaps = append(gaps, a.At-exitAt)
				exited = false
			}
		}
	}
	return gaps
}

// TestBackoffTable checks the crash-loop back-off of docs/semantics.md §4.5
// and §4.6 (doBackOff in pkg/kubelet/kuberuntime/kuberuntime_manager.go):
// waits of 0, 10, 20, 40, 80, 160, 300, 300, … seconds before successive
// restarts, the first at once; a run just under ten minutes keeps the 300 s
// delay and one just over resets it.
func TestBackoffTable(t *testing.T) {
	crash := model.Attempt{ExitAfter: dur(time.Second), ExitCode: 1}
	long := func(d time.Duration) model.Attempt { return model.Attempt{ExitAfter: dur(d), ExitCode: 1} }
	s := &model.Scenario{
		Pod: pod("backoff", nil, ctr("app")),
		Behaviour: model.Behaviour{Containers: map[string]model.ContainerBehaviour{
			"app": {Attempts: []model.Attempt{
				crash, crash, crash, crash, crash, crash, crash, crash, // attempts 0-7
				long(599 * time.Second), // keeps the 300 s delay
				long(601 * time.Second), // resets it: immediate restart
				crash, crash,            // then 10 s, 20 s again
			}},
		}},
	}
	gaps := restartGaps(run(t, s, 2*time.Hour), "app")
	want := []time.Duration{0, 10, 20, 40, 80, 160, 300, 300, 300, 0, 10, 20}
	require.GreaterOrEqual(t, len(gaps), len(want))
	for i, w := range want {
		require.Equalf(t, w*time.Second, gaps[i], "delay before restart %d", i+1)
	}
}

// TestBackoffProfile: the delays are profile parameters, not constants
// (ReduceDefaultCrashLoopBackOffDecay makes them 1 s / 60 s).
func TestBackoffProfile(t *testing.T) {
	s := &model.Scenario{
		Profile: model.Profile{BackoffInitial: dur(time.Second), BackoffMax: dur(time.Minute)},
		Pod:     pod("backoff", nil, ctr("app")),
		Behaviour: model.Behaviour{Containers: map[string]model.ContainerBehaviour{
			"app": {Attempts: []model.Attempt{{ExitAfter: dur(time.Second), ExitCode: 1}}},
		}},
	}
	gaps := restartGaps(run(t, s, 20*time.Minute), "app")
	want := []time.Duration{0, 1, 2, 4, 8, 16, 32, 60, 60}
	for i, w := range want {
		require.Equalf(t, w*time.Second, gaps[i], "delay before restart %d", i+1)
	}
}

// TestKillTiming checks the StopContainer timeouts of docs/semantics.md §7.3
// and §7.4 (killContainer in pkg/kubelet/kuberuntime/kuberuntime_container.go)
// with the examples given there: 30 → 30, 30 with a 1.5 s hook → 29, 3 with
// a 2.5 s hook → 2, 3 with an overrunning hook → 2, 0 → 2.
func TestKillTiming(t *testing.T) {
	cases := []struct {
		grace      int64
		hook       time.Duration // 0: no preStop hook
		force      bool
		timeout    int64
		hookResult string
		hookEnd    time.Duration // after the delete
	}{
		{grace: 30, timeout: 30},
		{grace: 30, hook: 1500 * time.Millisecond, timeout: 29, hookResult: model.ResultOK, hookEnd: 1500 * time.Millisecond},
		{grace: 3, hook: 2500 * time.Millisecond, timeout: 2, hookResult: model.ResultOK, hookEnd: 2500 * time.Millisecond},
		{grace: 3, hook: 5 * time.Second, timeout: 2, hookResult: model.ResultAbandoned, hookEnd: 3 * time.Second},
		{grace: 0, force: true, timeout: 2},
		// A force delete still gives the node 1 s (pod_workers.go): the
		// preStop hook runs for it, then the 2 s floor.
		{grace: 0, force: true, hook: 5 * time.Second, timeout: 2, hookResult: model.ResultAbandoned, hookEnd: time.Second},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("grace%d_hook%v_force%v", tc.grace, tc.hook, tc.force), func(t *testing.T) {
			app := ctr("app")
			beh := model.ContainerBehaviour{Conduct: model.Conduct{OnStopSignal: &model.StopScript{Ignore: true}}}
			if tc.hook > 0 {
				app.Lifecycle = &v1.Lifecycle{PreStop: &v1.LifecycleHandler{Exec: &v1.ExecAction{Command: []string{"sleep"}}}}
				beh.PreStop = &model.HookScript{Duration: dur(tc.hook)}
			}
			p := pod("kill", nil, app)
			p.Spec.TerminationGracePeriodSeconds = i64(30)
			const at = 10 * time.Second
			ev := model.Event{At: metav1.Duration{Duration: at}, Type: model.EventDelete, GracePeriodSeconds: i64(tc.grace)}
			if tc.force {
				ev = model.Event{At: metav1.Duration{Duration: at}, Type: model.EventForceDelete}
			}
			s := &model.Scenario{Pod: p, Behaviour: model.Behaviour{Containers: map[string]model.ContainerBehaviour{"app": beh}}, Events: []model.Event{ev}}
			acts := run(t, s, time.Hour)
			stops := of(acts, model.ActStopSignal, "app")
			require.Len(t, stops, 1)
			require.Equal(t, tc.timeout, stops[0].Timeout)
			ends := of(acts, model.ActHookEnded, "app")
			if tc.hookResult == "" {
				require.Empty(t, ends)
				require.Equal(t, at, stops[0].At)
			} else {
				require.Len(t, ends, 1)
				require.Equal(t, tc.hookResult, ends[0].Result)
				require.Equal(t, at+tc.hookEnd, ends[0].At)
				require.Equal(t, at+tc.hookEnd, stops[0].At)
			}
			kills := of(acts, model.ActSIGKILL, "app")
			require.Len(t, kills, 1)
			require.Equal(t, stops[0].At+time.Duration(tc.timeout)*time.Second, kills[0].At)
			// The one-off 2 s extension: everything is gone by t0 + g + 2 s.
			require.LessOrEqual(t, kills[0].At, at+time.Duration(max(tc.grace, 1)+2)*time.Second)
		})
	}
}

// TestGraceOnlyShrinks: a later delete can only shorten the grace period
// (calculateEffectiveGracePeriod in pod_workers.go), and only for a kill
// that has not started: SyncTerminatingPod runs KillPod on context.TODO()
// (TODO(#113606) in kubelet.go), so a kill in progress keeps its grace
// period (kubernetes#127339).
func TestGraceOnlyShrinks(t *testing.T) {
	p := pod("shrink", nil, ctr("app"))
	beh := model.ContainerBehaviour{Conduct: model.Conduct{OnStopSignal: &model.StopScript{Ignore: true}}}
	ev := func(at time.Duration, g int64) model.Event {
		return model.Event{At: metav1.Duration{Duration: at}, Type: model.EventDelete, GracePeriodSeconds: i64(g)}
	}
	t.Run("longer is ignored", func(t *testing.T) {
		s := &model.Scenario{Pod: p, Behaviour: model.Behaviour{Containers: map[string]model.ContainerBehaviour{"app": beh}},
			Events: []model.Event{ev(10*time.Second, 20), ev(12*time.Second, 60)}}
		acts := run(t, s, time.Hour)
		dels := of(acts, model.ActDeleteRequested, "")
		require.Len(t, dels, 2)
		require.Equal(t, int64(20), dels[1].Grace)
		require.Equal(t, 30*time.Second, of(acts, model.ActSIGKILL, "app")[0].At)
	})
	t.Run("shorter does not reach a kill in progress", func(t *testing.T) {
		s := &model.Scenario{Pod: p, Behaviour: model.Behaviour{Containers: map[string]model.ContainerBehaviour{"app": beh}},
			Events: []model.Event{ev(10*time.Second, 60), ev(15*time.Second, 5)}}
		acts := run(t, s, time.Hour)
		dels := of(acts, model.ActDeleteRequested, "")
		require.Len(t, dels, 2)
		require.Equal(t, int64(5), dels[1].Grace)
		stops := of(acts, model.ActStopSignal, "app")
		require.Len(t, stops, 1)
		require.Equal(t, int64(60), stops[0].Timeout)
		require.Equal(t, 70*time.Second, of(acts, model.ActSIGKILL, "app")[0].At)
	})
	t.Run("force after graceful", func(t *testing.T) {
		s := &model.Scenario{Pod: p, Behaviour: model.Behaviour{Containers: map[string]model.ContainerBehaviour{"app": beh}},
			Events: []model.Event{ev(10*time.Second, 60), {At: metav1.Duration{Duration: 15 * time.Second}, Type: model.EventForceDelete}}}
		acts := run(t, s, time.Hour)
		// The API object goes at once; the kill goes on with its 60 s.
		removed := of(acts, model.ActPodRemoved, "")
		require.Len(t, removed, 1)
		require.Equal(t, 15*time.Second, removed[0].At)
		require.Equal(t, 70*time.Second, of(acts, model.ActSIGKILL, "app")[0].At)
	})
	t.Run("shorter applies to a kill not started yet", func(t *testing.T) {
		// The delete at 10s comes during a postStart hook, which the sync
		// waits for (to 20s); the shorter delete at 15s is in force when
		// the termination begins.
		a := ctr("app")
		a.Lifecycle = &v1.Lifecycle{PostStart: &v1.LifecycleHandler{Exec: &v1.ExecAction{Command: []string{"hook"}}}}
		b := beh
		b.PostStart = &model.HookScript{Duration: dur(20 * time.Second)}
		s := &model.Scenario{Pod: pod("shrink", nil, a), Behaviour: model.Behaviour{Containers: map[string]model.ContainerBehaviour{"app": b}},
			Events: []model.Event{ev(10*time.Second, 60), ev(15*time.Second, 5)}}
		acts := run(t, s, time.Hour)
		ended := of(acts, model.ActHookEnded, "app")
		require.Len(t, ended, 1)
		require.Equal(t, 20*time.Second, ended[0].At)
		require.Equal(t, model.ResultOK, ended[0].Result)
		stops := of(acts, model.ActStopSignal, "app")
		require.Len(t, stops, 1)
		require.Equal(t, 20*time.Second, stops[0].At)
		require.Equal(t, int64(5), stops[0].Timeout)
		require.Equal(t, 25*time.Second, of(acts, model.ActSIGKILL, "app")[0].At)
	})
}

// TestNoDuplicateStatus: a Status action is emitted only when the status
// changed ("the pod's v1.PodStatus after every change").
func TestNoDuplicateStatus(t *testing.T) {
	for name, s := range map[string]*model.Scenario{"typical": typicalScenario()} {
		acts := run(t, s, time.Hour)
		var prev *v1.PodStatus
		n := 0
		for _, a := range acts {
			if a.Kind != model.ActStatus {
				continue
			}
			n++
			if prev != nil {
				require.NotEqualf(t, *prev, *a.Status, "%s: status at %v repeats the previous one", name, a.At)
			}
			prev = a.Status
		}
		require.Greater(t, n, 5)
	}
}
