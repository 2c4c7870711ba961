package modeladapter

import (
	"context"
	"time"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

// AutonomousAdapter runs each scenario to the end on the model, with the
// world its behaviour script describes, and returns the whole trace, as an
// implementation that runs by itself (a live cluster) would.
type AutonomousAdapter struct{ a *Adapter }

// Autonomous returns the reference model as an autonomous adapter.
func Autonomous() *AutonomousAdapter { return &AutonomousAdapter{a: New()} }

// AutonomousMutant returns a mutant as an autonomous adapter.
func AutonomousMutant(name string) (*AutonomousAdapter, error) {
	a, err := Mutant(name)
	if err != nil {
		return nil, err
	}
	return &AutonomousAdapter{a: a}, nil
}

// Info describes the adapter.
func (x *AutonomousAdapter) Info() adapters.Info {
	i := x.a.Info()
	i.Name += ":autonomous"
	i.Mode = adapters.Autonomous
	return i
}

// Run runs s until the pod finishes or until.
func (x *AutonomousAdapter) Run(ctx context.Context, s *model.Scenario, until time.Duration) ([]model.Action, error) {
	sim, err := model.NewSim(s, until, x.a.mut)
	if err != nil {
		return nil, adapters.Errorf(adapters.ErrKindRefused, "%v", err)
	}
	out := append([]model.Action(nil), sim.Initial()...)
	for !sim.Done() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		acts, err := sim.Step()
		if err != nil {
			return nil, err
		}
		out = append(out, acts...)
	}
	if x.a.observes != properties.ObsAll {
		out = properties.Restrict(out, x.a.observes)
	}
	return out, nil
}
