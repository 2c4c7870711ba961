package refine

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/trace"
)

// Kind classifies a divergence.
type Kind string

// The kinds of divergence.
const (
	// Unexpected: the implementation took an action the model does not
	// allow at that point.
	Unexpected Kind = "unexpected"
	// Early: the model takes that action, but only later.
	Early Kind = "early"
	// Late: the model takes that action, but the implementation took it
	// more than the tolerance after the model's moment.
	Late Kind = "late"
	// Missing: the model took an action the implementation did not report
	// within the tolerance.
	Missing Kind = "missing"
	// Status: a reported status the model never held in the window.
	Status Kind = "status"
	// Rejected: the model cannot accept the world's input, which followed
	// the implementation's actions (their states have parted).
	Rejected Kind = "rejected"
	// Event: an event the implementation recorded (an Event action) that
	// nothing the model did around its time explains (events.go).
	Event Kind = "event"
)

// Divergence is the first point where the implementation and the model
// part.
type Divergence struct {
	Kind Kind
	// At is the virtual time the divergence was established.
	At time.Duration
	// Observed is the implementation's action (nil for Missing).
	Observed *model.Action
	// Expected lists what the model had done and the implementation had
	// not yet matched at that point, oldest first (for Missing, the
	// missing action comes first).
	Expected []model.Action
	// ExpectedWhy[i] says why the model took Expected[i]: the kubelet
	// rule and upstream function behind it (see model.Cause).
	ExpectedWhy []string
	// Why says why the model expected what it did: for Early, Late and
	// Missing, the cause of the model's action; for Unexpected, the cause
	// of the first action it expected or, with none due, what its next
	// timer is for and its state of the observed container; for Status,
	// the cause of the model's status; for Rejected, the model's state of
	// the input's container, if it names one. Message says it too.
	Why string
	// Message says it in words, on one line: what was observed, what the
	// model expected, and why.
	Message string
}

func (d *Divergence) Error() string { return fmt.Sprintf("%s at %v: %s", d.Kind, d.At, d.Message) }

// Options configure a Checker.
type Options struct {
	// Tolerance is how much later than the model the implementation may
	// act (a real kubelet re-syncs about every 10 s). 0 demands the exact
	// moment.
	Tolerance time.Duration
	// Observes is what the implementation reports; only that is compared.
	Observes properties.Observables
	// Lag is how late the implementation declares it reports (see
	// adapters.Info.Lag): an event may be explained by a model action up
	// to Lag after it (events.go).
	Lag time.Duration
	// Mutation runs a mutant as the reference instead of the model (for
	// tests of the checker itself); 0 is the reference model.
	Mutation model.Mutation
	// OnTake, if set, is given every action the model takes, as it takes
	// them, on the branch being followed (not on the other branches tried,
	// see branch.go). An autonomous trace's replay uses it so that the
	// world answers the model's actions the implementation does not
	// report (a stop signal, a hook) as the model takes them. It must not
	// keep or change acts.
	OnTake func(acts []model.Action)
}

type statusAt struct {
	at  time.Duration
	key string
	why model.Cause
	// parts: with viaStatus, the status's observed parts one by one (see
	// parts), for a match part by part.
	parts []string
	// alive: with viaStatus, the status may still be the API's until then,
	// though the model published others since (see take: a back-off
	// refusal); else at.
	alive time.Duration
}

