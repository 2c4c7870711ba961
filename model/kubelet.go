package model

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ckind is a container's role in the pod.
type ckind uint8

const (
	kindInit    ckind = iota // regular init container
	kindSidecar              // init container with restartPolicy Always
	kindApp                  // regular (app) container
)

// probe slots, indexes into cstate.probes and probeTypes.
const (
	pStartup = iota
	pLiveness
	pReadiness
	nProbes
)

var probeTypes = [nProbes]ProbeType{Startup, Liveness, Readiness}

// probe results as the kubelet's results managers hold them.
const (
	resUnknown int8 = 0
	resSuccess int8 = 1
	resFailure int8 = -1
)

// probeState mirrors one prober worker (pkg/kubelet/prober/worker.go) and
// its entry in the results manager (see prober.go).
//
// The small fields come first, packed, so that the model's loops over its
// containers touch as little memory as they can.
type probeState struct {
	spec    *v1.Probe
	alive   bool // the worker runs
	pending bool // a probe was asked now and awaits the world's answer
	onHold  bool // a result was set that ends this instance's probing
	last    bool // last raw answer
	result  int8 // the results manager's value
	// For causes: the ticker runs from tickFrom (0: admission) or, if
	// tickManual, from a manual run then; the pending probe was asked by
	// a tick or, if askManual, by a status generation (at the clock's
	// instant: the clock waits for the answer).
	tickManual bool
	askManual  bool
	run        int32         // answers equal to last in a row (across instances, as upstream)
	nextTick   time.Duration // the worker's ticker
	tickFrom   time.Duration
	seen       int // the instance the worker follows (noResult: none)
	resInst    int // the instance the results manager's entry is for (noResult: none)
}

// kill stages (killContainer in kuberuntime_container.go).
const (
	stNone     uint8 = iota
	stPreStop        // running the preStop hook, bounded by the grace period
	stWait           // waiting for its turn (sidecar termination ordering)
	stStopping       // StopContainer sent; SIGKILL at deadline
)

type killReason uint8

const (
	reasonDelete killReason = iota
	reasonKillPod
	reasonLiveness
	reasonStartup
	reasonPostStart
)

type killProc struct {
	stage    uint8
	ordered  bool // wait for termination ordering
	hookDone bool // preStop returned or was abandoned
	// For causes: why the kill began, the grace it began with, and
	// whether a preStop hook and a termination-order wait took some.
	reason     killReason
	hadPreStop bool
	hadWait    bool
	grace      int64         // seconds left at the start of the stage
	grace0     int64         // seconds at the start of the kill
	stageStart time.Duration // when the stage began
	deadline   time.Duration // hook deadline, wait deadline or SIGKILL time
	prereqs    []int         // containers to wait for (indices into m.ctrs)
}

type termination struct {
	set        bool
	exitCode   int32
	reason     string
	startedAt  time.Duration
	finishedAt time.Duration
	id         string // the instance's container ID
}

// cstate is one container of the pod and its current instance.
type cstate struct {
	name string
	spec *v1.Container
	kind ckind

	instances int // instances created so far; the current one is instances-1
	// attempt: the current instance's attempt number, as the kubelet
	// gives it (startContainer, kuberuntime_container.go): the newest
	// instance's in the sync's pod status plus one, or 0 when that status
	// has none. It is instances-1 unless a sandbox re-creation purged
	// the container (see purged).
	attempt int
	// purged: a sandbox re-creation removed every instance of this init
	// container from the runtime (purgeInitContainers); until it starts
	// again, the runtime does not know it.
	purged bool
	// sbox: the sandbox the current instance was created in (Model.sbox).
	sbox        int
	running     bool // the current instance runs in the runtime
	visible     bool // postStart finished: the kubelet reports it running
	inPostStart bool
	startedAt   time.Duration
	cur         termination // the current instance's end, once it exited
	prev        termination // the previous instance's end (lastState)
	// pruned: a SyncPod's pruneInitContainersBeforeStart removed every
	// exited instance of this init container but the current one, so
	// the runtime no longer has prev (see lastState).
	pruned bool

	probes [nProbes]probeState
	kill   killProc

	// crash-loop back-off entry (client-go flowcontrol.Backoff)
	boHas        bool
	boDelay      time.Duration
	boLastUpdate time.Duration
	// crashLoop: the last start attempt was refused (the kubelet's reason
	// cache holds ErrCrashLoopBackOff); boUntil is when it may start.
	crashLoop bool
	boTimer   bool // a retry is due at boUntil
	boUntil   time.Duration
	boNoted   bool   // BackOff action emitted for the current exit
	boMsg     string // the CrashLoopBackOff waiting message
	// psErr: the last start's postStart hook failed; the reason cache
	// holds PostStartHookError until the next start attempt.
	psErr bool
	curID string // the current instance's container ID
	// shownStarted: the last published status (the status manager's
	// copy) shows this container with started=true. With the deprecated
	// ChangeContainerStatusOnKubeletRestart gate off (its default since
	// 1.35), convertToAPIContainerStatuses copies that flag onto the
	// container's next running status, whatever the instance, and
	// isContainerStarted believes it while the startup worker holds no
	// result for the new instance.
	shownStarted bool
}

func (c *cstate) exited() bool { return c.instances > 0 && !c.running }

// op is one step of a SyncPod plan.
type opKind uint8

const (
	opKill opKind = iota
	opStart
	opKillPod
)

type op struct {
	kind   opKind
	c      int // index into m.ctrs
	reason killReason
	// snapFinished is the finishedAt of the latest exited instance as the
	// plan saw it (doBackOff reads the sync's pod status snapshot).
	snapFinished time.Duration
	snapHas      bool
	// fresh: the sync's pod status has no instance of the container (a
	// purged init container): no back-off, and attempt 0.
	fresh bool
	// why: the rule that planned a start (see Cause).
	why Cause
}

// block says what the pod worker is waiting for.
const (
	blockNone      uint8 = iota
	blockPostStart       // postStart of container blockC
	blockKill            // a kill of container blockC inside SyncPod
	blockKillPod         // all kills of a KillPod / termination
)

// Model is the reference model of one pod on one node.
type Model struct {
	pod                                      *v1.Pod
	ctrs                                     []cstate
	nInit                                    int // ctrs[0:nInit] are init containers, the rest app containers
	epoch                                    time.Time
	minGrace                                 int64
	backoffInitial, backoffMax, backoffReset time.Duration
	resync                                   time.Duration // the pod worker's periodic sync
	restartRules                             bool
	tgps                                     int64 // pod terminationGracePeriodSeconds

	now time.Duration
	out []Action
	why []Cause // why[i] is the cause of out[i]

	sandbox     bool // sandbox running
	sbox        int  // sandboxes created before the current one
	deleting    bool
	deleteGrace int64
	// probeCtxDone: the pod worker's context, which the prober's workers
	// run on, is cancelled (see inDelete): exec probes error from then on.
	probeCtxDone  bool
	forced        bool
	terminated    bool        // termination finished (podIsTerminal)
	removed       bool        // API object gone
	terminalPhase v1.PodPhase // sticky Succeeded/Failed once published

	// pod worker
	dirty   bool
	plan    []op
	planPos int
	block   uint8
	blockC  int
	planDid bool          // the current plan started or killed something
	syncEnd bool          // the plan is done; the sync's closing status generation is due
	syncAt  time.Duration // when the current (or last) sync started

	returned bool // m.out was handed out and may be cleared

	fp, fpNew     []uint64 // status fingerprints (see publish)
	mutation      Mutation // non-zero only in the self-test's mutants
	picks         []int    // what to take at each Choice (see NewChoosing)
	choices       []Choice // the choices met so far
	seq, pubSeq   uint64   // actions emitted, and as of the last publish
	proberChanged bool     // a readiness or startup result changed since the last publish
	// patches: readiness and startup results the status manager writes
	// into its copy of the status (alone while the pod worker is busy,
	// before the sync they trigger when it is free); patched: the last
	// published status is such a copy, not a generation.
	patches []resultPatch
	// preTerm: the status SyncTerminatingPod's last generation sets, before
	// TerminatePod (buildStatus leaves it for publish); nil when none.
	preTerm   *v1.PodStatus
	patched   bool
	refused   bool          // the status manager refused the last generation (transitionAllowed)
	shown     []shownState  // what the last published status shows (prober.go)
	resyncAt  time.Duration // the pod worker's next periodic sync
	appOrder  []int         // app containers' indices in m.ctrs, sorted by name
	startTime *metav1.Time
	status    v1.PodStatus
	hasStatus bool
	statusAt  time.Duration // when status was set
	// apiStatus: the last status set before statusAt's instant (see
	// podObjectStatus).
	apiStatus v1.PodStatus
	// final: SyncTerminatedPod's status has been generated; the pod
	// worker generates none after it.
	final bool
	// apiConds and smConds: the readiness gates' conditions in the API
	// object and in the status manager's copy; gateGen counts the syncs
	// that found apiConds changed since the last generation (gates.go).
	apiConds, smConds []v1.PodCondition
	gateGen           uint32
	// echo: a sync's own status write came back to the kubelet through
	// the watch and asks for another sync once this one ends (gates.go).
	echo      bool
	condTimes [5]time.Duration
	condState [5]v1.ConditionStatus
}

