package modeladapter

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

// Adapter runs scenarios on the reference model or one of its mutants.
type Adapter struct {
	mut      model.Mutation
	name     string
	observes properties.Observables
}

// New returns the adapter of the reference model.
func New() *Adapter { return &Adapter{name: "model", observes: properties.ObsAll} }

// Mutant returns the adapter of the self-test mutant with the given name
// (see model.Mutations).
func Mutant(name string) (*Adapter, error) {
	mut, ok := model.MutationByName(name)
	if !ok {
		var names []string
		for _, m := range model.Mutations() {
			names = append(names, m.Name)
		}
		return nil, fmt.Errorf("unknown mutant %q (known: %s)", name, strings.Join(names, ", "))
	}
	return &Adapter{mut: mut, name: "mutant:" + name, observes: properties.ObsAll}, nil
}

// Observing returns a copy of a that reports only o: the other actions and
// status fields are withheld, as an implementation that cannot see them
// would.
func (a *Adapter) Observing(o properties.Observables) *Adapter {
	c := *a
	c.observes = o.Normal()
	return &c
}

// Info describes the adapter.
func (a *Adapter) Info() adapters.Info {
	return adapters.Info{Name: a.name, Mode: adapters.Driven, Observes: a.observes}
}

// Open starts a scenario.
func (a *Adapter) Open(_ context.Context, s *model.Scenario) (adapters.Session, error) {
	m, err := model.NewMutant(s, a.mut)
	if err != nil {
		return nil, adapters.Errorf(adapters.ErrKindRefused, "%v", err)
	}
	return &session{m: m, observes: a.observes}, nil
}

type session struct {
	m        *model.Model
	observes properties.Observables
}

func (s *session) Start(context.Context) (adapters.Reply, error) {
	return s.reply(s.m.Drain()), nil
}

func (s *session) Step(_ context.Context, in model.Input) (adapters.Reply, error) {
	acts, err := s.m.Step(in)
	if errors.Is(err, model.ErrFinished) {
		// The pod is gone from the node: the world's late inputs change
		// nothing.
		return s.reply(nil), nil
	}
	if err != nil {
		return adapters.Reply{}, adapters.Errorf(adapters.ErrKindProtocol, "%v", err)
	}
	return s.reply(acts), nil
}

func (s *session) Close() error { return nil }

func (s *session) reply(acts []model.Action) adapters.Reply {
	var r adapters.Reply
	if s.observes == properties.ObsAll {
		r.Actions = append([]model.Action(nil), acts...)
	} else {
		r.Actions = properties.Restrict(acts, s.observes)
	}
	r.Probes = s.m.PendingProbes()
	if len(r.Probes) == 0 {
		r.Next, r.HasNext = s.m.NextTimer()
	}
	return r
}
