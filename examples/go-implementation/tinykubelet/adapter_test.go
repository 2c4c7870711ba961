package tinykubelet

import (
	"context"
	"errors"
	"fmt"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

// adapter connects tinykubelet to podconform: an adapters.DrivenAdapter
// whose sessions are Pods. podconform plays the world (the containers'
// exits, the deletes, the clock) and reads back what the pod did.
type adapter struct{}

func (adapter) Info() adapters.Info {
	return adapters.Info{
		Name:    "tinykubelet",
		Version: "0.1",
		Mode:    adapters.Driven,
		// What the records report: the container runtime's actions, the
		// API requests (deletes, removal) and the back-off. Only these
		// are compared, and only the invariants they can decide are
		// checked. Pod statuses are not reported.
		Observes: properties.ObsActions | properties.ObsRequests | properties.ObsBackOff,
	}
}

func (adapter) Open(_ context.Context, s *model.Scenario) (adapters.Session, error) {
	prof := s.Profile.WithDefaults()
	cfg := Config{
		BackoffInitial:  prof.BackoffInitial.Duration,
		BackoffMax:      prof.BackoffMax.Duration,
		BackoffReset:    prof.BackoffReset.Duration,
		MinGraceSeconds: *prof.MinimumGracePeriodSeconds,
	}
	p, err := NewPod(&s.Pod, cfg)
	if errors.Is(err, ErrUnsupported) {
		// Counted as unsupported: skipped, neither passed nor failed.
		return nil, adapters.Errorf(adapters.ErrKindUnsupported, "tinykubelet: %v", err)
	}
	if err != nil {
		return nil, err
	}
	return &session{pod: p}, nil
}

type session struct{ pod *Pod }

func (s *session) Start(context.Context) (adapters.Reply, error) { return s.reply(), nil }

func (s *session) Step(_ context.Context, in model.Input) (adapters.Reply, error) {
	switch in.Kind {
	case model.InTick:
		s.pod.Advance(in.At)
	case model.InExit:
		if err := s.pod.Exited(in.At, in.Container, in.ExitCode, in.OOMKilled); err != nil {
			return adapters.Reply{}, err
		}
	case model.InDelete:
		s.pod.Delete(in.At, in.Grace, false)
	case model.InForceDelete:
		s.pod.Delete(in.At, 0, true)
	default:
		// Probes and hooks never run here, so they are never answered.
		return adapters.Reply{}, fmt.Errorf("tinykubelet: unexpected input %v", in.Kind)
	}
	return s.reply(), nil
}

func (s *session) Close() error { return nil }

func (s *session) reply() adapters.Reply {
	var rep adapters.Reply
	for _, r := range s.pod.Records() {
		rep.Actions = append(rep.Actions, action(r))
	}
	rep.Next, rep.HasNext = s.pod.Next()
	return rep
}

// action translates a record into podconform's vocabulary.
func action(r Record) model.Action {
	a := model.Action{At: r.At, Container: r.Container, Attempt: r.Attempt}
	switch r.Kind {
	case SandboxCreated:
		a.Kind = model.ActSandboxCreated
	case ContainerCreated:
		a.Kind = model.ActContainerCreated
	case ContainerStarted:
		a.Kind = model.ActContainerStarted
	case StopSignal:
		a.Kind, a.Timeout = model.ActStopSignal, r.Timeout
	case Killed:
		a.Kind = model.ActSIGKILL
	case ContainerExited:
		a.Kind, a.ExitCode, a.Reason = model.ActContainerExited, r.ExitCode, r.Reason
	case BackOff:
		a.Kind, a.Wait, a.Delay = model.ActBackOff, r.Wait, r.Delay
	case DeleteRequested:
		a.Kind, a.Grace, a.Force = model.ActDeleteRequested, r.Grace, r.Force
	case SandboxStopped:
		a.Kind = model.ActSandboxStopped
	case PodRemoved:
		a.Kind = model.ActPodRemoved
	}
	return a
}
