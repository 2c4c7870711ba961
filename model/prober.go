package model

import (
	"time"

	v1 "k8s.io/api/core/v1"
)

// The prober, after pkg/kubelet/prober (worker.go, prober_manager.go).
//
// One worker per declared probe of every app container and sidecar runs
// from the pod's admission (t=0) with a ticker of periodSeconds: it wakes
// at every multiple of the period and whenever a status generation asks
// it for a manual readiness run (which restarts the ticker). A worker
// reads the status manager's copy of the status (the model's last
// published status), not the runtime, so it follows an instance only once
// a status shows it.

// shownState is what the last published status says of a container, as a
// prober worker reads it (its started flag is cstate.shownStarted).
type shownState struct {
	inst       int // instance whose container ID the status carries, -1 none
	running    bool
	terminated bool
	exitCode   int32
	startedAt  time.Duration
}

// noResult marks a results-manager entry as absent.
const noResult = -1

// initialResult is the value a worker sets when it first sees an instance.
func (m *Model) initialResult(p int) int8 {
	switch p {
	case pLiveness:
		return resSuccess
	case pReadiness:
		if m.mut(MutReadyAtStart) {
			return resSuccess
		}
		return resFailure
	}
	return resUnknown
}

// result returns the results manager's value for the current instance of
// c, if it holds one.
func (c *cstate) result(p int) (int8, bool) {
	ps := &c.probes[p]
	if ps.resInst != noResult && ps.resInst == c.instances-1 {
		return ps.result, true
	}
	return 0, false
}

// hasResult reports whether the results manager holds r for the current
// instance of c.
func (c *cstate) hasResult(p int, r int8) bool {
	got, ok := c.result(p)
	return ok && got == r
}

// started mirrors prober_manager isContainerStarted: running, and the
// startup result is Success; with no result, started if the status it
// amends carries started=true (copied from the last status, see
// shownStarted), else unless a startup worker exists. A container still
// in postStart is not yet reported running.
func (c *cstate) started() bool {
	if !c.running || !c.visible {
		return false
	}
	if r, ok := c.result(pStartup); ok {
		return r == resSuccess
	}
	return c.shownStarted || !c.probes[pStartup].alive
}

// ready mirrors prober_manager UpdatePodStatus: started, and the readiness
// result is Success; with no Success, ready only if no readiness worker
// exists.
func (c *cstate) ready() bool {
	if !c.started() {
		return false
	}
	if r, ok := c.result(pReadiness); ok && r == resSuccess {
		return true
	}
	return !c.probes[pReadiness].alive
}

// startWorkers is the prober manager's AddPod at admission. The first
// doProbe, at t=0, finds no status yet, so the first wake that can matter
// is the first tick.
func (m *Model) startWorkers() {
	for i := range m.ctrs {
		c := &m.ctrs[i]
		if c.kind == kindInit {
			continue
		}
		for p := range c.probes {
			ps := &c.probes[p]
			if ps.spec == nil {
				continue
			}
			ps.alive = true
			ps.nextTick = time.Duration(probePeriod(ps.spec)) * time.Second
		}
	}
}

// stopWorker ends worker p of container i; its result goes with it.
func (m *Model) stopWorker(i, p int) {
	ps := &m.ctrs[i].probes[p]
	ps.alive, ps.pending = false, false
	ps.resInst = noResult
}

// stopLivenessAndStartup is the prober manager's StopLivenessAndStartup
// at the start of the pod's termination: it stops the workers of the
// app containers (sidecars are not in pod.Spec.Containers).
func (m *Model) stopLivenessAndStartup() {
	for i := m.nInit; i < len(m.ctrs); i++ {
		for _, p := range [...]int{pLiveness, pStartup} {
			if m.ctrs[i].probes[p].alive {
				m.stopWorker(i, p)
			}
		}
	}
}

// removeWorkers is the prober manager's RemovePod once the pod's
// containers are stopped.
func (m *Model) removeWorkers() {
	for i := range m.ctrs {
		for p := range m.ctrs[i].probes {
			if m.ctrs[i].probes[p].alive {
				m.stopWorker(i, p)
			}
		}
	}
}