// ErrFinished is returned by Step once the pod is gone from the node.
var ErrFinished = errors.New("model: pod has finished")

// New builds a model for scenario s. The scenario should have been
// validated (package scenario); New only rejects what it cannot run.
func New(s *Scenario) (*Model, error) { return NewMutant(s, 0) }

// NewMutant builds a model that breaks the rules mut names (see Mutation).
// NewMutant(s, 0) is New(s).
func NewMutant(s *Scenario, mut Mutation) (*Model, error) { return newModel(s, mut, nil) }

func newModel(s *Scenario, mut Mutation, picks []int) (*Model, error) {
	if s == nil {
		return nil, errors.New("model: nil scenario")
	}
	prof := s.Profile.WithDefaults()
	m := &Model{mutation: mut, picks: picks}
	// Room for the first steps' actions and their causes.
	m.out, m.why = make([]Action, 0, 16), make([]Cause, 0, 16)
	// A shallow copy: the model sets the deletion fields and defaults the
	// restart policy on its own copy and never writes into shared slices.
	m.pod = &v1.Pod{TypeMeta: s.Pod.TypeMeta, ObjectMeta: s.Pod.ObjectMeta, Spec: s.Pod.Spec}
	m.backoffInitial = prof.BackoffInitial.Duration
	m.backoffMax = prof.BackoffMax.Duration
	m.backoffReset = prof.BackoffReset.Duration
	m.resync = prof.SyncFrequency.Duration
	m.minGrace = *prof.MinimumGracePeriodSeconds
	if m.mut(MutBackoffCap320) {
		m.backoffMax = 320 * time.Second
	}
	if m.mut(MutNoBackoffReset) {
		m.backoffReset = 1 << 62
	}
	if m.mut(MutNoGraceFloor) {
		m.minGrace = 0
	}
	m.restartRules = *prof.ContainerRestartRules
	m.tgps = 30
	if g := m.pod.Spec.TerminationGracePeriodSeconds; g != nil {
		m.tgps = *g
	}
	if m.pod.Spec.RestartPolicy == "" {
		m.pod.Spec.RestartPolicy = v1.RestartPolicyAlways
	}
	m.epoch = m.pod.CreationTimestamp.Time
	if m.epoch.IsZero() {
		m.epoch = DefaultEpoch
	}
	m.epoch = m.epoch.Truncate(time.Second)
	spec := &m.pod.Spec
	if len(spec.Containers) == 0 {
		return nil, errors.New("model: pod has no containers")
	}
	m.nInit = len(spec.InitContainers)
	m.ctrs = make([]cstate, 0, len(spec.InitContainers)+len(spec.Containers))
	seen := make(map[string]bool, cap(m.ctrs))
	add := func(c *v1.Container, k ckind) error {
		if c.Name == "" {
			return errors.New("model: container with no name")
		}
		if seen[c.Name] {
			return fmt.Errorf("model: duplicate container name %q", c.Name)
		}
		seen[c.Name] = true
		x := cstate{name: c.Name, spec: c, kind: k}
		x.probes[pStartup].spec = c.StartupProbe
		x.probes[pLiveness].spec = c.LivenessProbe
		x.probes[pReadiness].spec = c.ReadinessProbe
		if k == kindInit {
			x.probes = [nProbes]probeState{}
		}
		for p := range x.probes {
			x.probes[p].seen, x.probes[p].resInst = noResult, noResult
		}
		m.ctrs = append(m.ctrs, x)
		return nil
	}
	for i := range spec.InitContainers {
		k := kindInit
		if IsSidecar(&spec.InitContainers[i]) {
			k = kindSidecar
		}
		if err := add(&spec.InitContainers[i], k); err != nil {
			return nil, err
		}
	}
	for i := range spec.Containers {
		if err := add(&spec.Containers[i], kindApp); err != nil {
			return nil, err
		}
	}
	for i := m.nInit; i < len(m.ctrs); i++ {
		m.appOrder = append(m.appOrder, i)
	}
	sort.Slice(m.appOrder, func(a, b int) bool { return m.ctrs[m.appOrder[a]].name < m.ctrs[m.appOrder[b]].name })
	m.startTime = &metav1.Time{Time: m.epoch}
	// The pod is admitted at t=0 and the first sync runs: it generates
	// and sets the pod's status before the runtime's SyncPod creates the
	// sandbox (kubelet.go SyncPod), so the first status has
	// PodReadyToStartContainers=False; OnPodSandboxReady then sets it.
	m.publish(rStatusAdmitted)
	m.sandbox = true
	m.emit(Action{Kind: ActSandboxCreated}, Cause{rule: rAdmitted})
	m.sandboxReady()
	m.startWorkers()
	m.resyncAt = m.resync
	m.dirty = true
	m.settle()
	if err := m.advance(m.now); err != nil {
		return nil, err
	}
	return m, nil
}

// DefaultEpoch is the wall-clock instant of virtual time 0 when the pod has
// no creationTimestamp. Status timestamps are epoch + virtual time.
var DefaultEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Now is the model's virtual clock.
func (m *Model) Now() time.Duration { return m.now }

// Pod returns the pod as the API server would hold it now (deletion
// timestamp and grace included) with its latest status.
func (m *Model) Pod() *v1.Pod {
	p := m.pod.DeepCopy()
	p.Status = *m.status.DeepCopy()
	return p
}

// Status returns the latest published status.
func (m *Model) Status() *v1.PodStatus { return &m.status }

// Finished reports whether nothing can happen any more: the pod is
// terminal or gone and nothing runs.
func (m *Model) Finished() bool {
	if m.block != blockNone {
		return false
	}
	for i := range m.ctrs {
		if m.ctrs[i].running {
			return false
		}
	}
	return m.removed || m.terminalPhase != ""
}

// Drain returns the actions not yet returned by Step or Drain (after New,
// the pod's admission and first sync). The slice is reused by later calls:
// copy what must be kept.
func (m *Model) Drain() []Action {
	if m.returned {
		m.out, m.why = m.out[:0], m.why[:0]
	}
	m.returned = true
	return m.out
}

// Causes returns why the model took each of the actions that the last
// Step or Drain returned: Causes()[i] is the cause of the i-th action.
// The slice is reused like the actions': copy what must be kept.
func (m *Model) Causes() []Cause { return m.why }

func (m *Model) emit(a Action, why Cause) {
	a.At = m.now
	m.seq++
	m.out = append(m.out, a)
	m.why = append(m.why, why)
}

