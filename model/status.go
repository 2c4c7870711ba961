package model

import (
	"time"

	v1 "k8s.io/api/core/v1"
)

// Reasons the kubelet writes into container states.
const (
	ReasonContainerCreating  = "ContainerCreating"
	ReasonPodInitializing    = "PodInitializing"
	ReasonCrashLoopBackOff   = "CrashLoopBackOff"
	ReasonPostStartHookError = "PostStartHookError"
	ReasonStatusUnknown      = "ContainerStatusUnknown"
	messageStatusUnknown     = "The container could not be located when the pod was terminated"
	conditionCount           = 5
)

var (
	vTrue  = true
	vFalse = false
)

func boolp(b bool) *bool {
	if b {
		return &vTrue
	}
	return &vFalse
}

// publish regenerates the pod status (generateAPIPodStatus) and, if it
// changed, emits it with cause r (a status rule). Once the deletion is
// finished it emits PodRemoved.
func (m *Model) publish(r rule) {
	// Building a v1.PodStatus is the model's most expensive step, so it is
	// done only when the state it derives from has changed.
	// Every change a status can show comes with an emitted action (or a
	// finished termination), so with none since the last publish there is
	// nothing to do.
	// A generation reads the prober's results itself; while the status
	// manager refuses the generations, they stay in its copy (keepPatches).
	if m.final || m.hasStatus && m.seq == m.pubSeq {
		// After SyncTerminatedPod's generation the pod worker is done
		// with the pod: a later delete changes no status
		// (pod_workers.go: a terminated pod gets no more syncs).
		m.patches = m.patches[:0]
		m.maybeRemove()
		return
	}
	m.pubSeq = m.seq
	if fp := m.fingerprintChanged(); m.hasStatus && !fp && !m.patched {
		m.keepPatches()
		return
	}
	m.patched = false
	m.final = m.terminated
	// The fingerprint covers everything buildStatus reads, so a changed
	// fingerprint means a changed status (TestNoDuplicateStatus checks it).
	condState, condTimes := m.condState, m.condTimes
	st, refused := m.buildStatus()
	m.refused = refused
	if refused {
		// The status manager's SetPodStatus refused the generation
		// (checkContainerStateTransition): its copy, which the prober's
		// workers read and the API server gets, stays as it was, and the
		// conditions' transition times with it. (While the fingerprint
		// stays the same, so does the refusal.)
		m.condState, m.condTimes = condState, condTimes
		if !m.terminated {
			m.keepPatches()
			return
		}
		// TerminatePod then works on the status manager's copy.
		m.patchStatus()
		st = m.status.DeepCopy()
		m.terminatePod(st)
	}
	m.patches = m.patches[:0]
	if m.hasStatus && StatusEqual(st, &m.status) {
		m.maybeRemove()
		return
	}
	if pre := m.preTerm; pre != nil && !m.removed && !StatusEqual(pre, st) && !StatusEqual(pre, &m.status) {
		// The pod worker set it as it finished terminating the pod; the
		// status manager may write it before TerminatePod's.
		m.setStatus(pre)
		m.record()
		m.emit(Action{Kind: ActStatus, Status: pre}, Cause{rule: rStatusStopped, a: m.now})
	}
	m.preTerm = nil
	m.setStatus(st)
	m.reconcileReadiness(true)
	m.record()
	if !m.removed {
		why := Cause{rule: r, a: m.now}
		switch {
		case m.terminated:
			why.rule = rStatusTerminated
		case r == rStatusSyncEnd:
			why.a = m.syncAt
		}
		m.emit(Action{Kind: ActStatus, Status: st}, why)
	}
	m.maybeRemove()
}

// keepPatches ends a publish that sets no new status. Usually the
// generation it skipped would have shown the readiness and startup results
// since the last one anyway; but while the status manager refuses the
// generations, what SetContainerReadiness and SetContainerStartup wrote
// into its copy (the sync loop calls them before the sync that follows)
// stays there alone.
func (m *Model) keepPatches() {
	if m.refused {
		m.patchStatus()
	} else {
		m.patches = m.patches[:0]
	}
	m.maybeRemove()
}