// Checker compares one implementation run with the model, step by step.
type Checker struct {
	pod     *v1.Pod
	m       *model.Model
	mw      *model.Script // the model's own world, for its probes
	tol     time.Duration
	obs     properties.Observables
	pending []model.Action
	pendWhy []model.Cause // pendWhy[i] is the cause of pending[i]
	// pendDue[i] is when pending[i] is due to be seen: its own time, or,
	// for a start or exit an implementation reads from statuses
	// (viaStatus), the time of the model's first status generated after
	// it; unshown (-1) until then.
	pendDue []time.Duration
	// pendJit[i] is how much later than the tolerance pending[i] may
	// still be seen: the jitter of the pod worker's requeue, for what
	// the model does at a back-off's end (see wakeJit).
	pendJit []time.Duration
	// wakeJit maps the end of a back-off the model refused a restart
	// for to the jitter its wake may have on a real node: the sync that
	// refused ends with the back-off's error, and the pod worker requeues
	// the pod for the time left, capped at the resync interval and
	// jittered by up to half of it (pod_workers.go completeWork,
	// workerBackOffPeriodJitterFactor). Only with a tolerance.
	wakeJit map[time.Duration]time.Duration
	resync  time.Duration
	// viaStatus: the implementation sees starts and exits only in the pod
	// statuses (runs without actions: an API client). The kubelet writes
	// a container's new state only with a generated status (a sync's), so
	// a run is due when the model's next generation shows it, not at its
	// CRI-level moment: while the pod worker is busy (a postStart hook, a
	// kill) the statuses show nothing new.
	viaStatus bool
	// apiPhase: with viaStatus, the phase, reason and message of the
	// last status the model published, as the API server shows them (see
	// apiViews).
	apiPhase apiPhase
	taken    int           // actions the model took so far
	hist     []statusAt    // the model's statuses, oldest first, trimmed
	lastObs  string        // key of the last observed status
	lastSt   *v1.PodStatus // the last observed status
	sawObs   bool
	// endOK holds, once the pod is force-deleted, the statuses the
	// implementation may end with (see End); nil before.
	endOK map[string]bool
	// removedAt: when the model's kubelet removed the pod object itself
	// (-1 before); see input's force delete.
	removedAt time.Duration
	div       *Divergence
	// events: the Event actions observed (witnesses, events.go); took:
	// the model's actions that can explain one, in order.
	events []model.Action
	took   []model.Action

	// For other branches of the model (see Model.Choices): the scenario
	// and options to rebuild it, every call so far, and the replays done.
	scen    *model.Scenario
	opt     Options
	journal []call
	replays int
	onTake  func([]model.Action) // opt.OnTake, on the followed branch only
	// blind: the implementation reported the pod object's removal and
	// sees the node only through it (runs, not actions): nothing the
	// model does afterwards, or did and the implementation had not
	// reported yet, can be seen any more.
	blind   bool
	blindAt time.Duration // when it went blind
}

// call is one call of Input, Observe, Sync or End, kept for replays.
type call struct {
	kind     callKind
	in       model.Input
	act      *model.Action // the caller's, which must not change
	t        time.Duration
	complete bool
}

type callKind uint8

const (
	callInput callKind = iota
	callObserve
	callSync
	callEnd
)

// maxReplays bounds the other branches one check tries.
const maxReplays = 64

// New prepares a check of scenario s.
func New(s *model.Scenario, opt Options) (*Checker, error) {
	return newChecker(s, opt, nil, opt.OnTake)
}

// newChecker prepares a check whose model takes picks at its choices.
func newChecker(s *model.Scenario, opt Options, picks []int, onTake func([]model.Action)) (*Checker, error) {
	m, err := model.NewChoosing(s, opt.Mutation, picks)
	if err != nil {
		return nil, err
	}
	c := &Checker{pod: &s.Pod, m: m, mw: model.NewScript(s), tol: opt.Tolerance, obs: opt.Observes.Normal(), scen: s, opt: opt, onTake: onTake, removedAt: -1}
	c.viaStatus = c.obs.Has(properties.ObsRuns|properties.ObsContainerStatuses) && !c.obs.Has(properties.ObsActions)
	c.resync = s.Profile.WithDefaults().SyncFrequency.Duration
	for _, st := range c.apiViews(m.Status(), model.Cause{}) {
		c.hist = append(c.hist, statusAt{0, c.key(st), model.Cause{}, c.parts(st), 0})
	}
	c.take(m.Drain(), m.Causes())
	c.answerProbes()
	return c, nil
}

// Taken returns how many actions the model has taken so far (statuses
// included): a measure of the scenario's own size, which tells a scenario
// too big to check from an implementation that runs away.
func (c *Checker) Taken() int { return c.taken }

// Divergence returns the divergence found so far, if any.
func (c *Checker) Divergence() *Divergence { return c.div }

// Model is the checker's copy of the model (read only).
func (c *Checker) Model() *model.Model { return c.m }

// Pending returns the model's actions not yet matched (read only).
func (c *Checker) Pending() []model.Action { return c.pending }

// compared reports whether actions of kind k are matched one by one.
func (c *Checker) compared(k model.ActionKind) bool {
	if k == model.ActStatus || k == model.ActEvent {
		return false
	}
	if c.tol > 0 && (k == model.ActProbeResult || k == model.ActBackOff) {
		return false
	}
	return c.obs&properties.ObservableOf(k) != 0
}

// apiPhase is a status's phase, reason and message.
type apiPhase struct {
	phase           v1.PodPhase
	reason, message string
}

