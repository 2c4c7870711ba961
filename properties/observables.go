package properties

import (
	"fmt"
	"strings"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// Observables is a set of things a trace reports. The reference model
// reports everything; an adapter for another implementation declares what
// it can see (a CRI recorder sees container actions but no probe answers; a
// watch on the API server sees statuses but no stop signals), and only the
// properties whose needs it covers are checked on its traces.
type Observables uint16

// The observables. Names (used in flags, the exec protocol and reports) are
// in brackets.
const (
	// ObsActions [actions]: the CRI-level actions SandboxCreated,
	// ContainerCreated, ContainerStarted, StopSignal, SIGKILL,
	// ContainerExited and SandboxStopped.
	ObsActions Observables = 1 << iota
	// ObsHooks [hooks]: HookStarted and HookEnded.
	ObsHooks
	// ObsProbes [probes]: ProbeResult.
	ObsProbes
	// ObsBackOff [backoff]: BackOff (a start refused with CrashLoopBackOff).
	ObsBackOff
	// ObsRequests [requests]: DeleteRequested and PodRemoved.
	ObsRequests
	// ObsContainerStatuses [containerStatuses]: the init and app container
	// statuses of Status actions (state, restart count, ready, started).
	ObsContainerStatuses
	// ObsPhase [phase]: the phase, reason and message of Status actions.
	ObsPhase
	// ObsConditions [conditions]: the conditions of Status actions.
	ObsConditions
	// ObsKubectl [kubectl]: Status actions are complete enough for the
	// kubectl READY, STATUS and RESTARTS columns; it implies container
	// statuses, phase and conditions.
	ObsKubectl
	// ObsRuns [runs]: ContainerStarted and ContainerExited alone, the
	// start and the end of every instance, with no other CRI-level action
	// (what an API client reads from container statuses). ObsActions
	// implies it.
	ObsRuns
	// ObsEvents [events]: Event actions, the Events the implementation
	// recorded about containers, as an API client reads them. They are
	// witnesses, never a complete record (an event recorder aggregates
	// and drops): no invariant needs them, and the refinement checks only
	// that each one reported is explained by the model (internal/refine).
	// The reference model reports none, so ObsAll leaves it out.
	ObsEvents

	// ObsStatus is every part of a status.
	ObsStatus = ObsContainerStatuses | ObsPhase | ObsConditions | ObsKubectl
	// ObsAll is everything the reference model reports.
	ObsAll = ObsActions | ObsHooks | ObsProbes | ObsBackOff | ObsRequests | ObsStatus | ObsRuns
)

var obsNames = []struct {
	o    Observables
	name string
}{
	{ObsActions, "actions"},
	{ObsHooks, "hooks"},
	{ObsProbes, "probes"},
	{ObsBackOff, "backoff"},
	{ObsRequests, "requests"},
	{ObsContainerStatuses, "containerStatuses"},
	{ObsPhase, "phase"},
	{ObsConditions, "conditions"},
	{ObsKubectl, "kubectl"},
	{ObsRuns, "runs"},
	{ObsEvents, "events"},
}

// ObservableNames lists every observable's name, in a stable order.
func ObservableNames() []string {
	out := make([]string, len(obsNames))
	for i, n := range obsNames {
		out[i] = n.name
	}
	return out
}

// ParseObservables reads a list of observable names ("all" is every one
// the reference model reports: all but events).
// kubectl implies containerStatuses, phase and conditions; actions imply runs.
func ParseObservables(names []string) (Observables, error) {
	var o Observables
	for _, raw := range names {
		n := strings.TrimSpace(raw)
		if n == "" {
			continue
		}
		if n == "all" {
			o |= ObsAll
			continue
		}
		found := false
		for _, e := range obsNames {
			if strings.EqualFold(e.name, n) {
				o |= e.o
				found = true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown observable %q (known: %s, all)", n, strings.Join(ObservableNames(), ", "))
		}
	}
	return o.Normal(), nil
}

// Normal adds what the set implies (kubectl implies the whole status;
// actions imply runs).
func (o Observables) Normal() Observables {
	if o&ObsKubectl != 0 {
		o |= ObsStatus
	}
	if o&ObsActions != 0 {
		o |= ObsRuns
	}
	return o & (ObsAll | ObsEvents)
}

// Has reports whether o includes every observable of x.
func (o Observables) Has(x Observables) bool { return o&x == x }

// Names lists the observables of o.
func (o Observables) Names() []string {
	var out []string
	for _, e := range obsNames {
		if o&e.o != 0 {
			out = append(out, e.name)
		}
	}
	return out
}

func (o Observables) String() string {
	if o == 0 {
		return "none"
	}
	return strings.Join(o.Names(), ",")
}

// ObservableOf returns the observable an action of kind k belongs to (a
// Status action belongs to all of ObsStatus; a start or an exit to both
// ObsActions and ObsRuns).
func ObservableOf(k model.ActionKind) Observables {
	switch k {
	case model.ActContainerStarted, model.ActContainerExited:
		return ObsActions | ObsRuns
	case model.ActHookStarted, model.ActHookEnded:
		return ObsHooks
	case model.ActProbeResult:
		return ObsProbes
	case model.ActBackOff:
		return ObsBackOff
	case model.ActDeleteRequested, model.ActPodRemoved:
		return ObsRequests
	case model.ActStatus:
		return ObsStatus
	case model.ActEvent:
		return ObsEvents
	}
	return ObsActions
}

// Restrict returns the part of trace that an implementation observing o
// would report: actions of kinds outside o are dropped, and Status actions
// keep only the status fields in o (they are dropped when o has no part of
// a status). The result shares no status with trace.
func Restrict(trace []model.Action, o Observables) []model.Action {
	o = o.Normal()
	out := make([]model.Action, 0, len(trace))
	for _, a := range trace {
		if a.Kind == model.ActStatus {
			if o&ObsStatus == 0 {
				continue
			}
			a.Status = RestrictStatus(a.Status, o)
			out = append(out, a)
			continue
		}
		if o&ObservableOf(a.Kind) != 0 {
			out = append(out, a)
		}
	}
	return out
}

// RestrictStatus returns a copy of st holding only the parts in o.
func RestrictStatus(st *v1.PodStatus, o Observables) *v1.PodStatus {
	if st == nil {
		return nil
	}
	c := st.DeepCopy()
	if o.Normal().Has(ObsKubectl) {
		return c
	}
	if o&ObsPhase == 0 {
		c.Phase, c.Reason, c.Message = "", "", ""
	}
	if o&ObsConditions == 0 {
		c.Conditions = nil
	}
	if o&ObsContainerStatuses == 0 {
		c.InitContainerStatuses, c.ContainerStatuses = nil, nil
	}
	return c
}