// fingerprintChanged records a compact summary of everything buildStatus
// reads and reports whether it differs from the last one.
func (m *Model) fingerprintChanged() bool {
	if cap(m.fp) < len(m.ctrs)+1 {
		m.fp = make([]uint64, len(m.ctrs)+1)
		m.fpNew = make([]uint64, len(m.ctrs)+1)
	}
	f := m.fpNew[:len(m.ctrs)+1]
	b := func(v bool, bit uint) uint64 {
		if v {
			return 1 << bit
		}
		return 0
	}
	for i := range m.ctrs {
		c := &m.ctrs[i]
		f[i] = uint64(c.instances)<<32 | uint64(uint32(c.boDelay/time.Millisecond))<<8 |
			b(c.running, 0) | b(c.visible, 1) | b(c.crashLoop, 2) | b(c.cur.set, 3) | b(c.started(), 4) | b(c.ready(), 5) | b(c.psErr, 6) | b(c.pruned, 7)
	}
	// deleting: the waiting reasons (CrashLoopBackOff, PostStartHookError)
	// show only while the pod has no deletion timestamp.
	f[len(m.ctrs)] = b(m.sandbox, 0) | b(m.terminated, 1) | b(m.terminalPhase != "", 2) | b(m.deleting, 3) | uint64(m.gateGen)<<8
	changed := false
	old := m.fp[:len(m.ctrs)+1]
	for i := range f {
		if f[i] != old[i] {
			changed = true
			old[i] = f[i]
		}
	}
	return changed
}

func (m *Model) maybeRemove() {
	if m.terminated && m.deleting && !m.removed {
		m.removed = true
		m.emit(Action{Kind: ActPodRemoved}, Cause{rule: rRemovedDone})
	}
}

// slab holds one status build's container states, so that a build costs a
// few allocations instead of several per container. A slab is never reused:
// every published status owns its memory.
type slab struct {
	waiting    []v1.ContainerStateWaiting
	running    []v1.ContainerStateRunning
	terminated []v1.ContainerStateTerminated
}

func (s *slab) wait(reason, msg string) *v1.ContainerStateWaiting {
	s.waiting = append(s.waiting, v1.ContainerStateWaiting{Reason: reason, Message: msg})
	return &s.waiting[len(s.waiting)-1]
}

func (m *Model) containerStatus(i int, defaultReason string, sl *slab) v1.ContainerStatus {
	c := &m.ctrs[i]
	cs := v1.ContainerStatus{Name: c.name, Image: c.spec.Image}
	if c.instances > 0 {
		cs.ContainerID = c.curID
		cs.ImageID = c.spec.Image
	}
	switch {
	case c.instances == 0:
		cs.State.Waiting = sl.wait(defaultReason, "")
	case c.running && !c.visible && !c.prev.set:
		// Inside SyncPod's postStart: the kubelet has not reported it
		// yet. Its status is still the one generated at the sync's start,
		// which had no instance: the default waiting reason
		// (convertToAPIContainerStatuses: PodInitializing in a pod with
		// init containers).
		cs.State.Waiting = sl.wait(defaultReason, "")
	case c.running && !c.visible:
		cs.State.Waiting = sl.wait(ReasonContainerCreating, "")
		cs.LastTerminationState = m.termState(&c.prev, sl)
		cs.ContainerID, cs.ImageID = c.prev.id, ""
		if c.prev.set {
			cs.ImageID = c.spec.Image
		}
	case c.running:
		sl.running = append(sl.running, v1.ContainerStateRunning{StartedAt: m.epochAt(c.startedAt)})
		cs.State.Running = &sl.running[len(sl.running)-1]
		cs.LastTerminationState = m.termState(&c.prev, sl)
	case c.kind != kindApp && c.cur.set && c.cur.exitCode == 0:
		// convertToAPIContainerStatuses skips the reason cache for an init
		// container (a sidecar too) whose last instance exited 0: "it won't
		// be restarted" (kubelet_pods.go), even when it will.
		cs.State = m.termState(&c.cur, sl)
		cs.LastTerminationState = m.lastState(i, sl)
	case c.crashLoop && !m.deleting && m.restartsAfter(c, c.cur.exitCode):
		// The reason cache's CrashLoopBackOff, for a container that
		// ShouldContainerBeRestarted says will start again: not once the
		// pod has a deletion timestamp, and not after an exit its restart
		// policy does not restart, even though SyncPod restarts an
		// instance it killed for its liveness probe (computePodActions).
		cs.State.Waiting = sl.wait(ReasonCrashLoopBackOff, c.boMsg)
		cs.LastTerminationState = m.termState(&c.cur, sl)
	case c.psErr && m.restartsAfter(c, c.cur.exitCode) && !m.deleting:
		// The reason cache's PostStartHookError, for a container that
		// will start again (convertToAPIContainerStatuses).
		cs.State.Waiting = sl.wait(ReasonPostStartHookError, "postStart hook of "+c.name+" failed")
		cs.LastTerminationState = m.termState(&c.cur, sl)
	default:
		cs.State = m.termState(&c.cur, sl)
		cs.LastTerminationState = m.lastState(i, sl)
	}
	cs.RestartCount = m.restartCount(i, &cs)
	started := c.started()
	if c.kind == kindInit {
		cs.Ready = c.exited() && c.cur.exitCode == 0
	} else {
		cs.Ready = c.ready()
	}
	cs.Started = boolp(started)
	return cs
}

