package gopterharness

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"
	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

// maxDeletes bounds the deletes and force deletes of one sequence, as in
// the rapid machine.
const maxDeletes = 3

// config is what one command sequence runs on: a pod and a profile drawn
// from a seed, and the model (reference or mutant).
type config struct {
	seed int64
	pod  v1.Pod
	prof model.Profile
	mut  model.Mutation
}

func (c *config) newModel() (*model.Model, error) {
	return model.NewMutant(&model.Scenario{Pod: c.pod, Profile: c.prof}, c.mut)
}

// ---------------------------------------------------------------------------
// The abstract state

// Snapshot is what the harness knows of the model between commands.
type Snapshot struct {
	Now      time.Duration
	Next     time.Duration // the model's next timer, if HasNext
	HasNext  bool
	Moves    []model.Move // model.Enabled
	Finished bool         // model.Finished
}

func snapshotOf(m *model.Model) Snapshot {
	next, ok := m.NextTimer()
	return Snapshot{Now: m.Now(), Next: next, HasNext: ok, Moves: m.Enabled(), Finished: m.Finished()}
}

func (s *Snapshot) probePending() bool {
	return len(s.Moves) > 0 && s.Moves[0].Kind == model.InProbeAnswer
}

func (s *Snapshot) has(k model.InputKind) bool {
	for _, mv := range s.Moves {
		if mv.Kind == k {
			return true
		}
	}
	return false
}

// over reports that nothing more can happen: the pod finished, no move is
// enabled and no timer is set.
func (s *Snapshot) over() bool { return s.Finished && len(s.Moves) == 0 && !s.HasNext }

func (s *Snapshot) equal(o *Snapshot) bool {
	return s.Now == o.Now && s.Next == o.Next && s.HasNext == o.HasNext && s.Finished == o.Finished && slices.Equal(s.Moves, o.Moves)
}

