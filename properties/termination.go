package properties

import (
	"time"

	"github.com/podconform/podconform/model"
)

// noUnexplainedKill encodes docs/semantics.md §7.1: the kubelet kills a
// container only for a deletion, the pod's own end, a liveness or startup
// failure, or a failed postStart hook (§6.4).
func noUnexplainedKill() Property {
	return def("no-unexplained-kill",
		"the kubelet kills a container only for a delete, a probe, a failed postStart or the pod's end",
		`docs/semantics.md §7.1, §6.4: a container is killed only for a deletion, the pod's own end, a liveness or startup failure, or a failed postStart hook (pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions, KillPod; pkg/kubelet/kuberuntime/kuberuntime_container.go startContainer)`,
		"The first kill action (preStop or stop signal) of an instance must be explained: the pod is being deleted, the instance's postStart failed, or its liveness or startup probe reached its failure threshold. Sidecars are also killed when the pod ends on its own (all app containers done, or a regular init container failed under restartPolicy Never); that is judged at the end of the instant, once the app containers' kills are in. A kill with no reason is a kubelet that stops healthy containers.",
		func(t *tracker) rule { return &unexplainedKillRule{t: t} })
}

// Exercised: the first kill action (preStop or stop signal) of a running
// instance: its reason is checked.
type unexplainedKillRule struct {
	nop
	judged
	t      *tracker
	defers []deferred
}

func (r *unexplainedKillRule) flush(now time.Duration) string {
	t := r.t
	k := 0
	for _, d := range r.defers {
		if d.at >= now {
			r.defers[k] = d
			k++
			continue
		}
		r.judge()
		if !t.deleted && !t.podTerminating() && !t.killedByKillPod(d.at) {
			r.defers = r.defers[:0]
			return sprintf("sidecar %s#%d was killed at %v with no reason: no delete, postStart ok, no probe threshold reached, and the pod is not terminating", t.pi.names[d.i], d.attempt, d.at)
		}
	}
	r.defers = r.defers[:k]
	return ""
}

func (r *unexplainedKillRule) before(_ int, a *model.Action) string {
	if len(r.defers) > 0 {
		if msg := r.flush(a.At); msg != "" {
			return msg
		}
	}
	if a.Kind != model.ActStopSignal && !(a.Kind == model.ActHookStarted && a.Hook == model.HookPreStop) {
		return ""
	}
	t := r.t
	i := t.ci
	if i < 0 {
		return ""
	}
	c := &t.c[i]
	if c.killing || !c.running {
		return ""
	}
	r.judge()
	if t.deleted || t.killExplained(i) {
		return ""
	}
	if t.pi.kinds[i] == kindSidecar {
		r.defers = append(r.defers, deferred{i: i, at: a.At, attempt: c.starts - 1})
		return ""
	}
	return sprintf("%s#%d killed at %v (%s) with no reason: no delete, postStart ok, no probe reached its failure threshold", a.Container, a.Attempt, a.At, a.Kind)
}

func (r *unexplainedKillRule) end(end time.Duration, _ bool) string { return r.flush(end) }

// graceOnlyShrinks encodes docs/semantics.md §7.7: a later delete can
// shorten the effective grace period, never lengthen it
// (`calculateEffectiveGracePeriod` in `pkg/kubelet/pod_workers.go`).
func graceOnlyShrinks() Property {
	return def("grace-only-shrinks",
		"each delete's effective grace period is at most the previous one; a force delete has grace 0",
		`docs/semantics.md §7.7, §7.8: a later delete can only shorten the effective grace period; a force delete's is 0 (pkg/kubelet/pod_workers.go calculateEffectiveGracePeriod)`,
		"The Grace of each DeleteRequested (the effective grace period after it) must not exceed the previous one, and a force delete must carry grace 0. A second delete with a longer grace period that extends the pod's termination breaks it.",
		func(t *tracker) rule { return &graceShrinksRule{t: t} })
}

type graceShrinksRule struct {
	nop
	judged
	t *tracker
}