// restartCount is convertContainerStatus's (kubelet_pods.go, with
// RestartAllContainersOnContainerExits on): the current instance's
// attempt, but never less than the last status's count, and one more than
// that when the last status showed the container terminated and a new
// instance whose attempt does not exceed it runs. It counts the instances
// before the current one, unless a sandbox re-creation purged the
// container and its attempts began again at 0.
func (m *Model) restartCount(i int, cs *v1.ContainerStatus) int32 {
	c := &m.ctrs[i]
	if c.instances == 0 {
		return 0
	}
	rc := int32(c.attempt)
	if m.hasStatus {
		old := m.statusOf(&m.status, i)
		if old.RestartCount > rc {
			rc = old.RestartCount
		}
		if cs.State.Running != nil && old.State.Terminated != nil && old.RestartCount >= int32(c.attempt) {
			rc = old.RestartCount + 1
		}
	}
	if m.mut(MutRestartCountStuck) && rc > 5 {
		rc = 5
	}
	return rc
}

// lastState is the lastState of an exited container's status. The runtime
// reports the instance before the current one, unless pruning removed it;
// then convertContainerStatus (kubelet_pods.go, with
// RestartAllContainersOnContainerExits on) takes it from the last status
// generated: that status's state if it showed another instance terminated,
// else its lastState. After a CrashLoopBackOff status, whose lastState is
// the current instance, that is the current instance's end again.
func (m *Model) lastState(i int, sl *slab) v1.ContainerState {
	c := &m.ctrs[i]
	if !c.pruned {
		return m.termState(&c.prev, sl)
	}
	if !m.hasStatus {
		return v1.ContainerState{}
	}
	old := m.statusOf(&m.status, i)
	t := old.LastTerminationState.Terminated
	if old.ContainerID != c.curID && old.State.Terminated != nil {
		t = old.State.Terminated
	}
	if t == nil {
		return v1.ContainerState{}
	}
	sl.terminated = append(sl.terminated, *t)
	return v1.ContainerState{Terminated: &sl.terminated[len(sl.terminated)-1]}
}

func (m *Model) termState(t *termination, sl *slab) v1.ContainerState {
	if !t.set {
		return v1.ContainerState{}
	}
	sl.terminated = append(sl.terminated, v1.ContainerStateTerminated{
		ExitCode:    t.exitCode,
		Reason:      t.reason,
		StartedAt:   m.epochAt(t.startedAt),
		FinishedAt:  m.epochAt(t.finishedAt),
		ContainerID: t.id,
	})
	return v1.ContainerState{Terminated: &sl.terminated[len(sl.terminated)-1]}
}