// setResult is the results manager's Set for the instance worker p of
// container i follows. A change reaches the kubelet's sync loop: a
// liveness failure causes a sync; a readiness or startup change is written
// into the status (SetContainerReadiness, SetContainerStartup) and causes
// a sync.
func (m *Model) setResult(i, p int, res int8) {
	ps := &m.ctrs[i].probes[p]
	if ps.resInst == ps.seen && ps.result == res {
		return
	}
	ps.resInst, ps.result = ps.seen, res
	switch p {
	case pLiveness:
		if res == resFailure {
			m.dirty = true
		}
	default:
		m.proberChanged = true
		m.dirty = true
		// A result can change the status with no action in the trace (a
		// worker that follows a new instance sets its initial value, which
		// ends a carried started flag): publish must not skip it.
		m.seq++
		m.patches = append(m.patches, resultPatch{i: i, p: p, inst: ps.seen, ok: res == resSuccess})
	}
}

// resultPatch is a readiness or startup result as the kubelet's sync loop
// hands it to the status manager (SetContainerReadiness,
// SetContainerStartup), for the container ID of instance inst.
type resultPatch struct {
	i, p, inst int
	ok         bool
}

// patchStatus is the status manager's SetContainerStartup and
// SetContainerReadiness while the pod worker is busy (in a postStart hook
// or a kill), so that no generation follows at once: the copy of the last
// status that shows the result's container ID gets the new started or
// ready flag, and with a ready flag the Ready and ContainersReady
// conditions are generated again; nothing else changes, the Initialized
// condition included (status_manager.go).
func (m *Model) patchStatus() { m.patchStatusIf(false) }

// patchStatusIf is patchStatus; with idle (the pod worker is free, and the
// sync the results trigger follows in this instant) it leaves out a patch
// that would show a container ready but not started (a readiness success
// on a restarted instance whose carried started flag its startup worker
// has just taken back): the sync's generation follows at once, and the
// model does not publish that transient.
func (m *Model) patchStatusIf(idle bool) {
	patches := m.patches
	m.patches = m.patches[:0]
	if !m.hasStatus || m.removed {
		return
	}
	var st *v1.PodStatus
	changed := false
	var startedSet []int
	for _, pt := range patches {
		if pt.inst < 0 || m.shown[pt.i].inst != pt.inst {
			continue // findContainerStatus finds no status with that ID
		}
		if st == nil {
			st = m.status.DeepCopy()
		}
		cs := m.statusOf(st, pt.i)
		if pt.p == pStartup {
			if isTrue(cs.Started) == pt.ok {
				continue
			}
			cs.Started = boolp(pt.ok)
			startedSet = append(startedSet, pt.i)
			changed = true
			continue
		}
		if cs.Ready == pt.ok {
			continue
		}
		cs.Ready = pt.ok
		cr := ContainersReadyCondition(m.pod, st.InitContainerStatuses, st.ContainerStatuses, st.Phase)
		off := len(st.Conditions) - conditionCount
		st.Conditions[off+3] = m.condAt(3, cr)
		// SetContainerReadiness reads the gates in the status manager's
		// copy: those of its last generation (gates.go).
		st.Conditions[off+2] = m.condAt(2, m.readyCondition(st.Conditions[off+3], m.smConds))
		changed = true
	}
	if !changed || StatusEqual(st, &m.status) {
		return // (a startup result set twice: no change in the end)
	}
	if idle && readyNotStarted(st) {
		return
	}
	for _, i := range startedSet {
		m.ctrs[i].shownStarted = isTrue(m.statusOf(st, i).Started)
	}
	m.setStatus(st)
	m.reconcileReadiness(false)
	m.patched = true
	m.emit(Action{Kind: ActStatus, Status: st}, Cause{rule: rStatusPatch})
}