// Exercised: any DeleteRequested.
func (r *graceShrinksRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActDeleteRequested {
		return ""
	}
	r.judge()
	if a.Force && a.Grace != 0 {
		return sprintf("force delete at %v with grace %d; want 0", a.At, a.Grace)
	}
	if a.Grace < 0 {
		return sprintf("delete at %v with negative grace %d", a.At, a.Grace)
	}
	if r.t.deleted && a.Grace > r.t.grace {
		return sprintf("delete at %v has effective grace %ds, longer than the previous %ds", a.At, a.Grace, r.t.grace)
	}
	return ""
}

// forceDeleteRemoves encodes docs/semantics.md §7.8: a force delete
// (`--grace-period=0 --force`) removes the API object at once, and the node
// still gives each kill 1 s, then the 2 s floor. The node's 1 s is for a kill
// that begins after the force delete: a kill in progress keeps its grace
// period (§7.7, kubernetes#127339).
func forceDeleteRemoves() Property {
	return def("force-delete-removes",
		"a force delete removes the pod at once and stops the containers it kills with the 2 s floor",
		`docs/semantics.md §7.8, §7.7: a force delete removes the API object at once; on the node a kill it begins gets 1 s, then the 2 s floor (pkg/kubelet/pod_workers.go calculateEffectiveGracePeriod). A kill already in progress keeps its grace period: pkg/kubelet/kubelet.go SyncTerminatingPod runs KillPod on context.TODO() (TODO(#113606); kubernetes#127339)`,
		"The action right after a force DeleteRequested must be PodRemoved, at the same time, and every StopSignal of a kill that the termination begins with the force delete's grace period must have the floor timeout (minimumGracePeriodSeconds, 2 s), or 1 s where the floor is lower: the pod worker gives KillPod 1 s, nothing more. A kill that was in progress before the force delete (a termination with a longer grace period, a probe kill) goes on with its own grace period, as upstream's pod worker cannot cancel it (kubernetes#127339); so may a sidecar's kill in a termination that may have begun before it, unseen: an earlier kill that looked like a probe kill may have been the termination's first, the sidecar waiting for its turn since without an action in the trace. A force-deleted pod that lingers in the API, or containers given their full grace period, break it.",
		func(t *tracker) rule { return &forceDeleteRule{t: t} })
}

type forceDeleteRule struct {
	nop
	judged
	t       *tracker
	pending bool
	at      time.Duration
}

// Exercised: what follows a force delete (an action or the end), and a stop
// signal of a kill that the force delete's grace governs.
func (r *forceDeleteRule) before(_ int, a *model.Action) string {
	if r.pending {
		r.pending = false
		r.judge()
		if a.Kind != model.ActPodRemoved || a.At != r.at {
			return sprintf("force delete at %v was followed by %s at %v, not by PodRemoved at once", r.at, a.Kind, a.At)
		}
	}
	if a.Kind != model.ActStopSignal || !r.t.forced || !r.forcedKill() {
		return ""
	}
	r.judge()
	if hi := max64(r.t.pi.minGrace, 1); a.Timeout < r.t.pi.minGrace || a.Timeout > hi {
		return sprintf("stop signal to %s#%d at %v after a force delete has timeout %ds; want the floor %ds (at most %ds: the node's 1 s)", a.Container, a.Attempt, a.At, a.Timeout, r.t.pi.minGrace, hi)
	}
	return ""
}

// forcedKill reports whether the current action's container is (or now
// begins to be) killed by a termination that began with a force delete's
// grace period.
func (r *forceDeleteRule) forcedKill() bool {
	t := r.t
	i := t.ci
	if i < 0 {
		return false
	}
	c := &t.c[i]
	if c.killing {
		return c.reason == killDelete && !c.ks.unsure && t.termGrace == 0
	}
	return t.killReason(i) == killDelete && t.grace == 0 && !t.termMayHaveBegun()
}

func (r *forceDeleteRule) after(_ int, a *model.Action) string {
	if a.Kind == model.ActDeleteRequested && a.Force && !r.t.removed {
		r.pending, r.at = true, a.At
	}
	return ""
}

func (r *forceDeleteRule) end(time.Duration, bool) string {
	if r.pending {
		r.judge()
		return sprintf("force delete at %v is the last action: PodRemoved must follow at once", r.at)
	}
	return ""
}