func (s *Snapshot) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "now=%v", s.Now)
	if s.HasNext {
		fmt.Fprintf(&b, " next=%v", s.Next)
	}
	if s.Finished {
		b.WriteString(" finished")
	}
	b.WriteString(" moves=[")
	for i, mv := range s.Moves {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(mv.Kind.String())
		if mv.Container != "" {
			b.WriteString(":" + mv.Container)
		}
		if mv.Probe != "" {
			b.WriteString(":" + string(mv.Probe))
		}
		if mv.Hook != "" {
			b.WriteString(":" + mv.Hook)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// State is gopter's abstract state: the moves so far and a Snapshot of the
// model after them.
type State struct {
	cfg     *config
	hist    []Cmd
	snap    Snapshot
	deletes int // delete and force-delete commands in hist
	err     error
	// shadow is a model in the state hist leads to, private to this State
	// until NextState takes it; NextState replays hist when it is gone.
	shadow *model.Model
}

func initialState(cfg *config) *State {
	m, err := cfg.newModel()
	if err != nil {
		return &State{cfg: cfg, err: err}
	}
	m.Drain()
	return &State{cfg: cfg, snap: snapshotOf(m), shadow: m}
}

// String describes the initial state in gopter's reports.
func (s *State) String() string {
	if s == nil || s.cfg == nil {
		return "<nil>"
	}
	return describeConfig(s.cfg)
}

// takeModel returns a model in this state that the caller may step.
func (s *State) takeModel() *model.Model {
	if m := s.shadow; m != nil {
		s.shadow = nil
		return m
	}
	m, err := s.cfg.newModel()
	if err != nil {
		return nil
	}
	m.Drain()
	for _, c := range s.hist {
		if _, _, err := apply(m, c, nil); err != nil {
			break
		}
	}
	return m
}

// ---------------------------------------------------------------------------
// Commands

// Kind names a command.
type Kind uint8

// The commands: the world's moves.
const (
	KindProbe  Kind = iota // answer the pending probe
	KindTick               // run the clock to the next timer
	KindExit               // a container exits
	KindHook               // a hook returns
	KindDelete             // an API delete
	KindForce              // a force delete
	KindWait               // time passes
)

// Cmd is one world move. Index picks among the enabled moves of its kind
// (modulo their number), so a command means something in any state.
type Cmd struct {
	Kind  Kind
	Index int
	OK    bool  // probe answer, hook result
	Code  int32 // exit code
	OOM   bool
	Grace int64 // delete grace (-1: the pod's own)
	After time.Duration
}

var _ commands.Command = Cmd{}

func (c Cmd) String() string {
	res := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "fail"
	}
	after := ""
	if c.After > 0 {
		after = ", +" + c.After.String()
	}
	switch c.Kind {
	case KindProbe:
		return fmt.Sprintf("probe(#%d, %s)", c.Index, res(c.OK))
	case KindTick:
		return "tick"
	case KindExit:
		oom := ""
		if c.OOM {
			oom = " oom"
		}
		return fmt.Sprintf("exit(#%d, code=%d%s%s)", c.Index, c.Code, oom, after)
	case KindHook:
		return fmt.Sprintf("hook(#%d, %s%s)", c.Index, res(c.OK), after)
	case KindDelete:
		return fmt.Sprintf("delete(grace=%d%s)", c.Grace, after)
	case KindForce:
		return fmt.Sprintf("force(%s)", strings.TrimPrefix(after, ", "))
	case KindWait:
		return fmt.Sprintf("wait(%v)", c.After)
	}
	return fmt.Sprintf("cmd(%d)", c.Kind)
}

func (c Cmd) inputKind() model.InputKind {
	switch c.Kind {
	case KindProbe:
		return model.InProbeAnswer
	case KindExit:
		return model.InExit
	case KindHook:
		return model.InHookDone
	case KindDelete:
		return model.InDelete
	case KindForce:
		return model.InForceDelete
	}
	return model.InTick
}

// enabled reports whether c's kind of move is enabled in snapshot s (with
// deletes delete commands so far).
func (c Cmd) enabled(s *Snapshot, deletes int) bool {
	if c.Kind == KindProbe {
		return s.probePending()
	}
	if s.probePending() {
		return false // a probe asked now must be answered first
	}
	switch c.Kind {
	case KindTick:
		return s.HasNext
	case KindWait:
		return true
	case KindDelete, KindForce:
		return deletes < maxDeletes && s.has(c.inputKind())
	}
	return s.has(c.inputKind())
}

// PreCondition: the command's kind of move is enabled in the state. (After
// an error from the model the sequence goes on, so that the system under
// test meets the error too and the search reports it.)
func (c Cmd) PreCondition(st commands.State) bool {
	s := st.(*State)
	return c.enabled(&s.snap, s.deletes)
}

// NextState steps a private model of the state with exactly the logic Run
// applies to the system under test.
func (c Cmd) NextState(st commands.State) commands.State {
	s := st.(*State)
	n := &State{cfg: s.cfg, deletes: s.deletes, err: s.err}
	n.hist = append(slices.Clip(s.hist), c)
	if c.Kind == KindDelete || c.Kind == KindForce {
		n.deletes++
	}
	m := s.takeModel()
	if m == nil {
		n.err = fmt.Errorf("cannot rebuild the model")
		return n
	}
	if n.err == nil {
		if _, _, err := apply(m, c, nil); err != nil {
			n.err = err
		}
	}
	n.snap = snapshotOf(m)
	n.shadow = m
	return n
}

// Run applies the command to the system under test, re-checking against
// its own enabled moves, and checks every property on the new actions.
func (c Cmd) Run(x commands.SystemUnderTest) commands.Result {
	s := x.(*sut)
	r := &stepResult{sut: s}
	r.applied, r.snap = s.step(c)
	if s.ref != nil {
		s.ref.step(c)
	}
	return r
}

// PostCondition fails with the first property violation, a model error, or
// a difference between the system under test and the abstract state. On a
// mutant, a sequence on which the reference model fails too is not a kill:
// it passes (and is counted in the report as a reference failure).
func (c Cmd) PostCondition(st commands.State, res commands.Result) *gopter.PropResult {
	s := st.(*State)
	r := res.(*stepResult)
	h := r.sut.h
	if ref := r.sut.ref; ref != nil {
		if id, _ := ref.failure(); id != "" {
			return &gopter.PropResult{Status: gopter.PropTrue}
		}
	}
	if id, msg := r.sut.failure(); id != "" {
		return h.fail(r.sut, id, msg)
	}
	if !s.snap.equal(&r.snap) {
		return h.fail(r.sut, idDivergence, fmt.Sprintf("after %v the model is in %s, the abstract state says %s", c, r.snap.String(), s.snap.String()))
	}
	return &gopter.PropResult{Status: gopter.PropTrue}
}

// Pseudo property IDs of failures that are not property violations.
const (
	idModelError = "model-error"
	idDivergence = "harness-divergence"
)

type stepResult struct {
	sut     *sut
	applied bool
	snap    Snapshot
}

// capAt returns now+d, but not past the model's next timer.
func capAt(m *model.Model, d time.Duration) time.Duration {
	at := m.Now() + d
	if next, ok := m.NextTimer(); ok && at > next {
		at = next
	}
	return at
}

func probePending(mv []model.Move) bool {
	return len(mv) > 0 && mv[0].Kind == model.InProbeAnswer
}

// pick returns the index-th (modulo) enabled move of kind k.
func pick(mv []model.Move, k model.InputKind, index int) (model.Move, bool) {
	n := 0
	for _, x := range mv {
		if x.Kind == k {
			n++
		}
	}
	if n == 0 {
		return model.Move{}, false
	}
	index %= n
	for _, x := range mv {
		if x.Kind == k {
			if index == 0 {
				return x, true
			}
			index--
		}
	}
	return model.Move{}, false
}

// apply makes move c on m, appending the actions to buf. A command with a
// delay first runs the clock (a tick), then makes its move if its kind is
// still enabled; applied says it was. It is the only place moves are
// made, for the shadow models and the system under test alike.
func apply(m *model.Model, c Cmd, buf []model.Action) ([]model.Action, bool, error) {
	step := func(in model.Input) error {
		acts, err := m.Step(in)
		buf = append(buf, acts...)
		return err
	}
	mv := m.Enabled()
	if c.Kind == KindProbe {
		x, ok := pick(mv, model.InProbeAnswer, c.Index)
		if !ok {
			return buf, false, nil
		}
		err := step(model.Input{Kind: model.InProbeAnswer, At: m.Now(), Container: x.Container, Probe: x.Probe, Success: c.OK})
		return buf, err == nil, err
	}
	if probePending(mv) {
		return buf, false, nil
	}
	switch c.Kind {
	case KindTick:
		next, ok := m.NextTimer()
		if !ok {
			return buf, false, nil
		}
		err := step(model.Input{Kind: model.InTick, At: next})
		return buf, err == nil, err
	case KindWait:
		err := step(model.Input{Kind: model.InTick, At: capAt(m, c.After)})
		return buf, err == nil, err
	}
	if c.After > 0 {
		if err := step(model.Input{Kind: model.InTick, At: capAt(m, c.After)}); err != nil {
			return buf, false, err
		}
		mv = m.Enabled()
		if probePending(mv) {
			return buf, false, nil
		}
	}
	x, ok := pick(mv, c.inputKind(), c.Index)
	if !ok {
		return buf, false, nil
	}
	in := model.Input{Kind: x.Kind, At: m.Now(), Container: x.Container}
	switch c.Kind {
	case KindExit:
		in.ExitCode, in.OOMKilled = c.Code, c.OOM && c.Code == 137
	case KindHook:
		in.HookOK = c.OK
	case KindDelete:
		in.Grace = c.Grace
	}
	err := step(in)
	return buf, err == nil, err
}

// ---------------------------------------------------------------------------
// Generating and shrinking commands

type weighted[V any] struct {
	v V
	w int
}

func choose[V any](r *rand.Rand, opts ...weighted[V]) V {
	total := 0
	for _, o := range opts {
		total += o.w
	}
	n := r.Intn(total)
	for _, o := range opts {
		if n < o.w {
			return o.v
		}
		n -= o.w
	}
	return opts[len(opts)-1].v
}

var (
	exitCodes = []weighted[int32]{{1, 3}, {0, 2}, {137, 2}, {2, 1}, {143, 1}}
	delays    = []weighted[time.Duration]{{0, 3}, {time.Second, 2}, {2 * time.Second, 1}, {5 * time.Second, 2}, {30 * time.Second, 2}, {5 * time.Minute, 1}}
	waits     = []weighted[time.Duration]{{time.Second, 1}, {5 * time.Second, 1}, {30 * time.Second, 1}, {5 * time.Minute, 2}}
	graces    = []weighted[int64]{{-1, 1}, {0, 1}, {1, 1}, {2, 1}, {5, 1}, {30, 1}}
)

// drawCmd draws an enabled command for state s.
func drawCmd(s *State, r *rand.Rand) Cmd {
	snap := &s.snap
	idx := r.Intn(4)
	if snap.probePending() {
		return Cmd{Kind: KindProbe, Index: idx, OK: r.Intn(5) < 3}
	}
	var kinds []weighted[Kind]
	if snap.HasNext {
		kinds = append(kinds, weighted[Kind]{KindTick, 25})
	}
	if snap.has(model.InExit) {
		kinds = append(kinds, weighted[Kind]{KindExit, 15})
	}
	if snap.has(model.InHookDone) {
		kinds = append(kinds, weighted[Kind]{KindHook, 20})
	}
	if s.deletes < maxDeletes {
		// A pod being deleted gets a second delete more often: grace
		// only shrinks, and a delete during preStop is the tricky case.
		w := 2
		if s.deletes > 0 {
			w = 10
		}
		if snap.has(model.InDelete) {
			kinds = append(kinds, weighted[Kind]{KindDelete, w})
		}
		if snap.has(model.InForceDelete) {
			kinds = append(kinds, weighted[Kind]{KindForce, 1})
		}
	}
	kinds = append(kinds, weighted[Kind]{KindWait, 3})
	c := Cmd{Kind: choose(r, kinds...), Index: idx}
	switch c.Kind {
	case KindExit:
		c.Code = choose(r, exitCodes...)
		c.OOM = c.Code == 137 && r.Intn(2) == 0
		c.After = choose(r, delays...)
	case KindHook:
		c.OK = r.Intn(4) != 0
		c.After = choose(r, delays...)
	case KindDelete:
		c.Grace = choose(r, graces...)
		c.After = choose(r, delays...)
	case KindForce:
		c.After = choose(r, delays...)
	case KindWait:
		c.After = choose(r, waits...)
	}
	return c
}

func genCommand(st commands.State) gopter.Gen {
	s := st.(*State)
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(drawCmd(s, p.Rng), shrinkCmd)
	}
}

