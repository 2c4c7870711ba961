package runner

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/internal/budget"
	"github.com/podconform/podconform/internal/refine"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

// A run's budget is package budget's: a run that exceeds one of its
// limits is judged by the reference model alone (overBudget): if the model
// itself exceeds it, the scenario is too big to check (verdict OverBudget,
// no verdict on the adapter); if not, the adapter ran away (an adapter
// error).

// Level is a conformance level: what a scenario must pass to meet it.
// Every run computes all three; Options.Level picks the one that decides
// the verdicts, the failures saved and the exit code.
type Level string

// The conformance levels, weakest first (docs/adapter-protocol.md,
// "Conformance levels").
const (
	// LevelInvariants: every named invariant that applies to what the
	// adapter observes, except the exact-timing ones (Property.Exact).
	LevelInvariants Level = "invariants"
	// LevelRefinement: the invariants level, and refinement against the
	// model within the run's tolerance.
	LevelRefinement Level = "refinement"
	// LevelExact: every applicable invariant, exact-timing ones included,
	// and refinement at tolerance 0 (kubelet-exact).
	LevelExact Level = "exact"
)

// Levels lists the levels, weakest first.
var Levels = []Level{LevelInvariants, LevelRefinement, LevelExact}

// ParseLevel reads a level's name.
func ParseLevel(v string) (Level, error) {
	for _, l := range Levels {
		if string(l) == v {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown level %q (want invariants, refinement or exact)", v)
}

// result is the outcome of one run of one scenario on the adapter.
type result struct {
	// verdict, violation and divergence are the scenario's failure at the
	// deciding level (settle): violation the first invariant broken that
	// the level counts, divergence the first divergence at the level's
	// tolerance.
	verdict    Verdict
	violation  *properties.Violation
	divergence *refine.Divergence
	adapterErr *adapters.Error
	// budget says which budget the run exceeded (before it is judged:
	// see judgeBudget).
	budget string

	// broken lists every invariant the whole observed trace breaks, in
	// the order of the run's properties (exact ones included);
	// exercised[k] says whether property k had anything to judge; audited
	// says the invariants were checked at all.
	broken    []properties.Violation
	exercised []bool
	audited   bool
	// div is the first divergence at the run's tolerance, exactDiv at
	// tolerance 0 (the same when the tolerance is 0).
	div, exactDiv *refine.Divergence
	// meets says which levels the scenario meets.
	meets map[Level]bool

	observed []model.Action
	// picks: what the checker's model took at its choices (the kill
	// orders the implementation showed; see model.Choice), for the
	// expected trace of a report.
	picks    []int
	end      time.Duration
	complete bool

	level Level // the deciding level (settle)
	tol   time.Duration
	// divAt and exactDivAt are the indices in observed of the actions
	// at which div and exactDiv were found (-1: none, or not at an
	// action).
	divAt, exactDivAt int
}

// failAt is the index in observed of the action at which the deciding
// failure was found, or -1.
func (r *result) failAt() int {
	switch r.verdict {
	case Violation:
		return r.violation.Index
	case Divergence:
		if r.divergence == r.exactDiv {
			return r.exactDivAt
		}
		return r.divAt
	}
	return -1
}

// failed reports whether the result is a conformance failure.
func (r *result) failed() bool { return r.verdict == Violation || r.verdict == Divergence }

// class is what shrinking must preserve: the same property, or the same
// kind of divergence.
func (r *result) class() string {
	switch r.verdict {
	case Violation:
		return "violation:" + r.violation.ID
	case Divergence:
		return "divergence:" + string(r.divergence.Kind)
	case AdapterError:
		return "adapter:" + r.adapterErr.Kind
	}
	return string(r.verdict)
}

// has reports whether the result shows the failure of class (see class)
// at the deciding level, first or not: a shrunk scenario keeps the failure
// it was shrunk for even when another one now comes first.
func (r *result) has(class string) bool {
	if r.class() == class {
		return true
	}
	if r.adapterErr != nil {
		return false
	}
	switch {
	case strings.HasPrefix(class, "violation:"):
		id := strings.TrimPrefix(class, "violation:")
		for i := range r.broken {
			if r.broken[i].ID == id && r.counted(&r.broken[i]) {
				return true
			}
		}
	case strings.HasPrefix(class, "divergence:"):
		return r.divergence != nil && "divergence:"+string(r.divergence.Kind) == class
	}
	return false
}

// focus makes the failure of class (see has) the result's first, so that
// a shrunk counterexample is saved as the failure it was shrunk for.
func (r *result) focus(class string) {
	if r.class() == class || r.adapterErr != nil {
		return
	}
	if strings.HasPrefix(class, "violation:") {
		id := strings.TrimPrefix(class, "violation:")
		for i := range r.broken {
			if r.broken[i].ID == id {
				r.verdict, r.violation = Violation, &r.broken[i]
				return
			}
		}
	}
	if strings.HasPrefix(class, "divergence:") && r.divergence != nil {
		r.verdict, r.violation = Divergence, nil
	}
}

// counted reports whether violation v counts at the deciding level (the
// exact-timing invariants count at the exact level only).
func (r *result) counted(v *properties.Violation) bool {
	return r.level == LevelExact || !exactTiming(v.ID)
}

// exactTiming reports whether invariant id pins an action's time with no
// slack (Property.Exact).
func exactTiming(id string) bool {
	p, _ := properties.ByID(id)
	return p.Exact
}

// settle decides the verdict at level from what the checks found.
func (r *result) settle(level Level) {
	r.level = level
	var loose, all *properties.Violation
	for i := range r.broken {
		v := &r.broken[i]
		if all == nil || earlier(v, all) {
			all = v
		}
		if !exactTiming(v.ID) && (loose == nil || earlier(v, loose)) {
			loose = v
		}
	}
	ok := r.adapterErr == nil && r.audited
	r.meets = map[Level]bool{
		LevelInvariants: ok && loose == nil,
		LevelRefinement: ok && loose == nil && r.div == nil,
		LevelExact:      ok && all == nil && r.exactDiv == nil && r.div == nil,
	}
	r.violation, r.divergence = loose, r.div
	if level == LevelExact {
		r.violation, r.divergence = all, r.exactDiv
	}
	if level == LevelInvariants {
		r.divergence = nil
	}
	switch {
	case r.adapterErr != nil:
		r.verdict = AdapterError
	case r.violation != nil:
		r.verdict = Violation
	case r.divergence != nil:
		r.verdict = Divergence
	default:
		r.verdict = Pass
	}
}

// earlier orders violations by when they were found (those found at the
// trace's end last), then by property.
func earlier(a, b *properties.Violation) bool {
	ai, bi := a.Index, b.Index
	if ai < 0 {
		ai = 1 << 62
	}
	if bi < 0 {
		bi = 1 << 62
	}
	return ai < bi
}

// checkCfg is what one scenario's checks need.
type checkCfg struct {
	props []properties.Property
	// tol is the refinement level's tolerance.
	tol   time.Duration
	until time.Duration
	level Level
	// both checks refinement at tol even when the exact check passes
	// (tests of the shortcut).
	both bool
}

// levelFor is the level a tolerance alone implies: exact at 0, refinement
// above.
func levelFor(tol time.Duration) Level {
	if tol > 0 {
		return LevelRefinement
	}
	return LevelExact
}

// refCall is one call of the refinement checker, kept so that a check at
// another tolerance can be replayed over the same run. It is small: a
// tick keeps its time only, another input its index in inputs.
type refCall struct {
	kind     uint8 // callInput, callTick, callObserve, callSync, callEnd
	complete bool
	i        int32 // callInput: index into inputs; callObserve: into observed
	t        time.Duration
}

const (
	callInput uint8 = iota
	callTick
	callObserve
	callSync
	callEnd
)

// checker bundles the checks of one scenario. Refinement is checked as the
// run goes, at tolerance 0; the invariants are checked on the whole
// observed trace at its end (finish), so that a divergence hides none of
// them; the refinement at the run's tolerance is replayed from the calls
// when the exact check failed (a trace that refines the model at 0 refines
// it at any tolerance).
type checker struct {
	s    *model.Scenario
	cfg  checkCfg
	info adapters.Info
	ref  *refine.Checker
	// calls and inputs record the run for a replay at the run's
	// tolerance (only when it is above 0).
	calls  []refCall
	inputs []model.Input
	record bool
	obs    properties.Observables
	names  map[string]bool
	res    *result
	// meter counts the inputs and the observed actions against the
	// budget.
	meter budget.Meter
	// acts is an autonomous adapter's trace, replayed whole at another
	// tolerance (the order of one instant's inputs depends on it).
	acts []model.Action
	// world is an autonomous trace's world during its replay: it follows
	// the trace's actions of the kinds the adapter reports, and the
	// model's for the others (see replayTrace).
	world *model.Script
	// unseen holds, during one call into the model, its actions of kinds
	// the adapter does not report; early, those the world has not taken
	// yet: all before the replay begins, then those for an instance the
	// trace has not shown started yet (see toWorld).
	unseen, early []model.Action
}

// worldFollowsModel says whether an autonomous trace's world follows the
// model's own actions of the kinds the trace does not show: when it shows
// neither the CRI-level actions nor the hooks (an API client's trace).
func worldFollowsModel(info adapters.Info) bool {
	return info.Mode == adapters.Autonomous && !info.Observes.Normal().Has(properties.ObsActions|properties.ObsHooks)
}

// toWorld gives the world the model's actions the trace cannot show (a
// stop signal, a hook), each once the trace has shown the instance it
// concerns start: the world times its answer from then (a hook that
// started, in the model, before the real instance did, returns after the
// real start). Actions for an instance the trace shows already ended,
// or replaced, are dropped.
func (c *checker) toWorld() {
	if c.world == nil {
		return
	}
	k := 0
	for _, a := range c.early {
		if a.Container != "" {
			att, running := c.world.Instance(a.Container)
			if att < a.Attempt {
				c.early[k] = a
				k++
				continue
			}
			if att > a.Attempt {
				continue
			}
			// An instance that ended still takes what only drops the
			// world's answers (a hook's end); nothing else.
			if !running && a.Kind != model.ActHookEnded {
				continue
			}
			if t := c.world.StartedAt(a.Container); a.At < t {
				a.At = t
			}
		}
		c.world.Observe([]model.Action{a})
	}
	c.early = c.early[:k]
}

func newChecker(s *model.Scenario, cfg checkCfg, info adapters.Info) (*checker, error) {
	return newCheckerAt(s, cfg, info, 0)
}

// newCheckerAt is newChecker with the refinement checked at tol.
func newCheckerAt(s *model.Scenario, cfg checkCfg, info adapters.Info, tol time.Duration) (*checker, error) {
	if info.ExecProbes {
		s = execProbes(s)
	}
	c := &checker{}
	opt := refine.Options{Tolerance: tol, Observes: info.Observes, Lag: info.Lag}
	if worldFollowsModel(info) {
		obs := info.Observes.Normal()
		opt.OnTake = func(acts []model.Action) {
			c.unseen = c.unseen[:0]
			for i := range acts {
				if k := acts[i].Kind; k != model.ActStatus && obs&properties.ObservableOf(k) == 0 {
					c.unseen = append(c.unseen, acts[i])
				}
			}
			if len(c.unseen) > 0 {
				c.early = append(c.early, c.unseen...)
				c.toWorld()
			}
		}
	}
	ref, err := refine.New(s, opt)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, c := range s.Pod.Spec.InitContainers {
		names[c.Name] = true
	}
	for _, c := range s.Pod.Spec.Containers {
		names[c.Name] = true
	}
	early := c.early // the model's first actions, taken in refine.New
	*c = checker{s: s, cfg: cfg, info: info, ref: ref, obs: info.Observes.Normal(), names: names, record: cfg.tol > 0 && tol == 0,
		res: &result{verdict: Pass, divAt: -1, exactDivAt: -1}, early: early}
	return c, nil
}

// stopped says the run cannot go on: the adapter failed, or the run
// exceeded its budget.
func (c *checker) stopped() bool { return c.res.adapterErr != nil || c.res.budget != "" }

// overBudget stops the run: it exceeded a budget (judged in finish).
func (c *checker) overBudget(format string, args ...any) {
	if c.res.budget == "" && c.res.adapterErr == nil {
		c.res.budget = fmt.Sprintf(format, args...)
	}
}

// judgeBudget decides whose the exceeded budget is: the scenario's, when
// the reference model alone, with the same time limit, exceeds it too (its
// work bounded by the same budget); else the adapter's, which ran away.
func judgeBudget(s *model.Scenario, until time.Duration) (scenarioTooBig bool, detail string) {
	x, err := model.NewSim(s, until, 0)
	if err != nil {
		return false, ""
	}
	n, entries := 0, 0
	err = budget.Sim(x, func(a *model.Action, _ model.Cause) {
		n++
		entries += budget.Entries(a)
	})
	var ex *budget.Exceeded
	switch {
	case errors.As(err, &ex):
		return true, fmt.Sprintf("the reference model itself takes %v", ex)
	case err != nil:
		return true, fmt.Sprintf("the reference model itself stops: %v", err)
	}
	return false, fmt.Sprintf("the reference model takes %d actions (%d status entries) in the whole scenario", n, entries)
}

func (c *checker) adapterFail(e *adapters.Error) {
	if c.res.adapterErr == nil {
		c.res.adapterErr = e
	}
}

// validate checks an action for protocol sanity: a kind the adapter
// declares it reports, a known container, a time within [lo, hi].
func (c *checker) validate(a *model.Action, lo, hi time.Duration) *adapters.Error {
	if a.At < lo || a.At > hi {
		return adapters.Errorf(adapters.ErrKindProtocol, "action %s at %v is outside the step's time range [%v, %v]", a.Kind, a.At, lo, hi)
	}
	obs := properties.ObservableOf(a.Kind)
	if obs == properties.ObsActions && !knownKind(a.Kind) {
		return adapters.Errorf(adapters.ErrKindProtocol, "unknown action kind %q", a.Kind)
	}
	if c.obs&obs == 0 {
		return adapters.Errorf(adapters.ErrKindProtocol, "reported a %s action but declares it does not observe %s", a.Kind, obs)
	}
	switch a.Kind {
	case model.ActSandboxCreated, model.ActSandboxStopped, model.ActDeleteRequested, model.ActPodRemoved:
	case model.ActStatus:
		if a.Status == nil {
			return adapters.Errorf(adapters.ErrKindProtocol, "Status action without a status")
		}
	default:
		if !c.names[a.Container] {
			return adapters.Errorf(adapters.ErrKindProtocol, "%s action for unknown container %q", a.Kind, a.Container)
		}
	}
	return nil
}

func knownKind(k model.ActionKind) bool {
	switch k {
	case model.ActSandboxCreated, model.ActContainerCreated, model.ActContainerStarted,
		model.ActStopSignal, model.ActSIGKILL, model.ActContainerExited, model.ActSandboxStopped:
		return true
	}
	return false
}

// observe checks one reported action for refinement and keeps it for the
// invariants.
func (c *checker) observe(a model.Action, lo, hi time.Duration) {
	if c.stopped() {
		return
	}
	if e := c.validate(&a, lo, hi); e != nil {
		c.adapterFail(e)
		return
	}
	if e := c.meter.Action(&a); e != nil {
		c.overBudget("%v", e)
		return
	}
	c.res.observed = append(c.res.observed, a)
	i := len(c.res.observed) - 1
	if c.record {
		c.calls = append(c.calls, refCall{kind: callObserve, i: int32(i)})
	}
	if c.ref.Divergence() == nil && c.ref.Observe(&c.res.observed[i]) != nil {
		c.res.exactDivAt = i
	}
}

func (c *checker) input(in model.Input) {
	if c.stopped() {
		return
	}
	if c.record {
		if in.Kind == model.InTick {
			c.calls = append(c.calls, refCall{kind: callTick, t: in.At})
		} else {
			c.calls = append(c.calls, refCall{kind: callInput, i: int32(len(c.inputs))})
			c.inputs = append(c.inputs, in)
		}
	}
	c.ref.Input(in)
}

func (c *checker) sync(t time.Duration) {
	if c.stopped() {
		return
	}
	if c.record {
		c.calls = append(c.calls, refCall{kind: callSync, t: t})
	}
	c.ref.Sync(t)
}

// finish ends the checks: the run ended at end (complete: both sides are
// done). It checks every invariant on the whole observed trace, ends the
// refinement check (unless the adapter failed: its trace stops short),
// replays the refinement at the run's tolerance where needed, and settles
// the verdict.
func (c *checker) finish(end time.Duration, complete bool) *result {
	r := c.res
	r.end, r.complete, r.tol = end, complete, c.cfg.tol
	if r.budget != "" {
		tooBig, detail := judgeBudget(c.s, c.cfg.until)
		if !tooBig {
			r.adapterErr = adapters.Errorf(adapters.ErrKindProtocol, "the run exceeded its budget (%s): a runaway, as %s", r.budget, detail)
			r.budget = ""
		} else {
			r.budget = fmt.Sprintf("the scenario is too big to check: the run exceeded its budget (%s), and %s", r.budget, detail)
			r.verdict = OverBudget
			return r
		}
	}
	if len(c.cfg.props) > 0 {
		evs := append([]model.Event(nil), c.s.Events...)
		sort.SliceStable(evs, func(a, b int) bool { return evs[a].At.Duration < evs[b].At.Duration })
		pctx := &properties.Context{Pod: &c.s.Pod, Profile: c.s.Profile.WithDefaults(), Events: evs, Behaviour: &c.s.Behaviour, Slack: c.cfg.tol + c.info.Lag}
		outs := properties.Audit(pctx, c.cfg.props, r.observed, end, complete)
		r.exercised = make([]bool, len(outs))
		for k, o := range outs {
			r.exercised[k] = o.Exercised
			if o.Violation != nil {
				r.broken = append(r.broken, *o.Violation)
			}
		}
	}
	r.audited = true
	if r.adapterErr == nil {
		limit := c.cfg.until
		if complete && end > limit {
			limit = end
		}
		if c.record {
			c.calls = append(c.calls, refCall{kind: callEnd, t: limit, complete: complete})
		}
		c.ref.End(limit, complete)
	}
	r.exactDiv = c.ref.Divergence()
	r.div, r.divAt = r.exactDiv, r.exactDivAt
	r.picks = c.ref.Picks()
	if (r.exactDiv != nil || c.cfg.both) && c.cfg.tol > 0 {
		r.div, r.divAt, r.picks = c.replayAt(c.cfg.tol)
	}
	r.settle(c.cfg.level)
	return r
}

// replayAt checks the recorded run again at tolerance tol, and returns the
// divergence, the index of the observed action it was found at, and the
// model's picks.
func (c *checker) replayAt(tol time.Duration) (*refine.Divergence, int, []int) {
	if c.acts != nil {
		c2, err := newCheckerAt(c.s, c.cfg, c.info, tol)
		if err != nil {
			return c.ref.Divergence(), c.res.exactDivAt, c.ref.Picks()
		}
		end, complete := c2.replayTrace(c.acts)
		if c2.res.adapterErr == nil {
			limit := c.cfg.until
			if complete && end > limit {
				limit = end
			}
			c2.ref.End(limit, complete)
		}
		return c2.ref.Divergence(), c2.res.exactDivAt, c2.ref.Picks()
	}
	ref, err := refine.New(c.s, refine.Options{Tolerance: tol, Observes: c.info.Observes, Lag: c.info.Lag})
	if err != nil {
		return c.ref.Divergence(), c.res.exactDivAt, c.ref.Picks()
	}
	at := -1
	for _, k := range c.calls {
		switch k.kind {
		case callInput:
			ref.Input(c.inputs[k.i])
		case callTick:
			ref.Input(model.Input{Kind: model.InTick, At: k.t})
		case callObserve:
			if ref.Observe(&c.res.observed[k.i]) != nil {
				at = int(k.i)
			}
		case callSync:
			ref.Sync(k.t)
		case callEnd:
			ref.End(k.t, k.complete)
		}
		if ref.Divergence() != nil {
			break
		}
	}
	return ref.Divergence(), at, ref.Picks()
}

// runDriven runs scenario s on a driven adapter, playing its world. The
// run goes on to its end after a divergence: the world keeps playing its
// script and the implementation keeps acting, so that every invariant is
// checked on the whole trace.
func runDriven(ctx context.Context, a adapters.DrivenAdapter, s *model.Scenario, cfg checkCfg) *result {
	info := a.Info()
	c, err := newChecker(s, cfg, info)
	if err != nil {
		return &result{verdict: AdapterError, adapterErr: adapters.Errorf(adapters.ErrKindRefused, "the model cannot run the scenario: %v", err)}
	}
	sess, err := a.Open(ctx, s)
	if err != nil {
		if e := adapters.AsError(err); e.Kind == adapters.ErrKindUnsupported {
			return &result{verdict: Unsupported, adapterErr: e, divAt: -1, exactDivAt: -1}
		}
		c.adapterFail(adapters.AsError(err))
		return c.finish(0, false)
	}
	closed := false
	closeSess := func() {
		if closed {
			return
		}
		closed = true
		if err := sess.Close(); err != nil {
			c.adapterFail(adapters.AsError(fmt.Errorf("closing the session: %w", err)))
		}
	}
	defer closeSess()
	w := model.NewScript(s)
	now := time.Duration(0)
	until := cfg.until
	handle := func(rep adapters.Reply, lo time.Duration) {
		for i := range rep.Actions {
			c.observe(rep.Actions[i], lo, now)
			if c.stopped() {
				return
			}
			w.Observe(rep.Actions[i : i+1])
		}
		if rep.HasNext && rep.Next < now && len(rep.Probes) == 0 {
			c.adapterFail(adapters.Errorf(adapters.ErrKindProtocol, "next timer %v is before the current time %v", rep.Next, now))
		}
		for _, p := range rep.Probes {
			if !c.names[p.Container] {
				c.adapterFail(adapters.Errorf(adapters.ErrKindProtocol, "probe asked of unknown container %q", p.Container))
			}
		}
	}
	rep, err := sess.Start(ctx)
	if err != nil {
		c.adapterFail(adapters.AsError(err))
		return c.finish(0, false)
	}
	handle(rep, 0)
	if len(rep.Probes) == 0 {
		c.sync(0)
	}
	complete := false
	for !c.stopped() {
		var in model.Input
		if len(rep.Probes) > 0 {
			in = w.ProbeAnswer(now, rep.Probes[0].Container, rep.Probes[0].Probe)
		} else {
			wi, wok := w.Next()
			switch {
			case !wok && !rep.HasNext:
				complete = true
			case rep.HasNext && (!wok || rep.Next <= wi.At):
				in = model.Input{Kind: model.InTick, At: rep.Next}
			default:
				in = wi
				if in.At < now {
					in.At = now
				}
			}
			if complete {
				break
			}
			if in.At > until {
				break
			}
			if in.Kind != model.InTick {
				w.Consume(wi)
			}
		}
		if e := c.meter.Step(in.At); e != nil {
			c.overBudget("%v", e)
			break
		}
		if err := ctx.Err(); err != nil {
			c.adapterFail(adapters.AsError(err))
			break
		}
		lo := now
		now = in.At
		c.input(in)
		rep, err = sess.Step(ctx, in)
		if err != nil {
			c.adapterFail(adapters.AsError(err))
			break
		}
		handle(rep, lo)
		if len(rep.Probes) == 0 {
			// Everything up to now is reported (while probes are being
			// asked, the instant is not over).
			c.sync(now)
		}
	}
	closeSess()
	end := now
	if !complete && !c.stopped() {
		end = until
	}
	return c.finish(end, complete)
}

// runAutonomous runs scenario s on an autonomous adapter and checks the
// trace it returns, replaying the world's script against it.
func runAutonomous(ctx context.Context, a adapters.AutonomousAdapter, s *model.Scenario, cfg checkCfg) *result {
	info := a.Info()
	c, err := newChecker(s, cfg, info)
	if err != nil {
		return &result{verdict: AdapterError, adapterErr: adapters.Errorf(adapters.ErrKindRefused, "the model cannot run the scenario: %v", err)}
	}
	acts, err := a.Run(ctx, s, cfg.until)
	if err != nil {
		if e := adapters.AsError(err); e.Kind == adapters.ErrKindUnsupported {
			return &result{verdict: Unsupported, adapterErr: e, divAt: -1, exactDivAt: -1}
		}
		c.adapterFail(adapters.AsError(err))
		return c.finish(0, false)
	}
	c.acts, c.record = acts, false // a replay at another tolerance goes over acts
	end, complete := c.replayTrace(acts)
	return c.finish(end, complete)
}

// replayTrace checks an autonomous adapter's trace against ref, giving it
// the world's inputs in between, and returns where the run ended. It goes
// on to the trace's end after a divergence.
func (c *checker) replayTrace(acts []model.Action) (time.Duration, bool) {
	ref := c.ref
	w := model.NewScript(c.s)
	c.world = w
	defer func() { c.world = nil }()
	// The model took its first actions before the world existed.
	c.toWorld()
	now := time.Duration(0)
	until := c.cfg.until
	// feed gives the model the world's inputs due before t (or at t, with
	// atToo).
	followsModel := worldFollowsModel(c.info)
	feed := func(t time.Duration, atToo bool) {
		for !c.stopped() {
			wi, ok := w.Next()
			if !ok || wi.At > t || (wi.At == t && !atToo) {
				return
			}
			if followsModel && wi.At > ref.Model().Now() && ref.Divergence() == nil {
				// The model first fires its timers due by then: what it
				// does may take the world's answer back (a hook it
				// abandoned is not answered).
				before := ref.Model().Now()
				c.input(model.Input{Kind: model.InTick, At: wi.At})
				if ref.Model().Now() > before {
					continue
				}
			}
			w.Consume(wi)
			c.input(wi)
		}
	}
	for i := range acts {
		a := acts[i]
		if a.At < now {
			c.adapterFail(adapters.Errorf(adapters.ErrKindProtocol, "action %d (%s) at %v is before the previous one (%v)", i, a.Kind, a.At, now))
			break
		}
		if a.At > now {
			feed(a.At, false)
			c.sync(now)
		}
		now = a.At
		c.input(model.Input{Kind: model.InTick, At: now})
		// Within one instant the trace does not say which of the world's
		// inputs came before this action: give them one at a time until
		// the model allows it (the model's own timers fire first, as the
		// runner does when it drives).
		for !c.stopped() && ref.Divergence() == nil && !ref.Allows(&a) {
			// (An input before now answers a model action the trace
			// does not show, taken as the model reached now.)
			wi, ok := w.Next()
			if !ok || wi.At > now {
				break
			}
			w.Consume(wi)
			c.input(wi)
		}
		// An action reported up to Lag late: the world's own exits and
		// hook returns due within Lag may have happened already (the
		// script timed them from a start reported late).
		for !c.stopped() && c.info.Lag > 0 && ref.Divergence() == nil && !ref.Allows(&a) {
			wi, ok := w.Next()
			if !ok || wi.At > now+c.info.Lag || (wi.Kind != model.InExit && wi.Kind != model.InHookDone) {
				break
			}
			w.Consume(wi)
			wi.At = now
			c.input(wi)
		}
		c.observe(a, now, now)
		if c.stopped() {
			break
		}
		if c.obs&properties.ObservableOf(a.Kind) != 0 {
			w.Observe(acts[i : i+1])
			if a.Kind == model.ActContainerStarted && len(c.early) > 0 {
				c.toWorld()
			}
		}
	}
	if c.stopped() {
		return now, false
	}
	feed(until, true)
	c.sync(now)
	_, pending := w.Next()
	complete := !pending && ref.Divergence() == nil && ref.Model().Finished()
	if complete {
		return now, true
	}
	return until, false
}

// execProbes returns s with every probe's handler an exec handler, the
// rest of each probe as it is: the model of what an implementation that
// runs every probe as an exec handler (adapters.Info.ExecProbes) runs.
// The kubelet treats exec probes apart: one errors once a delete has
// cancelled the pod worker's context (docs/semantics.md §5.12). A scenario
// with no other kind of probe is returned as it is.
func execProbes(s *model.Scenario) *model.Scenario {
	other := func(p *v1.Probe) bool { return p != nil && p.Exec == nil }
	found := false
	for _, list := range [][]v1.Container{s.Pod.Spec.InitContainers, s.Pod.Spec.Containers} {
		for i := range list {
			c := &list[i]
			found = found || other(c.LivenessProbe) || other(c.ReadinessProbe) || other(c.StartupProbe)
		}
	}
	if !found {
		return s
	}
	out := *s
	out.Pod = *s.Pod.DeepCopy()
	for _, list := range [][]v1.Container{out.Pod.Spec.InitContainers, out.Pod.Spec.Containers} {
		for i := range list {
			c := &list[i]
			for _, p := range []*v1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
				if other(p) {
					p.ProbeHandler = v1.ProbeHandler{Exec: &v1.ExecAction{Command: []string{"podconform-probe"}}}
				}
			}
		}
	}
	return &out
}