// stopTimeoutFloor encodes docs/semantics.md §7.4: a stop timeout is never
// below `minimumGracePeriodInSeconds` (2 s).
func stopTimeoutFloor() Property {
	return def("stop-timeout-floor",
		"every stop timeout is at least minimumGracePeriodSeconds",
		`docs/semantics.md §7.4: StopContainer's timeout is floored at minimumGracePeriodInSeconds = 2 (pkg/kubelet/kuberuntime/kuberuntime_container.go killContainer)`,
		"Every StopSignal's timeout must be at least the profile's minimumGracePeriodSeconds (2 s by default): the kubelet always gives a container a short window between the stop signal and SIGKILL, even after a hook used up the grace period or on a force delete.",
		func(t *tracker) rule { return &stopFloorRule{t: t} })
}

type stopFloorRule struct {
	nop
	judged
	t *tracker
}

// Exercised: any StopSignal.
func (r *stopFloorRule) before(_ int, a *model.Action) string {
	if a.Kind == model.ActStopSignal {
		r.judge()
	}
	if a.Kind == model.ActStopSignal && a.Timeout < r.t.pi.minGrace {
		return sprintf("stop signal to %s#%d at %v with timeout %ds, below the floor %ds", a.Container, a.Attempt, a.At, a.Timeout, r.t.pi.minGrace)
	}
	return ""
}

// stopTimeoutExact encodes docs/semantics.md §7.3 and §7.4: the stop timeout
// is the kill's grace period (§7.2) less the whole seconds its preStop hook
// and its ordering wait took, floored at 2 s (30 → 30; 30 with a 1.5 s hook
// → 29; 3 with a 2.5 s hook → 2; 3 with an overrunning hook → 2; 0 → 2).
func stopTimeoutExact() Property {
	return def("stop-timeout-exact",
		"the stop timeout is the grace left after preStop and sidecar waits, in whole seconds, floored",
		`docs/semantics.md §7.3, §7.4, §7.2, §7.7: the stop timeout is the kill's grace less the whole seconds of its preStop hook and ordering wait, floored at 2 s (30 → 30; 30, hook 1.5 s → 29; 3, hook 2.5 s → 2; 3, hook overrunning → 2; 0 → 2) (pkg/kubelet/kuberuntime/kuberuntime_container.go killContainer); a kill keeps the grace it started with (pkg/kubelet/kubelet.go SyncTerminatingPod, TODO(#113606); kubernetes#127339)`,
		"The checker replays killContainer's stages from the trace: the grace period the kill started with (for the pod's termination the delete's in force when it began, at least 1 s; for other kills the probe's terminationGracePeriodSeconds or the pod's, whichever the trace allows: a sidecar's startup probe before its liveness probe, as computeInitContainerActions reads them, and for a pod that ends by itself the pod's own grace period, with no floor of 1 s, as KillPod gets no override), minus the whole seconds the preStop hook used, minus the whole seconds an ordered sidecar waited for its turn, floored at minimumGracePeriodSeconds. A later, shorter delete changes nothing in a kill in progress: SyncTerminatingPod (pkg/kubelet/kubelet.go) runs KillPod on context.TODO(), so the pod worker's cancellation never reaches it (kubernetes#127339). The first StopSignal of an instance must carry that timeout, and there is no second one. A sidecar whose kill the trace cannot date (it waits unseen for its turn in the pod's own KillPod that was running at the delete, or in a termination that may have begun with an earlier kill that looked like a probe kill) is not checked.",
		func(t *tracker) rule { return &stopExactRule{t: t} })
}

type stopExactRule struct {
	nop
	judged
	t *tracker
}

// Exercised: a stop signal to a running instance whose expected timeout the
// trace tells, or that is a second one.
func (r *stopExactRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActStopSignal {
		return ""
	}
	t := r.t
	i := t.ci
	if i < 0 || !t.c[i].running {
		return ""
	}
	c := &t.c[i]
	if c.stopped && !c.ks.unsure {
		r.judge()
		return sprintf("second stop signal to %s#%d at %v (timeout %ds; first at %v, timeout %ds): a kill sends one, and a later delete does not restart it", a.Container, a.Attempt, a.At, a.Timeout, c.stopAt, c.stopT)
	}
	vals, n, ok := t.expectedStop(i, a.At)
	if !ok || n == 0 {
		return ""
	}
	r.judge()
	for k := 0; k < n; k++ {
		if vals[k] == a.Timeout {
			return ""
		}
	}
	if n == 1 {
		return sprintf("stop signal to %s#%d at %v has timeout %ds; the kill's grace leaves %ds", a.Container, a.Attempt, a.At, a.Timeout, vals[0])
	}
	return sprintf("stop signal to %s#%d at %v has timeout %ds; the kill's grace leaves %ds or %ds", a.Container, a.Attempt, a.At, a.Timeout, vals[0], vals[1])
}