func (m *Model) emitC(k ActionKind, c *cstate, why Cause) *Action {
	m.seq++
	m.out = append(m.out, Action{At: m.now, Kind: k, Container: c.name, Attempt: c.attempt})
	m.why = append(m.why, why)
	return &m.out[len(m.out)-1]
}

// Step applies one input. It first advances the clock to in.At, firing the
// model's timers on the way, then applies the input, lets the kubelet react,
// and returns every action since the previous call, in order.
func (m *Model) Step(in Input) ([]Action, error) {
	if m.returned {
		m.out, m.why, m.returned = m.out[:0], m.why[:0], false
	}
	if m.removed && !m.anyRunning() && in.Kind != InTick {
		return nil, ErrFinished
	}
	if in.At < m.now {
		return nil, fmt.Errorf("model: input %s at %v is before the clock (%v)", in.Kind, in.At, m.now)
	}
	if err := m.advance(in.At); err != nil {
		return nil, err
	}
	var err error
	switch in.Kind {
	case InTick:
	case InExit:
		err = m.inExit(in)
	case InProbeAnswer:
		err = m.inProbe(in)
	case InHookDone:
		err = m.inHook(in)
	case InDelete:
		err = m.inDelete(in.Grace, false)
	case InForceDelete:
		err = m.inDelete(0, true)
	case InSetCondition:
		err = m.inSetCondition(in)
	default:
		err = fmt.Errorf("model: unknown input kind %d", in.Kind)
	}
	if err != nil {
		return nil, err
	}
	m.settle()
	// Timers the reaction set for this very instant (a zero timeout, a probe
	// due now) fire before Step returns: afterwards NextTimer is in the
	// future, or a probe awaits its answer.
	if err := m.advance(m.now); err != nil {
		return nil, err
	}
	m.returned = true
	return m.out, nil
}

// advance moves the clock to t, firing every timer due by then in time
// order.
func (m *Model) advance(t time.Duration) error {
	for {
		if pp := m.pendingProbe(); pp >= 0 {
			if t == m.now {
				return nil
			}
			c := &m.ctrs[pp/nProbes]
			return fmt.Errorf("model: cannot advance to %v: %s probe of %q asked at %v awaits an answer", t, probeTypes[pp%nProbes], c.name, m.now)
		}
		next, ok := m.NextTimer()
		if !ok || next > t {
			m.now = t
			return nil
		}
		m.now = next
		m.fireTimers()
		m.settle()
	}
}

// pendingProbe returns ctrIndex*nProbes+probe of the first probe awaiting an
// answer, or -1.
func (m *Model) pendingProbe() int {
	for i := range m.ctrs {
		c := &m.ctrs[i]
		if !c.running {
			continue
		}
		for p := 0; p < nProbes; p++ {
			if c.probes[p].pending {
				return i*nProbes + p
			}
		}
	}
	return -1
}

// NextTimer returns the time of the model's next own action (a probe
// falling due, a hook or grace deadline, SIGKILL, a back-off ending), if
// any. While a probe awaits an answer the clock cannot move, and NextTimer
// reports the current time.
func (m *Model) NextTimer() (time.Duration, bool) {
	best, ok := time.Duration(0), false
	consider := func(t time.Duration) {
		if !ok || t < best {
			best, ok = t, true
		}
	}
	for i := range m.ctrs {
		c := &m.ctrs[i]
		for p := 0; p < nProbes; p++ {
			ps := &c.probes[p]
			if ps.pending {
				consider(m.now)
			} else if ps.alive {
				consider(ps.nextTick)
			}
		}
		if c.running && c.kill.stage != stNone {
			consider(c.kill.deadline)
		}
		if c.boTimer && !m.deleting && m.terminalPhase == "" {
			consider(c.boUntil)
		}
	}
	if m.resyncDue() {
		consider(m.resyncAt)
	}
	if ok && best < m.now {
		best = m.now
	}
	return best, ok
}

// resyncDue reports whether the periodic sync can make a difference: it
// generates the status, which asks readiness workers for manual runs.
func (m *Model) resyncDue() bool {
	if m.terminated {
		return false
	}
	for i := range m.ctrs {
		if m.ctrs[i].probes[pReadiness].alive {
			return true
		}
	}
	return false
}

// fireTimers handles every timer due at m.now: kill deadlines first (a
// SIGKILL lands before a prober reads the status), then the probers'
// ticks, then the pod worker's.
func (m *Model) fireTimers() {
	for i := range m.ctrs {
		c := &m.ctrs[i]
		if c.running && c.kill.stage != stNone && c.kill.deadline <= m.now {
			m.killDeadline(i)
		}
	}
	m.proberTick()
	if m.resyncAt <= m.now {
		for m.resyncAt <= m.now {
			m.resyncAt += m.resync
		}
		if m.resyncDue() {
			m.dirty = true
		}
	}
	for i := range m.ctrs {
		c := &m.ctrs[i]
		if c.boTimer && c.boUntil <= m.now {
			// The back-off ended: the kubelet's next sync retries the start.
			c.boTimer = false
			m.dirty = true
		}
	}
}

// Enabled lists the inputs the world may give now.
func (m *Model) Enabled() []Move {
	var mv []Move
	if pp := m.pendingProbe(); pp >= 0 {
		// A probe asked now must be answered before anything else happens.
		for i := range m.ctrs {
			c := &m.ctrs[i]
			for p := 0; p < nProbes; p++ {
				if c.running && c.probes[p].pending {
					mv = append(mv, Move{Kind: InProbeAnswer, Container: c.name, Probe: probeTypes[p]})
				}
			}
		}
		return mv
	}
	for i := range m.ctrs {
		c := &m.ctrs[i]
		if !c.running {
			continue
		}
		mv = append(mv, Move{Kind: InExit, Container: c.name})
		if c.inPostStart {
			mv = append(mv, Move{Kind: InHookDone, Container: c.name, Hook: HookPostStart})
		}
		if c.kill.stage == stPreStop && !c.kill.hookDone {
			mv = append(mv, Move{Kind: InHookDone, Container: c.name, Hook: HookPreStop})
		}
	}
	if !m.forced && !m.removed {
		mv = append(mv, Move{Kind: InDelete}, Move{Kind: InForceDelete})
	}
	if !m.removed {
		// A controller may set a readiness gate's condition at any time
		// the object exists.
		for i, g := range m.pod.Spec.ReadinessGates {
			if !dupGate(m.pod.Spec.ReadinessGates[:i], g.ConditionType) {
				mv = append(mv, Move{Kind: InSetCondition, Condition: g.ConditionType})
			}
		}
	}
	return mv
}

// dupGate reports whether gates already name condition type t.
func dupGate(gates []v1.PodReadinessGate, t v1.PodConditionType) bool {
	for _, g := range gates {
		if g.ConditionType == t {
			return true
		}
	}
	return false
}

func (m *Model) find(name string) (int, error) {
	for i := range m.ctrs {
		if m.ctrs[i].name == name {
			return i, nil
		}
	}
	return -1, fmt.Errorf("model: no container %q", name)
}

// ---------------------------------------------------------------------------
// Inputs

func (m *Model) inExit(in Input) error {
	i, err := m.find(in.Container)
	if err != nil {
		return err
	}
	c := &m.ctrs[i]
	if !c.running {
		return fmt.Errorf("model: exit of %q, which is not running", c.name)
	}
	code, reason := in.ExitCode, ""
	why := Cause{rule: rExit}
	if in.OOMKilled {
		code, reason = 137, "OOMKilled"
		why.f |= exitOOM
	}
	if c.kill.stage == stStopping {
		why.f |= exitStopping
	}
	m.exit(i, code, reason, why)
	return nil
}