// apiViews returns what the API server may show of the model's status st
// (published for cause why), in order: the status manager's copy, except
// that its mergePodStatus (status_manager.go) holds back a terminal phase
// while the pod worker could still have running containers, until
// SyncTerminatingPod has finished: the API then keeps the phase, reason
// and message it had. A terminal status whose containers all stopped and
// whose sandbox is gone may be written either way, as the pod worker
// finishes the termination at about the time the status manager writes:
// both views, held back first. The model's statuses are the status
// manager's copy (what the prober reads, what the in-process kubelet
// publishes); an implementation read through the API server shows them
// so.
func (c *Checker) apiViews(st *v1.PodStatus, why model.Cause) []*v1.PodStatus {
	if !c.viaStatus || st == nil {
		return []*v1.PodStatus{st}
	}
	terminal := func(p v1.PodPhase) bool { return p == v1.PodSucceeded || p == v1.PodFailed }
	if !terminal(st.Phase) || terminal(c.apiPhase.phase) || c.apiPhase.phase == "" || why.IsTerminated() {
		c.apiPhase = apiPhase{st.Phase, st.Reason, st.Message}
		return []*v1.PodStatus{st}
	}
	held := *st
	held.Phase, held.Reason, held.Message = c.apiPhase.phase, c.apiPhase.reason, c.apiPhase.message
	if !stopped(st) {
		return []*v1.PodStatus{&held}
	}
	c.apiPhase = apiPhase{st.Phase, st.Reason, st.Message}
	return []*v1.PodStatus{&held, st}
}

// stopped reports whether st shows no container running and the sandbox
// gone (PodReadyToStartContainers not True).
func stopped(st *v1.PodStatus) bool {
	for _, list := range [][]v1.ContainerStatus{st.InitContainerStatuses, st.ContainerStatuses} {
		for i := range list {
			if list[i].State.Running != nil {
				return false
			}
		}
	}
	for _, cd := range st.Conditions {
		if cd.Type == v1.PodReadyToStartContainers && cd.Status == v1.ConditionTrue {
			return false
		}
	}
	return true
}

// unshown is the pendDue of a run no generated status has shown yet.
const unshown = time.Duration(-1)

// due returns when pending[i] is due to be seen: never before its own
// time; an unshown run is not due yet, and may be seen from its time on.
func (c *Checker) due(i int) (time.Duration, bool) {
	d := c.pendDue[i]
	if d < 0 {
		return c.pending[i].At, false
	}
	return max(d, c.pending[i].At), true
}

// drop removes pending[i].
func (c *Checker) drop(i int) {
	c.pending = append(c.pending[:i], c.pending[i+1:]...)
	c.pendWhy = append(c.pendWhy[:i], c.pendWhy[i+1:]...)
	c.pendDue = append(c.pendDue[:i], c.pendDue[i+1:]...)
	c.pendJit = append(c.pendJit[:i], c.pendJit[i+1:]...)
}

// take records the model's actions and their causes.
func (c *Checker) take(acts []model.Action, why []model.Cause) {
	c.taken += len(acts)
	c.mw.Observe(acts)
	if c.onTake != nil && len(acts) > 0 {
		c.onTake(acts)
	}
	for i := range acts {
		a := acts[i]
		if c.obs&properties.ObsEvents != 0 && witnessKind(a.Kind) {
			w := a
			w.Status = nil
			c.took = append(c.took, w)
		}
		if a.Kind == model.ActStatus {
			if c.viaStatus && !why[i].IsPatch() {
				for j := range c.pendDue {
					if c.pendDue[j] < 0 {
						c.pendDue[j] = a.At
					}
				}
			}
			if c.obs&properties.ObsStatus != 0 {
				if jit := c.wakeJit[a.At]; jit > 0 && len(c.hist) > 0 && c.hist[len(c.hist)-1].at < a.At {
					// The status before the back-off's end may stay
					// until the jittered wake.
					h := &c.hist[len(c.hist)-1]
					h.alive = max(h.alive, a.At+jit)
				}
				for _, st := range c.apiViews(a.Status, why[i]) {
					k := c.key(st)
					c.hist = append(c.hist, statusAt{a.At, k, why[i], c.parts(st), a.At})
					if c.endOK != nil {
						c.endOK[k] = true
					}
				}
			}
			continue
		}
		if a.Kind == model.ActBackOff && c.viaStatus && len(c.hist) > 0 {
			// The refusal's CrashLoopBackOff reaches the status only with
			// the pod worker's next sync: the sync that refused ends with
			// an error, and the worker requeues the pod for the back-off's
			// expiry (pod_workers.go completeWork,
			// kubecontainer.MinBackoffExpiration). The model shows it at
			// once (docs/semantics.md §12.3); until the back-off ends the
			// API may still show the exited instance, which the status
			// before the refusal shows.
			h := &c.hist[len(c.hist)-1]
			h.alive = max(h.alive, a.At+a.Wait+c.jitterOf(a))
		}
		if a.Kind == model.ActBackOff && c.tol > 0 {
			if c.wakeJit == nil {
				c.wakeJit = map[time.Duration]time.Duration{}
			}
			w := a.At + a.Wait
			c.wakeJit[w] = max(c.wakeJit[w], c.jitterOf(a))
		}
		if a.Kind == model.ActDeleteRequested && a.Force && c.endOK == nil {
			c.forceDeleted(a.At)
		}
		if a.Kind == model.ActPodRemoved && c.removedAt < 0 {
			c.removedAt = a.At
		}
		if c.compared(a.Kind) && !c.blind {
			a.Status = nil
			due := a.At
			if c.viaStatus && (a.Kind == model.ActContainerStarted || a.Kind == model.ActContainerExited) {
				due = unshown
			}
			c.pending = append(c.pending, a)
			c.pendWhy = append(c.pendWhy, why[i])
			c.pendDue = append(c.pendDue, due)
			c.pendJit = append(c.pendJit, c.wakeJit[a.At])
		}
	}
}