// stopTimeoutHonoured encodes docs/semantics.md §7.5: after the stop signal
// the runtime sends SIGKILL when the stop timeout ends, so a stopped
// container is gone by then.
func stopTimeoutHonoured() Property {
	return def("stop-timeout-honoured",
		"a stopped container is gone when its stop timeout ends",
		`docs/semantics.md §7.5: the runtime sends the stop signal (SIGTERM or the image's STOPSIGNAL) and SIGKILL when the stop timeout ends (the CRI's StopContainer, called by pkg/kubelet/kuberuntime/kuberuntime_container.go killContainer)`,
		"After a StopSignal with timeout T at time s (the latest one counts), the instance must have exited by s + T: the runtime sends SIGKILL then. A container still running later, or a runtime that never sends SIGKILL to a process that ignores SIGTERM, breaks it.",
		func(t *tracker) rule { return &stopHonouredRule{t: t} })
}

type stopHonouredRule struct {
	nop
	judged
	t *tracker
}

// Exercised: a stopped instance still running, checked against its SIGKILL
// deadline at an action (its exit included) or at the end.
func (r *stopHonouredRule) late(now time.Duration) string {
	t := r.t
	for i := range t.c {
		c := &t.c[i]
		if c.running && c.stopped {
			r.judge()
			if dl := c.stopAt + sec(c.stopT); now > dl {
				return sprintf("%s#%d still runs at %v; its stop signal at %v had timeout %ds, so SIGKILL was due at %v", t.pi.names[i], c.cur, now, c.stopAt, c.stopT, dl)
			}
		}
	}
	return ""
}

func (r *stopHonouredRule) before(_ int, a *model.Action) string { return r.late(a.At) }
func (r *stopHonouredRule) end(end time.Duration, _ bool) string { return r.late(end) }

// sigkillNotBeforeGrace encodes docs/semantics.md §7.11: a kill begun at t
// with grace g sends no SIGKILL before t + g (unless the container exited on
// its own), and after an overrunning preStop hook no SIGKILL comes sooner
// than 2 s after the stop signal.
func sigkillNotBeforeGrace() Property {
	return def("sigkill-not-before-grace",
		"SIGKILL never comes before the stop timeout, nor before the grace period of the kill ends",
		`docs/semantics.md §7.11, §7.4: with a kill begun at t with grace g, no SIGKILL before t + g unless the container exited on its own, and none sooner than 2 s after the stop signal when a preStop hook overran (pkg/kubelet/kuberuntime/kuberuntime_container.go killContainer)`,
		"A SIGKILL must follow a StopSignal of the same instance, no earlier than that StopSignal's time + timeout (the latest StopSignal). For a kill begun by the deletion, it must also come no earlier than the delete deadline min over deletes of (time + grace); for a kill begun earlier (a probe kill), no earlier than its start + the smallest grace it could use, or the delete deadline if that is sooner. Killing a container before its grace period ends denies it its graceful shutdown.",
		func(t *tracker) rule { return &sigkillEarlyRule{t: t} })
}

type sigkillEarlyRule struct {
	nop
	judged
	t *tracker
}

