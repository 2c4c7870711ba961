package model

import (
	"time"

	v1 "k8s.io/api/core/v1"
)

// ActionKind names an observable action.
type ActionKind string

// The observable actions of a trace.
const (
	// ActSandboxCreated: the pod sandbox is up (RunPodSandbox).
	ActSandboxCreated ActionKind = "SandboxCreated"
	// ActContainerCreated and ActContainerStarted: CreateContainer and
	// StartContainer for one instance (Attempt) of a container.
	ActContainerCreated ActionKind = "ContainerCreated"
	ActContainerStarted ActionKind = "ContainerStarted"
	// ActHookStarted and ActHookEnded bracket a postStart or preStop hook.
	// Result is "ok", "failed" or "abandoned" (the kubelet stopped waiting).
	ActHookStarted ActionKind = "HookStarted"
	ActHookEnded   ActionKind = "HookEnded"
	// ActProbeResult is one probe execution's answer (Probe, Result).
	ActProbeResult ActionKind = "ProbeResult"
	// ActStopSignal is StopContainer(Timeout): the stop signal is sent and
	// SIGKILL follows after Timeout seconds.
	ActStopSignal ActionKind = "StopSignal"
	// ActSIGKILL: the runtime kills the container at the end of its timeout.
	ActSIGKILL ActionKind = "SIGKILL"
	// ActContainerExited: the instance ended (ExitCode, Reason).
	ActContainerExited ActionKind = "ContainerExited"
	// ActBackOff: a start was refused with CrashLoopBackOff; Wait is how
	// long until the back-off ends, Delay the current back-off delay.
	ActBackOff ActionKind = "BackOff"
	// ActDeleteRequested: an API delete; Grace is the effective grace
	// period in seconds after it (grace only shrinks). Force is set for a
	// force delete.
	ActDeleteRequested ActionKind = "DeleteRequested"
	// ActSandboxStopped: StopPodSandbox.
	ActSandboxStopped ActionKind = "SandboxStopped"
	// ActPodRemoved: the API object is gone (finalised deletion).
	ActPodRemoved ActionKind = "PodRemoved"
	// ActStatus: the pod's status changed; Status holds the new v1.PodStatus.
	ActStatus ActionKind = "Status"
	// ActEvent: the implementation recorded an Event about a container
	// (the kubelet's Created, Started, Killing, BackOff, Unhealthy,
	// FailedPostStartHook, FailedPreStopHook), as an API client reads it.
	// Reason is the event's reason, Result its message, Attempt the
	// instance the client last saw start. The model never takes it: an
	// event is a witness of something the model must have done around its
	// time (internal/refine, events.go), never a complete record.
	ActEvent ActionKind = "Event"
)

// Hook names.
const (
	HookPostStart = "postStart"
	HookPreStop   = "preStop"
)

// Hook and probe result strings used in actions.
const (
	ResultOK        = "ok"
	ResultFailed    = "failed"
	ResultAbandoned = "abandoned"
	ResultSuccess   = string(ProbeSuccess)
	ResultFailure   = string(ProbeFailure)
)

// ProbeType names a probe.
type ProbeType string

// Probe types.
const (
	Startup   ProbeType = "startup"
	Liveness  ProbeType = "liveness"
	Readiness ProbeType = "readiness"
)

// Action is one observable action of the kubelet or the runtime, at a
// virtual time measured from the pod's creation. Only the fields that the
// Kind uses are set. Why the model took it is not a field (traces and
// comparisons must not see it): see Cause and Model.Causes.
type Action struct {
	At        time.Duration
	Kind      ActionKind
	Container string
	// Attempt is the container instance (0 for the first run).
	Attempt int
	Hook    string
	Probe   ProbeType
	Result  string
	// Timeout of a StopSignal, and Grace of a DeleteRequested, in seconds.
	Timeout int64
	Grace   int64
	Force   bool
	// ExitCode and Reason of a ContainerExited.
	ExitCode int32
	Reason   string
	// Wait and Delay of a BackOff.
	Wait  time.Duration
	Delay time.Duration
	// Status of a Status action.
	Status *v1.PodStatus
}

// InputKind names an input to the model.
type InputKind uint8

// Inputs the world can give the model.
const (
	// InTick only advances the clock to At, firing the model's timers.
	InTick InputKind = iota
	// InExit: a running container instance exits on its own (ExitCode,
	// OOMKilled) or on the stop signal.
	InExit
	// InProbeAnswer answers a probe the model has asked (Probe, Success).
	InProbeAnswer
	// InHookDone: a running hook returned (HookOK).
	InHookDone
	// InDelete: an API delete with Grace seconds (negative: the pod's own).
	InDelete
	// InForceDelete: a force delete.
	InForceDelete
	// InSetCondition: a controller sets the pod condition Condition to
	// CondStatus in the API object (a readiness gate's).
	InSetCondition
)

func (k InputKind) String() string {
	switch k {
	case InTick:
		return "Tick"
	case InExit:
		return "Exit"
	case InProbeAnswer:
		return "ProbeAnswer"
	case InHookDone:
		return "HookDone"
	case InDelete:
		return "Delete"
	case InForceDelete:
		return "ForceDelete"
	case InSetCondition:
		return "SetCondition"
	}
	return "Unknown"
}

// Input is one move of the world. At must not be before the model's clock;
// the model first advances to At (firing timers due by then), then applies
// the input.
type Input struct {
	Kind      InputKind
	At        time.Duration
	Container string
	ExitCode  int32
	OOMKilled bool
	Probe     ProbeType
	Success   bool
	HookOK    bool
	Grace     int64
	// Condition and CondStatus of a SetCondition.
	Condition  v1.PodConditionType
	CondStatus v1.ConditionStatus
}

// Move is an input the world may give in the current state; the fields the
// world chooses (exit code, probe answer, hook result, grace, time) are left
// for it to fill.
type Move struct {
	Kind      InputKind
	Container string
	Probe     ProbeType
	Hook      string
	// Condition of a SetCondition: one of the pod's readiness gates'
	// condition types (the world chooses the status).
	Condition v1.PodConditionType
}
