package properties

import (
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// probePeriod encodes SEMANTICS.md §5: "Parameters and defaults:
// initialDelaySeconds 0, periodSeconds 10 (min 1), timeoutSeconds 1,
// successThreshold 1 (must be 1 for liveness and startup), failureThreshold
// 3."
func probePeriod() Property {
	return def("probe-period",
		"probes run only if declared, first after initialDelaySeconds, then at least periodSeconds apart",
		`SEMANTICS.md §5: "Parameters and defaults: initialDelaySeconds 0, periodSeconds 10 (min 1), timeoutSeconds 1, successThreshold 1 (must be 1 for liveness and startup), failureThreshold 3."`,
		"A ProbeResult must be for a probe the container declares (regular init containers have none). For one instance and one probe, the first result must come at least initialDelaySeconds after the instance started, counted from its start time in whole seconds (the worker reads it from the status manager's copy, whose normalizeStatus truncates timestamps to the second: worker.go, status_manager.go), and consecutive results at least periodSeconds apart (default 10 s), except readiness results while the container is not ready: every status generation asks the readiness worker of a started container that is not ready for a manual run (prober_manager.go UpdatePodStatus). A prober that ignores the initial delay or probes a ready or live container too often breaks it.",
		func(t *tracker) rule { return &probePeriodRule{t: t} })
}

type probePeriodRule struct {
	nop
	t *tracker
}

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

// noProbeAfterExit encodes SEMANTICS.md §5's prober workers, which probe a
// running container: "No startup probe: the container is `started` when
// running."
func noProbeAfterExit() Property {
	return def("no-probe-after-exit",
		"probe results only for the running instance",
		`SEMANTICS.md §5: "No startup probe: the container is `+"`started`"+` when running. With one, liveness and readiness do not run until the startup probe succeeds once" (prober workers probe the running instance: pkg/kubelet/prober/worker.go)`,
		"A ProbeResult must name a container that is running and its current instance (attempt). A result for an exited instance, or for an instance that has not started, is a prober that outlives or precedes its container.",
		func(t *tracker) rule { return &noProbeAfterExitRule{t: t} })
}

type noProbeAfterExitRule struct {
	nop
	t *tracker
}

func (r *noProbeAfterExitRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActProbeResult {
		return ""
	}
	i := r.t.ci
	if i < 0 {
		return ""
	}
	c := &r.t.c[i]
	if !c.running {
		return sprintf("%s probe result for %s#%d at %v, but %s is not running (last exit at %v)", a.Probe, a.Container, a.Attempt, a.At, a.Container, c.exitAt)
	}
	if a.Attempt != c.cur {
		return sprintf("%s probe result for %s#%d at %v, but the running instance is #%d", a.Probe, a.Container, a.Attempt, a.At, c.cur)
	}
	return ""
}

// startupGatesLivenessReadiness encodes SEMANTICS.md §5: "With one,
// liveness and readiness do not run until the startup probe succeeds once".
func startupGatesLivenessReadiness() Property {
	return def("startup-gates-liveness-readiness",
		"no liveness or readiness result before the instance's startup probe succeeded",
		`SEMANTICS.md §5: "With one, liveness and readiness do not run until the startup probe succeeds once; failureThreshold consecutive failures kill the container"`,
		"For a container with a startup probe, no liveness or readiness ProbeResult may come for an instance before a startup success of that instance, and no startup result may come after it (the startup worker stops once it succeeds). Once the pod terminates, the startup worker is stopped and its result removed, and the kubelet then counts the container as started (prober_manager.go isContainerStarted), so readiness may run. A slow-starting container killed by its liveness probe during start-up is the bug startup probes exist to prevent.",
		func(t *tracker) rule { return &startupGatesRule{t: t} })
}

type startupGatesRule struct {
	nop
	t *tracker
}

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
		if !c.startupOK && !t.deleted && !t.ending && !t.mayBeCarried(i, probeSlot(a.Probe), a.At) {
			return sprintf("%s probe of %s#%d at %v before its startup probe succeeded", a.Probe, a.Container, a.Attempt, a.At)
		}
	case model.Startup:
		if c.startupOK {
			return sprintf("startup probe of %s#%d at %v after it had already succeeded", a.Container, a.Attempt, a.At)
		}
	}
	return ""
}

// probesStopOnTermination encodes SEMANTICS.md §5: "During termination
// liveness and startup probes stop; readiness keeps running".
func probesStopOnTermination() Property {
	return def("probes-stop-on-termination",
		"no liveness or startup probe once the pod is deleted or the instance is being killed",
		`SEMANTICS.md §5: "During termination liveness and startup probes stop; readiness keeps running (a regression that stopped it was fixed upstream)."`,
		"After a DeleteRequested, and after the kill of an instance began (its preStop or stop signal), no liveness or startup ProbeResult may come for it: a liveness failure during termination must not start a second kill. Readiness results may continue, and so may the other probe of a probe kill within a sync (a startup probe during a liveness kill, a liveness probe during a startup kill): only the pod's termination stops workers (StopLivenessAndStartup), and only the worker whose failure caused the kill holds until the next instance (worker.go). One exception follows the code: while a sidecar of a pod that was not deleted is killed, its liveness and startup probes go on (StopLivenessAndStartup stops only the app containers' workers).",
		func(t *tracker) rule { return &probesStopRule{t: t} })
}