// Exercised: any SIGKILL to a container of the pod.
func (r *sigkillEarlyRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActSIGKILL {
		return ""
	}
	t := r.t
	i := t.ci
	if i < 0 {
		return ""
	}
	r.judge()
	c := &t.c[i]
	if !c.stopped {
		return sprintf("SIGKILL to %s#%d at %v without a stop signal first", a.Container, a.Attempt, a.At)
	}
	if due := c.stopAt + sec(c.stopT); a.At < due {
		return sprintf("SIGKILL to %s#%d at %v, before its stop timeout ended at %v (stop signal at %v, timeout %ds)", a.Container, a.Attempt, a.At, due, c.stopAt, c.stopT)
	}
	if c.reason == killDelete {
		if a.At < t.deadline {
			return sprintf("SIGKILL to %s#%d at %v, before the delete's grace period ends at %v", a.Container, a.Attempt, a.At, t.deadline)
		}
		return ""
	}
	if c.ks.unsure && t.pi.kinds[i] == kindSidecar {
		// its kill may have begun, unseen, in an earlier KillPod
		return ""
	}
	g, n := t.graceCandidates(i, c.reason)
	gmin := g[0]
	if n > 1 && g[1] < gmin {
		gmin = g[1]
	}
	bound := c.killAt + sec(gmin)
	if t.deleted && t.deadline < bound {
		bound = t.deadline
	}
	if a.At < bound {
		return sprintf("SIGKILL to %s#%d at %v, before the grace period (%ds) of its kill begun at %v ends at %v", a.Container, a.Attempt, a.At, gmin, c.killAt, bound)
	}
	return ""
}

// sigkillByGracePlus2s encodes docs/semantics.md §7.11: every container is
// gone by t + g + 2 s, measured, as the code does (§7.7, §7.9), from the
// start t of its kill with the grace period g it started with: a
// later, shorter delete does not shorten a kill in progress, and a delete
// that comes while a sync is in progress waits for it (kubernetes#127339;
// TODO(#113606) in pkg/kubelet/kubelet.go).
func sigkillByGracePlus2s() Property {
	return def("sigkill-by-grace-plus-2s",
		"after a delete, every container is gone by its kill's grace deadline + 2 s",
		`docs/semantics.md §7.11, §6.7: every container is gone by its kill's start + grace + 2 s; a preStop hook never gets a second grace period (termination in 2 × g was the regression of kubernetes#115817, #117373) (pkg/kubelet/kuberuntime/kuberuntime_container.go killContainer). The deadline is the kill's (§7.7, §7.9): pkg/kubelet/kubelet.go SyncTerminatingPod runs KillPod on context.TODO() and Kubelet.SyncPod the runtime's SyncPod on context.WithoutCancel (TODO(#113606)), so a later, shorter delete does not shorten a kill in progress (kubernetes#127339) and the termination begins when the sync in progress ends`,
		"After the first delete, every container must be gone by the deadline of its kill + max(minimumGracePeriodSeconds, 1 s). The pod's termination begins at the delete, or, if the pod worker was in a sync then (a postStart hook or a kill running, whether or not the pod looks done), once the trace shows that sync over (an instant that ends with no hook or kill running); its deadline is its start + max(g, 1 s), with g the grace period in force when it began (grace only shrinks; the kubelet always gives at least 1 s); later deletes do not move it, as upstream (kubernetes#127339). A kill begun before the termination (a probe or a failed postStart, or the pod's own end, sidecars waiting unseen in the pod's own KillPod running at the delete included) keeps its own deadline: its start + the largest grace period it may use. If an earlier kill that looked like a probe kill may have been the termination's first, a sidecar the termination may have been killing unseen since then gets the later of the two deadlines. An ordered sidecar's bound is its own wait deadline (the preStop's deadline plus the fraction of a second the kubelet's truncation leaves) + the same margin. Termination that takes twice the grace period (kubernetes#115817) breaks it; the check concludes only what the trace up to its end proves.",
		func(t *tracker) rule { return &sigkillLateRule{t: t} })
}

// Exercised: after a delete, a running container whose deadline the trace
// tells, checked at an action (its exit included) or at the end.
type sigkillLateRule struct {
	nop
	judged
	t *tracker
}