// readyNotStarted reports whether st shows a running container ready but
// not started (a regular init container that completed is ready and not
// started, rightly).
func readyNotStarted(st *v1.PodStatus) bool {
	for _, list := range [][]v1.ContainerStatus{st.InitContainerStatuses, st.ContainerStatuses} {
		for i := range list {
			if list[i].Ready && list[i].State.Running != nil && !isTrue(list[i].Started) {
				return true
			}
		}
	}
	return false
}

// statusOf returns container i's status in st.
func (m *Model) statusOf(st *v1.PodStatus, i int) *v1.ContainerStatus {
	if i < m.nInit {
		return &st.InitContainerStatuses[i]
	}
	for k, j := range m.appOrder {
		if j == i {
			return &st.ContainerStatuses[k]
		}
	}
	panic("model: no status for container " + m.ctrs[i].name)
}

// record notes what a status just published shows of each container.
func (m *Model) record() {
	if len(m.shown) != len(m.ctrs) {
		m.shown = make([]shownState, len(m.ctrs))
	}
	for i := range m.ctrs {
		c := &m.ctrs[i]
		s := shownState{inst: c.instances - 1, startedAt: c.startedAt}
		switch {
		case c.instances == 0:
		case c.running && !c.visible:
			// Shown waiting, with the previous instance's ID.
			s.inst = -1
			if c.prev.set {
				s.inst = c.instances - 2
			}
		case c.running:
			s.running = true
		case !c.crashLoop:
			s.terminated, s.exitCode = true, c.cur.exitCode
		}
		if m.terminated {
			// TerminatePod: what was not terminated is now.
			s.running, s.terminated = false, true
		}
		m.shown[i] = s
	}
	for i := range m.status.InitContainerStatuses {
		m.ctrs[i].shownStarted = isTrue(m.status.InitContainerStatuses[i].Started)
	}
	for k, i := range m.appOrder {
		m.ctrs[i].shownStarted = isTrue(m.status.ContainerStatuses[k].Started)
	}
}

func isTrue(b *bool) bool { return b != nil && *b }

// proberTick handles the ticks due now, in container order.
func (m *Model) proberTick() {
	for i := range m.ctrs {
		for p := range m.ctrs[i].probes {
			ps := &m.ctrs[i].probes[p]
			if !ps.alive || ps.nextTick > m.now {
				continue
			}
			period := time.Duration(probePeriod(ps.spec)) * time.Second
			for ps.nextTick <= m.now {
				ps.nextTick += period
			}
			if !ps.pending {
				m.doProbe(i, p, false)
			}
		}
	}
}

// generated is a status generation (generateAPIPodStatus and the status
// manager's SetPodStatus), at the start and at the end of every sync: the
// status is published, and every readiness worker of a running, started
// container that is not ready is asked for a manual run, which it does at
// once, restarting its ticker. r is the status's cause (a status rule).
func (m *Model) generated(r rule) {
	m.publish(r)
	for i := range m.ctrs {
		c := &m.ctrs[i]
		ps := &c.probes[pReadiness]
		if !ps.alive || !c.started() || ps.pending {
			continue
		}
		if r, ok := c.result(pReadiness); ok && r == resSuccess {
			continue
		}
		ps.nextTick = m.now + time.Duration(probePeriod(ps.spec))*time.Second
		ps.tickFrom, ps.tickManual = m.now, true
		m.doProbe(i, pReadiness, true)
	}
}