// exit ends the current instance of container i. The reason is the
// runtime's: Completed for 0, Error otherwise, unless given (OOMKilled).
func (m *Model) exit(i int, code int32, reason string, why Cause) {
	c := &m.ctrs[i]
	if reason == "" {
		reason = "Error"
		if code == 0 {
			reason = "Completed"
		}
	}
	a := m.emitC(ActContainerExited, c, why)
	a.ExitCode, a.Reason = code, reason
	c.running = false
	c.cur = termination{set: true, exitCode: code, reason: reason, startedAt: c.startedAt, finishedAt: m.now, id: c.curID}
	c.boNoted = false
	for p := range c.probes {
		c.probes[p].pending = false
	}
	if c.inPostStart {
		// The hook runs in a container that is gone: it fails.
		c.inPostStart = false
		m.emitC(ActHookEnded, c, Cause{rule: rHookGone, k: hookPostStart}).Hook = HookPostStart
		m.out[len(m.out)-1].Result = ResultFailed
		m.postStartEnded(i, false)
	}
	if c.kill.stage != stNone {
		if c.kill.stage == stPreStop && !c.kill.hookDone {
			h := m.emitC(ActHookEnded, c, Cause{rule: rHookGone, k: hookPreStop})
			h.Hook, h.Result = HookPreStop, ResultAbandoned
		}
		c.kill = killProc{}
		m.killEnded(i)
	}
	m.dirty = true
}

func (m *Model) inProbe(in Input) error {
	i, err := m.find(in.Container)
	if err != nil {
		return err
	}
	c := &m.ctrs[i]
	p := -1
	for k, t := range probeTypes {
		if t == in.Probe {
			p = k
		}
	}
	if p < 0 {
		return fmt.Errorf("model: unknown probe %q", in.Probe)
	}
	ps := &c.probes[p]
	if !c.running || !ps.pending {
		return fmt.Errorf("model: no %s probe of %q awaits an answer", in.Probe, c.name)
	}
	ps.pending = false
	r := m.emitC(ActProbeResult, c, m.probeCause(ps, p, in.Success))
	r.Probe = in.Probe
	r.Result = ResultFailure
	if in.Success {
		r.Result = ResultSuccess
	}
	m.answered(i, p, in.Success)
	return nil
}

// hookReturned is the cause of the world's completion of hook h.
func hookReturned(h uint8, ok bool) Cause {
	why := Cause{rule: rHookReturned, k: h}
	if !ok {
		why.f = 1
	}
	return why
}

func (m *Model) inHook(in Input) error {
	i, err := m.find(in.Container)
	if err != nil {
		return err
	}
	c := &m.ctrs[i]
	switch {
	case c.running && c.inPostStart:
		c.inPostStart = false
		h := m.emitC(ActHookEnded, c, hookReturned(hookPostStart, in.HookOK))
		h.Hook, h.Result = HookPostStart, ResultOK
		if !in.HookOK {
			h.Result = ResultFailed
		}
		m.postStartEnded(i, in.HookOK)
	case c.running && c.kill.stage == stPreStop && !c.kill.hookDone:
		h := m.emitC(ActHookEnded, c, hookReturned(hookPreStop, in.HookOK))
		h.Hook, h.Result = HookPreStop, ResultOK
		if !in.HookOK {
			h.Result = ResultFailed // FailedPreStopHook: logged, the kill goes on
		}
		k := &c.kill
		k.hookDone = true
		used := int64((m.now - k.stageStart) / time.Second)
		if m.mut(MutPreStopSecondGrace) {
			used = 0
		}
		m.afterPreStop(i, k.grace-used)
	default:
		return fmt.Errorf("model: no hook of %q is running", c.name)
	}
	return nil
}

// inDelete handles an API delete. Grace < 0 means the pod's own
// terminationGracePeriodSeconds. A later delete only shortens the grace
// (calculateEffectiveGracePeriod in pod_workers.go), and only for a kill
// that has not started yet.
//
// UpdatePod (pod_workers.go) cancels the pod worker's sync in progress when
// the pod becomes terminating or its grace period is shortened, but in
// v1.36 the cancellation never reaches the runtime (TODO(#113606) in
// kubelet.go): Kubelet.SyncPod hands the runtime's SyncPod
// context.WithoutCancel, and SyncTerminatingPod replaces its context with
// context.TODO(). So a sync in progress (a postStart hook, a kill inside
// SyncPod, the starts it planned after them) runs to its end before the
// pod worker terminates the pod, and a kill in progress keeps the grace
// period it started with (kubernetes#127339).
func (m *Model) inDelete(grace int64, force bool) error {
	if m.removed {
		return ErrFinished
	}
	own := grace < 0
	if own {
		grace = m.tgps
	}
	why := Cause{rule: rDelete, a: time.Duration(grace) * time.Second}
	if own {
		why.f = 1
	}
	if force {
		why = Cause{rule: rForceDelete}
	} else if grace == 0 {
		why = Cause{rule: rForceDelete, f: 1}
	}
	if m.mut(MutForceDeleteGraceful) && force {
		force, grace = false, m.tgps
	}
	if force || grace == 0 {
		force, grace = true, 0
	}
	first := !m.deleting
	if !first && grace >= m.deleteGrace && !force && !m.mut(MutGraceGrows) {
		// Grace only shrinks: the API server keeps the shorter one.
		a := Action{Kind: ActDeleteRequested, Grace: m.deleteGrace}
		m.emit(a, Cause{rule: rDeleteKeep, a: time.Duration(grace) * time.Second, b: time.Duration(m.deleteGrace) * time.Second})
		return nil
	}
	if first && m.terminalPhase == "" {
		// UpdatePod (pod_workers.go) cancels the pod worker's context when
		// the pod becomes terminating: a delete of a pod the worker is not
		// already terminating on its own. The prober's workers run on that
		// context (Kubelet.SyncPod calls probeManager.AddPod(ctx, pod),
		// and AddPod starts each worker with go w.run(ctx)), and an exec
		// probe's ExecSync takes it: every exec probe from now on errors
		// at once ("context canceled") and the worker drops the result.
		// HTTP, TCP and gRPC probes do not take the context and go on.
		// kubernetes#140881 reports it as a regression of v1.35.
		m.probeCtxDone = true
	}
	m.deleting = true
	m.deleteGrace = grace
	if first {
		ts := m.epochAt(m.now + time.Duration(grace)*time.Second)
		m.pod.DeletionTimestamp = &ts
	}
	g := grace
	m.pod.DeletionGracePeriodSeconds = &g
	m.emit(Action{Kind: ActDeleteRequested, Grace: grace, Force: force}, why)
	if force {
		m.forced = true
		// The API object goes at once; the node still stops the containers.
		m.removed = true
		m.emit(Action{Kind: ActPodRemoved}, Cause{rule: rRemovedForce})
	}
	for i := range m.ctrs {
		m.ctrs[i].boTimer = false
	}
	if !first {
		// A kill in progress goes on with its grace period; a KillPod that
		// starts later gets the shorter one (graceFor).
		return nil
	}
	if m.idle() {
		// SyncTerminatingPod: a status generation, the liveness and startup
		// workers stopped, KillPod.
		m.syncAt = m.now
		m.generated(rStatusTerminating)
		m.stopLivenessAndStartup()
		m.startTermination(reasonDelete)
		return nil
	}
	// The sync in progress runs to its end (with its closing status
	// generation); the termination is the next sync. If the pod worker is
	// already terminating the pod, that termination goes on as it is.
	m.dirty = true
	return nil
}

// ---------------------------------------------------------------------------
// The pod worker

