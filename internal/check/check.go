package check

import (
	"fmt"
	"sort"
	"time"

	"github.com/podconform/podconform/internal/budget"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
)

// DefaultUntil bounds a run whose caller gives no limit.
const DefaultUntil = 30 * time.Minute

// Options says what to run and check.
type Options struct {
	// Mutation selects a self-test mutant; 0 is the reference model.
	Mutation model.Mutation
	// Until bounds the run in virtual time (DefaultUntil if 0).
	Until time.Duration
	// Properties to check; nil means all.
	Properties []properties.Property
	// KeepTrace keeps the whole trace in the result (otherwise only up to
	// the violation is kept when there is one, and nothing when not).
	KeepTrace bool
}

// Result is the outcome of one checked run.
type Result struct {
	// Violation is the first property broken, or nil.
	Violation *properties.Violation
	// Trace holds the actions up to the violation, or the whole trace with
	// KeepTrace.
	Trace []model.Action
	// End is the virtual time the run stopped at; Complete says the pod
	// finished rather than the run reaching Until.
	End      time.Duration
	Complete bool
	// Steps counts the model's inputs.
	Steps int
}

// Run runs doc on the model with opt, checking properties after every step.
// An error means the scenario could not be run (not a property violation),
// for example a run over package budget's limits (a *budget.Exceeded in
// the chain).
func Run(doc *scenario.Document, opt Options) (*Result, error) {
	return RunScenario(doc.Model(), opt)
}

// RunScenario is Run for a model scenario.
func RunScenario(s *model.Scenario, opt Options) (*Result, error) {
	until := opt.Until
	if until <= 0 {
		until = DefaultUntil
	}
	sim, err := model.NewSim(s, until, opt.Mutation)
	if err != nil {
		return nil, err
	}
	ctx := &properties.Context{Pod: &s.Pod, Profile: s.Profile.WithDefaults(), Events: sortedEvents(s.Events), Behaviour: &s.Behaviour}
	suite := properties.NewSuite(ctx, opt.Properties...)
	res := &Result{}
	trace := make([]model.Action, 0, 128)
	var meter budget.Meter
	var over *budget.Exceeded
	observe := func(acts []model.Action) *properties.Violation {
		for i := range acts {
			if over = meter.Action(&acts[i]); over != nil {
				return nil
			}
			trace = append(trace, acts[i])
			if v := suite.Observe(len(trace)-1, &trace[len(trace)-1]); v != nil {
				return v
			}
		}
		return nil
	}
	v := observe(sim.Initial())
	for v == nil && over == nil && !sim.Done() {
		acts, err := sim.Step()
		res.Steps++
		if err != nil {
			return nil, fmt.Errorf("running the model: %w", err)
		}
		if over = meter.Step(sim.Model().Now()); over == nil {
			v = observe(acts)
		}
	}
	if over != nil {
		return nil, fmt.Errorf("the scenario is too big to check: the run exceeded its budget (%w)", over)
	}
	res.End = sim.Model().Now()
	if v == nil {
		res.Complete = sim.Complete()
		v = suite.End(res.End, res.Complete)
	}
	res.Violation = v
	if v != nil || opt.KeepTrace {
		res.Trace = trace
	}
	return res, nil
}

// sortedEvents returns the events in the order the world sends them
// (stable by time, as model.NewScript orders them); never nil.
func sortedEvents(evs []model.Event) []model.Event {
	out := append(make([]model.Event, 0, len(evs)), evs...)
	sort.SliceStable(out, func(a, b int) bool { return out[a].At.Duration < out[b].At.Duration })
	return out
}