// bound returns when container i must be gone, if the trace says yet.
func (r *sigkillLateRule) bound(i int) (time.Duration, bool) {
	t := r.t
	margin := sec(max64(t.pi.minGrace, 1))
	c := &t.c[i]
	ks := &c.ks
	var dl time.Duration
	switch {
	case c.killing && c.reason == killPod:
		// The pod's own KillPod, with the pod's grace period.
		dl = c.killAt + sec(max64(t.pi.tgps, 1))
		if ks.unsure {
			// A sidecar killed unseen: the KillPod began at the earliest
			// when the trace shows it due and at the latest at the delete,
			// or else the termination after the delete kills it.
			dl = t.delAt + sec(max64(t.pi.tgps, 1))
			if td := t.termAt + sec(max64(t.termGrace, 1)); t.termBegun && td > dl {
				dl = td
			}
		}
	case c.killing && c.reason != killDelete:
		g, n := t.graceCandidates(i, c.reason)
		gmax := g[0]
		if n > 1 && g[1] > gmax {
			gmax = g[1]
		}
		if ks.unsure && t.deleted && c.killAt >= t.delAt && t.firstGrace > gmax {
			// A probe kill after the delete may be the termination's, with
			// the delete's grace (at most the first delete's).
			gmax = t.firstGrace
		}
		dl = c.killAt + sec(max64(gmax, 1))
	case t.termBegun:
		dl = t.termAt + sec(max64(t.termGrace, 1))
		if ks.unsure && t.termAltDl > dl {
			// The termination may have begun earlier, with a longer grace.
			dl = t.termAltDl
		}
	default:
		// The sync in progress at the delete still runs.
		return 0, false
	}
	if ks.ordered || (t.pi.kinds[i] == kindSidecar && (ks.unsure || c.reason == killPod || !c.killing)) {
		if ks.ordered && !ks.unsure && ks.waitDl > 0 && (ks.stage == ksWait || ks.stage == ksStop || ks.stage == ksPending) {
			w := ks.waitDl
			if w > dl+time.Second {
				w = dl + time.Second
			}
			return w + margin, true
		}
		return dl + time.Second + margin, true
	}
	return dl + margin, true
}

func (r *sigkillLateRule) late(now time.Duration) string {
	t := r.t
	if !t.deleted {
		return ""
	}
	for i := range t.c {
		if !t.c[i].running {
			continue
		}
		b, ok := r.bound(i)
		if ok {
			r.judge()
		}
		if ok && now > b {
			c := &t.c[i]
			from, g := t.termAt, t.termGrace
			if c.killing && c.reason != killDelete {
				from, g = c.killAt, -1
			}
			if g < 0 {
				return sprintf("%s#%d still runs at %v; its kill began at %v, before the pod's termination (delete at %v, grace %ds), and had to be over by %v", t.pi.names[i], c.cur, now, from, t.delAt, t.firstGrace, b)
			}
			return sprintf("%s#%d still runs at %v; the termination after the delete at %v began at %v with grace %ds, so it had to be gone by %v", t.pi.names[i], c.cur, now, t.delAt, from, g, b)
		}
	}
	return ""
}

func (r *sigkillLateRule) before(_ int, a *model.Action) string { return r.late(a.At) }
func (r *sigkillLateRule) end(end time.Duration, _ bool) string { return r.late(end) }

// sidecarReverseTermination encodes docs/semantics.md §7.10: at termination
// the app containers stop first, then the sidecars in reverse declaration
// order, all within one grace budget; sidecars still waiting when it runs
// out are stopped with what is left, at least the 2 s floor.
//
// As newTerminationOrdering (kuberuntime_termination_order.go) builds it, a
// sidecar waits for the app containers running when termination began and
// for the next sidecar declared after it.
func sidecarReverseTermination() Property {
	return def("sidecar-reverse-termination",
		"at termination sidecars are stopped after the app containers, in reverse order, unless the budget ran out",
		`docs/semantics.md §7.10: app containers stop first, then sidecars in reverse declaration order, each waiting for the app containers and the next sidecar, within one grace budget, the rest stopped with the 2 s floor when it runs out (pkg/kubelet/kuberuntime/kuberuntime_termination_order.go newTerminationOrdering, waitForTurn)`,
		"In a pod termination (a delete, or the pod ending on its own), a sidecar whose kill belongs to the termination may get its stop signal while an app container or the next sidecar declared after it still runs only when the grace budget ran out: at or after the termination's deadline, with the floor timeout. After a delete, once those containers are gone and its preStop hook is over, the sidecar must get its stop signal in the same instant. Sidecars stopped before the app containers they serve, or in declaration order, break it.",
		func(t *tracker) rule { return &sidecarOrderRule{t: t} })
}

