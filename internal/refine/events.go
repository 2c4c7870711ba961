package refine

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/trace"
)

// Events are witnesses. A node records an Event when it does something to
// a container (kuberuntime_container.go startContainer, killContainer,
// executePreStopHook; kuberuntime_manager.go doBackOff; prober.go probe),
// and an API client reads them late, aggregated, and not all of them (the
// event recorder's spam filter drops some). So an event proves that the
// node did something, and its absence proves nothing: each Event action
// reported must be explained by an action of the model's run, of the kind
// the event's reason names, for the same container, around the event's
// time. No event is ever required.
//
// The window: an event reported at t (an upper bound, the watch's
// delivery or the end of the whole second of its timestamp) is explained
// by a model action in [t - tolerance - eventSlack, t + lag]. The slack
// covers the timestamp's truncation to whole seconds and the recorder's
// asynchronous write; the lag (Options.Lag) covers a model that runs
// behind the node, because the world gives it the node's exits when the
// API shows them, up to the lag late.
const eventSlack = 2 * time.Second

// The event reasons judged, as the kubelet spells them
// (pkg/kubelet/events/event.go). Any other reason is not judged.
const (
	EventCreated             = "Created"
	EventStarted             = "Started"
	EventKilling             = "Killing"
	EventBackOff             = "BackOff"
	EventUnhealthy           = "Unhealthy"
	EventFailedPostStartHook = "FailedPostStartHook"
	EventFailedPreStopHook   = "FailedPreStopHook"
)

// judged reports whether the checker judges event ev: a reason it knows,
// and not an errored probe, whose result the kubelet throws away
// (prober/worker.go doProbe), so that no probe result of the model
// corresponds to it.
func judged(ev *model.Action) bool {
	if ev.Reason == EventUnhealthy && strings.Contains(ev.Result, " probe errored") {
		return false
	}
	return JudgedEvent(ev.Reason)
}

// JudgedEvent reports whether the checker judges events of this reason
// (all but an errored probe's Unhealthy).
func JudgedEvent(reason string) bool {
	switch reason {
	case EventCreated, EventStarted, EventKilling, EventBackOff, EventUnhealthy,
		EventFailedPostStartHook, EventFailedPreStopHook:
		return true
	}
	return false
}

// witnessKind reports whether the model's actions of kind k can explain
// an event: only those are kept (Checker.took).
func witnessKind(k model.ActionKind) bool {
	switch k {
	case model.ActContainerCreated, model.ActContainerStarted, model.ActStopSignal,
		model.ActBackOff, model.ActProbeResult, model.ActHookStarted, model.ActHookEnded:
		return true
	}
	return false
}

// unhealthyProbe reads the probe an Unhealthy event names: the prober
// writes "Liveness probe failed: ..." or "Liveness probe errored ...",
// and an aggregated event keeps the message after "(combined from similar
// events): ".
func unhealthyProbe(msg string) (model.ProbeType, bool) {
	msg = strings.TrimPrefix(msg, "(combined from similar events): ")
	for _, p := range []model.ProbeType{model.Liveness, model.Readiness, model.Startup} {
		if len(msg) > len(p) && strings.EqualFold(msg[:len(p)], string(p)) && msg[len(p)] == ' ' {
			return p, true
		}
	}
	return "", false
}

// explains reports whether the model's action a explains event ev (its
// time aside).
func explains(ev, a *model.Action) bool {
	if a.Container != ev.Container {
		return false
	}
	switch ev.Reason {
	case EventCreated:
		return a.Kind == model.ActContainerCreated
	case EventStarted:
		return a.Kind == model.ActContainerStarted
	case EventKilling:
		// killContainer records it first, then runs the preStop hook,
		// then stops the container; after a failed postStart it kills
		// the instance whether or not it still runs (startContainer), and
		// the model, which sees an instance that has exited, sends
		// nothing.
		return a.Kind == model.ActStopSignal ||
			a.Kind == model.ActHookStarted && a.Hook == model.HookPreStop ||
			a.Kind == model.ActHookEnded && a.Hook == model.HookPostStart && a.Result != model.ResultOK
	case EventBackOff:
		return a.Kind == model.ActBackOff
	case EventUnhealthy:
		p, ok := unhealthyProbe(ev.Result)
		return ok && a.Kind == model.ActProbeResult && a.Probe == p && a.Result != model.ResultSuccess
	case EventFailedPostStartHook:
		return a.Kind == model.ActHookEnded && a.Hook == model.HookPostStart && a.Result != model.ResultOK
	case EventFailedPreStopHook:
		// The kubelet records it when the hook's exec returns an error,
		// which may be after it stopped waiting (the grace ran out and
		// the container was killed under the hook). The kill after a
		// failed postStart runs the preStop hook too (killContainer),
		// in an instance that may have exited already.
		return a.Kind == model.ActHookEnded && a.Result != model.ResultOK &&
			(a.Hook == model.HookPreStop || a.Hook == model.HookPostStart)
	}
	return false
}

