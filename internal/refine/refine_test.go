package refine

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

const sec = time.Second

func dur(d time.Duration) *metav1.Duration { return &metav1.Duration{Duration: d} }

// crashLoop: app exits 1 five seconds after every start (restartPolicy
// Always): it restarts at once at 5s, then after back-offs of 10s, 20s...
func crashLoop() *model.Scenario {
	return &model.Scenario{
		Pod: v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "crashloop", Namespace: "default"},
			Spec: v1.PodSpec{Containers: []v1.Container{{Name: "app", Image: "busybox"}}}},
		Behaviour: model.Behaviour{Containers: map[string]model.ContainerBehaviour{
			"app": {Attempts: []model.Attempt{{ExitAfter: dur(5 * sec), ExitCode: 1}}},
		}},
	}
}

// initThenApp: init-a runs 3s, then app-a, whose readiness probe has a
// period of 1s.
func initThenApp() *model.Scenario {
	app := v1.Container{Name: "app-a", Image: "busybox", ReadinessProbe: &v1.Probe{
		ProbeHandler: v1.ProbeHandler{Exec: &v1.ExecAction{Command: []string{"true"}}}, PeriodSeconds: 1}}
	return &model.Scenario{
		Pod: v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "init", Namespace: "default"},
			Spec: v1.PodSpec{InitContainers: []v1.Container{{Name: "init-a", Image: "busybox"}}, Containers: []v1.Container{app}}},
		Behaviour: model.Behaviour{Containers: map[string]model.ContainerBehaviour{
			"init-a": {Attempts: []model.Attempt{{ExitAfter: dur(3 * sec)}}},
		}},
	}
}

func act(at time.Duration, k model.ActionKind, c string, attempt int) *model.Action {
	return &model.Action{At: at, Kind: k, Container: c, Attempt: attempt}
}

func exited(at time.Duration, attempt int) *model.Action {
	a := act(at, model.ActContainerExited, "app", attempt)
	a.ExitCode, a.Reason = 1, "Error"
	return a
}

func newChk(t *testing.T, s *model.Scenario, tol time.Duration, obs properties.Observables) *Checker {
	t.Helper()
	c, err := New(s, Options{Tolerance: tol, Observes: obs})
	require.NoError(t, err)
	return c
}

// twoCrashes drives the crash loop through its first two exits, as the
// model has it: the instance started at 5s exits at 10s, and the model
// restarts it only at 20s, after a back-off of 10s.
func twoCrashes(t *testing.T, tol time.Duration) *Checker {
	t.Helper()
	c := newChk(t, crashLoop(), tol, properties.ObsActions)
	driveCrashes(t, c)
	return c
}

// driveCrashes gives c the crash loop's first two exits (see twoCrashes);
// atStart is observed right after the first start.
func driveCrashes(t *testing.T, c *Checker, atStart ...*model.Action) {
	t.Helper()
	first := []*model.Action{act(0, model.ActSandboxCreated, "", 0), act(0, model.ActContainerCreated, "app", 0), act(0, model.ActContainerStarted, "app", 0)}
	for _, a := range append(first, atStart...) {
		require.Nil(t, c.Observe(a))
	}
	require.Nil(t, c.Input(model.Input{Kind: model.InExit, At: 5 * sec, Container: "app", ExitCode: 1}))
	for _, a := range []*model.Action{exited(5*sec, 0), act(5*sec, model.ActContainerCreated, "app", 1), act(5*sec, model.ActContainerStarted, "app", 1)} {
		require.Nil(t, c.Observe(a))
	}
	require.Nil(t, c.Input(model.Input{Kind: model.InExit, At: 10 * sec, Container: "app", ExitCode: 1}))
	require.Nil(t, c.Observe(exited(10*sec, 1)))
}

func requireOneLine(t *testing.T, d *Divergence) {
	t.Helper()
	require.NotNil(t, d)
	require.NotContains(t, d.Message, "\n")
	require.NotEmpty(t, d.Why)
	if d.Kind != Unexpected {
		require.Contains(t, d.Message, d.Why)
	}
	require.Len(t, d.ExpectedWhy, len(d.Expected))
	t.Logf("%s: %s", d.Kind, d.Message)
}

func TestEarlySaysWhy(t *testing.T) {
	c := twoCrashes(t, 0)
	// The world has moved on to 25s (the model restarted app at 20s) when
	// the implementation reports a restart at 12s.
	require.Nil(t, c.Input(model.Input{Kind: model.InTick, At: 25 * sec}))
	d := c.Observe(act(12*sec, model.ActContainerCreated, "app", 2))
	requireOneLine(t, d)
	require.Equal(t, Early, d.Kind)
	require.Equal(t, "observed 12s ContainerCreated app#2, but the model takes it only at 20s; why: exited 1 at 10s and restartPolicy Always restarts it (ShouldContainerBeRestarted, computePodActions); back-off 10s ended at 20s (doBackOff)", d.Message)
}