// Exercised: a sidecar's stop signal in a termination (whatever it waits
// for), and a sidecar's turn (the containers it waits for gone after a
// delete) checked once its instant is over.
type sidecarOrderRule struct {
	nop
	judged
	t      *tracker
	next   []int // the next sidecar declared after each sidecar, or -1
	turn   []deferred
	inited bool
}

func (r *sidecarOrderRule) init() {
	r.inited = true
	pi := r.t.pi
	r.next = make([]int, len(pi.names))
	nx := -1
	for i := len(pi.names) - 1; i >= 0; i-- {
		r.next[i] = -1
		if pi.kinds[i] == kindSidecar {
			r.next[i] = nx
			nx = i
		}
	}
}

// blocker returns a running container sidecar i waits for, or -1.
func (r *sidecarOrderRule) blocker(i int) int {
	t := r.t
	for _, j := range t.pi.apps {
		if t.c[j].running {
			return j
		}
	}
	if n := r.next[i]; n >= 0 && t.c[n].running {
		return n
	}
	return -1
}

func (r *sidecarOrderRule) before(_ int, a *model.Action) string {
	t := r.t
	if len(t.pi.sidecars) == 0 {
		return ""
	}
	if !r.inited {
		r.init()
	}
	if len(r.turn) > 0 {
		k := 0
		for _, d := range r.turn {
			if d.at >= a.At {
				r.turn[k] = d
				k++
				continue
			}
			r.judge()
			c := &t.c[d.i]
			if c.running && !c.stopped && !c.preOpen && c.starts-1 == d.attempt {
				r.turn = r.turn[:0]
				return sprintf("sidecar %s: the containers it waits for were gone at %v, but it got no stop signal then", t.pi.names[d.i], d.at)
			}
		}
		r.turn = r.turn[:k]
	}
	if a.Kind != model.ActStopSignal {
		return ""
	}
	i := t.ci
	if i < 0 || t.pi.kinds[i] != kindSidecar {
		return ""
	}
	c := &t.c[i]
	if c.stopped || !c.running {
		return ""
	}
	var dl time.Duration
	switch {
	case (c.killing && c.reason == killPod) || (!t.deleted && !c.killing && !t.killExplained(i) && t.ending):
		// The pod's own termination (KillPod), which began no later than
		// the trace shows it due. A delete does not shorten it, but the
		// trace cannot always tell whether it had begun before the delete
		// or the delete's termination is the one that orders the sidecar.
		dl = t.endingAt + sec(t.pi.tgps)
		if t.deleted && t.deadline < dl {
			dl = t.deadline
		}
	case c.ks.ordered:
		// The termination's budget, from its start with the grace in force
		// then: a later delete does not shorten it.
		dl = t.termAt + sec(t.termGrace)
	default:
		return ""
	}
	r.judge()
	b := r.blocker(i)
	if b < 0 {
		return ""
	}
	if a.Timeout != t.pi.minGrace || a.At < dl {
		return sprintf("sidecar %s got its stop signal at %v (timeout %ds) while %s still ran; it must wait for it until the budget ends at %v, then stop with the floor %ds", a.Container, a.At, a.Timeout, t.pi.names[b], dl, t.pi.minGrace)
	}
	return ""
}

func (r *sidecarOrderRule) after(_ int, a *model.Action) string {
	t := r.t
	if !t.deleted || len(t.pi.sidecars) == 0 {
		return ""
	}
	if a.Kind != model.ActContainerExited && a.Kind != model.ActHookEnded && a.Kind != model.ActDeleteRequested {
		return ""
	}
	for _, i := range t.pi.sidecars {
		c := &t.c[i]
		if !c.running || c.stopped || c.preOpen || !c.ks.ordered || c.ks.unsure {
			continue
		}
		if r.blocker(i) >= 0 {
			continue
		}
		dup := false
		for _, d := range r.turn {
			if d.i == i {
				dup = true
			}
		}
		if !dup {
			r.turn = append(r.turn, deferred{i: i, at: a.At, attempt: c.starts - 1})
		}
	}
	return ""
}

func (r *sidecarOrderRule) end(end time.Duration, _ bool) string {
	for _, d := range r.turn {
		c := &r.t.c[d.i]
		if d.at < end {
			r.judge()
		}
		if d.at < end && c.running && !c.stopped && !c.preOpen && c.starts-1 == d.attempt {
			return sprintf("sidecar %s: the containers it waits for were gone at %v, but it got no stop signal then", r.t.pi.names[d.i], d.at)
		}
	}
	return ""
}