func (m *Model) podRef() string {
	ns := m.pod.Namespace
	if ns == "" {
		ns = "default"
	}
	return m.pod.Name + "_" + ns + "(" + string(m.pod.UID) + ")"
}

// buildStatus mirrors generateAPIPodStatus (kubelet_pods.go) and, once the
// pod is terminated, the status manager's TerminatePod.
// statusBlock is one published status with the memory it owns.
type statusBlock struct {
	st       v1.PodStatus
	conds    [conditionCount]v1.PodCondition
	statuses []v1.ContainerStatus
}

// buildStatus also reports whether the status manager refuses the
// generation (transitionAllowed); TerminatePod, if the pod is terminated,
// is then left to the caller.
func (m *Model) buildStatus() (_ *v1.PodStatus, refused bool) {
	m.preTerm = nil
	n := len(m.ctrs)
	blk := &statusBlock{statuses: make([]v1.ContainerStatus, n)}
	st := &blk.st
	defaultReason := ReasonContainerCreating
	if m.nInit > 0 {
		defaultReason = ReasonPodInitializing
		st.InitContainerStatuses = blk.statuses[:m.nInit:m.nInit]
	}
	st.ContainerStatuses = blk.statuses[m.nInit:]
	sl := &slab{
		waiting:    make([]v1.ContainerStateWaiting, 0, n),
		running:    make([]v1.ContainerStateRunning, 0, n),
		terminated: make([]v1.ContainerStateTerminated, 0, 2*n),
	}
	for i := 0; i < m.nInit; i++ {
		st.InitContainerStatuses[i] = m.containerStatus(i, defaultReason, sl)
	}
	// The kubelet sorts regular container statuses by name
	// (kubetypes.SortedContainerStatuses); init statuses keep spec order.
	for k, i := range m.appOrder {
		st.ContainerStatuses[k] = m.containerStatus(i, defaultReason, sl)
	}
	// getPhase's podHasInitialized comes from
	// HasAnyActiveRegularContainerStarted over the runtime's view: some
	// regular container of this sandbox was created, running or exited.
	hasInit := false
	for i := m.nInit; i < len(m.ctrs) && m.sandbox; i++ {
		if c := &m.ctrs[i]; c.instances > 0 && c.sbox == m.sbox {
			hasInit = true
			break
		}
	}
	st.Phase = PodPhase(m.pod, st.InitContainerStatuses, st.ContainerStatuses, m.terminated, hasInit)
	// The conditions are generated with the phase of the last status
	// generation; the status manager's TerminatePod then changes the
	// phase, and only the phase (status_manager.go).
	condPhase := st.Phase
	if m.terminalPhase != "" {
		condPhase = m.terminalPhase
	}
	// The conditions come from the generation, before TerminatePod marks
	// what was not terminated.
	condInit, condApp := st.InitContainerStatuses, st.ContainerStatuses
	if m.hasStatus && !m.transitionAllowed(&m.status, st) {
		return st, true
	}
	prePhase := st.Phase
	if m.terminated {
		condInit = append([]v1.ContainerStatus(nil), condInit...)
		condApp = append([]v1.ContainerStatus(nil), condApp...)
		m.terminatePod(st)
	}
	if m.mut(MutNeverRestartsInit) && st.Phase == v1.PodFailed && !m.terminated && m.initFailed() {
		// The mutant treats a failed init container under Never like
		// OnFailure: the pod stays Pending and the init container restarts.
		st.Phase = v1.PodPending
	}
	if m.mut(MutSucceededNonZero) && st.Phase == v1.PodFailed {
		st.Phase = v1.PodSucceeded
	}
	if m.mut(MutSucceededNonZero) && prePhase == v1.PodFailed {
		prePhase = v1.PodSucceeded
	}
	if m.terminalPhase != "" {
		prePhase = m.terminalPhase
	}
	if m.terminalPhase != "" {
		// The kubelet refuses transitions out of a terminal phase.
		st.Phase = m.terminalPhase
	} else if st.Phase == v1.PodSucceeded || st.Phase == v1.PodFailed {
		m.terminalPhase = st.Phase
	}
	if !m.terminated || condPhase == v1.PodSucceeded || condPhase == v1.PodFailed {
		condPhase = st.Phase
	}
	conds := [conditionCount]v1.PodCondition{}
	conds[0] = v1.PodCondition{Type: v1.PodReadyToStartContainers, Status: v1.ConditionFalse}
	if m.sandbox {
		conds[0].Status = v1.ConditionTrue
	}
	conds[1] = InitializedCondition(m.pod, condInit, condApp, condPhase, m.status.Conditions)
	conds[3] = ContainersReadyCondition(m.pod, condInit, condApp, condPhase)
	conds[4] = v1.PodCondition{Type: v1.PodScheduled, Status: v1.ConditionTrue}
	conds[2] = m.readyCondition(conds[3], m.apiConds)
	st.Conditions = blk.conds[:]
	if len(m.apiConds) > 0 {
		st.Conditions = make([]v1.PodCondition, len(m.apiConds)+conditionCount)
		copy(st.Conditions, m.apiConds)
	}
	m.smConds = m.apiConds
	off := len(m.apiConds)
	for k := range conds {
		if !m.hasStatus {
			m.condState[k] = conds[k].Status
			m.condTimes[k] = m.now
		}
		st.Conditions[off+k] = m.condAt(k, conds[k])
	}
	st.StartTime = m.startTime // shared: statuses are read-only
	if m.terminated {
		// SyncTerminatingPod's last generation (podIsTerminal), which the
		// status manager holds before TerminatePod changes it: the same
		// conditions, the phase getPhase gives, the states before
		// TerminatePod marks what never ended.
		pre := *st
		pre.Phase = prePhase
		if len(condInit) > 0 {
			pre.InitContainerStatuses = condInit
		}
		if len(condApp) > 0 {
			pre.ContainerStatuses = condApp
		}
		m.preTerm = &pre
	}
	return st, false
}