// shrinkCmd proposes plainer versions of a command: the first matching
// move, no delay, exit code 1 without OOM, a hook that succeeds, a probe
// that succeeds, the pod's own grace period. The kind never changes, so a
// shrunk command stays enabled where the original was.
func shrinkCmd(v interface{}) gopter.Shrink {
	c := v.(Cmd)
	var out []Cmd
	try := func(f func(d *Cmd) bool) {
		d := c
		if f(&d) {
			out = append(out, d)
		}
	}
	try(func(d *Cmd) bool { ok := d.Index != 0; d.Index = 0; return ok })
	if c.Kind != KindWait {
		try(func(d *Cmd) bool { ok := d.After != 0; d.After = 0; return ok })
	} else {
		try(func(d *Cmd) bool { ok := d.After > time.Second; d.After = time.Second; return ok })
	}
	switch c.Kind {
	case KindExit:
		try(func(d *Cmd) bool { ok := d.OOM; d.OOM = false; return ok })
		try(func(d *Cmd) bool { ok := d.Code != 1 && d.Code != 0; d.Code, d.OOM = 1, false; return ok })
	case KindHook, KindProbe:
		try(func(d *Cmd) bool { ok := !d.OK; d.OK = true; return ok })
	case KindDelete:
		try(func(d *Cmd) bool { ok := d.Grace != -1; d.Grace = -1; return ok })
	}
	i := 0
	return func() (interface{}, bool) {
		if i >= len(out) {
			return nil, false
		}
		i++
		return out[i-1], true
	}
}