func TestUnexpectedDuringBackOffNamesTheBackOff(t *testing.T) {
	c := twoCrashes(t, 0)
	require.Nil(t, c.Sync(12*sec))
	d := c.Observe(act(12*sec, model.ActContainerCreated, "app", 2))
	requireOneLine(t, d)
	require.Equal(t, Unexpected, d.Kind)
	require.Equal(t, "observed 12s ContainerCreated app#2; the model does not take that action here (it expects nothing now; its next timer is at 20s: back-off 10s of app from the exit at 10s ends: the next sync restarts it); in the model, app exited 1 at 10s (attempt 1); back-off 10s until 20s", d.Message)
}

func TestLateSaysWhy(t *testing.T) {
	c := twoCrashes(t, 0)
	require.Nil(t, c.Input(model.Input{Kind: model.InTick, At: 25 * sec}))
	d := c.Observe(act(25*sec, model.ActContainerCreated, "app", 2))
	requireOneLine(t, d)
	require.Equal(t, Late, d.Kind)
	require.Contains(t, d.Message, "observed 25s ContainerCreated app#2, 5s after the model took it at 20s (tolerance 0s); why the model took it then: exited 1 at 10s")
	require.Contains(t, d.Why, "back-off 10s ended at 20s (doBackOff)")
}

func TestMissingSaysWhy(t *testing.T) {
	c := twoCrashes(t, 0)
	d := c.Sync(25 * sec)
	requireOneLine(t, d)
	require.Equal(t, Missing, d.Kind)
	require.Equal(t, "the model took 20s ContainerCreated app#2; not observed by 20s (tolerance 0s); the implementation's next report was at 25s; why the model took it: exited 1 at 10s and restartPolicy Always restarts it (ShouldContainerBeRestarted, computePodActions); back-off 10s ended at 20s (doBackOff)", d.Message)
	require.Equal(t, d.Why, d.ExpectedWhy[0])
}

func TestUnexpectedSaysWhatTheModelExpectsAndWhy(t *testing.T) {
	c := newChk(t, initThenApp(), 0, properties.ObsActions)
	require.Nil(t, c.Observe(act(0, model.ActSandboxCreated, "", 0)))
	d := c.Observe(act(0, model.ActContainerCreated, "app-a", 0))
	requireOneLine(t, d)
	require.Equal(t, Unexpected, d.Kind)
	require.Equal(t, "observed 0s ContainerCreated app-a#0; the model does not take that action here (it expects 0s ContainerCreated init-a#0; 0s ContainerStarted init-a#0); "+
		"why it expects 0s ContainerCreated init-a#0: first init container, none has run yet (computeInitContainerActions); "+
		"in the model, app-a has not started: init container init-a is still running (started at 0s), so SyncPod starts nothing after it", d.Message)
}

func TestUnexpectedWithNothingDueNamesTheNextTimer(t *testing.T) {
	c := newChk(t, initThenApp(), 0, properties.ObsActions)
	for _, a := range []*model.Action{act(0, model.ActSandboxCreated, "", 0), act(0, model.ActContainerCreated, "init-a", 0), act(0, model.ActContainerStarted, "init-a", 0)} {
		require.Nil(t, c.Observe(a))
	}
	require.Nil(t, c.Input(model.Input{Kind: model.InTick, At: 1500 * time.Millisecond}))
	d := c.Observe(act(1500*time.Millisecond, model.ActContainerCreated, "app-a", 0))
	requireOneLine(t, d)
	require.Equal(t, Unexpected, d.Kind)
	require.Equal(t, "observed 1.5s ContainerCreated app-a#0; the model does not take that action here (it expects nothing now; its next timer is at 2s: readiness probe of app-a, period 1s); "+
		"in the model, app-a has not started: init container init-a is still running (started at 0s), so SyncPod starts nothing after it", d.Message)
	require.True(t, strings.HasPrefix(d.Why, "its next timer is at 2s: readiness probe of app-a, period 1s; in the model, app-a has not started"), d.Why)
}

func TestStatusSaysWhy(t *testing.T) {
	c := newChk(t, crashLoop(), 0, properties.ObsActions|properties.ObsPhase)
	for _, a := range []*model.Action{act(0, model.ActSandboxCreated, "", 0), act(0, model.ActContainerCreated, "app", 0), act(0, model.ActContainerStarted, "app", 0)} {
		require.Nil(t, c.Observe(a))
	}
	require.Nil(t, c.Input(model.Input{Kind: model.InTick, At: sec}))
	d := c.Observe(&model.Action{At: sec, Kind: model.ActStatus, Status: &v1.PodStatus{Phase: v1.PodSucceeded}})
	requireOneLine(t, d)
	require.Equal(t, Status, d.Kind)
	require.Equal(t, "reported status phase=Succeeded; the model's status then was phase=Running; why: the model set it at 0s: status generation after the sync at 0s (status_manager SetPodStatus / generateAPIPodStatus)", d.Message)
}