// jitText says how much a pending action's wake may be jittered.
func jitText(j time.Duration) string {
	if j == 0 {
		return ""
	}
	return fmt.Sprintf(", plus %v for the pod worker's jittered wake at a back-off's end", j)
}

// jitterOf returns how much later than the back-off's end a real pod
// worker may wake after refusal a (see wakeJit): half the time left,
// capped at the resync interval.
func (c *Checker) jitterOf(a model.Action) time.Duration {
	if c.tol == 0 {
		return 0
	}
	return min(a.Wait, c.resync) / 2
}

func (c *Checker) step(in model.Input) error {
	acts, err := c.m.Step(in)
	if errors.Is(err, model.ErrFinished) {
		return nil
	}
	if err != nil {
		return err
	}
	c.take(acts, c.m.Causes())
	return c.answerProbes()
}

func (c *Checker) answerProbes() error {
	for {
		asks := c.m.PendingProbes()
		if len(asks) == 0 {
			return nil
		}
		in := c.mw.ProbeAnswer(c.m.Now(), asks[0].Container, asks[0].Probe)
		acts, err := c.m.Step(in)
		if err != nil {
			return err
		}
		c.take(acts, c.m.Causes())
	}
}

// advance runs the model's own timers up to t.
func (c *Checker) advance(t time.Duration) error {
	for {
		next, ok := c.m.NextTimer()
		if !ok || next > t {
			return nil
		}
		if err := c.step(model.Input{Kind: model.InTick, At: next}); err != nil {
			return err
		}
	}
}

func (c *Checker) fail(d *Divergence) *Divergence {
	if c.div == nil {
		d.Expected = append(d.Expected, c.pending...)
		for i := range c.pendWhy {
			d.ExpectedWhy = append(d.ExpectedWhy, c.pendWhy[i].String())
		}
		c.div = d
	}
	return c.div
}

// Input gives the model the world's input in, which the implementation
// also gets (or, for an autonomous one, got). Call it before observing the
// implementation's actions at in.At.
func (c *Checker) Input(in model.Input) *Divergence {
	if c.div != nil {
		return c.div
	}
	c.journal = append(c.journal, call{kind: callInput, in: in})
	return c.branch(c.input(in))
}

func (c *Checker) input(in model.Input) *Divergence {
	if in.At < c.m.Now() {
		// The model is ahead of the world (it fired a timer the
		// implementation has not reached yet); the input happens at the
		// model's clock. Only possible with a tolerance.
		in.At = c.m.Now()
	}
	if err := c.advance(in.At); err != nil {
		return c.fail(&Divergence{Kind: Rejected, At: in.At, Message: "the model's own timers failed: " + err.Error()})
	}
	if in.Kind == model.InProbeAnswer {
		return nil // the model asks its own probes
	}
	if in.Kind == model.InForceDelete && c.endOK == nil && c.removedAt >= 0 && in.At-c.removedAt <= c.tol {
		// The model's kubelet removed the object itself, after its final
		// status, in the force delete's instant (or, with a tolerance, at
		// most that long before it: the node may be that late). On a node
		// the two race: the force delete may remove the object before the
		// kubelet's last status writes reach it, and the model, which has
		// no pod left to delete, takes no force delete. The statuses of
		// the removal race the force delete as in forceDeleted.
		c.forceDeleted(in.At)
	}
	if err := c.step(in); err != nil {
		msg := fmt.Sprintf("the model cannot accept the world's %s: %v", describeInput(in), err)
		var why string
		if in.Container != "" {
			why = c.m.DescribeContainer(in.Container)
			msg += "; in the model, " + why
		}
		return c.fail(&Divergence{Kind: Rejected, At: in.At, Why: why, Message: msg})
	}
	return nil
}

// Observe checks one action the implementation reported. Its time must
// not be after the latest input given to Input (or to Sync). The checker
// keeps a for replays (branch.go): it must not change afterwards.
func (c *Checker) Observe(a *model.Action) *Divergence {
	if c.div != nil {
		return c.div
	}
	c.journal = append(c.journal, call{kind: callObserve, act: a})
	return c.branch(c.observe(a))
}