// ---------------------------------------------------------------------------
// The system under test

// sut is the model (or mutant) under test, with the property suite over
// its trace. For a mutant, ref runs the same commands on the reference
// model, so that a violation the reference model shows too is not taken
// for a kill.
type sut struct {
	h     *harness
	cfg   *config
	m     *model.Model
	suite *properties.Suite
	trace []model.Action
	bad   *properties.Violation
	err   error
	ended bool
	ref   *sut
}

func newSUT(h *harness, cfg *config, mut model.Mutation) *sut {
	s := &sut{h: h, cfg: cfg}
	s.m, s.err = model.NewMutant(&model.Scenario{Pod: cfg.pod, Profile: cfg.prof}, mut)
	if s.err != nil {
		return s // InitialPreCondition keeps such configurations out
	}
	s.suite = properties.NewSuite(&properties.Context{Pod: &s.cfg.pod, Profile: cfg.prof.WithDefaults()})
	s.trace = append(s.trace, s.m.Drain()...)
	for i := range s.trace {
		if s.bad = s.suite.Observe(i, &s.trace[i]); s.bad != nil {
			break
		}
	}
	if mut != 0 {
		s.ref = newSUT(h, cfg, 0)
	}
	return s
}

// step applies c and checks the new actions; it returns the model's
// snapshot after it.
func (s *sut) step(c Cmd) (applied bool, snap Snapshot) {
	if s.m == nil {
		return false, snap
	}
	if s.err == nil {
		n := len(s.trace)
		var err error
		s.trace, applied, err = apply(s.m, c, s.trace)
		if err != nil {
			s.err = fmt.Errorf("%v: %w", c, err)
		}
		for i := n; i < len(s.trace) && s.bad == nil; i++ {
			s.bad = s.suite.Observe(i, &s.trace[i])
		}
	}
	snap = snapshotOf(s.m)
	if s.bad == nil && s.err == nil && !s.ended && snap.over() {
		s.ended = true
		s.bad = s.suite.End(s.m.Now(), true)
	}
	return applied, snap
}

