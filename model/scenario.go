package model

import (
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Scenario is everything the model needs to run one pod: the Pod, the
// profile of the Kubernetes version being modelled, the behaviour script of
// the world around the kubelet, and timed external events.
//
// The JSON field names are those of the scenario document format (see
// package scenario), which embeds this struct.
type Scenario struct {
	// Profile holds the version-dependent parameters. Zero fields take the
	// values of DefaultProfile.
	Profile Profile `json:"profile,omitempty"`
	// Pod is a real Pod manifest.
	Pod v1.Pod `json:"pod"`
	// Behaviour scripts the containers, probes and hooks.
	Behaviour Behaviour `json:"behaviour,omitempty"`
	// Events are external events (deletes) at fixed virtual times.
	Events []Event `json:"events,omitempty"`
}

// Profile holds the parameters that differ between Kubernetes versions and
// feature-gate settings. They are parameters, not constants, so that one
// model can describe several versions.
type Profile struct {
	// Name labels the profile, e.g. "kubernetes-1.36".
	Name string `json:"name,omitempty"`
	// BackoffInitial is the crash-loop back-off's first delay (kubelet.go
	// backOffPeriod: 10s; 1s under ReduceDefaultCrashLoopBackOffDecay).
	BackoffInitial *metav1.Duration `json:"backoffInitial,omitempty"`
	// BackoffMax caps the delay (MaxContainerBackOff: 300s; configurable
	// under KubeletCrashLoopBackOffMax).
	BackoffMax *metav1.Duration `json:"backoffMax,omitempty"`
	// BackoffReset is the expiry rule: an exit more than this long after the
	// last restart decision resets the delay (kubelet.go: 600s).
	BackoffReset *metav1.Duration `json:"backoffReset,omitempty"`
	// MinimumGracePeriodSeconds is the floor on a StopContainer timeout
	// (kuberuntime_container.go minimumGracePeriodInSeconds: 2).
	MinimumGracePeriodSeconds *int64 `json:"minimumGracePeriodSeconds,omitempty"`
	// ContainerRestartRules is the ContainerRestartRules feature gate
	// (KEP-5307; beta and on by default since 1.35): container-level
	// restartPolicy and restartPolicyRules on regular containers.
	ContainerRestartRules *bool `json:"containerRestartRules,omitempty"`
	// SyncFrequency is the pod worker's periodic resync, whose status
	// generation also triggers a readiness probe of a started container
	// that is not ready (KubeletConfiguration syncFrequency: 1m).
	SyncFrequency *metav1.Duration `json:"syncFrequency,omitempty"`
}

// DefaultProfileName names the profile DefaultProfile returns.
const DefaultProfileName = "kubernetes-1.36"

// DefaultProfile returns the defaults of Kubernetes 1.36 with no alpha gates.
func DefaultProfile() Profile {
	on := true
	two := int64(2)
	return Profile{
		Name:                      DefaultProfileName,
		BackoffInitial:            &metav1.Duration{Duration: 10 * time.Second},
		BackoffMax:                &metav1.Duration{Duration: 300 * time.Second},
		BackoffReset:              &metav1.Duration{Duration: 600 * time.Second},
		MinimumGracePeriodSeconds: &two,
		ContainerRestartRules:     &on,
		SyncFrequency:             &metav1.Duration{Duration: time.Minute},
	}
}

// WithDefaults returns p with every unset field taken from DefaultProfile.
func (p Profile) WithDefaults() Profile {
	d := DefaultProfile()
	if p.Name == "" {
		p.Name = d.Name
	}
	if p.BackoffInitial == nil {
		p.BackoffInitial = d.BackoffInitial
	}
	if p.BackoffMax == nil {
		p.BackoffMax = d.BackoffMax
	}
	if p.BackoffReset == nil {
		p.BackoffReset = d.BackoffReset
	}
	if p.MinimumGracePeriodSeconds == nil {
		p.MinimumGracePeriodSeconds = d.MinimumGracePeriodSeconds
	}
	if p.ContainerRestartRules == nil {
		p.ContainerRestartRules = d.ContainerRestartRules
	}
	if p.SyncFrequency == nil {
		p.SyncFrequency = d.SyncFrequency
	}
	return p
}

// Behaviour is the script of the world around the kubelet, per container
// name. A container with no entry gets the documented defaults: a regular
// init container exits 0 after DefaultInitRunTime; sidecars and app
// containers run until killed; probes succeed; hooks return at once (a
// sleep hook takes its own seconds); on the stop signal a container exits
// at once with code 0. A tcpSocket hook fails as it starts, whatever the
// script says: the kubelet cannot run it (see HookScript).
type Behaviour struct {
	Containers map[string]ContainerBehaviour `json:"containers,omitempty"`
}

// DefaultInitRunTime is how long a regular init container runs when the
// script does not say.
const DefaultInitRunTime = time.Second

// ContainerBehaviour scripts one container. Attempts[i] describes the i-th
// instance the kubelet starts (attempt 0 is the first run); instances past
// the end repeat the last attempt. The conduct fields apply to every attempt
// unless the attempt overrides them.
type ContainerBehaviour struct {
	Attempts []Attempt `json:"attempts,omitempty"`
	Conduct
}

// AttemptAt returns the script of instance k: attempt k, or the last one
// for instances past the end (attempt 0 for a negative k, which only a
// broken trace holds); nil when no attempt is scripted.
func (b *ContainerBehaviour) AttemptAt(k int) *Attempt {
	if b == nil || len(b.Attempts) == 0 {
		return nil
	}
	return &b.Attempts[max(0, min(k, len(b.Attempts)-1))]
}

// ExitOf returns when instance k exits by itself, measured from its start,
// and with which code: the attempt's exitAfter (a signal exits with
// 128+signal), or, for a regular init container with no attempt scripted,
// DefaultInitRunTime and 0. ok is false when the instance runs until
// killed. b may be nil (nothing scripted).
func (b *ContainerBehaviour) ExitOf(k int, regularInit bool) (after time.Duration, code int32, ok bool) {
	at := b.AttemptAt(k)
	switch {
	case at != nil && at.ExitAfter != nil:
		code = at.ExitCode
		if at.Signal != 0 {
			code = 128 + at.Signal
		}
		return at.ExitAfter.Duration, code, true
	case at == nil && regularInit:
		return DefaultInitRunTime, 0, true
	}
	return 0, 0, false
}

// ConductOf returns the conduct that applies to attempt a (nil: none
// scripted): the attempt's own fields override the container's.
func (b *ContainerBehaviour) ConductOf(a *Attempt) Conduct {
	var c Conduct
	if b != nil {
		c = b.Conduct
	}
	if a == nil {
		return c
	}
	if a.Probes != nil {
		c.Probes = a.Probes
	}
	if a.PostStart != nil {
		c.PostStart = a.PostStart
	}
	if a.PreStop != nil {
		c.PreStop = a.PreStop
	}
	if a.OnStopSignal != nil {
		c.OnStopSignal = a.OnStopSignal
	}
	return c
}

// Attempt scripts one instance of a container.
type Attempt struct {
	// ExitAfter is how long the instance runs before it exits on its own,
	// measured from its start. Nil means it runs until killed.
	ExitAfter *metav1.Duration `json:"exitAfter,omitempty"`
	// ExitCode is the code it exits with (default 0).
	ExitCode int32 `json:"exitCode,omitempty"`
	// Signal, if set, means the process died of this signal: the runtime
	// reports exit code 128+Signal.
	Signal int32 `json:"signal,omitempty"`
	// OOMKilled means the kernel's OOM killer ended it: exit code 137,
	// reason OOMKilled.
	OOMKilled bool `json:"oomKilled,omitempty"`
	Conduct
}

// Conduct is how a container instance answers probes, runs hooks and reacts
// to the stop signal.
type Conduct struct {
	Probes       *ProbeScripts `json:"probes,omitempty"`
	PostStart    *HookScript   `json:"postStart,omitempty"`
	PreStop      *HookScript   `json:"preStop,omitempty"`
	OnStopSignal *StopScript   `json:"onStopSignal,omitempty"`
}

// ProbeScripts holds, per probe, its answers over the instance's life.
type ProbeScripts struct {
	Startup   []ProbeStep `json:"startup,omitempty"`
	Liveness  []ProbeStep `json:"liveness,omitempty"`
	Readiness []ProbeStep `json:"readiness,omitempty"`
}

// ProbeStep says what a probe answers from After (measured from the
// instance's start) until the next step. Before the first step, and with no
// steps at all, probes succeed.
type ProbeStep struct {
	After metav1.Duration `json:"after"`
	// Result is "success" or "failure".
	Result ProbeResult `json:"result"`
	// RespondsIn is how long the probe takes to answer. An answer that takes
	// timeoutSeconds or longer is a failure, whatever Result says.
	RespondsIn *metav1.Duration `json:"respondsIn,omitempty"`
}

// ProbeResult is a probe's answer.
type ProbeResult string

// Probe answers.
const (
	ProbeSuccess ProbeResult = "success"
	ProbeFailure ProbeResult = "failure"
)

// HookScript says how long a hook takes and whether it fails. With no
// duration, the hook takes its default: a sleep hook its seconds, any other
// hook no time. A tcpSocket hook ignores it: the kubelet's handlerRunner.Run
// (pkg/kubelet/lifecycle/handlers.go) runs only exec, httpGet and sleep
// handlers and fails any other at once ("invalid handler"), so the hook
// fails in the instant it starts.
type HookScript struct {
	Duration *metav1.Duration `json:"duration,omitempty"`
	Fail     bool             `json:"fail,omitempty"`
}

// StopScript says what the container does on the stop signal (SIGTERM or
// its STOPSIGNAL): exit after ExitAfter with ExitCode, or ignore it and
// wait for SIGKILL.
type StopScript struct {
	ExitAfter *metav1.Duration `json:"exitAfter,omitempty"`
	ExitCode  int32            `json:"exitCode,omitempty"`
	Ignore    bool             `json:"ignore,omitempty"`
}

// EventType names an external event.
type EventType string

// External events.
const (
	// EventDelete is `kubectl delete pod` with an optional grace period.
	EventDelete EventType = "Delete"
	// EventForceDelete is `kubectl delete pod --grace-period=0 --force`.
	EventForceDelete EventType = "ForceDelete"
	// EventSetCondition sets one of the pod's readiness gates' conditions
	// through the status subresource, as the controller that owns the
	// gate does (`kubectl patch pod --subresource=status`).
	EventSetCondition EventType = "SetCondition"
)

// Event is an external event at a fixed virtual time.
type Event struct {
	At   metav1.Duration `json:"at"`
	Type EventType       `json:"type"`
	// GracePeriodSeconds of a Delete; nil means the pod's
	// terminationGracePeriodSeconds. A later delete can only shorten it.
	GracePeriodSeconds *int64 `json:"gracePeriodSeconds,omitempty"`
	// ConditionType and Status of a SetCondition: a condition type one of
	// the pod's readinessGates names, and True, False or Unknown.
	ConditionType v1.PodConditionType `json:"conditionType,omitempty"`
	Status        v1.ConditionStatus  `json:"status,omitempty"`
}