func (c *Checker) observe(a *model.Action) *Divergence {
	if err := c.advance(a.At); err != nil {
		return c.fail(&Divergence{Kind: Rejected, At: a.At, Message: "the model's own timers failed: " + err.Error()})
	}
	obs := *a
	if a.Kind == model.ActStatus {
		return c.observeStatus(&obs)
	}
	if a.Kind == model.ActEvent {
		c.events = append(c.events, obs) // judged at the end (events.go)
		return nil
	}
	if !c.compared(a.Kind) {
		return nil
	}
	obs.Status = nil
	for i := range c.pending {
		e := &c.pending[i]
		if !c.same(e, &obs) {
			continue
		}
		// A run the model has not shown yet (viaStatus: no generated
		// status since) is not due, so it cannot be late: the model's
		// status that would show it is still to come.
		due, shown := c.due(i)
		switch {
		case e.At > obs.At:
			why := c.pendWhy[i].String()
			return c.fail(&Divergence{Kind: Early, At: obs.At, Observed: &obs, Why: why,
				Message: fmt.Sprintf("observed %s, but the model takes it only at %v; why: %s", trace.Describe(obs), e.At, why)})
		case shown && obs.At-due > c.tol+c.pendJit[i]:
			why := c.pendWhy[i].String()
			return c.fail(&Divergence{Kind: Late, At: obs.At, Observed: &obs, Why: why,
				Message: fmt.Sprintf("observed %s, %v after the model took it at %v%s (tolerance %v%s); why the model took it then: %s", trace.Describe(obs), obs.At-due, e.At, shownAt(e.At, due), c.tol, jitText(c.pendJit[i]), why)})
		}
		c.drop(i)
		if obs.Kind == model.ActPodRemoved && !c.obs.Has(properties.ObsActions) {
			c.goBlind()
		}
		return nil
	}
	if obs.Kind == model.ActDeleteRequested && c.removalPending() {
		// The model has removed the object already and the
		// implementation, which has not yet (within the tolerance),
		// accepted one more delete: the world's, which the model no
		// longer needed.
		return nil
	}
	what, why, timer := c.expecting(obs.At)
	if obs.Container != "" {
		why += "; in the model, " + c.m.DescribeContainer(obs.Container)
	}
	d := &Divergence{Kind: Unexpected, At: obs.At, Observed: &obs,
		Message: fmt.Sprintf("observed %s; the model does not take that action here (it expects %s)%s", trace.Describe(obs), what, why)}
	d.Why = strings.TrimPrefix(timer+why, "; ")
	return c.fail(d)
}

// removalPending reports whether the model removed the pod object and the
// implementation has not reported it yet.
func (c *Checker) removalPending() bool {
	for i := range c.pending {
		if c.pending[i].Kind == model.ActPodRemoved {
			return true
		}
	}
	return false
}

// goBlind drops what the implementation can no longer see once the pod
// object is gone (see Checker.blind): the starts and exits it had not
// reported yet.
func (c *Checker) goBlind() {
	c.blind, c.blindAt = true, c.m.Now()
	k := 0
	for i := range c.pending {
		if c.pending[i].Kind == model.ActContainerStarted || c.pending[i].Kind == model.ActContainerExited {
			continue
		}
		c.pending[k], c.pendWhy[k], c.pendDue[k], c.pendJit[k] = c.pending[i], c.pendWhy[i], c.pendDue[i], c.pendJit[i]
		k++
	}
	c.pending, c.pendWhy, c.pendDue, c.pendJit = c.pending[:k], c.pendWhy[:k], c.pendDue[:k], c.pendJit[:k]
}

// Allows reports whether observing a now would be accepted (an autonomous
// trace's replay uses it to order the world's inputs and the
// implementation's actions of one instant). It observes nothing; it may
// switch the checker to another branch of the model that accepts a and
// everything so far (see branch.go).
func (c *Checker) Allows(a *model.Action) bool {
	if c.div != nil {
		return false
	}
	if c.allows(a) {
		return true
	}
	// Another branch of the model may take it (another order of one
	// sync's kills): switch to it. That changes no verdict: every branch
	// accepts what was checked so far.
	return c.search(a.At, func(alt *Checker) bool { return alt.div == nil && alt.allows(a) })
}

func (c *Checker) allows(a *model.Action) bool {
	if a.Kind == model.ActStatus {
		if c.obs&properties.ObsStatus == 0 || a.Status == nil {
			return true
		}
		ok, _ := c.hadStatus(a.Status, c.key(a.Status), a.At)
		return ok
	}
	if !c.compared(a.Kind) {
		return true
	}
	for i := range c.pending {
		e := &c.pending[i]
		if due, _ := c.due(i); c.same(e, a) && e.At <= a.At && a.At-due <= c.tol+c.pendJit[i] {
			return true
		}
	}
	return false
}