// failure returns the ID and message of the run's first failure, if any.
func (s *sut) failure() (id, msg string) {
	switch {
	case s.err != nil:
		return idModelError, s.err.Error()
	case s.bad != nil:
		return s.bad.ID, s.bad.Error()
	}
	return "", ""
}

// ---------------------------------------------------------------------------
// Describing configurations

func describeConfig(c *config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed=%d", c.seed)
	if c.mut != 0 {
		for _, mi := range model.Mutations() {
			if mi.Mutation == c.mut {
				fmt.Fprintf(&b, " mutant=%s", mi.Name)
			}
		}
	}
	spec := &c.pod.Spec
	rp := string(spec.RestartPolicy)
	if rp == "" {
		rp = "Always"
	}
	fmt.Fprintf(&b, " restartPolicy=%s", rp)
	if g := spec.TerminationGracePeriodSeconds; g != nil {
		fmt.Fprintf(&b, " grace=%d", *g)
	}
	p := c.prof.WithDefaults()
	fmt.Fprintf(&b, " backoff=%v/%v/%v floor=%d", p.BackoffInitial.Duration, p.BackoffMax.Duration, p.BackoffReset.Duration, *p.MinimumGracePeriodSeconds)
	b.WriteString(" containers=[")
	first := true
	each := func(cs []v1.Container) {
		for i := range cs {
			ct := &cs[i]
			if !first {
				b.WriteByte(' ')
			}
			first = false
			b.WriteString(ct.Name)
			var f []string
			if ct.StartupProbe != nil {
				f = append(f, fmt.Sprintf("startup/%d", ct.StartupProbe.FailureThreshold))
			}
			if ct.LivenessProbe != nil {
				f = append(f, fmt.Sprintf("liveness/%d", ct.LivenessProbe.FailureThreshold))
			}
			if ct.ReadinessProbe != nil {
				f = append(f, "readiness")
			}
			if l := ct.Lifecycle; l != nil {
				if l.PostStart != nil {
					f = append(f, "postStart")
				}
				if l.PreStop != nil {
					f = append(f, "preStop")
				}
			}
			if ct.RestartPolicy != nil && !model.IsSidecar(ct) {
				f = append(f, "restart="+string(*ct.RestartPolicy))
			}
			if len(ct.RestartPolicyRules) > 0 {
				f = append(f, "rules")
			}
			if len(f) > 0 {
				b.WriteString("{" + strings.Join(f, ",") + "}")
			}
		}
	}
	each(spec.InitContainers)
	each(spec.Containers)
	b.WriteByte(']')
	return b.String()
}

// drawConfig draws the pod and profile of seed from the generators of
// package gen (the rapid machine's).
func drawConfig(seed int64, mut model.Mutation) *config {
	k := gen.DefaultKnobs()
	return &config{
		seed: seed,
		pod:  gen.Pod(k).Example(int(seed)),
		prof: gen.Profile(k).Example(int(seed)),
		mut:  mut,
	}
}
