package budget

import (
	"fmt"
	"time"

	"github.com/podconform/podconform/model"
)

// The limits of one run.
const (
	// MaxSteps bounds the inputs fed to the implementation: world moves,
	// timers and probe answers.
	MaxSteps = 1 << 16
	// MaxStepsSameTime bounds the inputs at one instant, the clock not
	// moving.
	MaxStepsSameTime = 2000
	// MaxActions bounds the actions reported.
	MaxActions = 20000
	// MaxStatusEntries bounds the statuses' entries (see Entries). A pod
	// of 100 crash-looping containers reached 20,000 actions with 850 MB
	// resident; the corpus and 3,000 generated scenarios take at most
	// 8,245 entries.
	MaxStatusEntries = 100000
)

// Entries is a's weight against MaxStatusEntries: for a status, one plus
// its container statuses; 0 for any other action.
func Entries(a *model.Action) int {
	if a.Status == nil {
		return 0
	}
	return 1 + len(a.Status.InitContainerStatuses) + len(a.Status.ContainerStatuses) + len(a.Status.EphemeralContainerStatuses)
}

// Exceeded is the error of a run over one of the limits.
type Exceeded struct {
	// What names the limit, e.g. "more than 20000 actions".
	What string
	// At is the virtual time at which it was exceeded.
	At time.Duration
}

func (e *Exceeded) Error() string { return fmt.Sprintf("%s by %v", e.What, e.At) }

// Meter counts one run's work. The zero Meter is ready.
type Meter struct {
	Steps, Actions, Entries int
	sameTime                int
	last                    time.Duration
	err                     *Exceeded
}

// Step counts an input at virtual time at.
func (m *Meter) Step(at time.Duration) *Exceeded {
	if m.err != nil {
		return m.err
	}
	m.Steps++
	if at == m.last && m.Steps > 1 {
		m.sameTime++
	} else {
		m.sameTime = 0
	}
	m.last = at
	switch {
	case m.Steps > MaxSteps:
		m.err = &Exceeded{What: fmt.Sprintf("more than %d steps", MaxSteps), At: at}
	case m.sameTime > MaxStepsSameTime:
		m.err = &Exceeded{What: fmt.Sprintf("more than %d steps without the clock moving", MaxStepsSameTime), At: at}
	}
	return m.err
}

// Action counts one reported action.
func (m *Meter) Action(a *model.Action) *Exceeded {
	if m.err != nil {
		return m.err
	}
	m.Actions++
	m.Entries += Entries(a)
	switch {
	case m.Actions > MaxActions:
		m.err = &Exceeded{What: fmt.Sprintf("more than %d actions", MaxActions), At: a.At}
	case m.Entries > MaxStatusEntries:
		m.err = &Exceeded{What: fmt.Sprintf("statuses of more than %d entries (a status and its container statuses)", MaxStatusEntries), At: a.At}
	}
	return m.err
}

// ActionsOf counts the actions of one step, stopping at the first over the
// limits.
func (m *Meter) ActionsOf(acts []model.Action) *Exceeded {
	for i := range acts {
		if e := m.Action(&acts[i]); e != nil {
			return e
		}
	}
	return m.err
}

// Err is the limit exceeded, if any.
func (m *Meter) Err() *Exceeded { return m.err }

// Sim runs sim to its end within the limits, calling each (if not nil)
// with every action and its cause, in order. It stops at the first limit
// exceeded (returned as *Exceeded) or error of the model.
func Sim(sim *model.Sim, each func(a *model.Action, c model.Cause)) error {
	var m Meter
	feed := func(acts []model.Action) error {
		var causes []model.Cause
		if each != nil {
			causes = sim.Causes()
		}
		for i := range acts {
			if e := m.Action(&acts[i]); e != nil {
				return e
			}
			if each != nil {
				c := model.Cause{}
				if i < len(causes) {
					c = causes[i]
				}
				each(&acts[i], c)
			}
		}
		return nil
	}
	if err := feed(sim.Initial()); err != nil {
		return err
	}
	for !sim.Done() {
		acts, err := sim.Step()
		if err != nil {
			return err
		}
		if sim.Done() && len(acts) == 0 {
			break
		}
		if e := m.Step(sim.Model().Now()); e != nil {
			return e
		}
		if err := feed(acts); err != nil {
			return err
		}
	}
	return nil
}