// expecting describes the model's unmatched actions due by t (what), and
// why: "; why it expects", the first of them and its cause. With none due,
// what says when the model's next timer is and what it is for, and so does
// timer.
func (c *Checker) expecting(t time.Duration) (what, why, timer string) {
	var parts []string
	for i, e := range c.pending {
		if due, shown := c.due(i); shown && due <= t {
			if len(parts) == 0 {
				why = "; why it expects " + trace.Describe(e) + ": " + c.pendWhy[i].String()
			}
			parts = append(parts, trace.Describe(e))
		}
	}
	if next, ok := c.m.NextTimer(); ok && len(parts) == 0 {
		timer = fmt.Sprintf("its next timer is at %v", next)
		if nc := c.m.NextTimerCause(); !nc.IsZero() {
			timer += ": " + nc.String()
		}
		return "nothing now; " + timer, "", timer
	}
	if len(parts) == 0 {
		return "nothing", "", ""
	}
	if len(parts) > 4 {
		parts = append(parts[:4], fmt.Sprintf("and %d more", len(parts)-4))
	}
	return strings.Join(parts, "; "), why, ""
}

// Sync says the implementation has reported everything up to t: a model
// action due by t minus the tolerance that it has not reported is missing.
func (c *Checker) Sync(t time.Duration) *Divergence {
	if c.div != nil {
		return c.div
	}
	c.journal = append(c.journal, call{kind: callSync, t: t})
	return c.branch(c.sync(t))
}

func (c *Checker) sync(t time.Duration) *Divergence {
	if err := c.advance(t); err != nil {
		return c.fail(&Divergence{Kind: Rejected, At: t, Message: "the model's own timers failed: " + err.Error()})
	}
	for i := range c.pending {
		e, w, d, j := c.pending[i], c.pendWhy[i], c.pendDue[i], c.pendJit[i]
		due, shown := c.due(i)
		if shown && due+c.tol+j <= t {
			c.drop(i)
			c.pending = append([]model.Action{e}, c.pending...)
			c.pendWhy = append([]model.Cause{w}, c.pendWhy...)
			c.pendDue = append([]time.Duration{d}, c.pendDue...)
			c.pendJit = append([]time.Duration{j}, c.pendJit...)
			why := w.String()
			msg := fmt.Sprintf("the model took %s%s; not observed by %v (tolerance %v%s)", trace.Describe(e), shownAt(e.At, due), due+c.tol+j, c.tol, jitText(j))
			if t > due+c.tol+j {
				msg += fmt.Sprintf("; the implementation's next report was at %v", t)
			}
			msg += "; why the model took it: " + why
			return c.fail(&Divergence{Kind: Missing, At: due + c.tol + j, Why: why, Message: msg})
		}
	}
	c.trim(t)
	return nil
}

// forceDeleted notes a force delete at t. The API object is gone at once,
// so a status the kubelet generates in that instant may or may not reach
// the API server before it (the status manager writes asynchronously): the
// run may end with the status in force just before t (within the
// tolerance) or with any the model published from then on.
func (c *Checker) forceDeleted(t time.Duration) {
	c.endOK = map[string]bool{}
	from := t - c.tol
	for i := len(c.hist) - 1; i >= 0; i-- {
		c.endOK[c.hist[i].key] = true
		if c.hist[i].at < from {
			break
		}
	}
	// So may a status the API may still show then, read through it: the
	// exited instance before a back-off refusal's CrashLoopBackOff is
	// written, at the back-off's end (see alive).
	for i := range c.hist {
		if c.hist[i].alive >= from {
			c.endOK[c.hist[i].key] = true
		}
	}
}

// End finishes the check: the implementation reported everything up to
// until. complete says both sides are done (nothing more can happen); the
// last reported status must then be the model's last (or, for a
// force-deleted pod, one that was in force when the API object went; see
// forceDeleted).
func (c *Checker) End(until time.Duration, complete bool) *Divergence {
	if c.div != nil {
		return c.div
	}
	c.journal = append(c.journal, call{kind: callEnd, t: until, complete: complete})
	return c.branch(c.end(until, complete))
}

func (c *Checker) end(until time.Duration, complete bool) *Divergence {
	if d := c.sync(until); d != nil {
		return d
	}
	if d := c.judgeEvents(until, complete); d != nil {
		return d
	}
	if complete && c.sawObs && len(c.hist) > 0 {
		last := c.hist[len(c.hist)-1]
		if c.viaStatus {
			// Read through the API server: a status still alive at the
			// end (a refusal's CrashLoopBackOff not written yet) may be
			// the last.
			for i := range c.hist {
				if c.hist[i].alive >= until && c.hist[i].key == c.lastObs {
					return nil
				}
			}
		}
		if last.key != c.lastObs && !c.endOK[c.lastObs] {
			why := statusWhy(last)
			return c.fail(&Divergence{Kind: Status, At: until, Why: why,
				Message: fmt.Sprintf("the last reported status is %s; the model ends with %s; why: %s", c.lastObs, last.key, why)})
		}
	}
	return nil
}

