package model

import (
	"errors"
	"fmt"
	"sort"
	"time"

	v1 "k8s.io/api/core/v1"
)

// Script is the world a scenario's behaviour script describes. It watches
// the model's actions (a container started, a hook began, a stop signal was
// sent) and schedules the inputs the script calls for: exits, hook
// completions, probe answers and the external events.
type Script struct {
	sc     *Scenario
	ctrs   []scriptCtr
	byName map[string]int
	events []Event
	evPos  int
	sched  []pendingInput
	seq    int
}

type scriptCtr struct {
	name      string
	spec      *v1.Container
	beh       *ContainerBehaviour
	isInit    bool
	attempt   int
	startedAt time.Duration
	running   bool
	stopped   bool // got its stop signal
	seen      bool // an instance started
}

type pendingInput struct {
	in      Input
	seq     int
	attempt int
	hook    bool
}

// NewScript builds the world of scenario s.
func NewScript(s *Scenario) *Script {
	w := &Script{sc: s, byName: map[string]int{}}
	add := func(c *v1.Container, isInit bool) {
		sc := scriptCtr{name: c.Name, spec: c, isInit: isInit && !IsSidecar(c)}
		if b, ok := s.Behaviour.Containers[c.Name]; ok {
			b := b
			sc.beh = &b
		}
		w.byName[c.Name] = len(w.ctrs)
		w.ctrs = append(w.ctrs, sc)
	}
	for i := range s.Pod.Spec.InitContainers {
		add(&s.Pod.Spec.InitContainers[i], true)
	}
	for i := range s.Pod.Spec.Containers {
		add(&s.Pod.Spec.Containers[i], false)
	}
	w.events = append([]Event(nil), s.Events...)
	sort.SliceStable(w.events, func(a, b int) bool { return w.events[a].At.Duration < w.events[b].At.Duration })
	return w
}

func (sc *scriptCtr) attemptScript() *Attempt { return sc.beh.AttemptAt(sc.attempt) }

// conduct returns the conduct that applies to the current attempt.
func (sc *scriptCtr) conduct() Conduct { return sc.beh.ConductOf(sc.attemptScript()) }

func (w *Script) schedule(in Input, attempt int, hook bool) {
	w.seq++
	w.sched = append(w.sched, pendingInput{in: in, seq: w.seq, attempt: attempt, hook: hook})
}

func (w *Script) drop(name string, hooks bool) {
	k := 0
	for _, p := range w.sched {
		if p.in.Container == name && (!hooks || p.hook) {
			continue
		}
		w.sched[k] = p
		k++
	}
	w.sched = w.sched[:k]
}

// Instance returns the instance of container name the world last saw
// start, and whether it still runs (-1, false before any).
func (w *Script) Instance(name string) (attempt int, running bool) {
	idx, ok := w.byName[name]
	if !ok {
		return -1, false
	}
	sc := &w.ctrs[idx]
	if !sc.seen {
		return -1, false
	}
	return sc.attempt, sc.running
}

// StartedAt returns when the world last saw container name start.
func (w *Script) StartedAt(name string) time.Duration {
	if idx, ok := w.byName[name]; ok {
		return w.ctrs[idx].startedAt
	}
	return 0
}

// Observe updates the world with the model's actions.
func (w *Script) Observe(acts []Action) {
	for i := range acts {
		a := &acts[i]
		idx, ok := w.byName[a.Container]
		if !ok {
			continue
		}
		sc := &w.ctrs[idx]
		switch a.Kind {
		case ActContainerStarted:
			w.drop(sc.name, false)
			sc.attempt, sc.startedAt, sc.running, sc.stopped, sc.seen = a.Attempt, a.At, true, false, true
			if after, code, ok := sc.beh.ExitOf(a.Attempt, sc.isInit); ok {
				at := sc.attemptScript()
				w.schedule(Input{Kind: InExit, At: a.At + after, Container: sc.name, ExitCode: code, OOMKilled: at != nil && at.OOMKilled}, a.Attempt, false)
			}
		case ActHookStarted:
			var hs *HookScript
			var h *v1.LifecycleHandler
			cd := sc.conduct()
			if a.Hook == HookPostStart {
				hs = cd.PostStart
				if sc.spec.Lifecycle != nil {
					h = sc.spec.Lifecycle.PostStart
				}
			} else {
				hs = cd.PreStop
				if sc.spec.Lifecycle != nil {
					h = sc.spec.Lifecycle.PreStop
				}
			}
			if hookFailsAtOnce(h) {
				// The kubelet fails it as it starts (a tcpSocket hook, see
				// hookFailsAtOnce): the script's entry is not used.
				continue
			}
			d, ok := time.Duration(0), true
			if h != nil && h.Sleep != nil {
				d = time.Duration(h.Sleep.Seconds) * time.Second
			}
			if hs != nil {
				ok = !hs.Fail
				if hs.Duration != nil {
					d = hs.Duration.Duration
				}
			}
			w.schedule(Input{Kind: InHookDone, At: a.At + d, Container: sc.name, HookOK: ok}, a.Attempt, true)
		case ActHookEnded:
			w.drop(sc.name, true)
		case ActStopSignal:
			if sc.stopped || !sc.running {
				continue
			}
			sc.stopped = true
			st := sc.conduct().OnStopSignal
			if st != nil && st.Ignore {
				continue
			}
			var after time.Duration
			var code int32
			if st != nil {
				code = st.ExitCode
				if st.ExitAfter != nil {
					after = st.ExitAfter.Duration
				}
			}
			w.schedule(Input{Kind: InExit, At: a.At + after, Container: sc.name, ExitCode: code}, a.Attempt, false)
		case ActContainerExited, ActSIGKILL:
			sc.running = false
			w.drop(sc.name, false)
		}
	}
}

