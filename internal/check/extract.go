package check

import (
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

// longHook stands for a hook that had not returned when the kubelet stopped
// waiting for it.
const longHook = time.Hour

// FromTrace writes the behaviour script and events that make the world act
// as it did in trace: each instance's exit time and code (or its reaction
// to the stop signal), each probe's answers by the instance's age, each
// hook's duration and outcome, the deletes, and the changes of the
// readiness gates' conditions the statuses show. Run on the same pod and
// profile, the scenario reproduces the trace up to the order of world moves
// that happened at the same instant.
func FromTrace(name string, pod *v1.Pod, profile model.Profile, trace []model.Action) *scenario.Document {
	type inst struct {
		start    time.Duration
		started  bool
		stop     time.Duration
		stopped  bool
		killed   bool
		exited   bool
		exit     time.Duration
		code     int32
		oom      bool
		probes   map[model.ProbeType][]model.ProbeStep
		last     map[model.ProbeType]bool // last answer, for steps
		hookAt   map[string]time.Duration
		hooks    map[string]*model.HookScript
		hookSeen map[string]bool
	}
	insts := map[string][]*inst{}
	get := func(c string, attempt int) *inst {
		for len(insts[c]) <= attempt {
			insts[c] = append(insts[c], &inst{
				probes: map[model.ProbeType][]model.ProbeStep{}, last: map[model.ProbeType]bool{},
				hookAt: map[string]time.Duration{}, hooks: map[string]*model.HookScript{}, hookSeen: map[string]bool{},
			})
		}
		return insts[c][attempt]
	}
	var events []model.Event
	// The readiness gates' conditions as the statuses so far show them: a
	// change is a controller's SetCondition.
	gates := map[v1.PodConditionType]v1.ConditionStatus{}
	for i := range trace {
		a := &trace[i]
		switch a.Kind {
		case model.ActStatus:
			for _, g := range pod.Spec.ReadinessGates {
				for _, c := range a.Status.Conditions {
					if c.Type == g.ConditionType && gates[c.Type] != c.Status {
						gates[c.Type] = c.Status
						events = append(events, model.Event{At: metav1.Duration{Duration: a.At}, Type: model.EventSetCondition, ConditionType: c.Type, Status: c.Status})
					}
				}
			}
		case model.ActContainerStarted:
			x := get(a.Container, a.Attempt)
			x.start, x.started = a.At, true
		case model.ActStopSignal:
			x := get(a.Container, a.Attempt)
			if !x.stopped {
				x.stop, x.stopped = a.At, true
			}
		case model.ActSIGKILL:
			get(a.Container, a.Attempt).killed = true
		case model.ActContainerExited:
			x := get(a.Container, a.Attempt)
			x.exited, x.exit, x.code, x.oom = true, a.At, a.ExitCode, a.Reason == "OOMKilled"
		case model.ActProbeResult:
			x := get(a.Container, a.Attempt)
			ok := a.Result == model.ResultSuccess
			prev, seen := x.last[a.Probe]
			if (!seen && !ok) || (seen && prev != ok) {
				r := model.ProbeFailure
				if ok {
					r = model.ProbeSuccess
				}
				x.probes[a.Probe] = append(x.probes[a.Probe], model.ProbeStep{After: metav1.Duration{Duration: a.At - x.start}, Result: r})
			}
			x.last[a.Probe] = ok
		case model.ActHookStarted:
			x := get(a.Container, a.Attempt)
			x.hookAt[a.Hook] = a.At
			x.hookSeen[a.Hook] = true
		case model.ActHookEnded:
			x := get(a.Container, a.Attempt)
			d := a.At - x.hookAt[a.Hook]
			hs := &model.HookScript{Duration: &metav1.Duration{Duration: d}, Fail: a.Result == model.ResultFailed}
			if a.Result == model.ResultAbandoned {
				hs = &model.HookScript{Duration: &metav1.Duration{Duration: longHook}}
			}
			x.hooks[a.Hook] = hs
		case model.ActDeleteRequested:
			ev := model.Event{At: metav1.Duration{Duration: a.At}, Type: model.EventDelete}
			if a.Force {
				ev.Type = model.EventForceDelete
			} else {
				g := a.Grace
				ev.GracePeriodSeconds = &g
			}
			events = append(events, ev)
		}
	}
	beh := model.Behaviour{Containers: map[string]model.ContainerBehaviour{}}
	for name, list := range insts {
		var cb model.ContainerBehaviour
		for _, x := range list {
			var at model.Attempt
			switch {
			case x.exited && !x.stopped:
				at.ExitAfter = &metav1.Duration{Duration: x.exit - x.start}
				if x.oom {
					at.OOMKilled = true
				} else {
					at.ExitCode = x.code
				}
			case x.stopped && x.killed:
				at.OnStopSignal = &model.StopScript{Ignore: true}
			case x.stopped && x.exited:
				at.OnStopSignal = &model.StopScript{ExitAfter: &metav1.Duration{Duration: x.exit - x.stop}, ExitCode: x.code}
			}
			if len(x.probes) > 0 {
				at.Probes = &model.ProbeScripts{
					Startup:   x.probes[model.Startup],
					Liveness:  x.probes[model.Liveness],
					Readiness: x.probes[model.Readiness],
				}
			}
			for hook, seen := range x.hookSeen {
				if !seen {
					continue
				}
				hs := x.hooks[hook]
				if hs == nil {
					hs = &model.HookScript{Duration: &metav1.Duration{Duration: longHook}} // still running at the end
				}
				if hook == model.HookPostStart {
					at.PostStart = hs
				} else {
					at.PreStop = hs
				}
			}
			cb.Attempts = append(cb.Attempts, at)
		}
		beh.Containers[name] = cb
	}
	doc := &scenario.Document{APIVersion: scenario.APIVersion, Kind: scenario.Kind}
	doc.Metadata.Name = name
	doc.Profile = profile
	doc.Pod = *pod.DeepCopy()
	doc.Behaviour = beh
	doc.Events = events
	return doc
}