// trim drops the statuses that can no longer match: those superseded
// before the window [t-tolerance, t] of an observation at t or later.
func (c *Checker) trim(t time.Duration) {
	from := t - c.tol
	k := 0
	for k+1 < len(c.hist) && c.hist[k+1].at < from && c.hist[k].alive < from {
		k++
	}
	if k > 0 {
		c.hist = append(c.hist[:0], c.hist[k:]...)
	}
}

// hadStatus reports whether the model's status was st (key) at some
// moment of the window [t-tolerance, t]: the level at the window's start,
// or one published in it. With viaStatus it is enough that each part of
// st was so at some moment of the window (see parts); else it returns the
// first part that never was.
func (c *Checker) hadStatus(st *v1.PodStatus, key string, t time.Duration) (bool, string) {
	from := t - c.tol
	start := 0
	for i := range c.hist {
		if c.hist[i].at < from {
			start = i
		}
	}
	end := start
	for ; end < len(c.hist) && c.hist[end].at <= t; end++ {
		if c.hist[end].key == key {
			return true, ""
		}
	}
	// Before the window, the statuses still alive in it (viaStatus).
	first := start
	for i := 0; i < start; i++ {
		if c.hist[i].alive >= from {
			if c.hist[i].key == key {
				return true, ""
			}
			first = min(first, i)
		}
	}
	if !c.viaStatus {
		return false, ""
	}
	for _, p := range c.parts(st) {
		found := false
		for i := first; i < end && !found; i++ {
			if i < start && c.hist[i].alive < from {
				continue
			}
			for _, q := range c.hist[i].parts {
				if q == p {
					found = true
					break
				}
			}
		}
		if !found {
			return false, p
		}
	}
	return true, ""
}

// parts splits a status, read through the API server (viaStatus), into its
// observed parts: the phase, each condition, each container status. The
// kubelet's relist and syncs batch changes the model makes at different
// instants, and the status manager writes the latest copy: a status read
// from the API can combine parts that the model held at different moments
// of the tolerance window, each of them late by less than the tolerance.
// So each part is matched on its own (the invariants judge how the parts of
// one status agree: ready-implies-started, ...). nil without viaStatus.
func (c *Checker) parts(st *v1.PodStatus) []string {
	if !c.viaStatus || st == nil {
		return nil
	}
	var out []string
	if c.obs&properties.ObsPhase != 0 {
		out = append(out, "phase="+string(st.Phase)+"/"+st.Reason)
	}
	if c.obs&properties.ObsConditions != 0 {
		for _, cd := range st.Conditions {
			out = append(out, "condition "+string(cd.Type)+"="+string(cd.Status)+"/"+cd.Reason)
		}
	}
	if c.obs&properties.ObsContainerStatuses != 0 {
		for _, list := range [][]v1.ContainerStatus{st.InitContainerStatuses, st.ContainerStatuses} {
			for i := range list {
				out = append(out, "container "+containerKeys(list[i:i+1]))
			}
		}
	}
	return out
}

func (c *Checker) observeStatus(a *model.Action) *Divergence {
	if c.obs&properties.ObsStatus == 0 || a.Status == nil {
		return nil
	}
	key := c.key(a.Status)
	c.lastObs, c.lastSt, c.sawObs = key, a.Status, true
	ok, part := c.hadStatus(a.Status, key, a.At)
	if ok {
		return nil
	}
	want := c.hist[len(c.hist)-1]
	for i := len(c.hist) - 1; i >= 0; i-- {
		if c.hist[i].at <= a.At {
			want = c.hist[i]
			break
		}
	}
	why := statusWhy(want)
	never := ""
	if part != "" {
		never = fmt.Sprintf(" (its %s was no status's of the model in the %v before)", part, c.tol)
	}
	return c.fail(&Divergence{Kind: Status, At: a.At, Observed: a, Why: why,
		Message: fmt.Sprintf("reported status %s%s; the model's status then was %s; why: %s", key, never, want.key, why)})
}

// statusWhy says why the model published s, and when.
func statusWhy(s statusAt) string {
	if s.why.IsZero() {
		return "the pod's status before its first sync"
	}
	return fmt.Sprintf("the model set it at %v: %s", s.at, s.why)
}