// ProbeAnswer returns the script's answer to a probe asked now.
func (w *Script) ProbeAnswer(now time.Duration, container string, p ProbeType) Input {
	in := Input{Kind: InProbeAnswer, At: now, Container: container, Probe: p, Success: true}
	idx, ok := w.byName[container]
	if !ok {
		return in
	}
	sc := &w.ctrs[idx]
	cd := sc.conduct()
	var steps []ProbeStep
	var spec *v1.Probe
	if cd.Probes != nil {
		switch p {
		case Startup:
			steps, spec = cd.Probes.Startup, sc.spec.StartupProbe
		case Liveness:
			steps, spec = cd.Probes.Liveness, sc.spec.LivenessProbe
		case Readiness:
			steps, spec = cd.Probes.Readiness, sc.spec.ReadinessProbe
		}
	}
	age := now - sc.startedAt
	for i := range steps {
		if steps[i].After.Duration > age {
			break
		}
		in.Success = steps[i].Result != ProbeFailure
		if r := steps[i].RespondsIn; r != nil && spec != nil && r.Duration >= time.Duration(ProbeTimeoutSeconds(spec))*time.Second {
			in.Success = false // timed out
		}
	}
	return in
}

// Next returns the world's next scheduled input (exit, hook completion or
// external event), if any; ties go to the earliest scheduled.
func (w *Script) Next() (Input, bool) {
	best := -1
	for i := range w.sched {
		if best < 0 || w.sched[i].in.At < w.sched[best].in.At ||
			(w.sched[i].in.At == w.sched[best].in.At && w.sched[i].seq < w.sched[best].seq) {
			best = i
		}
	}
	if w.evPos < len(w.events) {
		ev := w.events[w.evPos]
		if best < 0 || ev.At.Duration < w.sched[best].in.At {
			return eventInput(ev), true
		}
	}
	if best < 0 {
		return Input{}, false
	}
	return w.sched[best].in, true
}

// Consume removes in, which Next returned, from the schedule.
func (w *Script) Consume(in Input) {
	if in.Kind == InDelete || in.Kind == InForceDelete || in.Kind == InSetCondition {
		w.evPos++
		return
	}
	for i := range w.sched {
		if w.sched[i].in == in {
			w.sched = append(w.sched[:i], w.sched[i+1:]...)
			return
		}
	}
}

func eventInput(ev Event) Input {
	switch ev.Type {
	case EventForceDelete:
		return Input{Kind: InForceDelete, At: ev.At.Duration}
	case EventSetCondition:
		return Input{Kind: InSetCondition, At: ev.At.Duration, Condition: ev.ConditionType, CondStatus: ev.Status}
	}
	g := int64(-1)
	if ev.GracePeriodSeconds != nil {
		g = *ev.GracePeriodSeconds
	}
	return Input{Kind: InDelete, At: ev.At.Duration, Grace: g}
}

// ErrStepLimit is returned by Run when a scenario takes more steps than the
// limit allows (a runaway scenario).
var ErrStepLimit = errors.New("model: step limit reached")

// Run runs scenario s through the model, with the world its script
// describes, until the pod finishes or the clock passes until. It returns
// the trace: every action in order.
func Run(s *Scenario, until time.Duration) ([]Action, error) {
	return RunAppend(nil, s, until)
}