func TestRejectedSaysTheModelsState(t *testing.T) {
	c := twoCrashes(t, 0)
	d := c.Input(model.Input{Kind: model.InExit, At: 12 * sec, Container: "app", ExitCode: 1})
	require.NotNil(t, d)
	require.Equal(t, Rejected, d.Kind)
	require.Contains(t, d.Message, "in the model, app exited 1 at 10s (attempt 1); back-off 10s until 20s")
}

// TestAPIViews: read through the API server, a terminal phase the status
// manager's copy has while a container may still run is held back (the
// object keeps its phase); once every container stopped and the sandbox
// went, either may show; after the pod worker finished, the terminal one.
func TestAPIViews(t *testing.T) {
	c := newChk(t, crashLoop(), time.Second, properties.ObsRuns|properties.ObsStatus|properties.ObsRequests)
	require.True(t, c.viaStatus)
	c.apiPhase = apiPhase{phase: v1.PodRunning}
	cond := func(s v1.ConditionStatus) []v1.PodCondition {
		return []v1.PodCondition{{Type: v1.PodReadyToStartContainers, Status: s}}
	}
	runs := &v1.PodStatus{Phase: v1.PodFailed, Conditions: cond(v1.ConditionTrue),
		ContainerStatuses: []v1.ContainerStatus{{Name: "app", State: v1.ContainerState{Running: &v1.ContainerStateRunning{}}}}}
	vs := c.apiViews(runs, model.Cause{})
	require.Len(t, vs, 1)
	require.Equal(t, v1.PodRunning, vs[0].Phase)
	require.Equal(t, v1.PodFailed, runs.Phase, "the model's status is not changed")

	stopped := &v1.PodStatus{Phase: v1.PodFailed, Conditions: cond(v1.ConditionFalse),
		ContainerStatuses: []v1.ContainerStatus{{Name: "app", State: v1.ContainerState{Terminated: &v1.ContainerStateTerminated{ExitCode: 1}}}}}
	vs = c.apiViews(stopped, model.Cause{})
	require.Len(t, vs, 2)
	require.Equal(t, v1.PodRunning, vs[0].Phase)
	require.Equal(t, v1.PodFailed, vs[1].Phase)
	require.Equal(t, v1.PodFailed, c.apiPhase.phase, "the API's phase is terminal from then on")

	d := newChk(t, crashLoop(), time.Second, properties.ObsAll)
	require.False(t, d.viaStatus)
	require.Len(t, d.apiViews(runs, model.Cause{}), 1)
	require.Equal(t, v1.PodFailed, d.apiViews(runs, model.Cause{})[0].Phase, "a CRI-level implementation sees the copy")
}

// A run the model takes while its pod worker is busy is due, for an API
// client, only with the model's next generated status: observed before
// that status, it is not late, however long after the model's own start
// (the API showed it late because something the model does not see, a
// status write for a new observedGeneration, came first). Once shown, a
// run observed beyond the tolerance is late.
func TestUnshownRunIsNotLate(t *testing.T) {
	hooked := hookedApp()
	obs := properties.ObsRuns | properties.ObsContainerStatuses | properties.ObsRequests
	c := newChk(t, hooked, sec, obs)
	require.True(t, c.viaStatus)
	// The model started app at 0s and runs its postStart hook until the
	// world says it returned: no status shows the start before that.
	require.Nil(t, c.Input(model.Input{Kind: model.InTick, At: 5 * sec}))
	require.Nil(t, c.Observe(act(5*sec, model.ActContainerStarted, "app", 0)), "not due: the model has not shown it")
	require.Nil(t, c.Input(model.Input{Kind: model.InHookDone, At: 6 * sec, Container: "app"}))
	require.Nil(t, c.End(7*sec, false))

	// Without the hook, the start is shown at once: 5s later is late.
	plain := hooked
	plain.Pod.Spec.Containers[0].Lifecycle = nil
	plain.Behaviour = model.Behaviour{}
	c = newChk(t, plain, sec, obs)
	require.Nil(t, c.Input(model.Input{Kind: model.InTick, At: 5 * sec}))
	d := c.Observe(act(5*sec, model.ActContainerStarted, "app", 0))
	require.NotNil(t, d)
	require.Equal(t, Late, d.Kind, d.Message)
}

// hookedApp: app's postStart hook runs 30s, holding the pod worker.
func hookedApp() *model.Scenario {
	return &model.Scenario{
		Pod: v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "hooked", Namespace: "default"},
			Spec: v1.PodSpec{Containers: []v1.Container{{Name: "app", Image: "busybox",
				Lifecycle: &v1.Lifecycle{PostStart: &v1.LifecycleHandler{Exec: &v1.ExecAction{Command: []string{"true"}}}}}}}},
		Behaviour: model.Behaviour{Containers: map[string]model.ContainerBehaviour{
			"app": {Conduct: model.Conduct{PostStart: &model.HookScript{Duration: dur(30 * sec)}}},
		}},
	}
}