// settle lets the kubelet react. The kubelet generates the pod's status at
// the start of each sync (generateAPIPodStatus), so the model publishes it
// only when the pod worker is free to sync; while a sync is in progress (a
// postStart hook, a kill, a termination) only the prober's readiness and
// startup results reach the status (SetContainerReadiness,
// SetContainerStartup).
func (m *Model) settle() {
	if m.idle() {
		// A readiness or startup result reaches the status manager's copy
		// (and may reach the API server) before the sync it triggers
		// generates the status again (kubelet.go syncLoopIteration:
		// SetContainerReadiness or SetContainerStartup, then
		// handleProbeSync).
		if len(m.patches) > 0 {
			m.patchStatusIf(true)
		}
		m.publish(rStatusSync)
	}
	for guard := 0; guard < 64; guard++ {
		if m.block != blockNone || m.pendingProbe() >= 0 {
			// Blocked, or the world answers the probes asked now first.
			break
		}
		if m.syncEnd {
			// The sync ends with a status generation.
			m.syncEnd = false
			m.generated(rStatusSyncEnd)
			if m.echo {
				// The reconcile its writes asked for joins the next sync.
				m.echo, m.dirty = false, true
			}
			continue
		}
		if m.plan != nil {
			m.runPlan()
			continue
		}
		if !m.dirty && m.echo {
			// The sync is over; the reconcile its writes asked for runs.
			m.echo, m.dirty = false, true
		}
		if !m.dirty {
			break
		}
		m.dirty = false
		m.sync()
		if m.idle() {
			m.publish(rStatusSync)
		}
	}
	if m.idle() {
		m.proberChanged = false
		m.publish(rStatusSync)
	} else if m.proberChanged {
		m.proberChanged = false
		m.patchStatus()
	}
}

// idle reports whether the pod worker is between syncs.
func (m *Model) idle() bool { return m.block == blockNone && m.plan == nil && !m.syncEnd }

// sync is one pod sync: syncPod's decisions, or termination.
func (m *Model) sync() {
	if m.removed && !m.anyRunning() && m.block == blockNone && !m.sandbox {
		// Nothing left to stop. (A pod force-deleted during a sync still
		// has its sandbox stopped by the termination after that sync.)
		return
	}
	m.syncAt = m.now
	if m.hasGates() && !sameConds(m.smConds, m.apiConds) {
		// The sync's generation reads the gates' conditions the config's
		// reconcile brought into the pod object (and publish must not
		// skip it: no action says so).
		m.gateGen++
		m.seq++
	}
	if !m.terminated {
		m.generated(rStatusSync) // generateAPIPodStatus at the start of the sync
	}
	if m.deleting || m.terminalPhase != "" {
		// The pod worker terminates a deleted or terminal pod
		// (SyncTerminatingPod): it kills what still runs and stops the
		// sandbox; then the pod is terminal (podIsTerminal).
		m.stopLivenessAndStartup()
		if m.anyRunning() {
			reason := reasonKillPod
			if m.deleting {
				reason = reasonDelete
			}
			m.startTermination(reason)
		} else {
			m.finishTermination()
		}
		return
	}
	if !m.sandbox {
		// The sandbox was stopped by a KillPod that left the pod
		// non-terminal (a container-level restart rule that contradicts
		// the liveness kill's container policy).
		m.plan = m.recreateSandbox()
		if m.plan == nil {
			return
		}
	} else {
		m.pruneInitContainers()
		m.plan = m.computePodActions()
	}
	if m.plan == nil {
		m.plan = []op{} // in progress until runPlan ends it
	}
	m.planPos, m.planDid = 0, false
	m.runPlan()
}

// recreateSandbox is computePodActions' createPodSandbox branch
// (kuberuntime_manager.go) for a pod whose sandbox is not ready, and
// SyncPod's steps for it: unless the pod's restart policy is Never, or
// nothing is to start and some regular container was created already, a
// new sandbox is created, every init container's instances are purged
// (purgeInitContainers), and the sync starts the first init container,
// or, with none, every regular container but those that run once and
// succeeded. The containers' own restart policies and rules are not
// asked, beyond OnFailure's "run once". It returns the starts, or nil
// when no sandbox is created.
func (m *Model) recreateSandbox() []op {
	if m.pod.Spec.RestartPolicy == v1.RestartPolicyNever {
		// attempt != 0 and the runtime has container statuses: "Should
		// not restart the pod, just return."
		return nil
	}
	var start []op
	created := false
	for i := m.nInit; i < len(m.ctrs); i++ {
		c := &m.ctrs[i]
		created = created || c.instances > 0
		runOnce := m.pod.Spec.RestartPolicy == v1.RestartPolicyOnFailure
		if m.restartRules && c.spec.RestartPolicy != nil {
			runOnce = *c.spec.RestartPolicy == v1.ContainerRestartPolicyOnFailure
		}
		if runOnce && c.exited() && c.cur.exitCode == 0 {
			continue // containerSucceeded
		}
		start = append(start, m.snapWhy(i, Cause{rule: rStartNewSandbox}))
	}
	if len(start) == 0 && created {
		return nil // HasAnyRegularContainerCreated
	}
	if m.nInit > 0 {
		// The sync's pod status still has the purged instances: the
		// first init container's back-off and attempt count from them.
		start = []op{m.snapWhy(0, Cause{rule: rStartNewSandbox})}
	}
	m.sandbox = true
	m.sbox++
	m.emit(Action{Kind: ActSandboxCreated}, Cause{rule: rSandboxAgain})
	m.sandboxReady()
	for i := 0; i < m.nInit; i++ {
		if c := &m.ctrs[i]; c.instances > 0 {
			c.purged, c.pruned = true, false
		}
	}
	return start
}

// sandboxReady is the kubelet's OnPodSandboxReady (kubelet.go), which
// SyncPod calls once it has created a sandbox: the status manager's copy
// gets PodReadyToStartContainers=True at once, while the sync goes on.
func (m *Model) sandboxReady() {
	if !m.hasStatus || m.removed {
		return
	}
	st := m.status.DeepCopy()
	off := len(st.Conditions) - conditionCount
	st.Conditions[off] = m.condAt(0, v1.PodCondition{Type: v1.PodReadyToStartContainers, Status: v1.ConditionTrue})
	if StatusEqual(st, &m.status) {
		return
	}
	m.setStatus(st)
	m.reconcileReadiness(true)
	m.patched = true
	m.emit(Action{Kind: ActStatus, Status: st}, Cause{rule: rStatusSandboxReady})
}

// pruneInitContainers is SyncPod's pruneInitContainersBeforeStart
// (kuberuntime_container.go): of each init container's (a sidecar's too)
// instances that have exited when the sync starts, the runtime keeps only
// the newest.
func (m *Model) pruneInitContainers() {
	for i := 0; i < m.nInit; i++ {
		if c := &m.ctrs[i]; c.instances > 1 && !c.running {
			c.pruned = true
		}
	}
}

func (m *Model) anyRunning() bool {
	for i := range m.ctrs {
		if m.ctrs[i].running {
			return true
		}
	}
	return false
}

