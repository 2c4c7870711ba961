package properties

import (
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// completed reports whether regular init container i has completed: it ran,
// and its last instance exited 0.
func (t *tracker) completed(i int) bool {
	c := &t.c[i]
	return c.here() > 0 && !c.running && c.exits > 0 && c.exitCode == 0
}

// initStrictOrder encodes docs/semantics.md §2.2: regular init containers
// run one at a time, in spec order, each exiting 0 before the next is
// created, and while one runs the sync starts nothing else but the restart
// of an earlier sidecar (§2.4).
//
// The first start of an init container needs every earlier init container
// started, the earlier regular ones completed with exit 0, and no later init
// container or app container ever started. While a regular init container
// runs, the only start allowed is the restart of an exited sidecar declared
// before it (computeInitContainerActions restarts sidecars at any time).
func initStrictOrder() Property {
	return def("init-strict-order",
		"regular init containers run one at a time, in spec order, each after the previous exited 0",
		`docs/semantics.md §2.2: regular init containers run one at a time, in spec order, each exiting 0 before the next is created; while one runs nothing else starts (pkg/kubelet/kuberuntime/kuberuntime_manager.go computeInitContainerActions)`,
		"When an init container starts for the first time, every init container before it must have started, the regular ones among them must have completed (last exit code 0, not running), and no later init container and no app container may have started. While a regular init container runs, nothing may be started except the restart of an exited sidecar declared before it. A regular init container is never restarted once a later container has started. This catches out-of-order or parallel init containers and app containers that start during initialization.",
		func(t *tracker) rule { return &initStrictOrderRule{t: t} })
}

type initStrictOrderRule struct {
	nop
	judged
	t *tracker
}

// Exercised: any start while the pod has a regular init container (other
// than the one starting), and an init container's start judged against the
// containers declared before or after it.
func (r *initStrictOrderRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActContainerStarted {
		return ""
	}
	t := r.t
	pi := t.pi
	k := t.ci
	if k < 0 {
		return ""
	}
	for j := 0; j < pi.nInit; j++ {
		if j != k && pi.kinds[j] == kindInit {
			r.judge()
		}
		if j != k && pi.kinds[j] == kindInit && t.c[j].running {
			if !(pi.kinds[k] == kindSidecar && k < j && t.c[k].here() > 0) {
				return sprintf("%s started at %v while regular init container %s (started at %v) was still running", a.Container, a.At, pi.names[j], t.c[j].startedAt)
			}
		}
	}
	if k >= pi.nInit {
		return ""
	}
	if pi.kinds[k] == kindInit && t.c[k].here() > 0 {
		// a restart of the current init container
		for j := k + 1; j < len(pi.names); j++ {
			r.judge()
			if t.c[j].here() > 0 {
				return sprintf("regular init container %s restarted at %v after %s had already started", a.Container, a.At, pi.names[j])
			}
		}
		return ""
	}
	if t.c[k].here() > 0 {
		return ""
	}
	for j := 0; j < k; j++ {
		r.judge()
		if t.c[j].here() == 0 {
			return sprintf("init container %s started at %v before %s, which is declared earlier, ever started", a.Container, a.At, pi.names[j])
		}
		if pi.kinds[j] == kindInit && !t.completed(j) {
			return sprintf("init container %s started at %v before regular init container %s completed (running=%v, last exit code %d)", a.Container, a.At, pi.names[j], t.c[j].running, t.c[j].exitCode)
		}
	}
	for j := k + 1; j < len(pi.names); j++ {
		r.judge()
		if t.c[j].here() > 0 {
			return sprintf("init container %s started at %v after %s, which comes later, had started", a.Container, a.At, pi.names[j])
		}
	}
	return ""
}

// appAfterInit encodes docs/semantics.md §2.5: app containers start only
// after every regular init container has completed with exit 0 and every
// sidecar has started.
//
// Here: every init container has started at least once and every regular
// init container's last instance exited 0 (the sidecar part is
// sidecar-start-gating's).
func appAfterInit() Property {
	return def("app-after-init",
		"app containers start only after every regular init container completed with exit 0",
		`docs/semantics.md §2.5: app containers start only once every regular init container has completed with exit 0 and every sidecar has started (pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions)`,
		"When an app container starts, every init container must have started at least once and every regular init container's last instance must have exited with code 0 (and not be running). An app container that starts while an init container is pending, running or failed breaks initialization.",
		func(t *tracker) rule { return &appAfterInitRule{t: t} })
}

type appAfterInitRule struct {
	nop
	judged
	t *tracker
}

// Exercised: an app container's start in a pod with init containers.
func (r *appAfterInitRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActContainerStarted {
		return ""
	}
	t := r.t
	k := t.ci
	if k < 0 || t.pi.kinds[k] != kindApp {
		return ""
	}
	for j := 0; j < t.pi.nInit; j++ {
		r.judge()
		c := &t.c[j]
		if c.here() == 0 {
			return sprintf("app container %s started at %v before init container %s ever started", a.Container, a.At, t.pi.names[j])
		}
		if t.pi.kinds[j] == kindInit && !t.completed(j) {
			return sprintf("app container %s started at %v before regular init container %s completed (running=%v, last exit code %d)", a.Container, a.At, t.pi.names[j], c.running, c.exitCode)
		}
	}
	return ""
}

// sidecarStartGating encodes docs/semantics.md §2.3: what follows a sidecar
// starts only once the sidecar is started: running, its postStart hook
// returned, and its startup probe (if any) succeeded.
//
// As computeInitContainerActions (kuberuntime_manager.go) decides it: the
// first start of the init container after a sidecar needs that sidecar
// started; app containers, when none of them runs, need the last init
// container started if it is a sidecar. The decision is taken when the sync
// is planned, so a sidecar that stopped while the worker was blocked in a
// hook or a kill (or in its own probe kill) may have been started when the
// plan was made.
func sidecarStartGating() Property {
	return def("sidecar-start-gating",
		"the container after a sidecar starts only once the sidecar has started",
		`docs/semantics.md §2.3: the container after a sidecar starts only once the sidecar is started (running, postStart returned, startup probe succeeded if it has one) (pkg/kubelet/kuberuntime/kuberuntime_manager.go computeInitContainerActions)`,
		"The first start of an init container declared right after a sidecar, and any app container start while no app container runs when the last init container is a sidecar, require that sidecar to be started: running, its postStart hook finished, and a startup probe success for the current instance if it has a startup probe. A sidecar that stopped being started while the pod worker was blocked (a hook or a kill in progress, including its own probe kill) counts as started, since the kubelet planned the sync before. This catches implementations that start the next container as soon as the sidecar's process runs.",
		func(t *tracker) rule { return &sidecarGatingRule{t: t} })
}

type sidecarGatingRule struct {
	nop
	judged
	t *tracker
}

func (r *sidecarGatingRule) gateOK(j int) bool {
	c := &r.t.c[j]
	return r.t.started(j) || (c.wasStarted && c.lossBusy)
}

func (r *sidecarGatingRule) describe(j int) string {
	t := r.t
	c := &t.c[j]
	switch {
	case !c.running:
		return "not running"
	case !c.psDone:
		return "its postStart hook has not finished"
	default:
		return "its startup probe has not succeeded"
	}
}

// Exercised: a start gated by a sidecar (the first start of the init
// container after it, or an app container's while none runs).
func (r *sidecarGatingRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActContainerStarted {
		return ""
	}
	t := r.t
	pi := t.pi
	k := t.ci
	if k < 0 {
		return ""
	}
	switch {
	case k < pi.nInit:
		if k == 0 || t.c[k].here() > 0 || pi.kinds[k-1] != kindSidecar {
			return ""
		}
		r.judge()
		if !r.gateOK(k - 1) {
			return sprintf("init container %s started at %v before sidecar %s had started (%s)", a.Container, a.At, pi.names[k-1], r.describe(k-1))
		}
	default:
		l := pi.lastInit
		if l < 0 || pi.kinds[l] != kindSidecar || t.anyAppRunning() {
			return ""
		}
		r.judge()
		if !r.gateOK(l) {
			return sprintf("app container %s started at %v, with no app container running, before the last init container, sidecar %s, had started (%s)", a.Container, a.At, pi.names[l], r.describe(l))
		}
	}
	return ""
}

// postStartBeforeNextStart encodes docs/semantics.md §2.6 and §6.2: the sync
// waits for each postStart hook before it starts the next container, so a
// slow hook delays every start after it.
func postStartBeforeNextStart() Property {
	return def("poststart-before-next-start",
		"while a container's postStart hook runs, no other container is started",
		`docs/semantics.md §2.6, §6.2: the sync waits for a container's postStart hook before it starts another container (pkg/kubelet/kuberuntime/kuberuntime_container.go startContainer)`,
		"No container may be started while another container's postStart hook is running (HookStarted(postStart) without its HookEnded). The kubelet runs postStart inside SyncPod and waits for it, so the next start in the same sync comes after the hook returns.",
		func(t *tracker) rule { return &postStartNextRule{t: t} })
}

type postStartNextRule struct {
	nop
	judged
	t *tracker
}

// Exercised: a start while another container with a postStart hook runs.
func (r *postStartNextRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActContainerStarted {
		return ""
	}
	t := r.t
	for j := range t.c {
		if (t.c[j].psOpen || (t.c[j].running && t.pi.hasPostStart(j))) && t.pi.names[j] != a.Container {
			r.judge()
		}
		if t.c[j].psOpen && t.pi.names[j] != a.Container {
			return sprintf("%s started at %v while the postStart hook of %s (started %v) was still running", a.Container, a.At, t.pi.names[j], t.c[j].startedAt)
		}
	}
	return ""
}

// neverFailsOnInitFailure encodes docs/semantics.md §3.2: under pod
// restartPolicy `Never` a regular init container that fails ends the pod
// `Failed`, and nothing more starts.
func neverFailsOnInitFailure() Property {
	return def("never-fails-on-init-failure",
		"restartPolicy Never: a failed regular init container fails the pod and nothing more starts",
		`docs/semantics.md §3.2, §8.5: under pod restartPolicy Never a failed regular init container makes the pod Failed and nothing more starts (pkg/kubelet/kuberuntime/kuberuntime_manager.go computeInitContainerActions; pkg/kubelet/kubelet_pods.go getPhase)`,
		"Under pod restartPolicy Never, once a regular init container exits with a non-zero code, no container may be started again (except by a sync planned before the failure that the trace shows still running: the pod worker blocked in a hook or a kill since), every later Status must have phase Failed, and a complete trace must end with a Failed status. This catches pods that retry the init container, start the app anyway, or sit in Pending (as the upstream e2e test init-container-fails-stops-app-restartnever-pod asserts).",
		func(t *tracker) rule { return &neverInitFailRule{t: t} })
}

// inFlight tracks a sync planned before some moment: if the pod worker was
// blocked (a hook or a kill) at that moment, the plan resumes when the block
// ends and may still start what it planned; it is over once an instant ends
// with the worker free.
type inFlight struct {
	seen, active, freed bool
	freeAt              time.Duration // an instant at whose end the worker may be free
}

// after is called after every action once the moment has come.
func (f *inFlight) after(at time.Duration, busy bool) {
	if !f.seen {
		f.seen, f.active = true, busy
	}
	if f.active {
		if busy {
			f.freed = false
		} else if !f.freed {
			f.freed, f.freeAt = true, at
		}
	}
}

// on reports, before an action at time at, whether the old plan may still
// act.
func (f *inFlight) on(at time.Duration) bool {
	if f.active && f.freed && at > f.freeAt {
		f.active = false
	}
	return f.active
}

// Exercised, once a regular init container failed under Never: a start, a
// status (not a patch), or the end of a complete trace (not force-deleted).
type neverInitFailRule struct {
	nop
	judged
	t      *tracker
	flight inFlight
}

func (r *neverInitFailRule) applies() bool {
	return r.t.pi.policy == v1.RestartPolicyNever && r.t.initFailed
}

func (r *neverInitFailRule) after(_ int, a *model.Action) string {
	if r.applies() {
		r.flight.after(a.At, r.t.busy())
	}
	return ""
}

func (r *neverInitFailRule) before(_ int, a *model.Action) string {
	if !r.applies() {
		return ""
	}
	inFlight := r.flight.on(a.At)
	switch a.Kind {
	case model.ActContainerStarted:
		r.judge()
		if inFlight {
			return ""
		}
		return sprintf("%s started at %v after a regular init container failed under restartPolicy Never", a.Container, a.At)
	case model.ActStatus:
		// (A patch keeps the phase of the last generation, which may
		// come before the failure.)
		if a.Status != nil && r.t.kb != kPatch {
			r.judge()
		}
		if a.Status != nil && a.Status.Phase != v1.PodFailed && r.t.kb != kPatch {
			return sprintf("status at %v has phase %s after a regular init container failed under restartPolicy Never; want Failed", a.At, a.Status.Phase)
		}
	}
	return ""
}

func (r *neverInitFailRule) end(_ time.Duration, complete bool) string {
	if !complete || !r.applies() || r.t.forced {
		// A force-deleted pod is gone before the kubelet reports its end.
		return ""
	}
	r.judge()
	if r.t.status == nil || r.t.status.Phase != v1.PodFailed {
		return "the pod finished after a regular init container failed under restartPolicy Never, but its last status is not Failed"
	}
	return ""
}
