package runner

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/internal/refine"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

// Limits on one scenario's run.
const (
	maxSteps         = 1 << 16
	maxStepsSameTime = 2000
)

// result is the outcome of one run of one scenario on the adapter.
type result struct {
	verdict    Verdict
	violation  *properties.Violation
	divergence *refine.Divergence
	adapterErr *adapters.Error
	observed   []model.Action
	// picks: what the checker's model took at its choices (the kill
	// orders the implementation showed; see model.Choice), for the
	// expected trace of a report.
	picks    []int
	end      time.Duration
	complete bool
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

// checker bundles the two checks of one scenario.
type checker struct {
	suite *properties.Suite
	ref   *refine.Checker
	obs   properties.Observables
	names map[string]bool
	res   *result
}

func newChecker(s *model.Scenario, props []properties.Property, info adapters.Info, tol time.Duration) (*checker, error) {
	ref, err := refine.New(s, refine.Options{Tolerance: tol, Observes: info.Observes})
	if err != nil {
		return nil, err
	}
	evs := append([]model.Event(nil), s.Events...)
	sort.SliceStable(evs, func(a, b int) bool { return evs[a].At.Duration < evs[b].At.Duration })
	pctx := &properties.Context{Pod: &s.Pod, Profile: s.Profile.WithDefaults(), Events: evs}
	names := map[string]bool{}
	for _, c := range s.Pod.Spec.InitContainers {
		names[c.Name] = true
	}
	for _, c := range s.Pod.Spec.Containers {
		names[c.Name] = true
	}
	if len(props) == 0 {
		// Suite treats an empty list as the whole catalogue; an adapter
		// that observes too little for any invariant gets refinement only.
		props = nil
	}
	c := &checker{ref: ref, obs: info.Observes.Normal(), names: names, res: &result{verdict: Pass}}
	if len(props) > 0 {
		c.suite = properties.NewSuite(pctx, props...)
	}
	return c, nil
}

func (c *checker) done() bool { return c.res.verdict != Pass }

func (c *checker) adapterFail(e *adapters.Error) {
	if !c.done() {
		c.res.verdict, c.res.adapterErr = AdapterError, e
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

// observe checks one reported action with both checks.
func (c *checker) observe(a model.Action, lo, hi time.Duration) {
	if c.done() {
		return
	}
	if e := c.validate(&a, lo, hi); e != nil {
		c.adapterFail(e)
		return
	}
	c.res.observed = append(c.res.observed, a)
	i := len(c.res.observed) - 1
	if c.suite != nil {
		if v := c.suite.Observe(i, &c.res.observed[i]); v != nil {
			c.res.verdict, c.res.violation = Violation, v
			return
		}
	}
	if d := c.ref.Observe(&c.res.observed[i]); d != nil {
		c.diverged(d)
	}
}

func (c *checker) diverged(d *refine.Divergence) {
	c.res.verdict, c.res.divergence = Divergence, d
}

func (c *checker) input(in model.Input) {
	if c.done() {
		return
	}
	if d := c.ref.Input(in); d != nil {
		c.diverged(d)
	}
}

func (c *checker) sync(t time.Duration) {
	if c.done() {
		return
	}
	if d := c.ref.Sync(t); d != nil {
		c.diverged(d)
	}
}

func (c *checker) end(end, until time.Duration, complete bool) {
	c.res.end, c.res.complete = end, complete
	defer func() { c.res.picks = c.ref.Picks() }()
	if c.done() {
		return
	}
	if c.suite != nil {
		if v := c.suite.End(end, complete); v != nil {
			c.res.verdict, c.res.violation = Violation, v
			return
		}
	}
	limit := until
	if complete && end > limit {
		limit = end
	}
	if d := c.ref.End(limit, complete); d != nil {
		c.diverged(d)
	}
}

// runDriven runs scenario s on a driven adapter, playing its world.
func runDriven(ctx context.Context, a adapters.DrivenAdapter, s *model.Scenario, props []properties.Property, tol, until time.Duration) *result {
	info := a.Info()
	c, err := newChecker(s, props, info, tol)
	if err != nil {
		return &result{verdict: AdapterError, adapterErr: adapters.Errorf(adapters.ErrKindRefused, "the model cannot run the scenario: %v", err)}
	}
	sess, err := a.Open(ctx, s)
	if err != nil {
		c.adapterFail(adapters.AsError(err))
		return c.res
	}
	defer func() {
		if err := sess.Close(); err != nil && !c.done() {
			c.adapterFail(adapters.AsError(fmt.Errorf("closing the session: %w", err)))
		}
	}()
	w := model.NewScript(s)
	now := time.Duration(0)
	handle := func(rep adapters.Reply, lo time.Duration) {
		for i := range rep.Actions {
			c.observe(rep.Actions[i], lo, now)
			if c.done() {
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
		return c.res
	}
	handle(rep, 0)
	if len(rep.Probes) == 0 {
		c.sync(0)
	}
	complete := false
	sameTime := 0
	for steps := 0; !c.done(); steps++ {
		if steps >= maxSteps {
			c.adapterFail(adapters.Errorf(adapters.ErrKindProtocol, "more than %d steps by %v: a runaway", maxSteps, now))
			break
		}
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
		if in.At == now {
			sameTime++
			if sameTime > maxStepsSameTime {
				c.adapterFail(adapters.Errorf(adapters.ErrKindProtocol, "more than %d steps at %v without the clock moving", maxStepsSameTime, now))
				break
			}
		} else {
			sameTime = 0
		}
		if err := ctx.Err(); err != nil {
			c.adapterFail(adapters.AsError(err))
			break
		}
		lo := now
		now = in.At
		c.input(in)
		if c.done() {
			break
		}
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
	end := now
	if !complete {
		end = until
	}
	c.end(end, until, complete)
	return c.res
}

// runAutonomous runs scenario s on an autonomous adapter and checks the
// trace it returns, replaying the world's script against it.
func runAutonomous(ctx context.Context, a adapters.AutonomousAdapter, s *model.Scenario, props []properties.Property, tol, until time.Duration) *result {
	info := a.Info()
	c, err := newChecker(s, props, info, tol)
	if err != nil {
		return &result{verdict: AdapterError, adapterErr: adapters.Errorf(adapters.ErrKindRefused, "the model cannot run the scenario: %v", err)}
	}
	acts, err := a.Run(ctx, s, until)
	if err != nil {
		c.adapterFail(adapters.AsError(err))
		return c.res
	}
	w := model.NewScript(s)
	now := time.Duration(0)
	// feed gives the model the world's inputs due before t (or at t, with
	// atToo).
	feed := func(t time.Duration, atToo bool) {
		for !c.done() {
			wi, ok := w.Next()
			if !ok || wi.At > t || (wi.At == t && !atToo) {
				return
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
		for !c.done() && !c.ref.Allows(&a) {
			wi, ok := w.Next()
			if !ok || wi.At != now {
				break
			}
			w.Consume(wi)
			c.input(wi)
		}
		c.observe(a, now, now)
		if c.done() {
			break
		}
		w.Observe(acts[i : i+1])
	}
	if !c.done() {
		feed(until, true)
		c.sync(now)
	}
	_, pending := w.Next()
	complete := !pending && c.ref.Model().Finished()
	end := until
	if complete {
		end = now
	}
	c.end(end, until, complete)
	return c.res
}