// computePodActions mirrors kuberuntime_manager.go computePodActions and
// computeInitContainerActions (sidecar-aware, 1.29+), on the model's state.
func (m *Model) computePodActions() []op {
	var kills, initStart, appStart []op
	killPod := false
	snap := m.snapWhy
	podHasInitialized := false
	for i := m.nInit; i < len(m.ctrs); i++ {
		if m.ctrs[i].running {
			podHasInitialized = true
			break
		}
	}
	isPrev := podHasInitialized
	restartOnFailure := m.pod.Spec.RestartPolicy != v1.RestartPolicyNever
	initRestartOnFailure := restartOnFailure || m.mut(MutNeverRestartsInit)
	last := m.nInit - 1
	for i := last; i >= 0; i-- {
		c := &m.ctrs[i]
		sidecar := c.kind == kindSidecar
		if c.instances == 0 || c.purged {
			if isPrev && sidecar {
				initStart = append(initStart, snap(i, Cause{rule: rStartSidecarAbsent}))
			}
			continue
		}
		if isPrev && !sidecar {
			continue
		}
		if c.running {
			if !sidecar && m.mut(MutAppDuringInit) && i == last {
				podHasInitialized = true
			}
			if !sidecar && m.mut(MutParallelInit) && i != last && !isPrev {
				initStart = append(initStart, snap(i+1, Cause{rule: rStartMutant}))
			}
			if sidecar {
				gated := false
				if c.probes[pStartup].spec != nil {
					r, _ := c.result(pStartup) // no result reads as resUnknown
					switch r {
					case resUnknown:
						gated = !m.mut(MutNoSidecarGating)
					case resFailure:
						kills = append(kills, op{kind: opKill, c: i, reason: reasonStartup})
						initStart = append(initStart, snap(i, Cause{rule: rStartAfterKill, k: uint8(reasonStartup)}))
						gated = true
					}
				}
				if !gated {
					if i == last {
						podHasInitialized = true
					} else if !isPrev {
						why := Cause{rule: rStartAfterSidecar, name: c.name}
						if c.probes[pStartup].spec != nil {
							why.f = 1
						}
						initStart = append(initStart, snap(i+1, why))
					}
					if c.hasResult(pLiveness, resFailure) {
						kills = append(kills, op{kind: opKill, c: i, reason: reasonLiveness})
						initStart = append(initStart, snap(i, Cause{rule: rStartAfterKill, k: uint8(reasonLiveness)}))
					}
				}
			}
		} else {
			if sidecar {
				initStart = append(initStart, snap(i, Cause{rule: rStartSidecarAgain, n: c.cur.exitCode, a: c.cur.finishedAt}))
			} else if c.cur.exitCode != 0 {
				initStart = append(initStart, snap(i, Cause{rule: rStartInitAgain, n: c.cur.exitCode, a: c.cur.finishedAt}))
				if !initRestartOnFailure {
					return []op{{kind: opKillPod, reason: reasonKillPod}}
				}
			} else if i == last {
				podHasInitialized = true
			} else {
				initStart = append(initStart, snap(i+1, Cause{rule: rStartNextInit, name: c.name, a: c.cur.finishedAt}))
			}
		}
		isPrev = true
	}
	if !isPrev && m.nInit > 0 {
		initStart = append(initStart, snap(0, Cause{rule: rStartFirstInit}))
	}
	if m.nInit == 0 {
		podHasInitialized = true
	}
	for l, r := 0, len(initStart)-1; l < r; l, r = l+1, r-1 {
		initStart[l], initStart[r] = initStart[r], initStart[l]
	}
	if !podHasInitialized {
		return append(kills, initStart...)
	}
	keep := 0
	for i := m.nInit; i < len(m.ctrs); i++ {
		c := &m.ctrs[i]
		if !c.running {
			if m.shouldRestart(c) {
				appStart = append(appStart, snap(i, m.appStartCause(c)))
			}
			continue
		}
		var reason killReason
		switch {
		case c.hasResult(pLiveness, resFailure):
			reason = reasonLiveness
		case c.hasResult(pStartup, resFailure):
			reason = reasonStartup
		default:
			keep++
			continue
		}
		restart := restartOnFailure
		if m.restartRules && c.spec.RestartPolicy != nil {
			restart = *c.spec.RestartPolicy != v1.ContainerRestartPolicyNever
		}
		kills = append(kills, op{kind: opKill, c: i, reason: reason})
		if restart {
			appStart = append(appStart, snap(i, Cause{rule: rStartAfterKill, k: uint8(reason)}))
		}
	}
	if keep == 0 && len(appStart) == 0 {
		killPod = true
	}
	if killPod {
		// Kill everything, sidecars included (they must not keep the pod
		// alive), and stop the sandbox.
		return []op{{kind: opKillPod, reason: reasonKillPod}}
	}
	plan := append(kills, initStart...)
	return append(plan, appStart...)
}

// snap is a start of container i as the sync's pod status sees it: the
// newest exited instance's finishedAt, for doBackOff.
func (m *Model) snap(i int) op {
	c := &m.ctrs[i]
	o := op{kind: opStart, c: i}
	switch {
	case c.purged:
		o.fresh = true
	case c.exited():
		o.snapFinished, o.snapHas = c.cur.finishedAt, true
	case c.prev.set:
		o.snapFinished, o.snapHas = c.prev.finishedAt, true
	}
	return o
}

// snapWhy is snap for a start that rule why planned.
func (m *Model) snapWhy(i int, why Cause) op {
	o := m.snap(i)
	o.why = why
	return o
}

// appStartCause is why computePodActions starts app container c, which is
// not running and shouldRestart.
func (m *Model) appStartCause(c *cstate) Cause {
	if c.instances == 0 {
		if m.nInit == 0 {
			return Cause{rule: rStartApp, k: 1}
		}
		return Cause{rule: rStartApp}
	}
	why := Cause{rule: rStartAppAgain, n: c.cur.exitCode, a: c.cur.finishedAt, k: policyAlways}
	switch {
	case m.restartRules && (c.spec.RestartPolicy != nil || len(c.spec.RestartPolicyRules) > 0):
		why.k = policyRules
	case m.pod.Spec.RestartPolicy == v1.RestartPolicyOnFailure:
		why.k = policyOnFailure
	}
	return why
}

// shouldRestart mirrors ShouldContainerBeRestarted (pkg/kubelet/container
// helpers.go) for a container that is not running.
func (m *Model) shouldRestart(c *cstate) bool {
	if m.deleting {
		return false
	}
	if c.instances == 0 {
		return true
	}
	code := c.cur.exitCode
	if m.restartRules {
		return containerShouldRestart(c.spec, &m.pod.Spec, code)
	}
	switch m.pod.Spec.RestartPolicy {
	case v1.RestartPolicyNever:
		return false
	case v1.RestartPolicyOnFailure:
		return code != 0
	}
	return true
}

// runPlan executes the current SyncPod plan until it blocks or ends.
func (m *Model) runPlan() {
	for m.block == blockNone && m.plan != nil {
		if m.planPos >= len(m.plan) {
			did := m.planDid
			m.plan, m.planPos = nil, 0
			if did {
				// The runtime reports what the sync did; the next sync sees it.
				m.dirty = true
			}
			m.syncEnd = true // and the status after it
			return
		}
		o := m.plan[m.planPos]
		m.planPos++
		switch o.kind {
		case opKill:
			if !m.killable(o) {
				continue
			}
			m.chooseKill()
			o = m.plan[m.planPos-1]
			m.planDid = true
			m.startKill(o.c, o.reason, false, nil)
			if m.ctrs[o.c].kill.stage != stNone {
				m.block, m.blockC = blockKill, o.c
			}
		case opStart:
			ok := m.start(o)
			if !ok && m.ctrs[o.c].kind == kindInit {
				// A regular init container that cannot start ends the sync.
				m.plan, m.planPos = nil, 0
				if m.planDid {
					m.dirty = true
				}
				m.syncEnd = true
				return
			}
		case opKillPod:
			m.plan, m.planPos = nil, 0
			m.startTermination(reasonKillPod)
			return
		}
	}
}

// graceFor mirrors the grace period killContainer gets: for the pod's
// termination, the pod worker's (the deletion grace if the pod is being
// deleted, else the pod's, at least 1 s); for a kill within a sync,
// setTerminationGracePeriod's (the probe's terminationGracePeriodSeconds
// for a probe kill, else the pod's). A sync in progress when the pod is
// deleted reads the pod object it started with, which has no deletion
// grace period: its kills get the same grace as before the delete.
func (m *Model) graceFor(c *cstate, r killReason) int64 {
	switch r {
	case reasonDelete:
		// The pod worker passes KillPod a grace period of at least 1 s,
		// a force delete's 0 included (calculateEffectiveGracePeriod in
		// pod_workers.go): a preStop hook gets that second. The grace is
		// the shortest of the deletes so far: a later delete shortens it
		// for a KillPod that has not started yet.
		return max(m.deleteGrace, 1)
	case reasonKillPod:
		// A pod that ended by itself is killed with no grace override:
		// SyncPod's own KillPod passes nil, and so does the
		// SyncTerminatingPod that completeSync queues (it replays the last
		// sync's update, whose KillPodOptions are nil). killContainer then
		// takes the pod's terminationGracePeriodSeconds with no 1 s floor:
		// at 0, no preStop hook, no ordering wait, StopContainer at 2 s.
		return m.tgps
	case reasonLiveness:
		if p := c.spec.LivenessProbe; p != nil && p.TerminationGracePeriodSeconds != nil {
			return *p.TerminationGracePeriodSeconds
		}
	case reasonStartup:
		if p := c.spec.StartupProbe; p != nil && p.TerminationGracePeriodSeconds != nil {
			return *p.TerminationGracePeriodSeconds
		}
	}
	return m.tgps
}