// RunChoosing is Run on a model that takes picks at its choices (see
// Choice).
func RunChoosing(s *Scenario, until time.Duration, picks []int) ([]Action, error) {
	sim, err := NewSimChoosing(s, until, 0, picks)
	if err != nil {
		return nil, err
	}
	return sim.run(nil)
}

// MaxSteps bounds the inputs one run may feed the model.
const MaxSteps = 1 << 20

// RunAppend is Run, appending the trace to buf.
func RunAppend(buf []Action, s *Scenario, until time.Duration) ([]Action, error) {
	sim, err := NewSim(s, until, 0)
	if err != nil {
		return buf, err
	}
	return sim.run(buf)
}

// run steps the sim to its end, appending every action to buf.
func (x *Sim) run(buf []Action) ([]Action, error) {
	out := append(buf, x.Initial()...)
	for !x.Done() {
		acts, err := x.Step()
		if err != nil {
			return out, err
		}
		out = append(out, acts...)
	}
	return out, nil
}

// Sim is a run of a scenario, one input at a time: the model (or a mutant)
// with the world its behaviour script describes. A caller that checks
// properties after every step drives it with Step.
type Sim struct {
	m     *Model
	w     *Script
	until time.Duration
	steps int
	done  bool
	cut   bool // stopped by the until limit, not because nothing more happens
}

// NewSim prepares a run of s until virtual time until, on the model with
// mutation mut (0 for the faithful model).
func NewSim(s *Scenario, until time.Duration, mut Mutation) (*Sim, error) {
	return NewSimChoosing(s, until, mut, nil)
}

// NewSimChoosing is NewSim on a model that takes picks at its choices (see
// Choice and NewChoosing).
func NewSimChoosing(s *Scenario, until time.Duration, mut Mutation, picks []int) (*Sim, error) {
	m, err := NewChoosing(s, mut, picks)
	if err != nil {
		return nil, err
	}
	return &Sim{m: m, w: NewScript(s), until: until}, nil
}

// Initial returns the actions of the pod's admission and first sync. Call
// it once, before Step.
func (x *Sim) Initial() []Action {
	acts := x.m.Drain()
	x.w.Observe(acts)
	return acts
}

// Model is the model being run.
func (x *Sim) Model() *Model { return x.m }

// Done reports whether the run is over.
func (x *Sim) Done() bool { return x.done }

// Complete reports whether the run ended because nothing more can happen,
// rather than at the time limit.
func (x *Sim) Complete() bool { return x.done && !x.cut }

// Step feeds the model the next input (a probe answer, a timer, the world's
// next scripted move) and returns the actions it caused. The slice is reused
// by the next Step.
func (x *Sim) Step() ([]Action, error) {
	for !x.done {
		x.steps++
		if x.steps > MaxSteps {
			x.done = true
			return nil, fmt.Errorf("%w (%d steps by %v)", ErrStepLimit, MaxSteps, x.m.Now())
		}
		m, w := x.m, x.w
		var in Input
		if pp := m.pendingProbe(); pp >= 0 {
			c := &m.ctrs[pp/nProbes]
			in = w.ProbeAnswer(m.now, c.name, probeTypes[pp%nProbes])
		} else {
			wi, wok := w.Next()
			tm, tok := m.NextTimer()
			switch {
			case !wok && !tok:
				x.done = true
				return nil, nil
			case tok && (!wok || tm <= wi.At):
				if tm > x.until {
					x.done, x.cut = true, true
					return nil, nil
				}
				in = Input{Kind: InTick, At: tm}
			default:
				if wi.At > x.until {
					x.done, x.cut = true, true
					return nil, nil
				}
				w.Consume(wi)
				in = wi
			}
		}
		acts, err := m.Step(in)
		if errors.Is(err, ErrFinished) {
			continue
		}
		if err != nil {
			x.done = true
			return nil, err
		}
		w.Observe(acts)
		return acts, nil
	}
	return nil, nil
}

// Causes returns why the model took each of the actions the last Initial
// or Step returned (see Model.Causes).
func (x *Sim) Causes() []Cause { return x.m.Causes() }

// RunExplained is Run that also returns why the model took each action:
// causes[i] is the cause of the trace's i-th action.
func RunExplained(s *Scenario, until time.Duration) (trace []Action, causes []Cause, err error) {
	sim, err := NewSim(s, until, 0)
	if err != nil {
		return nil, nil, err
	}
	trace = append(trace, sim.Initial()...)
	causes = append(causes, sim.Causes()...)
	for !sim.Done() {
		acts, err := sim.Step()
		if err != nil {
			return trace, causes, err
		}
		trace = append(trace, acts...)
		causes = append(causes, sim.Causes()[:len(acts)]...)
	}
	return trace, causes, nil
}
