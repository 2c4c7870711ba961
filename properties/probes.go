package properties

import (
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// probePeriod encodes docs/semantics.md §5.2 and §5.3 (a probe runs only if
// declared, not before initialDelaySeconds, at most once per periodSeconds,
// default 10 s) with the manual readiness runs of §5.11.
func probePeriod() Property {
	return def("probe-period",
		"probes run only if declared, first after initialDelaySeconds, then at least periodSeconds apart",
		`docs/semantics.md §5.2, §5.3, §5.11: declared probes only; the first after initialDelaySeconds (whole seconds from the start), then periodSeconds apart (default 10 s), except manual readiness runs (pkg/kubelet/prober/worker.go run, doProbe; pkg/kubelet/prober/prober_manager.go UpdatePodStatus)`,
		"A ProbeResult must be for a probe the container declares (regular init containers have none). For one instance and one probe, the first result must come at least initialDelaySeconds after the instance started, counted from its start time in whole seconds (the worker reads it from the status manager's copy, whose normalizeStatus truncates timestamps to the second: worker.go, status_manager.go), and consecutive results at least periodSeconds apart (default 10 s), except readiness results while the container is not ready: every status generation asks the readiness worker of a started container that is not ready for a manual run (prober_manager.go UpdatePodStatus). A prober that ignores the initial delay or probes a ready or live container too often breaks it.",
		func(t *tracker) rule { return &probePeriodRule{t: t} })
}

type probePeriodRule struct {
	nop
	judged
	t *tracker
}

// Exercised: any ProbeResult for a container of the pod.
func (r *probePeriodRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActProbeResult {
		return ""
	}
	t := r.t
	i := t.ci
	p := probeSlot(a.Probe)
	if i < 0 {
		return ""
	}
	r.judge()
	if p < 0 {
		return sprintf("%s probe result for %s at %v: no such probe type", a.Probe, a.Container, a.At)
	}
	spec := t.pi.probes[i][p]
	if spec == nil {
		return sprintf("%s probe result for %s at %v, but %s declares no %s probe", a.Probe, a.Container, a.At, a.Container, a.Probe)
	}
	c := &t.c[i]
	if !c.running {
		return ""
	}
	if c.probeN[p] == 0 {
		// The worker sees the start in whole seconds.
		if first := c.startedAt.Truncate(time.Second) + sec(int64(spec.InitialDelaySeconds)); a.At < first {
			return sprintf("first %s probe of %s#%d at %v, before initialDelaySeconds (%ds) after its start at %v (%v in whole seconds)", a.Probe, a.Container, a.Attempt, a.At, spec.InitialDelaySeconds, c.startedAt, c.startedAt.Truncate(time.Second))
		}
		return ""
	}
	if p == pReadiness && !c.rdyOK {
		// A status generation asks the readiness worker of a container
		// that is not ready for a manual run at once
		// (prober_manager.go UpdatePodStatus).
		return ""
	}
	if gap := a.At - c.probeAt[p]; gap < periodOf(spec) {
		return sprintf("%s probes of %s#%d at %v and %v are %v apart; periodSeconds is %v", a.Probe, a.Container, a.Attempt, c.probeAt[p], a.At, gap, periodOf(spec))
	}
	return ""
}

// noProbeAfterExit encodes docs/semantics.md §5.4: prober workers probe only
// an instance the status shows running, so no result concerns an instance
// that is not running.
func noProbeAfterExit() Property {
	return def("no-probe-after-exit",
		"probe results only for the running instance",
		`docs/semantics.md §5.4: a worker probes only the instance the status shows running; a probe of an exited instance fails in the runtime and is dropped (pkg/kubelet/prober/worker.go doProbe)`,
		"A ProbeResult must name a container that is running and its current instance (attempt). A result for an exited instance, or for an instance that has not started, is a prober that outlives or precedes its container.",
		func(t *tracker) rule { return &noProbeAfterExitRule{t: t} })
}

type noProbeAfterExitRule struct {
	nop
	judged
	t *tracker
}

// Exercised: any ProbeResult for a container of the pod.
func (r *noProbeAfterExitRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActProbeResult {
		return ""
	}
	i := r.t.ci
	if i < 0 {
		return ""
	}
	r.judge()
	c := &r.t.c[i]
	if !c.running {
		return sprintf("%s probe result for %s#%d at %v, but %s is not running (last exit at %v)", a.Probe, a.Container, a.Attempt, a.At, a.Container, c.exitAt)
	}
	if a.Attempt != c.cur {
		return sprintf("%s probe result for %s#%d at %v, but the running instance is #%d", a.Probe, a.Container, a.Attempt, a.At, c.cur)
	}
	return ""
}

// startupGatesLivenessReadiness encodes docs/semantics.md §5.7: with a
// startup probe, liveness and readiness do not run until it has succeeded
// for the instance.
func startupGatesLivenessReadiness() Property {
	return def("startup-gates-liveness-readiness",
		"no liveness or readiness result before the instance's startup probe succeeded",
		`docs/semantics.md §5.7, §5.12: liveness and readiness probe an instance only once its startup probe has succeeded, and the startup probe stops then (pkg/kubelet/prober/worker.go doProbe; pkg/kubelet/prober/prober_manager.go isContainerStarted)`,
		"For a container with a startup probe, no liveness or readiness ProbeResult may come for an instance before a startup success of that instance, and no startup result may come after it (the startup worker stops once it succeeds). Once the pod terminates, the startup worker is stopped and its result removed, and the kubelet then counts the container as started (prober_manager.go isContainerStarted), so readiness may run. A slow-starting container killed by its liveness probe during start-up is the bug startup probes exist to prevent.",
		func(t *tracker) rule { return &startupGatesRule{t: t} })
}

type startupGatesRule struct {
	nop
	judged
	t *tracker
}

// Exercised: a probe result of a container with a startup probe.
func (r *startupGatesRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActProbeResult {
		return ""
	}
	t := r.t
	i := t.ci
	if i < 0 || t.pi.probes[i][pStartup] == nil {
		return ""
	}
	c := &t.c[i]
	switch a.Probe {
	case model.Liveness, model.Readiness:
		r.judge()
		if !c.startupOK && !t.deleted && !t.ending && !t.mayBeCarried(i, probeSlot(a.Probe), a.At) {
			return sprintf("%s probe of %s#%d at %v before its startup probe succeeded", a.Probe, a.Container, a.Attempt, a.At)
		}
	case model.Startup:
		r.judge()
		if c.startupOK {
			return sprintf("startup probe of %s#%d at %v after it had already succeeded", a.Container, a.Attempt, a.At)
		}
	}
	return ""
}

// probesStopOnTermination encodes docs/semantics.md §5.12: the pod's
// termination stops the app containers' liveness and startup probes, while
// readiness keeps running.
func probesStopOnTermination() Property {
	return def("probes-stop-on-termination",
		"no liveness or startup probe of an app container once the pod's termination began or the instance is being killed",
		`docs/semantics.md §5.12: termination stops the app containers' liveness and startup workers; readiness keeps running (kubernetes#110309 was the regression that stopped it) (pkg/kubelet/kubelet.go SyncTerminatingPod; pkg/kubelet/prober/prober_manager.go StopLivenessAndStartup)`,
		"Once a deleted pod's termination began (at the delete, or when the sync in progress then ended), and once the kill of an instance began (its preStop or stop signal), no liveness or startup ProbeResult may come for an app container: a liveness failure during termination must not start a second kill. Readiness results may continue, and so may the other probe of a probe kill within a sync (a startup probe during a liveness kill, a liveness probe during a startup kill): only the pod's termination stops workers (StopLivenessAndStartup), and only the worker whose failure caused the kill holds until the next instance (worker.go). Sidecars are the exception the code makes: StopLivenessAndStartup stops only the app containers' workers, and a worker never sees the pod's deletion (doProbe reads the copy of the pod it was created with), so a sidecar's liveness and startup probes go on until the pod's workers are removed.",
		func(t *tracker) rule { return &probesStopRule{t: t} })
}

type probesStopRule struct {
	nop
	judged
	t *tracker
}

// Exercised: a liveness or startup result after the delete, or while its
// instance is being killed (excused or not).
// end: a deleted pod with a liveness or startup probe gave the rule the
// rest of the trace to judge, whether or not a probe result came in it.
func (r *probesStopRule) end(time.Duration, bool) string {
	if !r.t.deleted {
		return ""
	}
	for _, ps := range r.t.pi.probes {
		if ps[pLiveness] != nil || ps[pStartup] != nil {
			r.judge()
			break
		}
	}
	return ""
}

func (r *probesStopRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActProbeResult || a.Probe == model.Readiness {
		return ""
	}
	t := r.t
	i := t.ci
	if i < 0 {
		return ""
	}
	if t.deleted || t.c[i].killing {
		r.judge()
	}
	if t.pi.kinds[i] == kindSidecar {
		// A sidecar's liveness and startup workers go on while it is
		// killed, the pod deleted or not: StopLivenessAndStartup stops
		// only the app containers' (prober_manager.go), and a worker
		// never sees the deletion (worker.go doProbe reads the copy of
		// the pod it was created with; config.go copyPods).
		return ""
	}
	if t.deleted && t.termBegun {
		return sprintf("%s probe of %s#%d at %v after the pod's termination began at %v (deleted at %v)", a.Probe, a.Container, a.Attempt, a.At, t.termAt, t.delAt)
	}
	if c := &t.c[i]; c.killing && !otherProbeGoesOn(c.reason, a.Probe) {
		return sprintf("%s probe of %s#%d at %v after its kill began at %v", a.Probe, a.Container, a.Attempt, a.At, c.killAt)
	}
	return ""
}

// otherProbeGoesOn reports whether a probe of kind p may still run while
// its instance is killed for reason r: a probe kill within a sync stops no
// worker (only the pod's termination does, StopLivenessAndStartup), and
// only the worker whose failure caused it holds until the next instance
// (worker.go doProbe: onHold). A startup worker may run during a liveness
// kill, when the started flag it waits for was carried from the previous
// instance (kubelet_pods.go convertToAPIContainerStatuses), and a liveness
// worker during a startup kill.
func otherProbeGoesOn(r uint8, p model.ProbeType) bool {
	return r == killLiveness && p == model.Startup || r == killStartup && p == model.Liveness
}

// killExplained reports whether a kill of container i beginning now, outside
// deletion, has a reason of its own (a failed postStart, or a probe's
// failure threshold reached).
func (t *tracker) killExplained(i int) bool {
	c := &t.c[i]
	return c.psFailed || c.due[pLiveness] || c.due[pStartup]
}

// podTerminating reports whether the kubelet is terminating the pod on its
// own (KillPod): a regular init container failed under restartPolicy Never,
// or no app container runs unless it is being killed.
func (t *tracker) podTerminating() bool {
	if t.pi.policy == v1.RestartPolicyNever && t.initFailed {
		return true
	}
	if !t.appStarted {
		return false
	}
	for _, i := range t.pi.apps {
		if t.c[i].running && !t.c[i].killing {
			return false
		}
	}
	return true
}

// deferred is a check due at the end of an instant.
type deferred struct {
	i       int
	at      time.Duration
	attempt int
	busy    bool
}

// probeKillRule is liveness-failure-threshold and
// startup-failure-threshold.
//
// Exercised: outside deletion, the first kill action of a running instance
// with the probe (is it explained?); a threshold reached, once its instant
// is over (was the instance killed?); a result of the probe after its
// threshold was reached.
type probeKillRule struct {
	nop
	judged
	t      *tracker
	p      int
	due    []deferred // thresholds reached: a kill must follow at once
	unexpl []deferred // sidecar kills waiting for the end of the instant
}

// livenessFailureThreshold encodes docs/semantics.md §5.9: failureThreshold
// liveness failures in a row (counted as in §5.6) kill the container, preStop
// first, with the probe's own `terminationGracePeriodSeconds` if it is set
// (§7.2).
func livenessFailureThreshold() Property {
	return def("liveness-failure-threshold",
		"a liveness kill comes exactly when failureThreshold consecutive failures are reached",
		`docs/semantics.md §5.9, §5.6, §7.1: the failureThreshold-th liveness failure in a row, and no earlier one, gets the container killed at once; every kill outside deletion has a reason (pkg/kubelet/prober/worker.go doProbe; pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions)`,
		"Outside deletion, a kill (preStop or stop signal) of a container with a liveness probe must be explained: failureThreshold consecutive liveness failures of that instance, or another reason (a failed postStart, a startup-probe kill, the pod terminating on its own). Conversely, when the failureThreshold-th consecutive failure comes, the instance must be killed in the same instant (unless the trace shows the pod worker blocked in a hook or a kill), and the liveness probe must not run again for that instance. Killing on the first failure, or not killing at all, breaks it.",
		func(t *tracker) rule { return &probeKillRule{t: t, p: pLiveness} })
}

// startupFailureThreshold encodes docs/semantics.md §5.8: failureThreshold
// startup failures in a row kill the container; the restart policy and the
// back-off then apply.
func startupFailureThreshold() Property {
	return def("startup-failure-threshold",
		"a startup-probe kill comes exactly when failureThreshold consecutive failures are reached",
		`docs/semantics.md §5.8, §5.6, §7.1: the failureThreshold-th startup failure in a row gets the container killed at once, then the restart policy and back-off apply (pkg/kubelet/prober/worker.go doProbe; pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions, computeInitContainerActions)`,
		"The startup-probe counterpart of liveness-failure-threshold: a kill of a container with a startup probe outside deletion needs a reason (failureThreshold consecutive startup failures of that instance, a failed postStart, a liveness kill, or the pod terminating), and reaching the threshold kills the instance in the same instant unless the worker is blocked; the startup probe then stops.",
		func(t *tracker) rule { return &probeKillRule{t: t, p: pStartup} })
}

func (r *probeKillRule) flush(now time.Duration) string {
	t := r.t
	if len(r.due) > 0 {
		k := 0
		for _, d := range r.due {
			if d.at >= now {
				r.due[k] = d
				k++
				continue
			}
			r.judge()
			c := &t.c[d.i]
			// A sidecar whose startup probe has not succeeded is not
			// restarted for its liveness failure (computeInitContainerActions
			// waits for the startup result first); its liveness probe runs
			// then only on a started flag carried over (cst.carried).
			held := r.p == pLiveness && t.pi.kinds[d.i] == kindSidecar && t.pi.probes[d.i][pStartup] != nil && !c.startupOK
			if c.running && c.starts-1 == d.attempt && !c.killing && !d.busy && !t.deleted && !t.ending && !held {
				r.due = r.due[:0]
				return sprintf("%s#%d reached %d consecutive %s failures at %v but was not killed then", t.pi.names[d.i], d.attempt, failureThreshold(t.pi.probes[d.i][r.p]), probeNames[r.p], d.at)
			}
		}
		r.due = r.due[:k]
	}
	if len(r.unexpl) > 0 {
		k := 0
		for _, d := range r.unexpl {
			if d.at >= now {
				r.unexpl[k] = d
				k++
				continue
			}
			r.judge()
			if !t.deleted && !t.podTerminating() && !t.killedByKillPod(d.at) {
				r.unexpl = r.unexpl[:0]
				return sprintf("sidecar %s#%d was killed at %v with %d consecutive %s failures (threshold %d) and no other reason (no delete, postStart ok, the pod not terminating)", t.pi.names[d.i], d.attempt, d.at, t.c[d.i].fails[r.p], probeNames[r.p], failureThreshold(t.pi.probes[d.i][r.p]))
			}
		}
		r.unexpl = r.unexpl[:k]
	}
	return ""
}

func (r *probeKillRule) before(_ int, a *model.Action) string {
	if msg := r.flush(a.At); msg != "" {
		return msg
	}
	t := r.t
	i := t.ci
	if i < 0 || t.pi.probes[i][r.p] == nil {
		return ""
	}
	c := &t.c[i]
	switch a.Kind {
	case model.ActProbeResult:
		if probeSlot(a.Probe) == r.p && c.due[r.p] {
			r.judge()
		}
		if probeSlot(a.Probe) == r.p && c.due[r.p] && c.running && a.Attempt == c.cur {
			return sprintf("%s probe of %s#%d at %v after it reached its failure threshold at %v: the instance should have been killed", a.Probe, a.Container, a.Attempt, a.At, c.dueAt[r.p])
		}
	case model.ActStopSignal, model.ActHookStarted:
		if a.Kind == model.ActHookStarted && a.Hook != model.HookPreStop {
			return ""
		}
		if c.killing || t.deleted || !c.running {
			return ""
		}
		r.judge()
		if c.due[r.p] || t.killExplained(i) {
			return ""
		}
		switch t.pi.kinds[i] {
		case kindApp:
			return sprintf("%s#%d killed at %v (%s) with %d consecutive %s failures (threshold %d), no delete and no other reason", a.Container, a.Attempt, a.At, a.Kind, c.fails[r.p], probeNames[r.p], failureThreshold(t.pi.probes[i][r.p]))
		case kindSidecar:
			r.unexpl = append(r.unexpl, deferred{i: i, at: a.At, attempt: c.starts - 1})
		}
	}
	return ""
}

func (r *probeKillRule) after(_ int, a *model.Action) string {
	t := r.t
	if len(r.due) > 0 && t.busy() {
		for k := range r.due {
			r.due[k].busy = true
		}
	}
	if a.Kind != model.ActProbeResult || probeSlot(a.Probe) != r.p || a.Result == model.ResultSuccess {
		return ""
	}
	i := t.ci
	if i < 0 || t.pi.probes[i][r.p] == nil {
		return ""
	}
	c := &t.c[i]
	if c.due[r.p] && c.dueAt[r.p] == a.At && c.fails[r.p] == 0 && !t.deleted {
		r.due = append(r.due, deferred{i: i, at: a.At, attempt: c.starts - 1, busy: t.busy()})
	}
	return ""
}

func (r *probeKillRule) end(end time.Duration, _ bool) string {
	return r.flush(end)
}

// readinessThresholds encodes docs/semantics.md §5.10 and §5.5: a started
// container turns ready after successThreshold successes in a row and
// unready after failureThreshold failures in a row; without a readiness
// probe it is ready once started; before its first success it is not ready.
func readinessThresholds() Property {
	return def("readiness-thresholds",
		"ready flips to true after successThreshold successes and to false after failureThreshold failures",
		`docs/semantics.md §5.10, §5.5, §5.6: ready after successThreshold successes in a row, unready after failureThreshold failures in a row, ready once started without a readiness probe, not ready before the first success (pkg/kubelet/prober/worker.go doProbe; pkg/kubelet/prober/prober_manager.go UpdatePodStatus)`,
		"The checker replays each instance's readiness results (runs of equal answers, as the prober worker counts them) and its start-up (running, postStart done, startup probe succeeded). In every Status, each sidecar's and app container's ready flag must equal: started, and (no readiness probe, or the replayed result is success: successThreshold successes in a row and not failureThreshold failures in a row since). Ready after one success with successThreshold 3, unready after one failure with failureThreshold 3, or ready before the first result all break it.",
		func(t *tracker) rule { return &readinessRule{t: t} })
}

// Exercised: a status of a sidecar or app container whose ready flag it
// checks (with no readiness probe: ready once started).
type readinessRule struct {
	nop
	judged
	t *tracker
}

func (r *readinessRule) after(_ int, a *model.Action) string {
	if a.Kind != model.ActStatus || a.Status == nil {
		return ""
	}
	if msg := r.check(a, a.Status.InitContainerStatuses, 0); msg != "" {
		return msg
	}
	return r.check(a, a.Status.ContainerStatuses, len(a.Status.InitContainerStatuses))
}

func (r *readinessRule) check(a *model.Action, sts []v1.ContainerStatus, base int) string {
	t := r.t
	for k := range sts {
		cs := &sts[k]
		i := t.statusIdx(a.Status, base+k)
		if i < 0 || t.pi.kinds[i] == kindInit || !t.checks(a.Status, i, patchReady) {
			continue
		}
		r.judge()
		want := t.ready(i)
		if cs.Ready == want || t.readyUnsure(i) {
			continue
		}
		c := &t.c[i]
		if t.pi.probes[i][pReadiness] == nil {
			return sprintf("status at %v: %s ready=%v, but it has no readiness probe and started=%v", a.At, cs.Name, cs.Ready, t.started(i))
		}
		return sprintf("status at %v: %s ready=%v, but started=%v and its readiness results give %v (last run: %d %s in a row)", a.At, cs.Name, cs.Ready, t.started(i), c.rdyOK, c.rdyRun, map[bool]string{true: "successes", false: "failures"}[c.rdyLast])
	}
	return ""
}