type probesStopRule struct {
	nop
	t *tracker
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
	if t.deleted {
		return sprintf("%s probe of %s#%d at %v after the pod was deleted at %v", a.Probe, a.Container, a.Attempt, a.At, t.delAt)
	}
	if c := &t.c[i]; c.killing && t.pi.kinds[i] != kindSidecar && !otherProbeGoesOn(c.reason, a.Probe) {
		// A sidecar's liveness and startup workers go on while it is
		// killed, unless the pod was deleted: StopLivenessAndStartup stops
		// only the app containers' (prober_manager.go).
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
type probeKillRule struct {
	nop
	t      *tracker
	p      int
	due    []deferred // thresholds reached: a kill must follow at once
	unexpl []deferred // sidecar kills waiting for the end of the instant
}

// livenessFailureThreshold encodes SEMANTICS.md §5: "Liveness:
// failureThreshold consecutive failures kill the container (its preStop hook
// runs; the probe's own `terminationGracePeriodSeconds`, if set, overrides
// the pod's for this kill)."
func livenessFailureThreshold() Property {
	return def("liveness-failure-threshold",
		"a liveness kill comes exactly when failureThreshold consecutive failures are reached",
		`SEMANTICS.md §5: "Liveness: failureThreshold consecutive failures kill the container (its preStop hook runs; the probe's own `+"`terminationGracePeriodSeconds`"+`, if set, overrides the pod's for this kill)."`,
		"Outside deletion, a kill (preStop or stop signal) of a container with a liveness probe must be explained: failureThreshold consecutive liveness failures of that instance, or another reason (a failed postStart, a startup-probe kill, the pod terminating on its own). Conversely, when the failureThreshold-th consecutive failure comes, the instance must be killed in the same instant (unless the trace shows the pod worker blocked in a hook or a kill), and the liveness probe must not run again for that instance. Killing on the first failure, or not killing at all, breaks it.",
		func(t *tracker) rule { return &probeKillRule{t: t, p: pLiveness} })
}

// startupFailureThreshold encodes SEMANTICS.md §5: "With one, liveness and
// readiness do not run until the startup probe succeeds once;
// failureThreshold consecutive failures kill the container (then restart
// policy and back-off apply)."
func startupFailureThreshold() Property {
	return def("startup-failure-threshold",
		"a startup-probe kill comes exactly when failureThreshold consecutive failures are reached",
		`SEMANTICS.md §5: "With one, liveness and readiness do not run until the startup probe succeeds once; failureThreshold consecutive failures kill the container (then restart policy and back-off apply)."`,
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
		if probeSlot(a.Probe) == r.p && c.due[r.p] && c.running && a.Attempt == c.cur {
			return sprintf("%s probe of %s#%d at %v after it reached its failure threshold at %v: the instance should have been killed", a.Probe, a.Container, a.Attempt, a.At, c.dueAt[r.p])
		}
	case model.ActStopSignal, model.ActHookStarted:
		if a.Kind == model.ActHookStarted && a.Hook != model.HookPreStop {
			return ""
		}
		if c.killing || t.deleted || !c.running || c.due[r.p] || t.killExplained(i) {
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

// readinessThresholds encodes SEMANTICS.md §5: "Readiness: a container is
// ready only when started and readiness succeeded successThreshold times in
// a row; it turns unready after failureThreshold failures. No readiness
// probe: ready once started. Before the first result, readiness is false."
func readinessThresholds() Property {
	return def("readiness-thresholds",
		"ready flips to true after successThreshold successes and to false after failureThreshold failures",
		`SEMANTICS.md §5: "Readiness: a container is ready only when started and readiness succeeded successThreshold times in a row; it turns unready after failureThreshold failures. No readiness probe: ready once started. Before the first result, readiness is false."`,
		"The checker replays each instance's readiness results (runs of equal answers, as the prober worker counts them) and its start-up (running, postStart done, startup probe succeeded). In every Status, each sidecar's and app container's ready flag must equal: started, and (no readiness probe, or the replayed result is success: successThreshold successes in a row and not failureThreshold failures in a row since). Ready after one success with successThreshold 3, unready after one failure with failureThreshold 3, or ready before the first result all break it.",
		func(t *tracker) rule { return &readinessRule{t: t} })
}

type readinessRule struct {
	nop
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
