package model_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podconform/podconform/model"
)

func execProbe(delay, period, failure int32) *v1.Probe {
	return &v1.Probe{ProbeHandler: v1.ProbeHandler{Exec: &v1.ExecAction{Command: []string{"check"}}},
		InitialDelaySeconds: delay, PeriodSeconds: period, FailureThreshold: failure}
}

func hook() *v1.LifecycleHandler {
	return &v1.LifecycleHandler{Exec: &v1.ExecAction{Command: []string{"hook"}}}
}

func behaviours(kv ...any) model.Behaviour {
	m := map[string]model.ContainerBehaviour{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(model.ContainerBehaviour)
	}
	return model.Behaviour{Containers: m}
}

func lastStatus(acts []model.Action) *v1.PodStatus {
	for i := len(acts) - 1; i >= 0; i-- {
		if acts[i].Kind == model.ActStatus {
			return acts[i].Status
		}
	}
	return nil
}

func starts(acts []model.Action, c string) []time.Duration {
	var out []time.Duration
	for _, a := range of(acts, model.ActContainerStarted, c) {
		out = append(out, a.At)
	}
	return out
}

// docs/semantics.md §2.6, §6.2: the sync waits for a postStart hook, so a slow
// one delays the start of the next container by its whole duration.
func TestPostStartBlocksNextStart(t *testing.T) {
	a, b := ctr("a"), ctr("b")
	a.Lifecycle = &v1.Lifecycle{PostStart: hook()}
	s := &model.Scenario{Pod: pod("ps", nil, a, b),
		Behaviour: behaviours("a", model.ContainerBehaviour{Conduct: model.Conduct{PostStart: &model.HookScript{Duration: dur(5 * time.Second)}}})}
	acts := run(t, s, time.Minute)
	require.Equal(t, []time.Duration{0}, starts(acts, "a"))
	require.Equal(t, []time.Duration{5 * time.Second}, starts(acts, "b"))
	// While postStart runs, the container is not reported running and the pod is Pending.
	for _, x := range of(acts, model.ActStatus, "") {
		if x.At < 5*time.Second {
			require.Equal(t, v1.PodPending, x.Status.Phase)
		}
	}
	require.Equal(t, v1.PodRunning, lastStatus(acts).Phase)
}

// docs/semantics.md §6.4: a failed postStart hook (FailedPostStartHook) gets
// the container killed in the same sync; the restart policy then applies.
func TestPostStartFailureKills(t *testing.T) {
	a := ctr("a")
	a.Lifecycle = &v1.Lifecycle{PostStart: hook()}
	p := pod("psfail", nil, a)
	p.Spec.RestartPolicy = v1.RestartPolicyNever
	s := &model.Scenario{Pod: p, Behaviour: behaviours("a", model.ContainerBehaviour{Conduct: model.Conduct{PostStart: &model.HookScript{Duration: dur(time.Second), Fail: true}}})}
	acts := run(t, s, time.Minute)
	ends := of(acts, model.ActHookEnded, "a")
	require.Len(t, ends, 1)
	require.Equal(t, model.ResultFailed, ends[0].Result)
	stops := of(acts, model.ActStopSignal, "a")
	require.Len(t, stops, 1)
	require.Equal(t, time.Second, stops[0].At)
	require.Equal(t, int64(30), stops[0].Timeout)
	require.Len(t, starts(acts, "a"), 1, "Never: no restart")
	require.Equal(t, v1.PodSucceeded, lastStatus(acts).Phase, "the stopped container exited 0")
}

