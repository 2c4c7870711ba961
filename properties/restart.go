package properties

import (
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// exitAfterStart encodes the instance bookkeeping of docs/semantics.md §1.2:
// each start creates the next instance, instances never overlap, and an
// instance exits, is stopped or is killed only while it runs.
//
// A container's instances are created and started one at a time, numbered
// 0, 1, 2, ... without gaps (a purged init container's from 0 again); an instance exits, is stopped or killed only
// while it runs; a BackOff names the instance that exited last.
func exitAfterStart() Property {
	return def("exit-after-start",
		"instances are numbered 0,1,2,… and exit, stop and SIGKILL only while running",
		`docs/semantics.md §1.2: instances are numbered by attempt (0, 1, 2, …; 0 again after a purge), one at a time, and exit, stop or SIGKILL only while running (pkg/kubelet/kuberuntime/kuberuntime_container.go startContainer)`,
		"Every container action must name a container of the pod. ContainerCreated and ContainerStarted must name the next instance (attempt 0 first, then the last attempt plus one; after a sandbox re-creation purged an init container, 0 again, as startContainer counts from the runtime's newest instance) of a container that is not running; ContainerExited, StopSignal and SIGKILL must name the running instance; BackOff must name the last exited instance of a container that is not running. This is the bookkeeping every other property relies on: a trace that breaks it cannot be interpreted.",
		func(t *tracker) rule { return &exitAfterStartRule{t: t} })
}

type exitAfterStartRule struct {
	nop
	judged
	t *tracker
}

// Exercised: any container action (its container and attempt are checked).
func (r *exitAfterStartRule) before(_ int, a *model.Action) string {
	switch a.Kind {
	case model.ActContainerCreated, model.ActContainerStarted, model.ActHookStarted, model.ActHookEnded,
		model.ActProbeResult, model.ActStopSignal, model.ActSIGKILL, model.ActContainerExited, model.ActBackOff:
	default:
		return ""
	}
	r.judge()
	i := r.t.ci
	if i < 0 {
		return sprintf("%s at %v names %q, which is not a container of the pod", a.Kind, a.At, a.Container)
	}
	c := &r.t.c[i]
	switch a.Kind {
	case model.ActContainerCreated, model.ActContainerStarted:
		if c.running {
			return sprintf("%s %s#%d at %v while instance #%d (started %v) still runs", a.Kind, a.Container, a.Attempt, a.At, c.cur, c.startedAt)
		}
		want := c.cur + 1
		if c.starts == 0 {
			want = 0
		}
		// A purged init container's attempts begin again at 0 when the
		// sync's pod status no longer shows its instances.
		if a.Attempt != want && !(c.purged && a.Attempt == 0) {
			return sprintf("%s %s#%d at %v: want attempt %d (instances so far: %d)", a.Kind, a.Container, a.Attempt, a.At, want, c.starts)
		}
	case model.ActContainerExited, model.ActStopSignal, model.ActSIGKILL:
		if !c.running {
			return sprintf("%s %s#%d at %v, but %s is not running", a.Kind, a.Container, a.Attempt, a.At, a.Container)
		}
		if a.Attempt != c.cur {
			return sprintf("%s %s#%d at %v, but the running instance is #%d", a.Kind, a.Container, a.Attempt, a.At, c.cur)
		}
	case model.ActBackOff:
		if c.running || c.exits == 0 {
			return sprintf("BackOff %s#%d at %v, but %s has no exited instance to back off from (running=%v)", a.Container, a.Attempt, a.At, a.Container, c.running)
		}
		if a.Attempt != c.cur {
			return sprintf("BackOff %s#%d at %v, but the last instance is #%d", a.Container, a.Attempt, a.At, c.cur)
		}
	}
	return ""
}

// noRestartWhileDeleting encodes docs/semantics.md §3.5: a pod being deleted
// restarts nothing. Upstream, a delete does not cancel the sync in
// progress (Kubelet.SyncPod hands the runtime's SyncPod
// context.WithoutCancel, TODO(#113606) in pkg/kubelet/kubelet.go): the
// starts that sync planned still happen, also when the pod's own
// termination became due while it was blocked (the tracker's plannedBusy).
func noRestartWhileDeleting() Property {
	return def("no-restart-while-deleting",
		"no container is created or started after a delete, except by the sync in progress then",
		`docs/semantics.md §3.5, §7.9: once the pod is being deleted no sync starts or restarts a container (pkg/kubelet/container/helpers.go ShouldContainerBeRestarted), except what the sync in progress at the delete planned: pkg/kubelet/kubelet.go SyncPod runs the runtime's SyncPod on context.WithoutCancel (TODO(#113606))`,
		"Once a DeleteRequested has been seen, no ContainerCreated or ContainerStarted may follow, whatever the restart policy, back-off or probe results say, except from the sync that was in progress at the delete (the pod worker blocked in a postStart hook or a kill then, and since: that sync goes on with its plan, for example the restart planned with a liveness kill, before the termination begins; this holds too when the pod came to end on its own while that sync was blocked, whereas a kill that begins as the pod comes to end, or after, is its own KillPod, which starts nothing). A kubelet that restarts a crashed container of a terminating pod keeps it alive past its grace period.",
		func(t *tracker) rule { return &noRestartDeletingRule{t: t} })
}

type noRestartDeletingRule struct {
	nop
	judged
	t *tracker
}

// Exercised: a create or start after the delete (excused or not).
// end: a deleted pod gave the rule the rest of the trace to judge, whether
// or not anything was created or started in it.
func (r *noRestartDeletingRule) end(time.Duration, bool) string {
	if r.t.deleted {
		r.judge()
	}
	return ""
}

func (r *noRestartDeletingRule) before(_ int, a *model.Action) string {
	if (a.Kind == model.ActContainerStarted || a.Kind == model.ActContainerCreated) && r.t.deleted {
		r.judge()
	}
	if (a.Kind == model.ActContainerStarted || a.Kind == model.ActContainerCreated) && r.t.deleted && !(r.t.syncInFlight() && r.t.startsMayFollow) {
		return sprintf("%s %s#%d at %v after the pod was deleted at %v", a.Kind, a.Container, a.Attempt, a.At, r.t.delAt)
	}
	return ""
}

// neverRestartPolicy encodes docs/semantics.md §3.1 and §3.2 for pod
// restartPolicy `Never`: an app container or regular init container runs at
// most once.
//
// It applies to app containers without an effective container-level policy
// (ContainerRestartRules off, or no restartPolicy on the container) and to
// regular init containers; sidecars always restart.
func neverRestartPolicy() Property {
	return def("never-restart-policy",
		"restartPolicy Never: an app or regular init container is started at most once",
		`docs/semantics.md §3.1, §3.2, §3.4: under pod restartPolicy Never an app container (without its own policy) or a regular init container is never restarted, not even after a probe kill (pkg/kubelet/container/helpers.go ShouldContainerBeRestarted; pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions)`,
		"Under pod restartPolicy Never, an app container with no container-level restartPolicy in effect, and a regular init container, are started at most once: no attempt 1, whatever the exit code, and also not after a liveness or startup probe kill. Sidecars are not concerned (they always restart).",
		func(t *tracker) rule { return &neverRestartRule{t: t} })
}

type neverRestartRule struct {
	nop
	judged
	t *tracker
}

// Exercised: under Never, any start of a regular init container or of an
// app container without its own policy (it must be the first).
func (r *neverRestartRule) before(_ int, a *model.Action) string {
	t := r.t
	if a.Kind != model.ActContainerStarted || t.pi.policy != v1.RestartPolicyNever {
		return ""
	}
	i := t.ci
	if i < 0 {
		return ""
	}
	if k := t.pi.kinds[i]; k == kindInit || (k == kindApp && !t.pi.ownPolicy(i)) {
		r.judge()
		if t.c[i].starts == 0 {
			return ""
		}
		return sprintf("%s restarted (attempt %d) at %v under restartPolicy Never; its last instance exited with code %d at %v", a.Container, a.Attempt, a.At, t.c[i].exitCode, t.c[i].exitAt)
	}
	return ""
}

// onFailureNoRestartAfterSuccess encodes docs/semantics.md §3.1 (OnFailure
// restarts after a non-zero exit only) and §3.2 with §2.8 (for regular init
// containers every policy but Never acts as OnFailure: an exit 0 is final).
//
// A probe kill under OnFailure is planned together with the restart
// (computePodActions), whatever the exit code the killed process returns,
// so exits of probe-killed instances are not concerned.
func onFailureNoRestartAfterSuccess() Property {
	return def("onfailure-no-restart-after-success",
		"OnFailure app containers and regular init containers are not restarted after exit 0",
		`docs/semantics.md §3.1, §3.2, §2.8, §3.4: OnFailure restarts an app container only after a non-zero exit (or a probe kill, which plans its restart); a regular init container that exited 0 is never run again in the same sandbox (pkg/kubelet/container/helpers.go ShouldContainerBeRestarted; pkg/kubelet/kuberuntime/kuberuntime_manager.go computeInitContainerActions)`,
		"A regular init container whose last instance exited 0 is never started again, under any pod policy. Under pod restartPolicy OnFailure, an app container without an effective container-level policy whose last instance exited 0 is not restarted, unless that instance was killed by its liveness or startup probe (the kubelet plans the restart with the kill).",
		func(t *tracker) rule { return &onFailureRule{t: t} })
}

type onFailureRule struct {
	nop
	judged
	t *tracker
}

// Exercised: a restart of a regular init container (in the same sandbox),
// or of an app container under OnFailure without its own policy (its last
// exit code is checked).
func (r *onFailureRule) before(_ int, a *model.Action) string {
	t := r.t
	if a.Kind != model.ActContainerStarted {
		return ""
	}
	i := t.ci
	if i < 0 || t.c[i].starts == 0 || t.c[i].exits == 0 {
		return ""
	}
	c := &t.c[i]
	switch t.pi.kinds[i] {
	case kindInit:
		if c.here() == 0 {
			return "" // initialization again, in a re-created sandbox
		}
		r.judge()
		if c.exitCode != 0 {
			return ""
		}
		return sprintf("regular init container %s restarted at %v although its last instance completed with exit 0 at %v", a.Container, a.At, c.exitAt)
	case kindApp:
		if t.pi.policy != v1.RestartPolicyOnFailure || t.pi.ownPolicy(i) {
			return ""
		}
		r.judge()
		if c.exitCode != 0 {
			return ""
		}
		if c.lastReason == killLiveness || c.lastReason == killStartup || c.dueAtExit {
			return ""
		}
		return sprintf("%s restarted at %v under restartPolicy OnFailure although its last instance exited 0 at %v", a.Container, a.At, c.exitAt)
	}
	return ""
}

// restartPolicyHonoured encodes docs/semantics.md §3.1 to §3.4 (which exits
// the restart policy and rules restart) with §2.4 (sidecars are restarted
// whatever the pod's restartPolicy) and §4.2's cap on the back-off delay.
//
// The restart may wait for the back-off, which never exceeds the max; it
// may also wait for the pod worker (a hook or a kill in progress) or for a
// sidecar the app containers need, which the trace shows.
func restartPolicyHonoured() Property {
	return def("restart-policy-honoured",
		"a container the restart policy restarts is restarted within the back-off cap",
		`docs/semantics.md §3.1, §3.2, §3.3, §3.4, §2.4, §4.2: a container its policy restarts (Always: any exit; OnFailure: non-zero; sidecars always; container rules first) is started again within the back-off cap (pkg/api/v1/pod/util.go ContainerShouldRestart; pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions, doBackOff)`,
		"When a container exits and its policy calls for a restart (a sidecar always; a regular init container on a non-zero exit unless the pod's policy is Never; an app container as ContainerShouldRestart decides from its own policy and rules or the pod's, or after a liveness or startup kill planned with its restart, unless the back-off refused that start), it must be started again within backoffMax (300 s) of its exit, or of the moment the trace shows the pod worker free again (no hook or kill in progress) and the start no longer gated by a sidecar: the back-off delay never exceeds the cap. Not concerned: a deleted or terminal pod, and a pod ending on its own. A pod left with a container that should restart and never does (a stuck pod) breaks it.",
		func(t *tracker) rule { return &restartHonouredRule{t: t} })
}

type restartHonouredRule struct {
	nop
	judged
	t *tracker
}

// Exercised: a restart the policy calls for, pending with its deadline
// running (the worker free, the start not gated), checked at an action or
// at the end.
func (r *restartHonouredRule) late(now time.Duration) string {
	t := r.t
	if t.deleted || t.terminal || t.ending {
		return ""
	}
	if t.n > 1 && !t.sandboxUp && t.pi.policy == v1.RestartPolicyNever {
		// A KillPod stopped the sandbox: computePodActions
		// (kuberuntime_manager.go) creates no new one for a Never pod
		// whose containers ran, so nothing starts again.
		return ""
	}
	for i := range t.c {
		c := &t.c[i]
		b := &c.bo
		if c.running || !b.pend || !(b.due || (b.planned && !b.refused)) || !b.free {
			continue
		}
		r.judge()
		if dl := b.freeAt + t.pi.boMax; now > dl {
			return sprintf("%s#%d exited at %v (code %d) and its restart policy restarts it, but it was not restarted by %v (%v, since when the pod worker was free and the start not gated, + the %v back-off cap)", t.pi.names[i], c.cur, b.ft, c.exitCode, dl, b.freeAt, t.pi.boMax)
		}
	}
	return ""
}

func (r *restartHonouredRule) before(_ int, a *model.Action) string { return r.late(a.At) }
func (r *restartHonouredRule) end(end time.Duration, _ bool) string { return r.late(end) }
func (*restartHonouredRule) masks() (kmask, kmask)                  { return kAll, kNone }
