package adapters

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

// Mode says who plays the world.
type Mode string

// The adapter modes.
const (
	// Driven: the runner plays the world and the clock.
	Driven Mode = "driven"
	// Autonomous: the implementation runs the scenario by itself.
	Autonomous Mode = "autonomous"
)

// Info describes an adapter.
type Info struct {
	// Name identifies the implementation in reports ("model",
	// "mutant:parallel-init", "exec:./lifecycle.py").
	Name string `json:"name"`
	// Version is the implementation's own version string, if it has one.
	Version string `json:"version,omitempty"`
	// Mode is Driven or Autonomous.
	Mode Mode `json:"mode"`
	// Observes is what its traces report; only that is compared.
	Observes properties.Observables `json:"-"`
	// Lag is how long after it happened an autonomous adapter may report
	// an action (an API client learns of a container's start or exit only
	// when the kubelet's status reaches the API server). Its traces are
	// replayed with the world's own moves (a scripted exit) allowed up to
	// Lag before the script's time, as the script times them from a
	// start reported late. 0 for an implementation that reports actions
	// when they happen.
	Lag time.Duration `json:"lag,omitempty"`
	// ExecProbes says the implementation runs every probe as an exec
	// handler, whatever kind the scenario gives it (the cluster adapter
	// rewrites probes into scripts for the image's shell). The runner
	// then checks it against the model of the scenario with its probes so
	// rewritten: the kind of a probe changes what the kubelet does with
	// it (an exec probe errors once a delete has cancelled the pod
	// worker's context; docs/semantics.md §5.12).
	ExecProbes bool `json:"execProbes,omitempty"`
}

// Adapter is an implementation under test. It is either a DrivenAdapter
// or an AutonomousAdapter.
type Adapter interface {
	Info() Info
}

// DrivenAdapter is an implementation the runner drives step by step.
type DrivenAdapter interface {
	Adapter
	// Open starts one scenario: the implementation admits the pod
	// (s.Pod, under profile s.Profile) at virtual time 0. The behaviour
	// script and the events are the runner's: they arrive as inputs. The
	// session is used by one goroutine at a time.
	Open(ctx context.Context, s *model.Scenario) (Session, error)
}

// Session is one scenario on a driven implementation.
type Session interface {
	// Start returns the actions of the pod's admission and first sync, at
	// virtual time 0.
	Start(ctx context.Context) (Reply, error)
	// Step gives the implementation one input of the world at in.At, which
	// is never before the previous one; an InTick input only moves the
	// clock. The implementation fires its own timers due by in.At first.
	Step(ctx context.Context, in model.Input) (Reply, error)
	// Close ends the session and releases what it holds. It is called once,
	// whatever happened before.
	Close() error
}

// Reply is what a driven implementation did in answer to Start or Step.
type Reply struct {
	// Actions taken since the previous reply, in order; each at the
	// virtual time it happened (never after the input's time).
	Actions []model.Action
	// Next is the time of the implementation's next own timer (a probe
	// falling due, a back-off ending, a grace deadline); HasNext is false
	// when it has none. The runner steps it then with an InTick input,
	// unless the world moves first.
	Next    time.Duration
	HasNext bool
	// Probes the implementation runs now and waits for the world to
	// answer: the runner answers the first with an InProbeAnswer input at
	// the current time.
	Probes []model.ProbeAsk
}

// AutonomousAdapter is an implementation that runs a scenario by itself.
type AutonomousAdapter interface {
	Adapter
	// Run runs scenario s (its pod, behaviour script and events) until the
	// pod finishes or virtual time until, and returns every action with the
	// time it happened, measured from the pod's creation.
	Run(ctx context.Context, s *model.Scenario, until time.Duration) ([]model.Action, error)
}

// Error is an adapter failure: the implementation crashed, hung, broke the
// protocol or could not run the scenario. It is a distinct verdict from a
// conformance failure.
type Error struct {
	// Kind is one of the ErrKind constants.
	Kind string
	Err  error
}

// The kinds of adapter error.
const (
	ErrKindCrash    = "crash"    // the implementation exited or panicked
	ErrKindTimeout  = "timeout"  // no answer within the time allowed
	ErrKindProtocol = "protocol" // an answer that breaks the protocol
	ErrKindStart    = "start"    // the implementation could not be started
	ErrKindRefused  = "refused"  // the implementation declined the scenario
	// ErrKindUnsupported: the adapter cannot express the scenario (a
	// behaviour a shell cannot produce, such as an OOM kill). The runner
	// counts such a scenario as unsupported: skipped, neither passed nor
	// failed, and not the implementation's fault.
	ErrKindUnsupported = "unsupported"
)

func (e *Error) Error() string { return fmt.Sprintf("adapter %s: %v", e.Kind, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of the given kind.
func Errorf(kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Err: fmt.Errorf(format, args...)}
}

// AsError returns err as an *Error, wrapping a plain error as a crash.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Kind: ErrKindTimeout, Err: err}
	}
	return &Error{Kind: ErrKindCrash, Err: err}
}

type scenarioNameKey struct{}

// WithScenarioName returns a context under which an adapter's Open (or
// Run) knows the scenario's name, e.g. to name it in its own logs or
// protocol messages. The runner sets it for every scenario.
func WithScenarioName(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, scenarioNameKey{}, name)
}

// ScenarioName returns the name set by WithScenarioName, or "".
func ScenarioName(ctx context.Context) string {
	n, _ := ctx.Value(scenarioNameKey{}).(string)
	return n
}