// doProbe is worker.doProbe: one wake of worker p of container i, on its
// ticker or, if manual, for a status generation's manual run.
func (m *Model) doProbe(i, p int, manual bool) {
	c := &m.ctrs[i]
	ps := &c.probes[p]
	if !m.hasStatus {
		return
	}
	if ph := m.status.Phase; ph == v1.PodSucceeded || ph == v1.PodFailed {
		m.stopWorker(i, p)
		return
	}
	sh := &m.shown[i]
	if sh.inst < 0 {
		return // wait for a status that shows the container
	}
	if sh.inst != ps.seen {
		// A new container ID: the worker starts over with its initial
		// value (the run of equal answers is not reset).
		ps.seen = sh.inst
		ps.resInst = noResult
		m.setResult(i, p, m.initialResult(p))
		ps.onHold = false
	}
	if ps.onHold {
		return
	}
	if !sh.running {
		m.setResult(i, p, resFailure)
		keep := !sh.terminated || m.restartsAfter(c, sh.exitCode)
		if !keep {
			m.stopWorker(i, p)
		}
		return
	}
	// doProbe's "Graceful shutdown of the pod" branch (liveness and
	// startup set success and stop once w.pod has a deletion timestamp)
	// never runs: w.pod is the copy of the pod the worker was created
	// with (AddPod, from the first SyncPod), and the kubelet's config
	// hands out deep copies (pkg/kubelet/config/config.go copyPods), so a
	// later delete never reaches it. A sidecar's liveness and startup
	// workers, which StopLivenessAndStartup leaves alone, go on probing
	// through the termination; so do an app container's until
	// SyncTerminatingPod stops them.
	// The status manager's copy has the start in whole seconds
	// (normalizeStatus in status_manager.go truncates its timestamps).
	if int32((m.now - sh.startedAt.Truncate(time.Second)).Seconds()) < ps.spec.InitialDelaySeconds {
		return
	}
	if c.shownStarted == (p == pStartup) && !(p == pReadiness && m.mut(MutReadinessBeforeStartup)) {
		return // startup runs until started; the others only after
	}
	if !c.running || c.instances-1 != sh.inst {
		// The status is behind: the runtime refuses to exec in a
		// container that has exited, and the worker drops the error.
		return
	}
	if m.probeCtxDone && ps.spec.Exec != nil {
		// The exec runs on the cancelled pod worker's context: it errors
		// and doProbe throws the result away (see inDelete).
		return
	}
	ps.pending = true
	ps.askManual = manual
}

// probeCause is the cause of the answer success to the pending probe p of
// ps: the tick or manual run that asked it, and the run of equal answers
// it makes when a threshold above 1 counts them.
func (m *Model) probeCause(ps *probeState, p int, success bool) Cause {
	why := Cause{rule: rProbeTick, k: uint8(p), a: time.Duration(probePeriod(ps.spec)) * time.Second, b: ps.tickFrom}
	if ps.tickManual {
		why.f |= 1
	}
	if ps.askManual {
		why.rule, why.a = rProbeManual, m.now
	}
	thr := probeFailureThreshold(ps.spec)
	if success {
		why.f |= 2
		thr = probeSuccessThreshold(ps.spec)
	}
	if thr > 1 {
		why.n, why.c = 1, time.Duration(thr)
		if ps.run > 0 && ps.last == success {
			why.n = ps.run + 1
		}
	}
	return why
}

// restartsAfter is the worker's keep-going rule for a terminated container
// (ContainerShouldRestart with the ContainerRestartRules gate on).
func (m *Model) restartsAfter(c *cstate, code int32) bool {
	if m.restartRules {
		return containerShouldRestart(c.spec, &m.pod.Spec, code)
	}
	switch m.pod.Spec.RestartPolicy {
	case v1.RestartPolicyNever:
		return c.kind == kindSidecar
	case v1.RestartPolicyOnFailure:
		return code != 0 || c.kind == kindSidecar
	}
	return true
}

// answered is a probe's answer reaching worker p of container i: runs of
// equal answers count against the thresholds, and a result is set once
// one is reached.
func (m *Model) answered(i, p int, success bool) {
	c := &m.ctrs[i]
	ps := &c.probes[p]
	if ps.run > 0 && ps.last == success {
		ps.run++
	} else {
		ps.last, ps.run = success, 1
	}
	ft := probeFailureThreshold(ps.spec)
	if p == pLiveness && m.mut(MutLivenessEarly) && ft > 1 {
		ft--
	}
	if (!success && ps.run < ft) || (success && ps.run < probeSuccessThreshold(ps.spec)) {
		return
	}
	res := resFailure
	if success {
		res = resSuccess
	}
	m.setResult(i, p, res)
	if (p == pLiveness && res == resFailure) || p == pStartup {
		ps.onHold, ps.run = true, 0
	}
}
