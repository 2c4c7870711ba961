package properties

import (
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// ckind is a container's role in the pod.
type ckind uint8

const (
	kindInit    ckind = iota // regular init container
	kindSidecar              // init container with restartPolicy Always
	kindApp                  // regular (app) container
)

// probe slots.
const (
	pStartup = iota
	pLiveness
	pReadiness
	nProbes
)

func probeSlot(p model.ProbeType) int {
	switch p {
	case model.Startup:
		return pStartup
	case model.Liveness:
		return pLiveness
	case model.Readiness:
		return pReadiness
	}
	return -1
}

var probeNames = [nProbes]string{"startup", "liveness", "readiness"}

// podInfo is what the spec and the profile say, computed once.
type podInfo struct {
	pod      *v1.Pod
	names    []string
	specs    []*v1.Container
	kinds    []ckind
	probes   [][nProbes]*v1.Probe
	byName   map[string]int // only for large pods; small ones are scanned
	nInit    int
	lastInit int // index of the last init container, -1 if none
	apps     []int
	sidecars []int
	policy   v1.RestartPolicy // defaulted
	tgps     int64
	minGrace int64
	boInit   time.Duration
	boMax    time.Duration
	boReset  time.Duration
	rules    bool          // ContainerRestartRules
	events   []model.Event // the deletes of Context.Events
	// The world's script (Context.Behaviour), per container position; nil
	// when the caller did not give it. slack: Context.Slack.
	beh   []*model.ContainerBehaviour
	slack time.Duration
	block time.Duration // blockMax, once computed (-1: not yet)
}

const scanLimit = 8

func newPodInfo(ctx *Context) *podInfo {
	pi := &podInfo{lastInit: -1, block: -1}
	prof := ctx.Profile
	if prof.BackoffInitial == nil || prof.BackoffMax == nil || prof.BackoffReset == nil || prof.MinimumGracePeriodSeconds == nil || prof.ContainerRestartRules == nil {
		prof = prof.WithDefaults()
	}
	pi.boInit = prof.BackoffInitial.Duration
	pi.boMax = prof.BackoffMax.Duration
	pi.boReset = prof.BackoffReset.Duration
	pi.minGrace = *prof.MinimumGracePeriodSeconds
	pi.rules = *prof.ContainerRestartRules
	pi.tgps = 30
	pi.policy = v1.RestartPolicyAlways
	pi.pod = ctx.Pod
	// The deletes: a readiness gate's condition set by a controller is
	// read from the statuses (ready-needs-gates).
	for _, ev := range ctx.Events {
		if ev.Type == model.EventDelete || ev.Type == model.EventForceDelete {
			pi.events = append(pi.events, ev)
		}
	}
	if ctx.Pod == nil {
		pi.pod = &v1.Pod{}
		return pi
	}
	spec := &ctx.Pod.Spec
	if spec.TerminationGracePeriodSeconds != nil {
		pi.tgps = *spec.TerminationGracePeriodSeconds
	}
	if spec.RestartPolicy != "" {
		pi.policy = spec.RestartPolicy
	}
	n := len(spec.InitContainers) + len(spec.Containers)
	pi.names = make([]string, 0, n)
	pi.specs = make([]*v1.Container, 0, n)
	pi.kinds = make([]ckind, 0, n)
	pi.probes = make([][nProbes]*v1.Probe, 0, n)
	add := func(c *v1.Container, k ckind) {
		i := len(pi.names)
		pi.names = append(pi.names, c.Name)
		pi.specs = append(pi.specs, c)
		pi.kinds = append(pi.kinds, k)
		var pr [nProbes]*v1.Probe
		if k != kindInit {
			pr = [nProbes]*v1.Probe{c.StartupProbe, c.LivenessProbe, c.ReadinessProbe}
		}
		pi.probes = append(pi.probes, pr)
		switch k {
		case kindApp:
			pi.apps = append(pi.apps, i)
		case kindSidecar:
			pi.sidecars = append(pi.sidecars, i)
		}
	}
	for i := range spec.InitContainers {
		k := kindInit
		if model.IsSidecar(&spec.InitContainers[i]) {
			k = kindSidecar
		}
		add(&spec.InitContainers[i], k)
	}
	pi.nInit = len(spec.InitContainers)
	pi.lastInit = pi.nInit - 1
	for i := range spec.Containers {
		add(&spec.Containers[i], kindApp)
	}
	pi.slack = max(ctx.Slack, 0)
	if ctx.Behaviour != nil {
		pi.beh = make([]*model.ContainerBehaviour, n)
		for i, name := range pi.names {
			if b, ok := ctx.Behaviour.Containers[name]; ok {
				pi.beh[i] = &b
			}
		}
	}
	if n > scanLimit {
		pi.byName = make(map[string]int, n)
		for i := len(pi.names) - 1; i >= 0; i-- {
			pi.byName[pi.names[i]] = i
		}
	}
	return pi
}

// idx returns the position of the container named name, or -1.
func (pi *podInfo) idx(name string) int {
	if pi.byName != nil {
		if i, ok := pi.byName[name]; ok {
			return i
		}
		return -1
	}
	for i, n := range pi.names {
		if n == name {
			return i
		}
	}
	return -1
}

func (pi *podInfo) hasPreStop(i int) bool {
	l := pi.specs[i].Lifecycle
	return l != nil && l.PreStop != nil
}

func (pi *podInfo) hasPostStart(i int) bool {
	l := pi.specs[i].Lifecycle
	return l != nil && l.PostStart != nil
}

// ownPolicy reports whether app container i's own restartPolicy applies
// (ContainerRestartRules on and the field set).
func (pi *podInfo) ownPolicy(i int) bool {
	return pi.kinds[i] == kindApp && pi.rules && pi.specs[i].RestartPolicy != nil
}

// shouldRestart mirrors podutil.ContainerShouldRestart (pkg/api/v1/pod) for
// an exited app container, or the pod policy without ContainerRestartRules
// (ShouldContainerBeRestarted, pkg/kubelet/container/helpers.go).
func (pi *podInfo) shouldRestart(i int, code int32) bool {
	c := pi.specs[i]
	if pi.ownPolicy(i) {
		for k := range c.RestartPolicyRules {
			r := &c.RestartPolicyRules[k]
			if r.ExitCodes == nil {
				continue
			}
			in := false
			for _, v := range r.ExitCodes.Values {
				if v == code {
					in = true
				}
			}
			match := (r.ExitCodes.Operator == v1.ContainerRestartRuleOnExitCodesOpIn && in) ||
				(r.ExitCodes.Operator == v1.ContainerRestartRuleOnExitCodesOpNotIn && !in)
			if match {
				if r.Action == v1.ContainerRestartRuleActionRestart || r.Action == v1.ContainerRestartRuleActionRestartAllContainers {
					return true
				}
				break
			}
		}
		switch *c.RestartPolicy {
		case v1.ContainerRestartPolicyAlways:
			return true
		case v1.ContainerRestartPolicyOnFailure:
			return code != 0
		case v1.ContainerRestartPolicyNever:
			return false
		}
	}
	switch pi.policy {
	case v1.RestartPolicyNever:
		return false
	case v1.RestartPolicyOnFailure:
		return code != 0
	}
	return true
}

// restartPlanned says whether a probe kill of container i is planned
// together with its restart (computePodActions: sidecars always; app
// containers unless their policy, own or the pod's, is Never).
func (pi *podInfo) restartPlanned(i int) bool {
	switch pi.kinds[i] {
	case kindSidecar:
		return true
	case kindApp:
		if pi.ownPolicy(i) {
			return *pi.specs[i].RestartPolicy != v1.ContainerRestartPolicyNever
		}
		return pi.policy != v1.RestartPolicyNever
	}
	return false
}

func periodOf(p *v1.Probe) time.Duration {
	if p.PeriodSeconds <= 0 {
		return 10 * time.Second
	}
	return time.Duration(p.PeriodSeconds) * time.Second
}

func failureThreshold(p *v1.Probe) int32 {
	if p.FailureThreshold <= 0 {
		return 3
	}
	return p.FailureThreshold
}

// probeTimeout is how long after its start a probe may answer.
func probeTimeout(p *v1.Probe) time.Duration {
	if p.TimeoutSeconds <= 0 {
		return time.Second
	}
	return sec(int64(p.TimeoutSeconds))
}

func successThreshold(p *v1.Probe) int32 {
	if p.SuccessThreshold <= 0 {
		return 1
	}
	return p.SuccessThreshold
}

func sec(n int64) time.Duration { return time.Duration(n) * time.Second }

// wholeSec is the whole seconds in d >= 0, as the kubelet truncates.
func wholeSec(d time.Duration) int64 {
	if d < 0 {
		return 0
	}
	return int64(d / time.Second)
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// Kill reasons, as far as the trace can tell them apart.
const (
	killNone      uint8 = iota
	killDelete          // the kill began at or after the first delete
	killPostStart       // the instance's postStart failed
	killLiveness        // liveness failureThreshold reached
	killStartup         // startup failureThreshold reached
	killPod             // none of the above: the pod is terminating (KillPod)
)

// kill stages (killContainer in kuberuntime_container.go).
const (
	ksNone    uint8 = iota
	ksPre           // preStop running, bounded by the stage's grace
	ksWait          // an ordered sidecar waiting for its turn
	ksPending       // StopContainer due now
	ksStop          // StopContainer sent; SIGKILL due at sigkillAt
)

// killSim reconstructs killContainer's stages for one instance from the
// trace: the stage's start and its grace (up to two candidates where the
// trace cannot tell which grace applied).
type killSim struct {
	stage     uint8
	ordered   bool
	unsure    bool
	ss        time.Duration
	ng        int
	g         [2]int64
	sigkillAt time.Duration
	preDl     time.Duration // the preStop stage's deadline when it ended (latest candidate)
	waitDl    time.Duration // an ordered sidecar's wait deadline, once known
}

// bo is the crash-loop back-off entry of one container as the trace shows
// it (client-go flowcontrol.Backoff, doBackOff in kuberuntime_manager.go).
type bo struct {
	known bool // has, d and lu are known
	has   bool
	d     time.Duration
	lu    time.Duration // lastUpdate: the last start that consulted the entry
	// the restart pending after an exit
	pend    bool
	ft      time.Duration // the exit's finishedAt
	tp      time.Duration // the exit before it
	tpHas   bool
	snap    uint8 // snapFT, snapTP, snapUnsure
	due     bool  // the restart policy calls for a restart (ContainerShouldRestart)
	planned bool  // a restart was planned with a probe kill (it holds unless refused)
	refused bool  // a BackOff since the exit
	late    bool  // the restart may be later than the earliest time (worker busy or start gated)
	free    bool  // the worker has been free and the start not gated since freeAt
	freeAt  time.Duration
	reset   bool // the last restart reset the delay
}

const (
	snapFT     uint8 = iota // doBackOff reads the exit's finishedAt
	snapTP                  // the same sync as a probe kill: the previous exit's, or none
	snapUnsure              // the trace cannot tell
)

// cst is what the trace has shown of one container and its current
// instance.
type cst struct {
	starts int // instances started
	// cur: the attempt number of the current (or last) instance; base:
	// the instances started before the current sandbox; purged: a
	// sandbox re-creation removed this init container's instances, so
	// its next attempt may be numbered 0 again (startContainer counts
	// from the runtime's newest instance); wasPurged: that happened once.
	cur       int
	base      int
	purged    bool
	wasPurged bool
	running   bool
	startedAt time.Duration
	exits     int
	exitAt    time.Duration
	exitCode  int32
	prevExit  time.Duration // the exit before the last one
	prevHas   bool

	psOpen, psDone, psFailed bool
	psRan                    bool
	preOpen, preRan          bool
	preAt, preEnd            time.Duration
	stopped                  bool // a StopSignal was sent to this instance
	stopAt                   time.Duration
	stopT                    int64
	killing                  bool
	killAt                   time.Duration
	killN                    int   // the action that began the kill (tracker.n)
	reason                   uint8 // kill reason of the current instance
	lastReason               uint8 // kill reason of the last exited instance (killNone: it exited on its own)
	dueAtExit                bool  // the last exited instance had a probe kill due but not begun

	startupOK      bool
	fails          [nProbes]int32 // consecutive failures (startup, liveness), across instances
	due            [nProbes]bool  // failureThreshold reached
	dueAt          [nProbes]time.Duration
	rdyRun         int32
	rdyLast, rdyOK bool
	probeN         [nProbes]int32
	probeAt        [nProbes]time.Duration
	boEnd          time.Duration // end of the last BackOff since the last start
	boSeen         bool
	boFresh        bool // that BackOff counts from the latest exit
	ks             killSim
	bo             bo
	wasStarted     bool // started at some time (sidecar gating)
	// shownStarted: the last Status shows the container started=true.
	// carried: the current instance started while it did, and its startup
	// worker has not yet shown that it follows the new instance. With the
	// ChangeContainerStatusOnKubeletRestart gate off (the default since
	// 1.35), convertToAPIContainerStatuses copies the old status's started
	// flag onto the new instance, and isContainerStarted believes it until
	// the startup worker, on a tick the trace does not show, sets a result
	// for the new container ID; until then the prober's other workers see
	// the instance as started too.
	shownStarted, carried bool
	// wasCarried: the current instance was carried until carryEnd; a
	// probe its worker began before then may answer up to its timeout
	// later.
	wasCarried bool
	carryEnd   time.Duration
	lossBusy   bool // the worker was busy since it stopped being started
	okUnshown  bool // a startup success no Status has shown yet (a patch the trace may show only later, with a later generation)
}

// tracker is the shared view of a trace: per container state indexed by
// position, and the pod-level facts. Rules read it; only update writes it.
type tracker struct {
	pi *podInfo
	c  []cst

	n   int // actions seen
	now time.Duration
	// busyAt: the last instant the pod worker was seen busy (busySeen:
	// it was): a sync blocked then runs to its end in that instant.
	busyAt   time.Duration
	busySeen bool
	ci       int   // position of the current action's container, -1 if none (set by prepare)
	kb       kmask // the current action's kind bit (set by prepare)
	// for a Status action (set by prepare): the spec position of each init
	// container status, then of each container status (-1: no such container)
	stIdx []int
	stFor *v1.PodStatus
	// patched: for a patch (kb is kPatch), the spec positions whose ready
	// or started flag it changed
	patched    []uint8
	deleted    bool
	delAt      time.Duration // first delete
	firstGrace int64
	grace      int64         // effective grace after the last delete
	deadline   time.Duration // min over deletes of At + Grace
	// The pod worker's termination of the deleted pod (SyncTerminatingPod's
	// KillPod). It begins at the first delete, unless a sync was in progress
	// then (deferred: the worker blocked in a postStart hook or a kill),
	// which runs to its end first (syncFlight); it gets the grace period in
	// force when it begins, which later deletes do not change
	// (kubernetes#127339).
	deferred   bool
	syncFlight inFlight
	termBegun  bool
	termAt     time.Duration
	termGrace  int64
	forced     bool
	removed    bool
	sandboxUp  bool
	sandboxes  int // SandboxCreated actions so far
	// sandboxSeen: the trace reports sandbox actions; when it does not
	// (runs alone), a new sandbox is inferred from the runs (inferSandbox).
	sandboxSeen bool
	// killPodAt: when SyncPod's own KillPod last stopped the sandbox of a
	// pod neither deleted nor terminal (killPod: it did).
	killPod    bool
	killPodAt  time.Duration
	status     *v1.PodStatus // the last Status
	terminal   bool
	initFailed bool // a regular init container exited non-zero
	appStarted bool
	ending     bool // the pod's own termination (KillPod) is due, before any delete
	endingAt   time.Duration
	endingN    int // the action after which it became due (tracker.n)
	// startsMayFollow: the sync in progress at the first delete may still
	// start containers (see onDelete).
	startsMayFollow bool

	// termMay: a kill that looked like a probe kill came after the first
	// delete, before the termination began in the tracker's view (at
	// termMayAt, with the grace termMayGrace in force then): it may have
	// been the termination's first kill (inSyncProbeKill). termAltDl: the
	// termination's deadline had it begun then, if the trace cannot rule
	// that out.
	termMay      bool
	termMayAt    time.Duration
	termMayGrace int64
	termAltDl    time.Duration
}

func newTracker(ctx *Context) *tracker {
	pi := newPodInfo(ctx)
	t := &tracker{pi: pi, c: make([]cst, len(pi.names))}
	for i := range t.c {
		t.c[i].bo.known = true
	}
	return t
}

// started mirrors the kubelet's "started": running, postStart done, and the
// startup probe (if any) succeeded.
func (t *tracker) started(i int) bool {
	c := &t.c[i]
	return c.running && c.psDone && (t.pi.probes[i][pStartup] == nil || c.startupOK)
}

// startedUnsure reports whether the started flag of container i may be
// either value: while it may be carried over from the last instance (see
// cst.carried); once the pod terminates, the prober stops the startup
// workers (StopLivenessAndStartup, or a sidecar's worker on its next tick
// after the deletion), and with no worker and no result the kubelet
// counts a running container as started (prober_manager.go
// isContainerStarted). The tick is not in the trace.
func (t *tracker) startedUnsure(i int) bool {
	c := &t.c[i]
	return c.running && c.psDone && t.pi.probes[i][pStartup] != nil && !c.startupOK && (t.deleted || t.ending || c.carried)
}

// readyUnsure reports whether the ready flag of container i may be either
// value: its started flag is unsure, or the pod's phase is terminal, after
// which the readiness worker stops on its next tick and, with no worker,
// a running container counts as ready (UpdatePodStatus).
func (t *tracker) readyUnsure(i int) bool {
	if t.startedUnsure(i) {
		return true
	}
	return t.c[i].running && t.pi.probes[i][pReadiness] != nil && t.terminal
}

// ready: started and readiness succeeded (or no readiness probe).
func (t *tracker) ready(i int) bool {
	return t.started(i) && (t.pi.probes[i][pReadiness] == nil || t.c[i].rdyOK)
}

// busy reports whether the pod worker is blocked in a hook or a kill: some
// container runs a hook or waits for SIGKILL.
func (t *tracker) busy() bool {
	for i := range t.c {
		c := &t.c[i]
		// A hook holds the pod worker until it returns, even once its
		// container has exited (a postStart hook then fails, a preStop
		// hook is abandoned).
		if c.psOpen || c.preOpen || c.running && c.stopped {
			return true
		}
	}
	return false
}

// plannedBusy reports whether the pod worker, with the pod ending on its
// own, is blocked in the plan of a sync that began before that: a postStart
// hook (the pod's own KillPod starts nothing), or a kill begun by an action
// before the one that made the pod end (ending, endingN). A kill begun
// since, or the probe kill without restart that itself ends the pod, is the
// KillPod's (computePodActions), which starts nothing.
func (t *tracker) plannedBusy() bool {
	for i := range t.c {
		c := &t.c[i]
		if c.psOpen || (c.preOpen || c.running && c.stopped) && c.killing && c.killN < t.endingN {
			return true
		}
	}
	return false
}

func (t *tracker) anyAppRunning() bool {
	for _, i := range t.pi.apps {
		if t.c[i].running {
			return true
		}
	}
	return false
}

// gatedApps reports whether app containers cannot start now because the pod
// is not initialized: no app runs and the last init container is a sidecar
// that has not started (computeInitContainerActions' podHasInitialized).
func (t *tracker) gatedApps() bool {
	if t.anyAppRunning() {
		return false
	}
	l := t.pi.lastInit
	if l >= 0 && t.pi.kinds[l] == kindSidecar && !t.started(l) {
		return true
	}
	return t.sandboxes > 1 && t.reinitializing()
}

// reinitializing reports whether a sandbox re-created after SyncPod's own
// KillPod is still initializing: podHasInitialized (computePodActions)
// counts only the new sandbox's instances, so the app containers wait
// until every init container has run in it again (initPending, with a
// sidecar's start counted only in the new sandbox).
func (t *tracker) reinitializing() bool {
	for j := 0; j < t.pi.nInit; j++ {
		if t.c[j].here() == 0 {
			return true
		}
	}
	_, pending := t.initPending()
	return pending
}

// killReason classifies a kill of container i beginning now. Before the
// termination of a deleted pod begins, a kill may still come from the sync
// in progress at the delete (a failed postStart, a planned probe kill).
func (t *tracker) killReason(i int) uint8 {
	c := &t.c[i]
	switch {
	case t.termBegun:
		return killDelete
	case c.psFailed:
		return killPostStart
	case c.due[pStartup] && t.pi.kinds[i] == kindSidecar:
		// computeInitContainerActions (kuberuntime_container.go) reads a
		// sidecar's startup result first and its liveness only once the
		// startup probe succeeded.
		return killStartup
	case c.due[pLiveness]:
		return killLiveness
	case c.due[pStartup]:
		return killStartup
	case t.deleted:
		return killDelete
	}
	return killPod
}

// inSyncProbeKill reports whether a probe kill (reason r) beginning now may
// as well be the termination's: the pod is deleted, its termination has not
// begun, and the sync in progress may or may not have planned the kill (a
// probe that reached its threshold during that sync is left to the
// termination). The trace cannot tell which grace period it gets.
func (t *tracker) inSyncProbeKill(r uint8) bool {
	return t.deleted && !t.termBegun && (r == killLiveness || r == killStartup)
}

// graceCandidates returns the grace periods a kill of container i for
// reason r may use (setTerminationGracePeriod in kuberuntime_container.go):
// the probe's terminationGracePeriodSeconds for its kill, the pod's
// otherwise; a probe kill without a planned restart may be part of a KillPod
// and use the pod's.
func (t *tracker) graceCandidates(i int, r uint8) (g [2]int64, n int) {
	pi := t.pi
	switch r {
	case killDelete:
		// The pod worker gives KillPod at least 1 s (pod_workers.go
		// calculateEffectiveGracePeriod), a force delete's 0 included.
		return [2]int64{max64(t.grace, 1)}, 1
	case killLiveness, killStartup:
		slot := pLiveness
		if r == killStartup {
			slot = pStartup
		}
		own := pi.tgps
		if p := pi.probes[i][slot]; p != nil && p.TerminationGracePeriodSeconds != nil {
			own = *p.TerminationGracePeriodSeconds
		}
		g[0], n = own, 1
		alsoPod := (pi.kinds[i] == kindApp && !pi.restartPlanned(i)) || (pi.kinds[i] == kindSidecar && t.mayKillPod())
		// A pod that ends by itself gets no grace override: KillPod
		// (SyncPod's, or the SyncTerminatingPod completeSync queues) passes
		// none, so killContainer takes the pod's own grace period, without
		// the pod worker's floor of 1 s (docs/upstream-differences.md 2.20).
		if pod := pi.tgps; alsoPod && own != pod {
			g[1], n = pod, 2
		}
		return g, n
	}
	if pi.tgps < 1 {
		// Part of the pod's termination, where the pod worker's floor of
		// 1 s applies, or a kill within a sync, where it does not.
		return [2]int64{pi.tgps, 1}, 2
	}
	return [2]int64{pi.tgps}, 1
}

// mayKillPod reports whether the kubelet may be terminating the pod on its
// own now (KillPod): a regular init container failed under Never, or no app
// container runs except those being killed or due for a probe kill without
// restart. A sidecar killed then is killed by the KillPod, ordered and with
// the pod's grace.
func (t *tracker) mayKillPod() bool {
	if t.ending || (t.pi.policy == v1.RestartPolicyNever && t.initFailed) {
		return true
	}
	if !t.appStarted {
		return false
	}
	for _, j := range t.pi.apps {
		c := &t.c[j]
		if c.running && !c.killing && !((c.due[pLiveness] || c.due[pStartup]) && !t.pi.restartPlanned(j)) {
			return false
		}
	}
	return true
}

// silentKillPod reports whether a kill of sidecar i for reason r, first seen
// now, may belong to a KillPod that began earlier, unseen (the sidecar
// waited for its turn without an action in the trace).
func (t *tracker) silentKillPod(i int, r uint8) bool {
	return t.pi.kinds[i] == kindSidecar && (r == killPod || ((r == killLiveness || r == killStartup) && t.mayKillPod()))
}

// graceSurelyPositive reports whether every grace candidate of the current kill
// of container i is positive (so preStop must run).
func (t *tracker) graceSurelyPositive(i int) (bool, bool) {
	c := &t.c[i]
	if !c.killing {
		return false, false
	}
	if c.reason == killDelete {
		// Every delete kill begins with the termination, with its grace.
		return t.termGrace > 0, true
	}
	g, n := t.graceCandidates(i, c.reason)
	for k := 0; k < n; k++ {
		if g[k] <= 0 {
			return false, true
		}
	}
	return true, true
}

// beginKill records that container i's current instance is being killed
// from now.
func (t *tracker) beginKill(i int, ordered bool) {
	c := &t.c[i]
	if c.killing {
		return
	}
	c.killing, c.killAt, c.killN = true, t.now, t.n
	c.reason = t.killReason(i)
	ks := &c.ks
	ks.ordered = ordered
	if t.silentKillPod(i, c.reason) || t.inSyncProbeKill(c.reason) {
		// A KillPod orders sidecars, but its start is not in the trace; or
		// the kill may be the sync's or the termination's.
		ks.unsure = true
	}
	if t.inSyncProbeKill(c.reason) && !t.termMay {
		t.termMay, t.termMayAt, t.termMayGrace = true, t.now, t.grace
	}
	ks.g, ks.ng = t.graceCandidates(i, c.reason)
	ks.ss = t.now
	ks.stage = ksPending
	if t.pi.hasPreStop(i) && ks.g[0] > 0 && (ks.ng == 1 || ks.g[1] > 0) {
		ks.stage = ksPre
	} else if ordered && ks.g[0] > 0 {
		ks.stage = ksWait
		ks.waitDl = t.now + sec(ks.g[0])
	}
}

// expectedStop returns the StopContainer timeouts the kill of container i
// allows for a StopSignal at time at: max(minimum, grace - whole seconds
// used in the stage). known is false when the trace cannot tell.
func (t *tracker) expectedStop(i int, at time.Duration) (vals [2]int64, n int, known bool) {
	c := &t.c[i]
	ks := &c.ks
	if !c.killing {
		// The kill begins with this StopSignal.
		r := t.killReason(i)
		if t.silentKillPod(i, r) || t.inSyncProbeKill(r) || (r == killDelete && t.termMayHaveBegun()) {
			return vals, 0, false
		}
		g, n := t.graceCandidates(i, r)
		for k := 0; k < n; k++ {
			vals[k] = max64(t.pi.minGrace, g[k])
		}
		return vals, n, true
	}
	if ks.unsure {
		return vals, 0, false
	}
	if ks.stage == ksStop {
		return vals, 0, false
	}
	used := wholeSec(at - ks.ss)
	for k := 0; k < ks.ng; k++ {
		vals[k] = max64(t.pi.minGrace, ks.g[k]-used)
	}
	return vals, ks.ng, true
}

func (t *tracker) resetInstance(c *cst) {
	c.psOpen, c.psDone, c.psFailed, c.psRan = false, true, false, false
	c.preOpen, c.preRan = false, false
	c.stopped, c.killing, c.reason = false, false, killNone
	c.startupOK = false
	// A prober worker's run of equal answers goes on across instances
	// (worker.go resets it only when it sets a liveness failure or a
	// startup result), so fails and rdyRun are not reset here.
	c.due = [nProbes]bool{}
	c.rdyOK = false
	c.probeN = [nProbes]int32{}
	c.ks = killSim{}
	c.boSeen = false
}

// prepare looks up what every rule needs about action a, once. It first
// brings the termination up to a.At (catchUp).
func (t *tracker) prepare(a *model.Action) {
	t.catchUp(a.At)
	t.kb = kindBit(a.Kind)
	t.ci = -1
	if t.kb&kContainer != 0 {
		t.ci = t.pi.idx(a.Container)
	}
	if a.Kind == model.ActContainerStarted && !t.sandboxSeen {
		t.inferSandbox(a)
	}
	if t.kb == kStatus && a.Status != nil {
		t.stIdx, t.stFor = t.stIdx[:0], a.Status
		for k := range a.Status.InitContainerStatuses {
			t.stIdx = append(t.stIdx, t.pi.idx(a.Status.InitContainerStatuses[k].Name))
		}
		for k := range a.Status.ContainerStatuses {
			t.stIdx = append(t.stIdx, t.pi.idx(a.Status.ContainerStatuses[k].Name))
		}
		var patch bool
		if t.patched, patch = t.patchOf(t.status, a.Status, t.patched); patch {
			t.kb = kPatch
		}
	}
}

// statusIdx returns the spec position of the k-th status of st (init
// statuses first), using prepare's lookups when st is the current action's.
func (t *tracker) statusIdx(st *v1.PodStatus, k int) int {
	if st == t.stFor && k < len(t.stIdx) {
		return t.stIdx[k]
	}
	n := len(st.InitContainerStatuses)
	if k < n {
		return t.pi.idx(st.InitContainerStatuses[k].Name)
	}
	return t.pi.idx(st.ContainerStatuses[k-n].Name)
}

// update applies action a (after prepare).
func (t *tracker) update(a *model.Action) {
	t.n++
	t.now = a.At
	switch a.Kind {
	case model.ActSandboxCreated:
		t.sandboxSeen = true
		t.sandboxUp = true
		t.sandboxes++
		if t.sandboxes > 1 {
			t.recreated()
		}
	case model.ActSandboxStopped:
		t.sandboxUp = false
		if !t.deleted && !t.terminal {
			t.killPod, t.killPodAt = true, a.At
		}
	case model.ActPodRemoved:
		t.removed = true
	case model.ActStatus:
		if a.Status != nil {
			t.status = a.Status
			t.noteStarted(a.Status)
			if a.Status.Phase == v1.PodSucceeded || a.Status.Phase == v1.PodFailed {
				t.terminal = true
			}
		}
	case model.ActDeleteRequested:
		t.onDelete(a)
	default:
		i := t.ci
		if i >= 0 {
			t.onContainer(i, a)
		}
	}
	t.afterEach()
}

// noteStarted records the started flag st shows for each container. A
// carried instance shown not started has lost its carried flag for good:
// its startup worker has set a result for it.
func (t *tracker) noteStarted(st *v1.PodStatus) {
	note := func(base int, sts []v1.ContainerStatus) {
		for k := range sts {
			i := t.statusIdx(st, base+k)
			if i < 0 {
				continue
			}
			c := &t.c[i]
			c.shownStarted = sts[k].Started != nil && *sts[k].Started
			c.okUnshown = false
			if !c.shownStarted && sts[k].State.Running != nil {
				t.endCarry(c)
			}
		}
	}
	note(0, st.InitContainerStatuses)
	note(len(st.InitContainerStatuses), st.ContainerStatuses)
}

func (t *tracker) endCarry(c *cst) {
	if c.carried {
		c.carried, c.carryEnd = false, t.now
	}
}

// mayBeCarried reports whether a probe of kind p answering at may have
// been begun while container i's instance was carried.
func (t *tracker) mayBeCarried(i, p int, at time.Duration) bool {
	c := &t.c[i]
	if c.carried {
		return true
	}
	spec := t.pi.probes[i][p]
	return c.wasCarried && spec != nil && at <= c.carryEnd+probeTimeout(spec)
}

func (t *tracker) onDelete(a *model.Action) {
	g := a.Grace
	dl := a.At + sec(g)
	first := !t.deleted
	if first {
		t.deleted, t.delAt, t.firstGrace = true, a.At, g
		t.deadline, t.grace = dl, g
	} else {
		if dl < t.deadline {
			t.deadline = dl
		}
		if g < t.grace {
			t.grace = g
		}
	}
	if a.Force {
		t.forced = true
	}
	if !first {
		// A later delete changes nothing in a kill in progress
		// (SyncTerminatingPod runs KillPod on context.TODO(),
		// kubernetes#127339); a termination that has not begun yet gets
		// the shorter grace period.
		return
	}
	kp, kpAt := t.killPodMayRun()
	if kp {
		for i := range t.c {
			c := &t.c[i]
			if c.running && c.killing && c.reason != killDelete && t.pi.kinds[i] == kindSidecar && !c.stopped && c.ks.stage == ksPending {
				c.ks.unsure = true
			}
		}
	}
	if t.busy() {
		// The pod worker is in a sync (a postStart hook, a kill, the pod's
		// own KillPod): the delete does not cancel it (TODO(#113606) in
		// kubelet.go), and the termination begins when it ends. Whether
		// the pod looks done now does not tell which sync it is: one
		// planned before (a probe kill) runs first, and a KillPod that
		// began goes on though an app container exited since with a code
		// its restart rules would restart.
		t.deferred = true
		// It may still start containers unless it is the pod's own
		// KillPod, which starts nothing: with the pod ending on its own,
		// only a sync planned before it ended (plannedBusy: a restart
		// planned with a liveness kill, for one) does.
		t.startsMayFollow = !t.ending || t.plannedBusy()
		if kp {
			t.joinKillPod(kpAt)
		}
		return
	}
	t.beginTermination()
}

// killPodMayRun reports whether the pod's own KillPod (computePodActions'
// KillPod, run by SyncPod) may be under way or due: the pod looks done, or
// a kill the trace shows as the pod's own still runs. at: when it began, at
// the latest.
func (t *tracker) killPodMayRun() (bool, time.Duration) {
	if t.ending {
		return true, t.endingAt
	}
	found, at := false, time.Duration(0)
	for i := range t.c {
		c := &t.c[i]
		if c.running && c.killing && c.reason == killPod && (!found || c.killAt < at) {
			found, at = true, c.killAt
		}
	}
	return found, at
}

// joinKillPod records that every running sidecar not being killed may wait,
// unseen, for its turn in the pod's own KillPod begun at `at`.
func (t *tracker) joinKillPod(at time.Duration) {
	for i := range t.c {
		if c := &t.c[i]; c.running && !c.killing {
			t.waitInKillPod(i, at)
		}
	}
}

// waitInKillPod records, if container i is a sidecar that would show no
// action while it waits for its turn in the pod's own KillPod begun at `at`
// (with a preStop hook and a positive grace period it would run it), that
// it waits there, unseen, and reports whether it does.
func (t *tracker) waitInKillPod(i int, at time.Duration) bool {
	if t.pi.kinds[i] != kindSidecar || (t.pi.hasPreStop(i) && t.pi.tgps > 0) {
		return false
	}
	c := &t.c[i]
	c.killing, c.killAt, c.reason = true, at, killPod
	c.ks = killSim{ordered: true, unsure: true}
	return true
}

// termMayHaveBegun reports, while the termination has not begun in the
// tracker's view, whether it may have begun unseen with the kill at
// termMayAt (with its grace then, which a later delete may have shortened
// since): every running container that no kill has reached since is a
// sidecar without a preStop hook, which would have waited for its turn
// without an action in the trace.
func (t *tracker) termMayHaveBegun() bool {
	if !t.termMay || t.termBegun || (t.termMayAt == t.now && t.termMayGrace == t.grace) {
		return false
	}
	for i := range t.c {
		c := &t.c[i]
		if c.running && !c.killing && (t.pi.kinds[i] != kindSidecar || t.pi.hasPreStop(i)) {
			return false
		}
	}
	return true
}

// beginTermination records that the pod worker's termination of the deleted
// pod begins now: every running container not already being killed is
// killed, sidecars in order, with the grace period in force now.
func (t *tracker) beginTermination() {
	alt := t.termMayHaveBegun()
	t.termBegun, t.termAt, t.termGrace = true, t.now, t.grace
	if alt {
		// It may have begun with the kill at termMayAt: the sidecars it
		// kills now may have waited since then, with that grace.
		t.termAltDl = t.termMayAt + sec(max64(t.termMayGrace, 1))
	}
	hasSidecar := len(t.pi.sidecars) > 0
	for i := range t.c {
		c := &t.c[i]
		if !c.running || c.killing {
			// A kill in progress goes on with its own grace period.
			continue
		}
		if t.ending && t.waitInKillPod(i, t.endingAt) {
			// The pod's own termination began before the delete: this
			// sidecar waits, unseen, in a KillPod's ordered kill.
			continue
		}
		t.beginKill(i, hasSidecar && t.pi.kinds[i] == kindSidecar)
		if alt {
			c.ks.unsure = true
		}
	}
}

// syncInFlight reports whether the sync in progress at the first delete may
// still act (the termination has not begun).
func (t *tracker) syncInFlight() bool { return t.deferred && !t.termBegun }

// catchUp begins a deferred termination once the trace shows the sync in
// progress at the delete over: an instant before at ended with the pod
// worker free, and the termination began then (t.now is that instant).
func (t *tracker) catchUp(at time.Duration) {
	if t.deferred && !t.termBegun && !t.syncFlight.on(at) {
		t.beginTermination()
	}
}

// killStart begins the kill of container i that its first kill action
// (preStop or stop signal) shows: the sync's, or the termination's, which
// kills every running container at once.
func (t *tracker) killStart(i int) {
	if t.deleted && !t.termBegun && t.killReason(i) == killDelete {
		t.beginTermination()
		return
	}
	t.beginKill(i, false)
}

func (t *tracker) onContainer(i int, a *model.Action) {
	c := &t.c[i]
	pi := t.pi
	switch a.Kind {
	case model.ActContainerStarted:
		t.onStart(i, a)
	case model.ActHookStarted:
		switch a.Hook {
		case model.HookPostStart:
			c.psOpen, c.psDone, c.psRan = true, false, true
		case model.HookPreStop:
			c.preOpen, c.preRan, c.preAt = true, true, a.At
			if !c.killing {
				t.killStart(i)
			}
			ks := &c.ks
			if ks.stage != ksPre && ks.stage != ksStop {
				// A preStop the stage did not expect (a force delete where the
				// kubelet still gives 1 s): bound it by the node's grace.
				ks.stage, ks.ss = ksPre, a.At
				if c.reason == killDelete {
					ks.g, ks.ng = [2]int64{max64(t.termGrace, 1)}, 1
				}
			}
		}
	case model.ActHookEnded:
		switch a.Hook {
		case model.HookPostStart:
			c.psOpen = false
			if a.Result == model.ResultFailed {
				c.psFailed = true
			} else {
				c.psDone = true
			}
		case model.HookPreStop:
			c.preOpen, c.preEnd = false, a.At
			ks := &c.ks
			if ks.stage == ksPre {
				ks.preDl = ks.ss + sec(ks.g[0])
				if ks.ng > 1 && ks.g[1] > ks.g[0] {
					ks.preDl = ks.ss + sec(ks.g[1])
				}
				used := wholeSec(a.At - ks.ss)
				for k := 0; k < ks.ng; k++ {
					ks.g[k] -= used
				}
				ks.ss = a.At
				ks.stage = ksPending
				if ks.ordered && ks.g[0] > 0 {
					ks.stage = ksWait
					ks.waitDl = a.At + sec(ks.g[0])
				}
			}
		}
	case model.ActProbeResult:
		t.onProbe(i, a)
	case model.ActStopSignal:
		if !c.killing {
			t.killStart(i)
		}
		c.stopped, c.stopAt, c.stopT = true, a.At, a.Timeout
		ks := &c.ks
		ks.stage = ksStop
		ks.sigkillAt = a.At + sec(a.Timeout)
	case model.ActContainerExited:
		if pi.kinds[i] == kindSidecar && t.started(i) {
			// It stops being started: a sync planned while it was started
			// (its own probe kill, or another block) may still start what it
			// gates.
			c.lossBusy = c.killing || t.busy() || (t.busySeen && t.busyAt == a.At)
		}
		c.running = false
		if c.exits > 0 {
			c.prevExit, c.prevHas = c.exitAt, true
		}
		c.exits++
		c.exitAt, c.exitCode = a.At, a.ExitCode
		c.lastReason = c.reason
		c.dueAtExit = !c.killing && (c.due[pLiveness] || c.due[pStartup])
		if pi.kinds[i] == kindInit && a.ExitCode != 0 {
			t.initFailed = true
		}
		t.boExit(i)
	case model.ActBackOff:
		c.boEnd, c.boSeen = a.At+a.Wait, true
		c.boFresh = c.exits > 0 && c.boEnd == c.exitAt+a.Delay
		c.bo.refused = true
	}
}

// recreated notes a new sandbox after SyncPod's own KillPod
// (computePodActions' createPodSandbox branch, kuberuntime_manager.go):
// the init containers' instances are purged and initialization begins
// again, in the new sandbox.
func (t *tracker) recreated() {
	for i := range t.c {
		c := &t.c[i]
		c.base = c.starts
		if t.pi.kinds[i] != kindApp && c.starts > 0 {
			c.purged, c.wasPurged = true, true
			// The sync that creates the sandbox reads the back-off from
			// the purged instances, a later one finds none and leaves the
			// entry alone (doBackOff): the trace cannot tell which.
			c.bo.pend = false
		}
	}
}

// inferSandbox infers a new sandbox in a trace that reports no sandbox
// actions (runs alone, as an API client reads them). Only a new sandbox
// lets a regular init container start again after an app container
// started, or a sidecar's instances begin again at 0 (its instances were
// purged): such a start, while no regular init or app container runs, is
// taken as one. Containers running then (sidecars) started in the new
// sandbox. (A trace without sandbox actions cannot tell an init
// container rerun in the same sandbox after every app container exited
// from one in a new sandbox: init-strict-order is weaker there.)
func (t *tracker) inferSandbox(a *model.Action) {
	i := t.ci
	if i < 0 || t.c[i].starts == 0 || t.c[i].running {
		return
	}
	switch t.pi.kinds[i] {
	case kindInit:
		if !t.appStarted {
			return
		}
	case kindSidecar:
		if a.Attempt != 0 {
			return
		}
	default:
		return
	}
	for j := range t.c {
		if t.c[j].running && t.pi.kinds[j] != kindSidecar {
			return
		}
	}
	t.sandboxes++
	t.recreated()
	// A new sandbox comes after every container of the old one was
	// killed: what runs now started in the new one.
	for j := range t.c {
		if c := &t.c[j]; c.running && c.starts > 0 {
			c.base = c.starts - 1
		}
	}
}

// killedByKillPod reports whether a kill that began at `at` belongs to a
// KillPod that stopped the sandbox since: the pod's own termination, even
// when a new sandbox and new instances follow in the same instant.
func (t *tracker) killedByKillPod(at time.Duration) bool {
	return t.killPod && t.killPodAt >= at
}

// here is the number of instances started in the current sandbox.
func (c *cst) here() int { return c.starts - c.base }

func (t *tracker) onStart(i int, a *model.Action) {
	c := &t.c[i]
	t.boStart(i)
	c.starts++
	c.cur, c.purged = a.Attempt, false
	c.running, c.startedAt = true, a.At
	t.resetInstance(c)
	c.carried = (c.shownStarted || c.okUnshown) && t.pi.probes[i][pStartup] != nil
	c.okUnshown = false
	c.wasCarried = c.carried
	if t.pi.kinds[i] == kindApp {
		t.appStarted = true
	}
}

func (t *tracker) onProbe(i int, a *model.Action) {
	c := &t.c[i]
	p := probeSlot(a.Probe)
	if p < 0 {
		return
	}
	c.probeN[p]++
	c.probeAt[p] = a.At
	spec := t.pi.probes[i][p]
	ok := a.Result == model.ResultSuccess
	switch p {
	case pStartup, pLiveness:
		if p == pStartup {
			// The startup worker probes: it follows this instance.
			t.endCarry(c)
		}
		if ok {
			c.fails[p] = 0
			if p == pStartup {
				c.startupOK = true
				c.okUnshown = true
			}
			return
		}
		c.fails[p]++
		if spec != nil && c.fails[p] >= failureThreshold(spec) && !c.due[p] {
			c.due[p], c.dueAt[p] = true, a.At
			c.fails[p] = 0 // the worker holds, and starts counting again
		}
	case pReadiness:
		if c.rdyRun > 0 && c.rdyLast == ok {
			c.rdyRun++
		} else {
			c.rdyLast, c.rdyRun = ok, 1
		}
		if spec == nil {
			return
		}
		if ok && c.rdyRun >= successThreshold(spec) {
			c.rdyOK = true
		} else if !ok && c.rdyRun >= failureThreshold(spec) {
			c.rdyOK = false
		}
	}
}

// afterEach keeps the facts that depend on the whole pod.
func (t *tracker) afterEach() {
	busy := -1
	isBusy := func() bool {
		if busy < 0 {
			busy = 0
			if t.busy() {
				busy = 1
			}
		}
		return busy == 1
	}
	if isBusy() {
		t.busyAt, t.busySeen = t.now, true
	}
	for _, i := range t.pi.sidecars {
		c := &t.c[i]
		s := t.started(i)
		if s {
			c.wasStarted, c.lossBusy = true, false
		} else if c.wasStarted && !c.lossBusy && isBusy() {
			c.lossBusy = true
		}
	}
	for i := range t.c {
		b := &t.c[i].bo
		if !b.pend {
			continue
		}
		if isBusy() || (t.pi.kinds[i] == kindApp && t.gatedApps()) {
			b.late, b.free = true, false
		} else if !b.free {
			b.free, b.freeAt = true, t.now
		}
	}
	if !t.deleted {
		e := t.podEnding()
		if e && !t.ending {
			t.endingAt, t.endingN = t.now, t.n
		}
		t.ending = e
	}
	if t.deferred && !t.termBegun {
		t.syncFlight.after(t.now, isBusy())
	}
}

// podEnding reports whether the kubelet would now terminate the pod on its
// own (computePodActions' KillPod): a failed regular init container under
// restartPolicy Never, or every app container finished for good (exited
// with no restart due, or being killed by a probe without a restart).
func (t *tracker) podEnding() bool {
	if t.terminal {
		return true
	}
	if t.pi.policy == v1.RestartPolicyNever && t.initFailed {
		return true
	}
	if !t.appStarted {
		return false
	}
	for _, i := range t.pi.apps {
		c := &t.c[i]
		switch {
		case c.starts == 0:
			return false
		case c.running:
			if !c.killing || c.reason == killPod || c.reason == killPostStart || t.pi.restartPlanned(i) {
				return false
			}
		default:
			probeKilled := (c.lastReason == killLiveness || c.lastReason == killStartup) && t.pi.restartPlanned(i)
			if probeKilled || c.dueAtExit || t.pi.shouldRestart(i, c.exitCode) {
				return false
			}
		}
	}
	return true
}

// boExit records an exit for the back-off reconstruction.
func (t *tracker) boExit(i int) {
	c := &t.c[i]
	b := &c.bo
	b.pend, b.refused, b.late, b.free = false, false, false, false
	b.ft, b.tp, b.tpHas = c.exitAt, c.prevExit, c.prevHas
	switch c.lastReason {
	case killNone:
		b.pend, b.snap = true, snapFT
		if c.dueAtExit {
			b.snap = snapUnsure
		}
	case killPostStart:
		b.pend, b.snap = true, snapFT
	case killLiveness, killStartup:
		b.pend, b.snap = true, snapFT
		if t.pi.restartPlanned(i) {
			b.snap = snapTP
		}
	}
	if t.pi.kinds[i] == kindInit && c.exitCode == 0 {
		b.pend = false
	}
	b.due, b.planned = false, false
	if b.pend {
		switch t.pi.kinds[i] {
		case kindSidecar:
			b.due = true
		case kindInit:
			b.due = c.exitCode != 0 && t.pi.policy != v1.RestartPolicyNever
		case kindApp:
			// A restart planned with a probe kill happens in that sync
			// unless the back-off refuses it; later syncs decide by the
			// exit code.
			// (A kill that was due but had not begun when the container
			// exited may never have been planned: not counted.)
			b.planned = (c.lastReason == killLiveness || c.lastReason == killStartup) && t.pi.restartPlanned(i)
			b.due = t.pi.shouldRestart(i, c.exitCode)
		}
	}
}

// boSnapshot returns the finishedAt doBackOff reads for a start or refusal
// of container i now: ok false if the trace cannot tell, has false if there
// is none (no back-off consulted).
func (t *tracker) boSnapshot(i int) (snap time.Duration, has, ok bool) {
	b := &t.c[i].bo
	switch {
	case !b.pend || b.snap == snapUnsure:
		return 0, false, false
	case b.snap == snapTP && !b.refused:
		return b.tp, b.tpHas, true
	}
	return b.ft, true, true
}

// boExpect is what the reconstructed back-off says about container i's
// restart: ok false if it cannot say. inBackoff: a start now would be
// refused; until: when the back-off ends; earliest: when the restart is due
// if the worker is free; reset: the expiry rule applies.
type boExpect struct {
	ok        bool
	snapHas   bool
	snap      time.Duration
	reset     bool
	inBackoff bool
	until     time.Duration
	earliest  time.Duration
	d         time.Duration
	has       bool
}

func (t *tracker) boExpectAt(i int, now time.Duration) boExpect {
	b := &t.c[i].bo
	snap, has, ok := t.boSnapshot(i)
	if !ok || !b.known {
		return boExpect{}
	}
	e := boExpect{ok: true, snapHas: has, snap: snap, d: b.d, has: b.has, earliest: b.ft}
	if !has {
		return e
	}
	e.reset = b.has && snap-b.lu > t.pi.boReset
	if b.has && !e.reset {
		e.until = snap + b.d
		e.inBackoff = now-snap < b.d
		if b.snap == snapFT || b.refused {
			if e.until > e.earliest {
				e.earliest = e.until
			}
		}
	}
	return e
}

// boStart updates the back-off entry for a start of container i now.
func (t *tracker) boStart(i int) {
	c := &t.c[i]
	b := &c.bo
	pi := t.pi
	b.reset = false
	if c.starts == 0 {
		b.pend = false
		return
	}
	snap, has, ok := t.boSnapshot(i)
	pend := b.pend
	b.pend = false
	if !pend || !ok {
		// A start the trace cannot explain, or whose snapshot is unknown:
		// the entry is unknown until the expiry rule makes it known again.
		// Meanwhile lu holds the last start, an upper bound of lastUpdate.
		b.known, b.lu = false, t.now
		return
	}
	if !b.known {
		if has && snap-b.lu > pi.boReset {
			b.known, b.has, b.d = true, true, pi.boInit
		}
		b.lu = t.now
		return
	}
	if has {
		if !b.has || snap-b.lu > pi.boReset {
			b.reset = b.has
			b.d = pi.boInit
		} else {
			b.d *= 2
			if b.d > pi.boMax {
				b.d = pi.boMax
			}
		}
		b.has, b.lu = true, t.now
	}
}