// start mirrors SyncPod's start(): doBackOff, then create and start the
// container, then run postStart synchronously. It reports false if the
// container did not start.
//
// A delete does not stop a plan in progress: the plan was made before it
// (computePodActions' ShouldContainerBeRestarted sees no deletion) and the
// runtime's SyncPod is not cancelled (see inDelete).
func (m *Model) start(o op) bool {
	c := &m.ctrs[o.c]
	if c.running {
		return false
	}
	if o.snapHas {
		// doBackOff (kuberuntime_manager.go) on client-go's Backoff, with
		// eventTime = the exited instance's finishedAt.
		ft := o.snapFinished
		if m.mut(MutFirstRestartDelayed) && !c.boHas {
			c.boHas, c.boDelay, c.boLastUpdate = true, m.backoffInitial/2, ft
		}
		if c.boHas && !(ft-c.boLastUpdate > m.backoffReset) && m.now-ft < c.boDelay {
			c.crashLoop, c.boTimer = true, true
			until := ft + c.boDelay
			if !c.boNoted || until != c.boUntil {
				// A new refusal, or one that now counts from a later exit.
				c.boNoted = true
				c.boUntil = until
				c.boMsg = "back-off " + c.boDelay.String() + " restarting failed container=" + c.name + " pod=" + m.podRef()
				a := m.emitC(ActBackOff, c, Cause{rule: rBackOff, a: c.boDelay, b: ft, c: c.boUntil})
				a.Wait, a.Delay = c.boUntil-m.now, c.boDelay
			}
			return false
		}
		switch {
		case !c.boHas:
			o.why.f |= startNoBackOff
		case ft-c.boLastUpdate > m.backoffReset:
			o.why.f |= startBackOffReset
		default:
			o.why.b, o.why.c = c.boDelay, ft+c.boDelay
		}
		if !c.boHas || ft-c.boLastUpdate > m.backoffReset {
			c.boDelay = m.backoffInitial
		} else {
			c.boDelay *= 2
			if c.boDelay > m.backoffMax {
				c.boDelay = m.backoffMax
			}
		}
		c.boHas, c.boLastUpdate = true, m.now
	}
	c.crashLoop, c.boTimer, c.psErr = false, false, false
	m.planDid = true
	if c.instances > 0 {
		c.prev = c.cur
	}
	if c.instances > 0 && !o.fresh {
		c.attempt++
	} else {
		c.attempt = 0
	}
	c.cur = termination{}
	c.pruned = false // the runtime has the new instance and the one before
	c.purged = false
	c.sbox = m.sbox
	c.instances++
	c.curID = "podconform://" + c.name + "/" + strconv.Itoa(c.instances-1)
	c.running, c.visible, c.startedAt = true, false, m.now
	c.kill = killProc{}
	m.emitC(ActContainerCreated, c, o.why)
	m.emitC(ActContainerStarted, c, o.why)
	if c.spec.Lifecycle != nil && c.spec.Lifecycle.PostStart != nil {
		c.inPostStart = true
		m.emitC(ActHookStarted, c, Cause{rule: rPostStartRun}).Hook = HookPostStart
		if !m.mut(MutPostStartNonBlocking) {
			m.block, m.blockC = blockPostStart, o.c
		}
		if hookFailsAtOnce(c.spec.Lifecycle.PostStart) {
			// handlerRunner.Run (pkg/kubelet/lifecycle/handlers.go) fails
			// it at once ("invalid handler"): FailedPostStartHook, and
			// startContainer kills the container in the same sync.
			c.inPostStart = false
			h := m.emitC(ActHookEnded, c, Cause{rule: rHookInvalid, k: hookPostStart})
			h.Hook, h.Result = HookPostStart, ResultFailed
			m.postStartEnded(o.c, false)
		}
		return true
	}
	c.visible = true // no postStart: the kubelet reports it running
	return true
}

// postStartEnded continues the sync after a postStart hook. A failed hook
// kills the container (FailedPostStartHook) inside the same sync, even if
// the pod was deleted meanwhile (see inDelete).
func (m *Model) postStartEnded(i int, ok bool) {
	c := &m.ctrs[i]
	inSync := m.block == blockPostStart && m.blockC == i
	if inSync {
		m.block = blockNone
	}
	c.psErr = !ok
	if ok {
		c.visible = true // postStart done: the kubelet reports it running
		return
	}
	if c.running && (inSync || !m.deleting) {
		m.startKill(i, reasonPostStart, false, nil)
		if c.kill.stage != stNone {
			m.block, m.blockC = blockKill, i
		}
	}
}

func probePeriod(p *v1.Probe) int32 {
	if p.PeriodSeconds <= 0 {
		return 10
	}
	return p.PeriodSeconds
}

func probeFailureThreshold(p *v1.Probe) int32 {
	if p.FailureThreshold <= 0 {
		return 3
	}
	return p.FailureThreshold
}

func probeSuccessThreshold(p *v1.Probe) int32 {
	if p.SuccessThreshold <= 0 {
		return 1
	}
	return p.SuccessThreshold
}

// ProbeTimeoutSeconds is a probe's timeoutSeconds with its default (1).
func ProbeTimeoutSeconds(p *v1.Probe) int32 {
	if p.TimeoutSeconds <= 0 {
		return 1
	}
	return p.TimeoutSeconds
}

// ---------------------------------------------------------------------------
// Killing

// startTermination is KillPod: it kills every running container, app
// containers first and sidecars in reverse order
// (killContainersWithSyncResult with terminationOrdering), within one grace
// budget (reasonDelete: the pod worker's for a deleted pod; reasonKillPod:
// the pod's), and blocks the worker until all are gone. The pod worker
// calls it only between syncs, and SyncPod only from its plan, so no
// postStart hook runs then.
func (m *Model) startTermination(reason killReason) {
	m.plan, m.planPos, m.syncEnd = nil, 0, false
	m.block = blockKillPod
	hasSidecar := false
	for i := 0; i < m.nInit; i++ {
		if m.ctrs[i].kind == kindSidecar {
			hasSidecar = true
		}
	}
	// Prerequisites: each sidecar waits for every running app container and
	// for the next sidecar declared after it.
	var apps []int
	for i := m.nInit; i < len(m.ctrs); i++ {
		if m.ctrs[i].running {
			apps = append(apps, i)
		}
	}
	nextSidecar := -1
	prereqs := make([][]int, len(m.ctrs))
	if m.mut(MutSidecarsFirst) {
		// App containers wait for every running sidecar instead.
		var sidecars []int
		for i := 0; i < m.nInit; i++ {
			if m.ctrs[i].kind == kindSidecar && m.ctrs[i].running {
				sidecars = append(sidecars, i)
			}
		}
		for _, a := range apps {
			prereqs[a] = sidecars
		}
		for i := range m.ctrs {
			c := &m.ctrs[i]
			if !c.running {
				continue
			}
			if c.kill.stage != stNone {
				continue // a kill in progress keeps its grace
			}
			m.startKill(i, reason, hasSidecar && c.kind == kindApp, prereqs[i])
		}
		m.checkKillPodDone()
		return
	}
	for i := m.nInit - 1; i >= 0; i-- {
		if m.ctrs[i].kind != kindSidecar {
			continue
		}
		p := append([]int(nil), apps...)
		if nextSidecar >= 0 {
			p = append(p, nextSidecar)
		}
		prereqs[i] = p
		nextSidecar = i
	}
	for i := range m.ctrs {
		c := &m.ctrs[i]
		if !c.running {
			continue
		}
		if c.kill.stage != stNone {
			continue // a kill in progress keeps its grace
		}
		m.startKill(i, reason, hasSidecar && c.kind == kindSidecar, prereqs[i])
	}
	m.checkKillPodDone()
}

