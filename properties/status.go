package properties

import (
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// timeMonotone encodes the virtual clock of docs/semantics.md §12.1 (it
// starts at the pod's admission, is never negative and never goes back) as
// the trace format states it (trace/doc.go): "The time is virtual time since
// the pod's creation. It is never negative and never decreases from one
// action to the next".
func timeMonotone() Property {
	return def("time-monotone",
		"virtual time is never negative and never goes back",
		`docs/semantics.md §12.1: virtual time starts at the pod's admission, is never negative and never goes back — a trace's clock, as trace/doc.go states it: "The time is virtual time since the pod's creation. It is never negative and never decreases from one action to the next"`,
		"Every action's time must be >= 0 and >= the previous action's time. Equal times are normal: many actions happen in the same instant, in the order given. A trace whose clock goes back cannot be measured by any timing property.",
		func(t *tracker) rule { return &timeMonotoneRule{t: t} })
}

type timeMonotoneRule struct {
	nop
	judged
	t *tracker
}

// Exercised: any action.
func (r *timeMonotoneRule) before(_ int, a *model.Action) string {
	r.judge()
	if a.At < 0 {
		return sprintf("%s at negative time %v", a.Kind, a.At)
	}
	if r.t.n > 0 && a.At < r.t.now {
		return sprintf("%s at %v, before the previous action at %v", a.Kind, a.At, r.t.now)
	}
	return ""
}

// statusChanges encodes the kubelet status manager's rule that it writes a
// status only when it changed (pkg/kubelet/status/status_manager.go
// updateStatusInternal: "ignoring status update, no change").
func statusChanges() Property {
	return def("status-changes",
		"consecutive published statuses differ",
		`pkg/kubelet/status/status_manager.go updateStatusInternal: a status equal to the cached one is not written ("Ignoring same status for pod")`,
		"Each Status action must carry a status that differs from the previous Status action's: the status manager drops unchanged statuses, so a repeated status is an adapter or model bug that inflates watch streams. Fields the checker does not compare count as a difference when set.",
		func(t *tracker) rule { return &statusChangesRule{t: t} })
}

type statusChangesRule struct {
	nop
	judged
	t *tracker
}

// Exercised: a Status after another (or one without a status).
func (r *statusChangesRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActStatus {
		return ""
	}
	if a.Status == nil {
		r.judge()
		return sprintf("Status action at %v without a status", a.At)
	}
	if r.t.status != nil {
		r.judge()
	}
	if r.t.status != nil && model.StatusEqual(a.Status, r.t.status) {
		return sprintf("status at %v is identical to the previous one (phase %s)", a.At, a.Status.Phase)
	}
	return ""
}

// statusCheck checks one container status (i is its position in the spec).
type statusCheck interface {
	check(i int, cs *v1.ContainerStatus) string
}

// forStatuses calls f.check for every container status of st with its
// position in the spec (statuses naming no container are skipped; of a
// patch, those whose flags in patch it did not change); it stops at the
// first message. (An interface, not a func value: no allocation.)
func (t *tracker) forStatuses(st *v1.PodStatus, f statusCheck, patch uint8) string {
	n := len(st.InitContainerStatuses)
	for k := range st.InitContainerStatuses {
		if i := t.statusIdx(st, k); i >= 0 && t.checks(st, i, patch) {
			if msg := f.check(i, &st.InitContainerStatuses[k]); msg != "" {
				return msg
			}
		}
	}
	for k := range st.ContainerStatuses {
		if i := t.statusIdx(st, n+k); i >= 0 && t.checks(st, i, patch) {
			if msg := f.check(i, &st.ContainerStatuses[k]); msg != "" {
				return msg
			}
		}
	}
	return ""
}

// checks reports whether container i's status in st is to be checked:
// of a patch, only the statuses whose flags in patch it changed are.
func (t *tracker) checks(st *v1.PodStatus, i int, patch uint8) bool {
	return t.kb != kPatch || st != t.stFor || t.patched[i]&patch != 0
}

// restartCountMonotone encodes docs/semantics.md §1.5 and §10.7: a
// restartCount never decreases (as upstream's container_probe.go e2e tests
// assert, §14.1).
func restartCountMonotone() Property {
	return def("restart-count-monotone",
		"a container's restartCount never decreases",
		`docs/semantics.md §1.5, §10.7: restartCount never decreases (pkg/kubelet/kubelet_pods.go convertToAPIContainerStatuses; test/e2e/common/node/container_probe.go "should have monotonically increasing restart count")`,
		"Across the trace's Status actions, each container's restartCount must never decrease (the upstream container_probe e2e tests assert it). A count that drops, for instance when a status is rebuilt from a garbage-collected runtime, breaks it.",
		func(t *tracker) rule { return &restartMonotoneRule{t: t, last: make([]int32, len(t.pi.names))} })
}

// Exercised: a container status after an earlier one showed a positive
// restartCount (one that could fall), or one that fell.
type restartMonotoneRule struct {
	nop
	judged
	t    *tracker
	last []int32
	at   time.Duration
}

func (r *restartMonotoneRule) after(_ int, a *model.Action) string {
	if a.Kind != model.ActStatus || a.Status == nil {
		return ""
	}
	r.at = a.At
	return r.t.forStatuses(a.Status, r, 0)
}

func (r *restartMonotoneRule) check(i int, cs *v1.ContainerStatus) string {
	if r.last[i] > 0 {
		r.judge()
	}
	if cs.RestartCount < r.last[i] {
		r.judge()
		return sprintf("status at %v: restartCount of %s fell from %d to %d", r.at, cs.Name, r.last[i], cs.RestartCount)
	}
	r.last[i] = cs.RestartCount
	return ""
}

// restartCountMatchesStarts encodes docs/semantics.md §1.5: restartCount is
// the kubelet's count of restarts (the instances started before the current
// one), with §10.7's allowance after a sandbox re-creation.
func restartCountMatchesStarts() Property {
	return def("restart-count-matches-starts",
		"restartCount equals the number of restarts the trace shows",
		`docs/semantics.md §1.5, §10.7: restartCount counts the instances that ran before the current one (pkg/kubelet/kuberuntime/kuberuntime_container.go getPodContainerStatuses; pkg/kubelet/kubelet_pods.go convertToAPIContainerStatuses)`,
		"In every Status, each container's restartCount must equal the number of its instances started so far minus one (0 before its first start), as the trace's ContainerStarted actions show. After a sandbox re-creation purged an init container, the kubelet counts from the new attempt and the last status's count, which may fall behind: then any count from the current attempt to that number passes. A count that lags, jumps, or counts refused back-off attempts breaks it.",
		func(t *tracker) rule { return &restartMatchesRule{t: t} })
}

// Exercised: a container status in a status (not a patch).
type restartMatchesRule struct {
	nop
	judged
	t  *tracker
	at time.Duration
}

func (r *restartMatchesRule) after(_ int, a *model.Action) string {
	if a.Kind != model.ActStatus || a.Status == nil || r.t.kb == kPatch {
		return ""
	}
	r.at = a.At
	return r.t.forStatuses(a.Status, r, 0)
}

func (r *restartMatchesRule) check(i int, cs *v1.ContainerStatus) string {
	r.judge()
	c := &r.t.c[i]
	want := int32(c.starts - 1)
	if want < 0 {
		want = 0
	}
	if c.wasPurged && cs.RestartCount <= want && cs.RestartCount >= int32(c.cur) {
		// After a purge, convertContainerStatus counts from the runtime's
		// attempt and the last status's count (kubelet_pods.go), which
		// may fall behind the instances the trace shows.
		return ""
	}
	if cs.RestartCount != want {
		return sprintf("status at %v: restartCount of %s is %d, but the trace shows %d starts (want %d)", r.at, cs.Name, cs.RestartCount, r.t.c[i].starts, want)
	}
	return ""
}

// readyImpliesStarted encodes docs/semantics.md §1.7: a sidecar or app
// container is ready only when it is started.
func readyImpliesStarted() Property {
	return def("ready-implies-started",
		"a ready sidecar or app container is started",
		`docs/semantics.md §1.7, §5.10: a container is ready only when it is started and its readiness probe, if any, holds a success (pkg/kubelet/prober/prober_manager.go UpdatePodStatus)`,
		"In every Status, a sidecar or app container status with ready=true must have started=true. Readiness before the startup probe passed would send traffic to a container that is still starting.",
		func(t *tracker) rule { return &readyStartedRule{t: t} })
}

// Exercised: a ready sidecar or app container status.
type readyStartedRule struct {
	nop
	judged
	t  *tracker
	at time.Duration
}

func (r *readyStartedRule) after(_ int, a *model.Action) string {
	if a.Kind != model.ActStatus || a.Status == nil {
		return ""
	}
	r.at = a.At
	return r.t.forStatuses(a.Status, r, patchReady)
}

func (r *readyStartedRule) check(i int, cs *v1.ContainerStatus) string {
	if r.t.pi.kinds[i] != kindInit && cs.Ready {
		r.judge()
	}
	if r.t.pi.kinds[i] != kindInit && cs.Ready && (cs.Started == nil || !*cs.Started) {
		return sprintf("status at %v: %s is ready but not started", r.at, cs.Name)
	}
	return ""
}

// readyImpliesRunning encodes docs/semantics.md §1.7: a regular init
// container is ready exactly when it terminated with exit 0, and a ready
// sidecar or app container runs.
func readyImpliesRunning() Property {
	return def("ready-implies-running",
		"a ready sidecar or app container is running; a ready init container terminated with 0",
		`docs/semantics.md §1.7: a ready sidecar or app container runs; a regular init container is ready only once terminated with exit 0 (pkg/kubelet/kubelet_pods.go convertToAPIContainerStatuses; pkg/kubelet/prober/prober_manager.go UpdatePodStatus)`,
		"In every Status, a sidecar or app container status with ready=true must be in state running, and a regular init container status with ready=true must be terminated with exit code 0. A container reported ready while waiting or terminated breaks it.",
		func(t *tracker) rule { return &readyRunningRule{t: t} })
}

// Exercised: a ready container status.
type readyRunningRule struct {
	nop
	judged
	t  *tracker
	at time.Duration
}

func (r *readyRunningRule) after(_ int, a *model.Action) string {
	if a.Kind != model.ActStatus || a.Status == nil {
		return ""
	}
	r.at = a.At
	return r.t.forStatuses(a.Status, r, patchReady)
}

func (r *readyRunningRule) check(i int, cs *v1.ContainerStatus) string {
	if !cs.Ready {
		return ""
	}
	r.judge()
	if r.t.pi.kinds[i] == kindInit {
		if t := cs.State.Terminated; t == nil || t.ExitCode != 0 {
			return sprintf("status at %v: regular init container %s is ready but not terminated with exit 0", r.at, cs.Name)
		}
		return ""
	}
	if cs.State.Running == nil {
		return sprintf("status at %v: %s is ready but not running", r.at, cs.Name)
	}
	return ""
}

// startedFlag encodes docs/semantics.md §1.6: a container is started when it
// runs, its postStart hook has returned (§6.3) and its startup probe, if any,
// has succeeded (§5.7), with the carried flag of §10.8.
func startedFlag() Property {
	return def("started-flag",
		"started is true exactly when running, postStart done and the startup probe succeeded",
		`docs/semantics.md §1.6, §6.3, §5.7: started means running, postStart returned, and the startup probe (if any) succeeded for this instance (pkg/kubelet/prober/prober_manager.go isContainerStarted; pkg/kubelet/kuberuntime/kuberuntime_container.go startContainer)`,
		"In every Status, each container's started flag must equal what the trace shows: its current instance runs, its postStart hook (if any) has returned, and its startup probe (if any) has succeeded for this instance. Once the pod terminates, a container whose startup probe has not passed may show either value: the prober stops the startup worker and, with no worker and no result, the kubelet counts the container as started (prober_manager.go isContainerStarted). A container counted as started during postStart, or before its startup probe passed, breaks it.",
		func(t *tracker) rule { return &startedFlagRule{t: t} })
}

// Exercised: a container status whose started flag it compares with the
// trace.
type startedFlagRule struct {
	nop
	judged
	t  *tracker
	at time.Duration
}

func (r *startedFlagRule) after(_ int, a *model.Action) string {
	if a.Kind != model.ActStatus || a.Status == nil {
		return ""
	}
	r.at = a.At
	return r.t.forStatuses(a.Status, r, patchStarted)
}

func (r *startedFlagRule) check(i int, cs *v1.ContainerStatus) string {
	r.judge()
	got := cs.Started != nil && *cs.Started
	t := r.t
	if t.kb == kPatch {
		// A patch's started flag is a startup result, which the worker
		// set from the status as it was (possibly showing an instance
		// running that has exited since): Success once the instance's
		// probe succeeded or the pod is deleted (doProbe), anything else
		// before.
		if got && !t.c[i].startupOK && !t.deleted {
			return sprintf("status at %v: %s started=true was written without a generation, but its startup probe has not succeeded and the pod is not deleted", r.at, cs.Name)
		}
		return ""
	}
	if want := t.started(i); got != want && !t.startedUnsure(i) {
		c := &r.t.c[i]
		return sprintf("status at %v: %s started=%v, but the trace shows running=%v, postStart done=%v, startup success=%v", r.at, cs.Name, got, c.running, c.psDone, c.startupOK)
	}
	return ""
}

func findCond(conds []v1.PodCondition, t v1.PodConditionType) *v1.PodCondition {
	for i := range conds {
		if conds[i].Type == t {
			return &conds[i]
		}
	}
	return nil
}

// initializedCondition encodes docs/semantics.md §9.4: Initialized is True
// once every regular init container completed with exit 0 and every sidecar
// started (or an app container has run), as GeneratePodInitializedCondition
// (pkg/kubelet/status/generate.go) decides it.
func initializedCondition() Property {
	return def("initialized-condition",
		"Initialized is True iff the init containers are done (or an app container has run)",
		`docs/semantics.md §9.4: Initialized is True once every regular init container completed with exit 0 and every sidecar started (pkg/kubelet/status/generate.go GeneratePodInitializedCondition)`,
		"In every Status, the Initialized condition must exist and its status must be what GeneratePodInitializedCondition (model.InitializedCondition) derives from the same status's container statuses, phase and the previous status's conditions: True when every regular init container is ready (exited 0) and every sidecar started, or an app container is running or terminated, or the pod Succeeded, or it was True before. And the trace must agree: Initialized True needs an app container to have started, or every regular init container's last instance to have exited 0 with every sidecar started, or an earlier True.",
		func(t *tracker) rule { return &initializedRule{t: t} })
}

// Exercised: a status (not a patch): its Initialized condition is checked.
type initializedRule struct {
	nop
	judged
	t    *tracker
	memo condMemo
	// seen: at some moment since the last Status (its own included) the
	// trace showed the pod initialized. The status manager writes only the
	// newest status, so a generation that saw it may not be in the trace,
	// and with RestartAllContainersOnContainerExits on (the default in
	// 1.36) GeneratePodInitializedCondition keeps an old True.
	seen bool
}

// initializedNow reports whether the trace shows the pod initialized: an
// app container started, or every init container done.
func (r *initializedRule) initializedNow() bool {
	_, pending := r.t.initPending()
	return r.t.appStarted || !pending
}

// initPending returns the first init container the trace does not show
// done (a regular one completed, a sidecar started), if any.
func (t *tracker) initPending() (int, bool) {
	for j := 0; j < t.pi.nInit; j++ {
		switch t.pi.kinds[j] {
		case kindInit:
			if !t.completed(j) {
				return j, true
			}
		case kindSidecar:
			if !t.started(j) && !t.startedUnsure(j) {
				return j, true
			}
		}
	}
	return 0, false
}

func (r *initializedRule) after(_ int, a *model.Action) string {
	if a.Kind == model.ActStatus || !r.seen {
		r.seen = r.initializedNow()
	}
	return ""
}

// unmarked returns sts with the statuses TerminatePod marked as
// terminated (ContainerStatusUnknown) waiting again, as the generation
// whose conditions it kept saw them.
func unmarked(sts []v1.ContainerStatus) []v1.ContainerStatus {
	var out []v1.ContainerStatus
	for k := range sts {
		if t := sts[k].State.Terminated; t != nil && t.Reason == model.ReasonStatusUnknown {
			if out == nil {
				out = append([]v1.ContainerStatus(nil), sts...)
			}
			out[k].State = v1.ContainerState{Waiting: &v1.ContainerStateWaiting{}}
		}
	}
	if out == nil {
		return sts
	}
	return out
}

// condMemo remembers the inputs and the verdict of the last call of a
// condition generator, so that a status whose inputs did not change is not
// derived again (the generators build messages, which allocates).
type condMemo struct {
	ok               bool
	phase            v1.PodPhase
	present, a, b, c uint64
	status           v1.ConditionStatus
	reason           string
}

func (m *condMemo) same(phase v1.PodPhase, present, a, b, c uint64, got *v1.PodCondition) bool {
	return m.ok && m.phase == phase && m.present == present && m.a == a && m.b == b && m.c == c && m.status == got.Status && m.reason == got.Reason
}

func (m *condMemo) set(phase v1.PodPhase, present, a, b, c uint64, got *v1.PodCondition) {
	*m = condMemo{ok: true, phase: phase, present: present, a: a, b: b, c: c, status: got.Status, reason: got.Reason}
}

// statusBits summarises the container statuses of st by spec position:
// present, ready, started, and running-or-terminated. ok is false for pods
// too large to summarise.
func (t *tracker) statusBits(st *v1.PodStatus) (present, ready, started, ran uint64, ok bool) {
	if len(t.pi.names) > 64 {
		return 0, 0, 0, 0, false
	}
	add := func(sts []v1.ContainerStatus, base int) {
		for k := range sts {
			cs := &sts[k]
			i := t.statusIdx(st, base+k)
			if i < 0 {
				ok = false
				continue
			}
			bit := uint64(1) << i
			present |= bit
			if cs.Ready {
				ready |= bit
			}
			if cs.Started != nil && *cs.Started {
				started |= bit
			}
			if cs.State.Running != nil || cs.State.Terminated != nil {
				ran |= bit
			}
		}
	}
	ok = true
	add(st.InitContainerStatuses, 0)
	add(st.ContainerStatuses, len(st.InitContainerStatuses))
	return
}

func (r *initializedRule) before(_ int, a *model.Action) string {
	// A patch leaves Initialized as the last generation made it.
	if a.Kind != model.ActStatus || a.Status == nil || r.t.kb == kPatch {
		return ""
	}
	r.judge()
	t := r.t
	st := a.Status
	got := findCond(st.Conditions, v1.PodInitialized)
	if got == nil {
		return sprintf("status at %v has no Initialized condition", a.At)
	}
	var prev []v1.PodCondition
	if t.status != nil {
		prev = t.status.Conditions
	}
	prevTrue := uint64(0)
	if p := findCond(prev, v1.PodInitialized); p != nil && p.Status == v1.ConditionTrue {
		prevTrue = 1
	}
	present, ready, started, ran, ok := t.statusBits(st)
	nilList := uint64(0)
	if st.InitContainerStatuses == nil {
		nilList = 2
	}
	if !ok || !r.memo.same(st.Phase, present, ready, started, ran|prevTrue<<63|nilList<<61, got) {
		want := model.InitializedCondition(t.pi.pod, st.InitContainerStatuses, st.ContainerStatuses, st.Phase, prev)
		if got.Status != want.Status || got.Reason != want.Reason {
			r.memo.ok = false
			if got.Status == v1.ConditionTrue && r.seen {
				return "" // kept from a generation the trace does not show
			}
			if st.Phase == v1.PodFailed {
				w := model.InitializedCondition(t.pi.pod, unmarked(st.InitContainerStatuses), unmarked(st.ContainerStatuses), st.Phase, prev)
				if got.Status == w.Status && got.Reason == w.Reason {
					return "" // TerminatePod's status, with the last generation's conditions
				}
			}
			return sprintf("status at %v: Initialized is %s (%s), but its container statuses give %s (%s)", a.At, got.Status, got.Reason, want.Status, want.Reason)
		}
		if ok && len(t.pi.names) <= 60 {
			r.memo.set(st.Phase, present, ready, started, ran|prevTrue<<63|nilList<<61, got)
		}
	}
	if got.Status != v1.ConditionTrue || t.appStarted || t.deleted || st.Phase == v1.PodSucceeded || st.Phase == v1.PodFailed {
		// A terminated pod's statuses come from TerminatePod, which marks
		// what never ran as terminated.
		return ""
	}
	if p := findCond(prev, v1.PodInitialized); p != nil && p.Status == v1.ConditionTrue {
		return ""
	}
	if j, pending := t.initPending(); pending {
		if t.pi.kinds[j] == kindInit {
			return sprintf("status at %v: Initialized is True, but no app container has started and init container %s has not completed", a.At, t.pi.names[j])
		}
		return sprintf("status at %v: Initialized is True, but no app container has started and sidecar %s is not started", a.At, t.pi.names[j])
	}
	return ""
}

// containersReadyCondition encodes docs/semantics.md §9.5 and §9.6:
// ContainersReady is True when every sidecar and app container is ready, and
// Ready follows it (and the readiness gates).
func containersReadyCondition() Property {
	return def("containers-ready-condition",
		"ContainersReady and Ready follow the containers' ready flags",
		`docs/semantics.md §9.5, §9.6: ContainersReady is True when every sidecar and app container is ready; Ready is ContainersReady and the readiness gates (pkg/kubelet/status/generate.go GenerateContainersReadyCondition, GeneratePodReadyCondition)`,
		"In every Status, the ContainersReady condition must be what GenerateContainersReadyCondition (model.ContainersReadyCondition) derives from the same status (in the status TerminatePod writes, which turns a Pending or Running pod Failed, with the phase before: TerminatePod changes the phase and keeps the conditions), and Ready what GeneratePodReadyCondition (model.ReadyCondition) derives from it; and ContainersReady True needs every sidecar and app container to be ready by the trace's readiness replay (started, and readiness succeeded). A pod reported Ready while a container is unready would receive traffic it cannot serve.",
		func(t *tracker) rule { return &containersReadyRule{t: t} })
}

// Exercised: any status: its ContainersReady and Ready conditions are
// checked.
type containersReadyRule struct {
	nop
	judged
	t         *tracker
	memo      condMemo
	prevPhase v1.PodPhase // the phase of the status before this one
}

// generatedPhase is the phase a status's conditions were generated with:
// its own, except in the status the status manager's TerminatePod writes,
// which turns a Pending or Running phase into Failed and leaves the
// conditions of the last generation as they were (status_manager.go).
// prev is the phase of the status before, "" if none.
func generatedPhase(st *v1.PodStatus, prev v1.PodPhase) (v1.PodPhase, bool) {
	if st.Phase == v1.PodFailed && prev != v1.PodFailed && prev != v1.PodSucceeded {
		// Pending and Running give the same conditions; with no status
		// before (a pod that ends in the instant it starts), the last
		// generation was not published either.
		return v1.PodPending, true
	}
	return st.Phase, false
}

func (r *containersReadyRule) after(_ int, a *model.Action) string {
	if a.Kind != model.ActStatus || a.Status == nil {
		return ""
	}
	r.judge()
	t := r.t
	st := a.Status
	cr := findCond(st.Conditions, v1.ContainersReady)
	rd := findCond(st.Conditions, v1.PodReady)
	if cr == nil || rd == nil {
		return sprintf("status at %v lacks the ContainersReady or Ready condition", a.At)
	}
	present, ready, _, _, ok := t.statusBits(st)
	nilList := uint64(0)
	if st.InitContainerStatuses == nil && len(st.ContainerStatuses) == 0 {
		nilList = 1
	}
	prev := r.prevPhase
	r.prevPhase = st.Phase
	if !ok || !r.memo.same(st.Phase, present, ready, nilList, 0, cr) {
		want := model.ContainersReadyCondition(t.pi.pod, st.InitContainerStatuses, st.ContainerStatuses, st.Phase)
		if alt, terminated := generatedPhase(st, prev); terminated && (cr.Status != want.Status || cr.Reason != want.Reason) {
			if w := model.ContainersReadyCondition(t.pi.pod, st.InitContainerStatuses, st.ContainerStatuses, alt); cr.Status == w.Status && cr.Reason == w.Reason {
				want = w
				ok = false // not memoised: it holds for this status only
			}
		}
		if cr.Status != want.Status || cr.Reason != want.Reason {
			r.memo.ok = false
			return sprintf("status at %v: ContainersReady is %s (%s), but the container statuses give %s (%s)", a.At, cr.Status, cr.Reason, want.Status, want.Reason)
		}
		if ok {
			r.memo.set(st.Phase, present, ready, nilList, 0, cr)
		}
	}
	wantReady := model.ReadyCondition(t.pi.pod, *cr, st.Conditions)
	if rd.Status != wantReady.Status && (cr.Status != v1.ConditionTrue || len(t.pi.pod.Spec.ReadinessGates) == 0) {
		// (With ContainersReady True, a pod with readiness gates may show
		// a Ready the gates' conditions of an earlier status gave: a
		// controller's patch changes only its condition, and a readiness
		// result reads the gates of the status manager's last generation.
		// ready-needs-gates judges those.)
		return sprintf("status at %v: Ready is %s, but ContainersReady %s gives %s", a.At, rd.Status, cr.Status, wantReady.Status)
	}
	if cr.Status == v1.ConditionTrue && t.kb != kPatch {
		// (A patch's other ready flags are as old as the last generation.)
		for i := range t.c {
			if t.pi.kinds[i] != kindInit && !t.ready(i) && !t.readyUnsure(i) {
				return sprintf("status at %v: ContainersReady is True, but %s is not ready by its trace (started=%v)", a.At, t.pi.names[i], t.started(i))
			}
		}
	}
	return ""
}