// transitionAllowed mirrors checkContainerStateTransition
// (status_manager.go), which updateStatusInternal applies to every
// SetPodStatus: unless the pod's restartPolicy is Always (or a
// RestartAllContainers rule could restart every container), a container
// that the status manager's copy old shows terminated, and that will not
// be restarted after that exit (a regular init container or an app
// container that exited 0 under OnFailure, or any exit under Never, its
// container restart rules permitting), may not be anything but terminated
// in st. A sidecar may always leave the terminated state. The sandbox
// re-creation after SyncPod's own KillPod (computePodActions'
// createPodSandbox branch) runs the init containers again: until such an
// init container has exited 0 once more, every generation is refused.
func (m *Model) transitionAllowed(old, st *v1.PodStatus) bool {
	spec := &m.pod.Spec
	if spec.RestartPolicy == v1.RestartPolicyAlways {
		return true
	}
	if m.restartRules && allContainersCouldRestart(spec) {
		return true
	}
	stays := func(specs []v1.Container, olds, news []v1.ContainerStatus) bool {
		for i := range olds {
			o := &olds[i]
			t := o.State.Terminated
			if t == nil {
				continue
			}
			var c *v1.Container
			for k := range specs {
				if specs[k].Name == o.Name {
					c = &specs[k]
				}
			}
			if c == nil || IsSidecar(c) {
				continue
			}
			if t.ExitCode != 0 && spec.RestartPolicy == v1.RestartPolicyOnFailure {
				continue
			}
			if m.restartRules && containerShouldRestart(c, spec, t.ExitCode) {
				continue
			}
			for k := range news {
				if news[k].Name == o.Name && news[k].State.Terminated == nil {
					return false
				}
			}
		}
		return true
	}
	return stays(spec.Containers, old.ContainerStatuses, st.ContainerStatuses) &&
		stays(spec.InitContainers, old.InitContainerStatuses, st.InitContainerStatuses)
}

// allContainersCouldRestart mirrors podutil.AllContainersCouldRestart
// (pkg/api/v1/pod/util.go): some container has a RestartAllContainers
// rule.
func allContainersCouldRestart(spec *v1.PodSpec) bool {
	for _, list := range [][]v1.Container{spec.InitContainers, spec.Containers} {
		for i := range list {
			for _, r := range list[i].RestartPolicyRules {
				if r.Action == v1.ContainerRestartRuleActionRestartAllContainers {
					return true
				}
			}
		}
	}
	return false
}