// docs/semantics.md §5.9, §7.2: failureThreshold liveness failures in a row
// kill the container, preStop first, with the probe's own
// terminationGracePeriodSeconds in place of the pod's when it is set.
func TestLivenessKill(t *testing.T) {
	a := ctr("a")
	a.LivenessProbe = execProbe(5, 5, 3)
	a.LivenessProbe.TerminationGracePeriodSeconds = i64(7)
	a.Lifecycle = &v1.Lifecycle{PreStop: hook()}
	s := &model.Scenario{Pod: pod("live", nil, a), Behaviour: behaviours("a", model.ContainerBehaviour{
		Attempts: []model.Attempt{{Conduct: model.Conduct{Probes: &model.ProbeScripts{Liveness: []model.ProbeStep{{After: metav1.Duration{Duration: 30 * time.Second}, Result: model.ProbeFailure}}}}}, {}},
		Conduct:  model.Conduct{OnStopSignal: &model.StopScript{Ignore: true}},
	})}
	acts := run(t, s, 5*time.Minute)
	var fails []time.Duration
	for _, r := range of(acts, model.ActProbeResult, "a") {
		if r.Attempt == 0 && r.Result == model.ResultFailure {
			fails = append(fails, r.At)
		}
	}
	require.Equal(t, []time.Duration{30 * time.Second, 35 * time.Second, 40 * time.Second}, fails)
	pre := of(acts, model.ActHookStarted, "a")
	require.Len(t, pre, 1)
	require.Equal(t, 40*time.Second, pre[0].At)
	stop := of(acts, model.ActStopSignal, "a")[0]
	require.Equal(t, int64(7), stop.Timeout, "the probe's terminationGracePeriodSeconds wins; the hook took 0 s")
	require.Equal(t, 47*time.Second, of(acts, model.ActSIGKILL, "a")[0].At)
	// Restarted at once in the same sync: no exited instance preceded it.
	require.Equal(t, []time.Duration{0, 47 * time.Second}, starts(acts, "a"))
	require.Equal(t, int32(1), lastStatus(acts).ContainerStatuses[0].RestartCount)
}

// docs/semantics.md §5.7, §5.8: with a startup probe, liveness and readiness
// do not run until it succeeds; failureThreshold consecutive failures kill
// the container.
func TestStartupProbe(t *testing.T) {
	a := ctr("a")
	a.StartupProbe = execProbe(0, 10, 3)
	a.LivenessProbe = execProbe(0, 10, 1)
	a.ReadinessProbe = execProbe(0, 10, 1)
	fail := model.ProbeStep{Result: model.ProbeFailure}
	s := &model.Scenario{Pod: pod("startup", nil, a), Behaviour: behaviours("a", model.ContainerBehaviour{
		Attempts: []model.Attempt{
			{Conduct: model.Conduct{Probes: &model.ProbeScripts{Startup: []model.ProbeStep{fail}}}},
			{Conduct: model.Conduct{Probes: &model.ProbeScripts{Startup: []model.ProbeStep{fail, {After: metav1.Duration{Duration: 15 * time.Second}, Result: model.ProbeSuccess}}}}},
		},
	})}
	acts := run(t, s, 2*time.Minute)
	for _, r := range of(acts, model.ActProbeResult, "a") {
		if r.Probe != model.Startup {
			require.Equal(t, 1, r.Attempt, "liveness/readiness only after startup succeeded")
			require.GreaterOrEqual(t, r.At, 50*time.Second)
		}
	}
	// The worker's ticker runs from the pod's admission; at 0 no status
	// shows the container yet. Attempt 0: startup fails at 10, 20, 30 →
	// killed at 30 → restarted at once.
	require.Equal(t, 30*time.Second, of(acts, model.ActStopSignal, "a")[0].At)
	st := starts(acts, "a")
	require.Equal(t, []time.Duration{0, 30 * time.Second}, st)
	// Attempt 1 started at 30: the startup probe at 40 fails (below the
	// threshold); at 50 (age 20 ≥ 15) it succeeds.
	cs := lastStatus(acts).ContainerStatuses[0]
	require.True(t, *cs.Started)
	require.True(t, cs.Ready)
}

// docs/semantics.md §3.2: under pod restartPolicy Never a regular init
// container that fails ends the pod Failed, and nothing more starts.
func TestNeverInitFailure(t *testing.T) {
	p := pod("never", []v1.Container{ctr("init")}, ctr("app"))
	p.Spec.RestartPolicy = v1.RestartPolicyNever
	s := &model.Scenario{Pod: p, Behaviour: behaviours("init", model.ContainerBehaviour{Attempts: []model.Attempt{{ExitAfter: dur(time.Second), ExitCode: 1}}})}
	acts := run(t, s, time.Hour)
	require.Empty(t, starts(acts, "app"))
	require.Len(t, starts(acts, "init"), 1)
	st := lastStatus(acts)
	require.Equal(t, v1.PodFailed, st.Phase)
	require.Equal(t, "PodInitializing", st.ContainerStatuses[0].State.Waiting.Reason)
}