// podRemovedAfterTermination encodes docs/semantics.md §7.13 and §7.8: a
// force delete (`--grace-period=0 --force`) removes the API object at once; a
// graceful delete removes it once the pod is terminated and its final status
// written (the status manager's TerminatePod,
// pkg/kubelet/status/status_manager.go).
func podRemovedAfterTermination() Property {
	return def("pod-removed-after-termination",
		"the pod object is removed once, after a delete, and (unless forced) only when everything stopped",
		`docs/semantics.md §7.13, §7.8: a force delete removes the API object at once; a graceful delete removes it once, after the kubelet has terminated the pod (pkg/kubelet/status/status_manager.go TerminatePod, canBeDeleted)`,
		"PodRemoved must follow a DeleteRequested, must happen at most once, and, unless the delete was forced, only when no container runs and the sandbox is stopped. No Status may be published after it. A pod object that disappears while its containers still run (without --force), or that is updated after it is gone, breaks it.",
		func(t *tracker) rule { return &podRemovedRule{t: t} })
}

type podRemovedRule struct {
	nop
	judged
	t *tracker
}

// Exercised: a PodRemoved, or a status after it.
func (r *podRemovedRule) before(_ int, a *model.Action) string {
	t := r.t
	switch a.Kind {
	case model.ActPodRemoved:
		r.judge()
		if t.removed {
			return sprintf("second PodRemoved at %v", a.At)
		}
		if !t.deleted {
			return sprintf("PodRemoved at %v without a delete", a.At)
		}
		if t.forced {
			return ""
		}
		for i := range t.c {
			if t.c[i].running {
				return sprintf("PodRemoved at %v while %s#%d still runs (graceful delete)", a.At, t.pi.names[i], t.c[i].cur)
			}
		}
		if t.sandboxUp {
			return sprintf("PodRemoved at %v before the sandbox was stopped (graceful delete)", a.At)
		}
	case model.ActStatus:
		if t.removed {
			r.judge()
			return sprintf("status published at %v after the pod was removed", a.At)
		}
	}
	return ""
}

// sandboxBracketsContainers encodes the sandbox's place in SyncPod and
// KillPod (pkg/kubelet/kuberuntime/kuberuntime_manager.go: the sandbox is
// created before any container, and killPodWithSyncResult stops every
// container before StopPodSandbox).
func sandboxBracketsContainers() Property {
	return def("sandbox-brackets-containers",
		"containers run only inside a running sandbox",
		`pkg/kubelet/kuberuntime/kuberuntime_manager.go: SyncPod creates the sandbox (RunPodSandbox) before starting containers; killPodWithSyncResult kills every container before StopPodSandbox`,
		"ContainerCreated and ContainerStarted must come while the sandbox is up (after SandboxCreated, before SandboxStopped); SandboxStopped must come only when no container runs, and only for a running sandbox; SandboxCreated only when none is up. The PodReadyToStartContainers condition reports the sandbox; a container outside it has no network.",
		func(t *tracker) rule { return &sandboxRule{t: t} })
}

type sandboxRule struct {
	nop
	judged
	t *tracker
}

// Exercised: any container create or start, SandboxCreated or
// SandboxStopped.
func (r *sandboxRule) before(_ int, a *model.Action) string {
	t := r.t
	switch a.Kind {
	case model.ActContainerCreated, model.ActContainerStarted:
		r.judge()
		if !t.sandboxUp {
			return sprintf("%s %s#%d at %v with no running sandbox", a.Kind, a.Container, a.Attempt, a.At)
		}
	case model.ActSandboxCreated:
		r.judge()
		if t.sandboxUp {
			return sprintf("SandboxCreated at %v while the sandbox is already up", a.At)
		}
	case model.ActSandboxStopped:
		r.judge()
		if !t.sandboxUp {
			return sprintf("SandboxStopped at %v with no running sandbox", a.At)
		}
		for i := range t.c {
			if t.c[i].running {
				return sprintf("SandboxStopped at %v while %s#%d still runs", a.At, t.pi.names[i], t.c[i].cur)
			}
		}
	}
	return ""
}