// condAt returns condition k with its last transition time: now if its
// status changed, else when it last did.
func (m *Model) condAt(k int, c v1.PodCondition) v1.PodCondition {
	if c.Status != m.condState[k] {
		m.condState[k] = c.Status
		m.condTimes[k] = m.now
	}
	c.LastTransitionTime = m.epochAt(m.condTimes[k])
	return c
}

// terminatePod mirrors the status manager's TerminatePod: once the pod has
// initialized, containers that are not terminated are reported as
// ContainerStatusUnknown (137); so are init containers up to the last one
// that tried to start; and a pod that is still Pending or Running becomes
// Failed.
func (m *Model) terminatePod(st *v1.PodStatus) {
	unknown := func(cs *v1.ContainerStatus) {
		if cs.State.Terminated != nil {
			return
		}
		// Only the state changes: the last state, ready and started
		// stay as the status being terminated had them.
		cs.State = v1.ContainerState{Terminated: &v1.ContainerStateTerminated{
			Reason: ReasonStatusUnknown, Message: messageStatusUnknown, ExitCode: 137,
		}}
	}
	// hasPodInitialized reads the pod object's status: the API server's
	// copy, the status published before this one.
	if m.hasPodInitialized(m.podObjectStatus()) {
		for i := range st.ContainerStatuses {
			unknown(&st.ContainerStatuses[i])
		}
	}
	ic := st.InitContainerStatuses
	n := 0
	for i := len(ic) - 1; i >= 0; i-- {
		if ic[i].State.Waiting == nil || ic[i].LastTerminationState.Terminated != nil {
			n = i + 1
			break
		}
	}
	if n == 0 && len(ic) > 0 {
		n = 1
	}
	for i := 0; i < n; i++ {
		unknown(&ic[i])
	}
	if st.Phase == v1.PodPending || st.Phase == v1.PodRunning {
		st.Phase = v1.PodFailed
	}
}

// setStatus records st as the status manager's status, set now.
func (m *Model) setStatus(st *v1.PodStatus) {
	if m.hasStatus && m.statusAt < m.now {
		m.apiStatus = m.status
	}
	m.status, m.hasStatus, m.statusAt = *st, true, m.now
}

// podObjectStatus is the status of the pod object the kubelet holds now:
// the API server's copy, which a status set in this instant has not
// reached yet (the status manager writes it, the pod informer brings it
// back). TerminatePod's hasPodInitialized reads it there
// (status_manager.go), not in the status manager's own copy.
func (m *Model) podObjectStatus() *v1.PodStatus {
	if m.hasStatus && m.statusAt < m.now {
		return &m.status
	}
	return &m.apiStatus
}

// hasPodInitialized mirrors the status manager's helper of that name.
func (m *Model) hasPodInitialized(st *v1.PodStatus) bool {
	if m.nInit == 0 {
		return true
	}
	if len(st.InitContainerStatuses) < m.nInit {
		return false // no status yet
	}
	for i := range st.ContainerStatuses {
		cs := &st.ContainerStatuses[i]
		if cs.LastTerminationState.Terminated != nil || cs.State.Waiting == nil {
			return true
		}
	}
	last := &st.InitContainerStatuses[m.nInit-1]
	if m.ctrs[m.nInit-1].kind == kindSidecar {
		return last.State.Running != nil && last.Started != nil && *last.Started
	}
	if t := last.State.Terminated; t != nil && t.ExitCode == 0 {
		return true
	}
	if t := last.LastTerminationState.Terminated; t != nil && t.ExitCode == 0 {
		return true
	}
	return false
}

var _ = time.Second

// initFailed reports whether a regular init container's last run failed.
func (m *Model) initFailed() bool {
	for i := 0; i < m.nInit; i++ {
		c := &m.ctrs[i]
		if c.kind == kindInit && c.exited() && c.cur.exitCode != 0 {
			return true
		}
	}
	return false
}