// docs/semantics.md §3.1: OnFailure restarts on non-zero exit only.
func TestOnFailure(t *testing.T) {
	p := pod("onfailure", nil, ctr("app"))
	p.Spec.RestartPolicy = v1.RestartPolicyOnFailure
	s := &model.Scenario{Pod: p, Behaviour: behaviours("app", model.ContainerBehaviour{Attempts: []model.Attempt{
		{ExitAfter: dur(time.Second), ExitCode: 3}, {ExitAfter: dur(time.Second), ExitCode: 0}}})}
	acts := run(t, s, time.Hour)
	require.Equal(t, []time.Duration{0, time.Second}, starts(acts, "app"))
	require.Equal(t, v1.PodSucceeded, lastStatus(acts).Phase)
}

// docs/semantics.md §3.3: container restartPolicy and restartPolicyRules
// (ContainerRestartRules) override the pod policy for app containers.
func TestContainerRestartRules(t *testing.T) {
	never := v1.ContainerRestartPolicyNever
	app := ctr("app")
	app.RestartPolicy = &never
	app.RestartPolicyRules = []v1.ContainerRestartRule{{Action: v1.ContainerRestartRuleActionRestart,
		ExitCodes: &v1.ContainerRestartRuleOnExitCodes{Operator: v1.ContainerRestartRuleOnExitCodesOpIn, Values: []int32{42}}}}
	p := pod("rules", nil, app)
	p.Spec.RestartPolicy = v1.RestartPolicyNever
	s := &model.Scenario{Pod: p, Behaviour: behaviours("app", model.ContainerBehaviour{Attempts: []model.Attempt{
		{ExitAfter: dur(time.Second), ExitCode: 42}, {ExitAfter: dur(time.Second), ExitCode: 1}}})}
	acts := run(t, s, time.Hour)
	require.Equal(t, []time.Duration{0, time.Second}, starts(acts, "app"), "42 restarts, 1 does not")
	require.Equal(t, v1.PodFailed, lastStatus(acts).Phase)

	off := false
	s.Profile.ContainerRestartRules = &off
	acts = run(t, s, time.Hour)
	require.Len(t, starts(acts, "app"), 1, "with the gate off the pod's Never decides")
}

// docs/semantics.md §2.3: the next container starts once the sidecar is
// started: running, postStart done, and its startup probe succeeded.
func TestSidecarStartGating(t *testing.T) {
	always := v1.ContainerRestartPolicyAlways
	side := ctr("side")
	side.RestartPolicy = &always
	side.StartupProbe = execProbe(0, 5, 10)
	s := &model.Scenario{Pod: pod("gate", []v1.Container{side}, ctr("app")), Behaviour: behaviours("side", model.ContainerBehaviour{
		Conduct: model.Conduct{Probes: &model.ProbeScripts{Startup: []model.ProbeStep{{Result: model.ProbeFailure}, {After: metav1.Duration{Duration: 12 * time.Second}, Result: model.ProbeSuccess}}}}})}
	acts := run(t, s, time.Minute)
	require.Equal(t, []time.Duration{15 * time.Second}, starts(acts, "app"))
	require.Equal(t, v1.PodRunning, lastStatus(acts).Phase)
}

// docs/semantics.md §5.12: termination stops the app containers' liveness
// and startup probes; readiness keeps running (#110309), but an exec probe
// errors once the delete cancelled the pod worker's context, which the
// prober's workers run on (kubernetes#140881): only non-exec readiness
// probes give results during the termination.
func TestReadinessDuringTermination(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler v1.ProbeHandler
		want    int
	}{
		// 11, 12, 13, 14 and 15: it exits at 15, and at equal times the
		// model's own timers (the probe) come before the world's moves
		// (the exit).
		{"tcpSocket", v1.ProbeHandler{TCPSocket: &v1.TCPSocketAction{Port: intstr.FromInt32(8080)}}, 5},
		{"exec", v1.ProbeHandler{Exec: &v1.ExecAction{Command: []string{"check"}}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := ctr("a")
			a.LivenessProbe = execProbe(0, 1, 3)
			a.ReadinessProbe = execProbe(0, 1, 3)
			a.ReadinessProbe.ProbeHandler = tc.handler
			s := &model.Scenario{Pod: pod("term", nil, a),
				Behaviour: behaviours("a", model.ContainerBehaviour{Conduct: model.Conduct{OnStopSignal: &model.StopScript{ExitAfter: dur(5 * time.Second)}}}),
				Events:    []model.Event{{At: metav1.Duration{Duration: 10 * time.Second}, Type: model.EventDelete}}}
			acts := run(t, s, time.Minute)
			var live, ready, before int
			for _, r := range of(acts, model.ActProbeResult, "a") {
				if r.At > 10*time.Second {
					switch r.Probe {
					case model.Liveness:
						live++
					case model.Readiness:
						ready++
					}
				} else if r.Probe == model.Readiness {
					before++
				}
			}
			require.Zero(t, live)
			require.NotZero(t, before)
			require.Equal(t, tc.want, ready)
		})
	}
}