// modelAction names what the model must have done for an event.
func modelAction(ev *model.Action) string {
	switch ev.Reason {
	case EventCreated:
		return "create " + ev.Container
	case EventStarted:
		return "start " + ev.Container
	case EventKilling:
		return "begin to kill " + ev.Container + " (its preStop hook or stop signal, or the kill after a failed postStart hook)"
	case EventBackOff:
		return "refuse a restart of " + ev.Container + " (back-off)"
	case EventUnhealthy:
		if p, ok := unhealthyProbe(ev.Result); ok {
			return "get a failed " + string(p) + " probe result of " + ev.Container
		}
		return "get a failed probe result of " + ev.Container + " (the message names no probe)"
	case EventFailedPostStartHook:
		return "see " + ev.Container + "'s postStart hook fail"
	case EventFailedPreStopHook:
		return "see " + ev.Container + "'s preStop hook fail (or its postStart hook, whose kill runs the preStop hook)"
	}
	return ""
}

// judgeEvents checks every event observed against the model's run (see
// the top of this file). Call it once the model has run to until; with
// complete, nothing more happens after it. An event whose window reaches
// past an incomplete run's end is judged only if explained: the model's
// run stops at until, and the statuses that would have brought it to the
// matching action (an exit the world gives it as the API shows it) may
// have come after the end. So is one whose window reaches past the
// object's removal (blind): the end of the run for the API, not for the
// node, which kills a force-deleted pod's containers after its object is
// gone.
func (c *Checker) judgeEvents(until time.Duration, complete bool) *Divergence {
	for i := range c.events {
		ev := &c.events[i]
		if !judged(ev) {
			continue
		}
		lo, hi := ev.At-c.tol-eventSlack, ev.At+c.opt.Lag
		// took is in time order: look in the window only.
		found := false
		for j := sort.Search(len(c.took), func(j int) bool { return c.took[j].At >= lo }); j < len(c.took) && c.took[j].At <= hi; j++ {
			if explains(ev, &c.took[j]) {
				found = true
				break
			}
		}
		if !found && ev.Reason == EventKilling {
			found = c.orderedKill(ev.Container, lo, hi)
		}
		if !found && ev.Reason == EventBackOff {
			found = c.inBackOff(ev.Container, lo, hi)
		}
		if found || hi > until && !complete || c.blind && hi > c.blindAt {
			// Past the end of a run cut short, or past the API object's
			// removal: the checker follows the model no further than the
			// API shows (the world gives it nothing after), and the node
			// goes on stopping a force-deleted pod's containers (and
			// recording Killing for them) after its object is gone.
			continue
		}
		var near *model.Action
		for j := range c.took {
			if a := &c.took[j]; explains(ev, a) && (near == nil || absDur(a.At-ev.At) < absDur(near.At-ev.At)) {
				near = a
			}
		}
		msg := fmt.Sprintf("the node recorded %s; for it the model must %s between %v and %v (tolerance %v, event slack %v, lag %v)",
			trace.Describe(*ev), modelAction(ev), max(lo, 0), hi, c.tol, eventSlack, c.opt.Lag)
		if near != nil {
			msg += fmt.Sprintf(", and did so only at %v (%s)", near.At, trace.Describe(*near))
		} else {
			msg += ", and never did"
		}
		msg += "; at the end of the run, in the model, " + c.m.DescribeContainer(ev.Container)
		obs := *ev
		return c.fail(&Divergence{Kind: Event, At: ev.At, Observed: &obs, Message: msg})
	}
	return nil
}

// orderedKill reports whether the model began a kill of the pod in [lo, hi]
// that went on to stop container name: killContainer records Killing for
// every container as the pod's kill begins, then runs the preStop hook,
// then waits for the container's turn (sidecars stop after the app
// containers and the sidecars after them, terminationOrdering) before it
// stops it (kuberuntime_container.go). The model shows such a kill's
// beginning as another container's stop signal or preStop hook, and this
// container's own stop signal only at its turn.
func (c *Checker) orderedKill(name string, lo, hi time.Duration) bool {
	began := time.Duration(-1)
	for j := sort.Search(len(c.took), func(j int) bool { return c.took[j].At >= lo }); j < len(c.took); j++ {
		a := &c.took[j]
		switch {
		case began < 0 && a.At >= lo && a.At <= hi &&
			(a.Kind == model.ActStopSignal || a.Kind == model.ActHookStarted && a.Hook == model.HookPreStop):
			began = a.At
		case began >= 0 && a.Container == name && a.Kind == model.ActStopSignal:
			return true
		}
	}
	return false
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// inBackOff reports whether one of the model's back-offs of container
// name overlaps [lo, hi]. The kubelet records BackOff at every sync that
// finds the container still backing off (kuberuntime_manager.go doBackOff,
// called from SyncPod for each container to start), and a pod syncs
// during a back-off whenever anything about it changes (a sibling's exit,
// a probe result, a status write); the model notes a refusal once, when
// it begins (ActBackOff, with Wait the time left). So an event is
// explained by any moment of a back-off the model was in, not only by
// its beginning.
func (c *Checker) inBackOff(name string, lo, hi time.Duration) bool {
	for j := range c.took {
		a := &c.took[j]
		if a.At > hi {
			break
		}
		if a.Kind == model.ActBackOff && a.Container == name && a.At+a.Wait >= lo {
			return true
		}
	}
	return false
}