// startKill begins killContainer for container i, killed for reason r,
// with the grace period graceFor gives.
func (m *Model) startKill(i int, r killReason, ordered bool, prereqs []int) {
	c := &m.ctrs[i]
	grace := m.graceFor(c, r)
	c.kill = killProc{ordered: ordered, prereqs: prereqs, reason: r, grace0: grace}
	if c.spec.Lifecycle != nil && c.spec.Lifecycle.PreStop != nil && grace > 0 {
		k := &c.kill
		k.stage, k.grace, k.stageStart = stPreStop, grace, m.now
		k.deadline = m.now + time.Duration(grace)*time.Second
		k.hadPreStop = true
		m.emitC(ActHookStarted, c, m.killCause(c, Cause{rule: rPreStopRun, a: time.Duration(grace) * time.Second})).Hook = HookPreStop
		if hookFailsAtOnce(c.spec.Lifecycle.PreStop) {
			// handlerRunner.Run (pkg/kubelet/lifecycle/handlers.go) fails
			// it at once ("invalid handler"): executePreStopHook records
			// FailedPreStopHook and the kill goes on with the whole grace.
			k.hookDone = true
			h := m.emitC(ActHookEnded, c, Cause{rule: rHookInvalid, k: hookPreStop})
			h.Hook, h.Result = HookPreStop, ResultFailed
			m.afterPreStop(i, grace)
		}
		return
	}
	m.afterPreStop(i, grace)
}

// hookFailsAtOnce reports whether the kubelet fails lifecycle hook h the
// moment it starts it, whatever the container does: handlerRunner.Run
// (pkg/kubelet/lifecycle/handlers.go) runs exec, httpGet and sleep
// handlers, and any other (tcpSocket, which the API accepts but documents
// as "NOT supported as a LifecycleHandler") falls to its default case,
// "invalid handler". The behaviour script's entry for such a hook is not
// used.
func hookFailsAtOnce(h *v1.LifecycleHandler) bool {
	return h != nil && h.Exec == nil && h.HTTPGet == nil && h.Sleep == nil
}

// afterPreStop continues a kill with g seconds left: wait for its turn if
// ordered, then stop.
func (m *Model) afterPreStop(i int, g int64) {
	c := &m.ctrs[i]
	k := &c.kill
	if k.ordered && g > 0 {
		k.stage, k.grace, k.stageStart = stWait, g, m.now
		k.hadWait = true
		k.deadline = m.now + time.Duration(g)*time.Second
		m.checkTurn(i)
		return
	}
	m.stop(i, g)
}

// checkTurn ends the ordering wait of container i if its prerequisites are
// all gone.
func (m *Model) checkTurn(i int) {
	c := &m.ctrs[i]
	k := &c.kill
	if k.stage != stWait {
		return
	}
	for _, p := range k.prereqs {
		if m.ctrs[p].running {
			return
		}
	}
	waited := int64((m.now - k.stageStart) / time.Second)
	m.stop(i, k.grace-waited)
}

// stop sends StopContainer with the 2 s floor.
func (m *Model) stop(i int, g int64) {
	c := &m.ctrs[i]
	k := &c.kill
	why := Cause{rule: rStop, b: time.Duration(k.grace0) * time.Second, c: time.Duration(k.grace0-g) * time.Second}
	if k.hadPreStop {
		why.f |= stopPreStop
	}
	if k.hadWait {
		why.f |= stopWaited
		if k.stage == stWait && g == 0 {
			why.f |= stopWaitExpire
		}
	}
	if g < m.minGrace {
		g = m.minGrace
		why.f |= stopFloor
	}
	why.a = time.Duration(g) * time.Second
	k.stage, k.stageStart = stStopping, m.now
	k.deadline = m.now + time.Duration(g)*time.Second
	m.emitC(ActStopSignal, c, m.killCause(c, why)).Timeout = g
}

// killCause adds to why the reason of c's kill and, for a probe's kill,
// the failure threshold the probe reached.
func (m *Model) killCause(c *cstate, why Cause) Cause {
	why.k = uint8(c.kill.reason)
	var p *v1.Probe
	switch c.kill.reason {
	case reasonLiveness:
		p = c.spec.LivenessProbe
	case reasonStartup:
		p = c.spec.StartupProbe
	}
	if p != nil {
		why.n = probeFailureThreshold(p)
	}
	return why
}

// killDeadline handles a kill timer of container i.
func (m *Model) killDeadline(i int) {
	c := &m.ctrs[i]
	k := &c.kill
	switch k.stage {
	case stPreStop:
		// executePreStopHook stops waiting at the grace deadline.
		k.hookDone = true
		h := m.emitC(ActHookEnded, c, Cause{rule: rPreStopExpire, a: time.Duration(k.grace) * time.Second, b: k.stageStart})
		h.Hook, h.Result = HookPreStop, ResultAbandoned
		used := int64((m.now - k.stageStart) / time.Second)
		if m.mut(MutPreStopSecondGrace) {
			used = 0
		}
		m.afterPreStop(i, k.grace-used)
	case stWait:
		m.stop(i, 0)
	case stStopping:
		m.emitC(ActSIGKILL, c, Cause{rule: rSIGKILL, a: k.deadline - k.stageStart, b: k.stageStart})
		m.exit(i, 137, "Error", Cause{rule: rExitKilled})
	}
}

// killEnded is called when container i's kill is over (it exited).
func (m *Model) killEnded(i int) {
	if m.block == blockKill && m.blockC == i {
		m.block = blockNone
	}
	for j := range m.ctrs {
		if m.ctrs[j].kill.stage == stWait {
			m.checkTurn(j)
		}
	}
	m.checkKillPodDone()
}

func (m *Model) checkKillPodDone() {
	if m.block != blockKillPod {
		return
	}
	for j := range m.ctrs {
		if m.ctrs[j].running {
			return
		}
	}
	m.block = blockNone
	if m.sandbox {
		m.sandbox = false
		m.emit(Action{Kind: ActSandboxStopped}, Cause{rule: rSandboxStopKill})
	}
	if m.deleting || m.terminalPhase != "" {
		m.finishTermination()
	}
	m.dirty = true
}

// finishTermination: the pod worker has terminated the pod (podIsTerminal);
// the status manager's TerminatePod marks what never ran as failed, and the
// API object is removed.
func (m *Model) finishTermination() {
	if m.terminated {
		return
	}
	m.terminated = true
	m.removeWorkers()
	m.seq++ // the phase may change with no action
	if m.sandbox {
		m.sandbox = false
		m.emit(Action{Kind: ActSandboxStopped}, Cause{rule: rSandboxStopTerm})
	}
}

// ---------------------------------------------------------------------------
// helpers

func (m *Model) epochAt(t time.Duration) metav1.Time {
	// Statuses carry whole seconds, as the API serialises them. The epoch
	// is whole seconds (New truncates it), so truncating t is enough.
	return metav1.Time{Time: m.epoch.Add(t - t%time.Second)}
}

// ProbeAsk is a probe the model runs now and waits for the world to answer.
type ProbeAsk struct {
	Container string
	Probe     ProbeType
}

// PendingProbes lists the probes awaiting an answer, in the order the model
// wants them answered (answer the first with an InProbeAnswer input at the
// current time; the clock cannot move while any is pending).
func (m *Model) PendingProbes() []ProbeAsk {
	var out []ProbeAsk
	for i := range m.ctrs {
		c := &m.ctrs[i]
		if !c.running {
			continue
		}
		for p := 0; p < nProbes; p++ {
			if c.probes[p].pending {
				out = append(out, ProbeAsk{Container: c.name, Probe: probeTypes[p]})
			}
		}
	}
	return out
}