// handlerRunner.Run (pkg/kubelet/lifecycle/handlers.go) runs exec, httpGet
// and sleep handlers only; a tcpSocket hook falls to its default case and
// fails at once ("invalid handler"), whatever the script says.
func TestTCPSocketHooksFailAtOnce(t *testing.T) {
	tcp := &v1.LifecycleHandler{TCPSocket: &v1.TCPSocketAction{Port: intstr.FromInt32(8080)}}
	slowOK := &model.HookScript{Duration: dur(20 * time.Second)}
	a, b := ctr("a"), ctr("b")
	a.Lifecycle = &v1.Lifecycle{PostStart: tcp}
	b.Lifecycle = &v1.Lifecycle{PreStop: tcp}
	p := pod("tcp", nil, a, b)
	p.Spec.RestartPolicy = v1.RestartPolicyNever
	s := &model.Scenario{Pod: p,
		Behaviour: behaviours(
			"a", model.ContainerBehaviour{Conduct: model.Conduct{PostStart: slowOK}},
			"b", model.ContainerBehaviour{Conduct: model.Conduct{PreStop: slowOK, OnStopSignal: &model.StopScript{ExitAfter: dur(5 * time.Second)}}}),
		Events: []model.Event{{At: metav1.Duration{Duration: time.Minute}, Type: model.EventDelete}}}
	acts := run(t, s, 10*time.Minute)

	// postStart: fails as it starts; FailedPostStartHook kills the container
	// in the same sync, and b starts after it.
	hs, he := of(acts, model.ActHookStarted, "a"), of(acts, model.ActHookEnded, "a")
	require.Len(t, hs, 1)
	require.Len(t, he, 1)
	require.Equal(t, model.HookPostStart, he[0].Hook)
	require.Equal(t, time.Duration(0), he[0].At)
	require.Equal(t, model.ResultFailed, he[0].Result)
	stop := of(acts, model.ActStopSignal, "a")
	require.Len(t, stop, 1)
	require.Equal(t, time.Duration(0), stop[0].At)
	require.Equal(t, int64(30), stop[0].Timeout)
	require.Equal(t, []time.Duration{0}, starts(acts, "a"), "Never: no restart")
	require.Equal(t, []time.Duration{0}, starts(acts, "b"))

	// preStop: fails at the delete; the kill goes on with the whole grace.
	hs, he = of(acts, model.ActHookStarted, "b"), of(acts, model.ActHookEnded, "b")
	require.Len(t, hs, 1)
	require.Len(t, he, 1)
	require.Equal(t, model.HookPreStop, he[0].Hook)
	require.Equal(t, time.Minute, he[0].At)
	require.Equal(t, model.ResultFailed, he[0].Result)
	stop = of(acts, model.ActStopSignal, "b")
	require.Len(t, stop, 1)
	require.Equal(t, time.Minute, stop[0].At)
	require.Equal(t, int64(30), stop[0].Timeout)
	require.Equal(t, time.Minute+5*time.Second, of(acts, model.ActPodRemoved, "")[0].At)
}

// convertToAPIContainerStatuses (kubelet_pods.go) shows the reason cache's
// CrashLoopBackOff only while ShouldContainerBeRestarted holds, never once
// the pod has a deletion timestamp: the status generated at the delete
// shows the backed-off container terminated.
func TestDeleteDuringBackOffShowsTerminated(t *testing.T) {
	a, b := ctr("a"), ctr("b")
	s := &model.Scenario{Pod: pod("bo", nil, a, b),
		Behaviour: behaviours(
			"a", model.ContainerBehaviour{Attempts: []model.Attempt{{ExitAfter: dur(0), ExitCode: 1}}},
			"b", model.ContainerBehaviour{Conduct: model.Conduct{OnStopSignal: &model.StopScript{ExitAfter: dur(5 * time.Second)}}}),
		Events: []model.Event{{At: metav1.Duration{Duration: 45 * time.Second}, Type: model.EventDelete}}}
	acts := run(t, s, 10*time.Minute)
	var at45 *v1.PodStatus
	for _, x := range of(acts, model.ActStatus, "") {
		if x.At == 45*time.Second {
			at45 = x.Status
		}
	}
	require.NotNil(t, at45, "a status at the delete (b exits 5s later)")
	cs := at45.ContainerStatuses[0]
	require.Equal(t, "a", cs.Name)
	require.Nil(t, cs.State.Waiting)
	require.NotNil(t, cs.State.Terminated)
	require.Equal(t, int32(1), cs.State.Terminated.ExitCode)
}