// same reports whether observed action o is the model's action e, on the
// fields its kind uses.
func (c *Checker) same(e, o *model.Action) bool {
	if e.Kind != o.Kind || e.Container != o.Container {
		return false
	}
	switch e.Kind {
	case model.ActContainerCreated, model.ActContainerStarted, model.ActSIGKILL:
		return e.Attempt == o.Attempt
	case model.ActHookStarted:
		return e.Attempt == o.Attempt && e.Hook == o.Hook
	case model.ActHookEnded:
		return e.Attempt == o.Attempt && e.Hook == o.Hook && e.Result == o.Result
	case model.ActProbeResult:
		return e.Attempt == o.Attempt && e.Probe == o.Probe && e.Result == o.Result
	case model.ActStopSignal:
		return e.Attempt == o.Attempt && e.Timeout == o.Timeout
	case model.ActContainerExited:
		if c.viaStatus && o.Reason == model.ReasonStatusUnknown {
			// Read from a status that TerminatePod wrote before the
			// runtime's exit reached it: the instance ended, how is not
			// known (status_manager.go TerminatePod).
			return e.Attempt == o.Attempt
		}
		return e.Attempt == o.Attempt && e.ExitCode == o.ExitCode && e.Reason == o.Reason
	case model.ActBackOff:
		if c.tol > 0 {
			return e.Attempt == o.Attempt && e.Delay == o.Delay
		}
		return e.Attempt == o.Attempt && e.Delay == o.Delay && e.Wait == o.Wait
	case model.ActDeleteRequested:
		return e.Grace == o.Grace && e.Force == o.Force
	}
	return true
}

// key projects a status onto the observed parts, without timestamps.
func (c *Checker) key(st *v1.PodStatus) string {
	if st == nil {
		return "<none>"
	}
	var b strings.Builder
	if c.obs&properties.ObsPhase != 0 {
		b.WriteString("phase=")
		b.WriteString(string(st.Phase))
		if st.Reason != "" {
			b.WriteString("/" + st.Reason)
		}
		b.WriteByte(' ')
	}
	if c.obs&properties.ObsConditions != 0 {
		conds := make([]string, 0, len(st.Conditions))
		for _, cd := range st.Conditions {
			s := string(cd.Type) + "=" + string(cd.Status)
			if cd.Reason != "" {
				s += "/" + cd.Reason
			}
			conds = append(conds, s)
		}
		sort.Strings(conds)
		b.WriteString("conditions[" + strings.Join(conds, ",") + "] ")
	}
	if c.obs&properties.ObsContainerStatuses != 0 {
		b.WriteString("init[" + containerKeys(st.InitContainerStatuses) + "] ")
		b.WriteString("containers[" + containerKeys(st.ContainerStatuses) + "] ")
	}
	if c.obs&properties.ObsKubectl != 0 {
		row := model.Kubectl(c.pod, st, time.Time{})
		b.WriteString("kubectl=" + row.Ready + "/" + row.Status + "/" + row.Restarts)
	}
	return strings.TrimSpace(b.String())
}

func containerKeys(cs []v1.ContainerStatus) string {
	parts := make([]string, 0, len(cs))
	for i := range cs {
		s := &cs[i]
		var b strings.Builder
		b.WriteString(s.Name + ":" + stateKey(s.State))
		if s.LastTerminationState.Terminated != nil {
			b.WriteString(",last=" + stateKey(s.LastTerminationState))
		}
		if s.Ready {
			b.WriteString(",ready")
		}
		if s.Started != nil && *s.Started {
			b.WriteString(",started")
		}
		b.WriteString(",restarts=" + strconv.Itoa(int(s.RestartCount)))
		parts = append(parts, b.String())
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func stateKey(s v1.ContainerState) string {
	switch {
	case s.Running != nil:
		return "running"
	case s.Terminated != nil:
		r := "terminated(" + strconv.Itoa(int(s.Terminated.ExitCode))
		if s.Terminated.Reason != "" {
			r += "," + s.Terminated.Reason
		}
		return r + ")"
	case s.Waiting != nil:
		return "waiting(" + s.Waiting.Reason + ")"
	}
	return "none"
}

// shownAt says, for a run the model took at at and only a later
// generated status showed (at due), when that status came.
func shownAt(at, due time.Duration) string {
	if due > at {
		return fmt.Sprintf(", which its next generated status showed at %v", due)
	}
	return ""
}

func describeInput(in model.Input) string {
	switch in.Kind {
	case model.InExit:
		return fmt.Sprintf("exit of %q (code %d) at %v", in.Container, in.ExitCode, in.At)
	case model.InHookDone:
		return fmt.Sprintf("hook completion of %q at %v", in.Container, in.At)
	case model.InDelete:
		return fmt.Sprintf("delete (grace %d) at %v", in.Grace, in.At)
	case model.InForceDelete:
		return fmt.Sprintf("force delete at %v", in.At)
	case model.InSetCondition:
		return fmt.Sprintf("condition %s set to %s at %v", in.Condition, in.CondStatus, in.At)
	}
	return fmt.Sprintf("%s at %v", in.Kind, in.At)
}