// convertToAPIContainerStatuses (kubelet_pods.go) skips the reason cache
// for an init container whose last instance exited 0, sidecars included:
// a sidecar that exits 0 and is backed off shows Terminated, not
// CrashLoopBackOff. An app container that exits 0 under Always does show
// CrashLoopBackOff.
func TestInitContainerExitedZeroShowsTerminated(t *testing.T) {
	always := v1.ContainerRestartPolicyAlways
	exit0 := model.ContainerBehaviour{Attempts: []model.Attempt{{ExitAfter: dur(0)}, {ExitAfter: dur(0)}, {ExitAfter: dur(0)}}}
	loops := func(init []v1.Container, apps ...v1.Container) (backedOff, shown bool) {
		name := apps[0].Name
		if len(init) > 0 {
			name = init[0].Name
		}
		acts := run(t, &model.Scenario{Pod: pod("z", init, apps...), Behaviour: behaviours(name, exit0)}, time.Minute)
		for _, x := range of(acts, model.ActStatus, "") {
			for _, cs := range append(x.Status.InitContainerStatuses, x.Status.ContainerStatuses...) {
				if w := cs.State.Waiting; cs.Name == name && w != nil && w.Reason == model.ReasonCrashLoopBackOff {
					shown = true
				}
			}
		}
		return len(of(acts, model.ActBackOff, name)) > 0, shown
	}
	side := ctr("side")
	side.RestartPolicy = &always
	backedOff, shown := loops([]v1.Container{side}, ctr("app"))
	require.True(t, backedOff, "the sidecar is backed off")
	require.False(t, shown, "a sidecar that exited 0 never shows CrashLoopBackOff")
	backedOff, shown = loops(nil, ctr("app"))
	require.True(t, backedOff, "the app container is backed off")
	require.True(t, shown, "an app container that exited 0 shows CrashLoopBackOff")
}

// While a postStart hook runs the kubelet has not reported the instance:
// its status is the one generated at the sync's start, with the default
// waiting reason, PodInitializing in a pod with init containers. (The
// statuses published meanwhile carry the prober's readiness updates: here
// the sidecar's, which turns ready during the hook.)
func TestPostStartShowsTheDefaultWaitingReason(t *testing.T) {
	always := v1.ContainerRestartPolicyAlways
	side := ctr("side")
	side.RestartPolicy = &always
	side.ReadinessProbe = &v1.Probe{ProbeHandler: v1.ProbeHandler{Exec: &v1.ExecAction{Command: []string{"true"}}},
		PeriodSeconds: 1, SuccessThreshold: 1, FailureThreshold: 3, TimeoutSeconds: 1}
	app := ctr("app")
	app.Lifecycle = &v1.Lifecycle{PostStart: &v1.LifecycleHandler{Exec: &v1.ExecAction{Command: []string{"true"}}}}
	s := &model.Scenario{Pod: pod("ps", []v1.Container{side}, app),
		Behaviour: behaviours(
			"side", model.ContainerBehaviour{Conduct: model.Conduct{Probes: &model.ProbeScripts{Readiness: []model.ProbeStep{
				{After: metav1.Duration{}, Result: model.ProbeFailure},
				{After: metav1.Duration{Duration: 3 * time.Second}, Result: model.ProbeSuccess}}}}},
			"app", model.ContainerBehaviour{Conduct: model.Conduct{PostStart: &model.HookScript{Duration: dur(10 * time.Second)}}})}
	acts := run(t, s, time.Minute)
	require.Len(t, of(acts, model.ActHookEnded, "app"), 1)
	hookEnd := of(acts, model.ActHookEnded, "app")[0].At
	seen := false
	for _, x := range of(acts, model.ActStatus, "") {
		if x.At > 0 && x.At < hookEnd {
			w := x.Status.ContainerStatuses[0].State.Waiting
			require.NotNil(t, w, "at %v", x.At)
			require.Equal(t, model.ReasonPodInitializing, w.Reason, "at %v", x.At)
			seen = true
		}
	}
	require.True(t, seen, "a status during the hook")
}
