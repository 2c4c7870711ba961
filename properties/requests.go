package properties

import (
	"time"

	"github.com/podconform/podconform/model"
)

// deleteRequestsHonoured encodes docs/semantics.md §7.6 to §7.8 (a delete
// takes the grace it asks for or the pod's, a later one can only shorten it,
// and a force delete removes the API object at once), checked against the
// deletes the world actually sent (Context.Events).
func deleteRequestsHonoured() Property {
	return def("delete-requests-honoured",
		"every delete the world sent is seen at its time, with the grace it asked for (only ever shorter), and a force delete as a force delete",
		`docs/semantics.md §7.6, §7.7, §7.8: a delete's grace is the one asked for or the pod's, a later delete can only shorten it, and a force delete (grace 0) removes the API object at once (pkg/kubelet/pod_workers.go calculateEffectiveGracePeriod).`,
		"Needs the scenario's events (Context.Events); without them it checks nothing. Each Delete at time t must appear as a DeleteRequested at t whose grace is the requested one (the pod's terminationGracePeriodSeconds when unset) or the previous effective grace if that is shorter; a grace of 0 is a force delete. Each ForceDelete must appear at its time with Force set and grace 0. Deletes after the pod object is gone are not expected, nor, in a trace cut at its time limit, a delete in that very instant. An implementation that treats a force delete as a graceful one, or lengthens the grace period, breaks it.",
		func(t *tracker) rule { return &deleteRequestsRule{t: t} })
}

// Exercised, with the world's events known: a DeleteRequested, or at the
// end a delete the world sent by then that the trace never showed.
type deleteRequestsRule struct {
	nop
	judged
	t       *tracker
	next    int   // index of the next expected event
	grace   int64 // effective grace so far
	deleted bool
	removed bool
}

func (*deleteRequestsRule) masks() (kmask, kmask) { return kDeleteRequested | kPodRemoved, kNone }

// expect returns the grace and force flag the event at index i should
// produce.
func (r *deleteRequestsRule) expect(ev model.Event) (int64, bool) {
	if ev.Type == model.EventForceDelete {
		return 0, true
	}
	g := r.t.pi.tgps
	if ev.GracePeriodSeconds != nil {
		g = *ev.GracePeriodSeconds
	}
	if g == 0 {
		return 0, true
	}
	if r.deleted && r.grace < g {
		g = r.grace
	}
	return g, false
}

func (r *deleteRequestsRule) before(_ int, a *model.Action) string {
	evs := r.t.pi.events
	if a.Kind == model.ActPodRemoved {
		r.removed = true
		return ""
	}
	if evs == nil || a.Kind != model.ActDeleteRequested {
		return ""
	}
	r.judge()
	if r.next >= len(evs) {
		return sprintf("delete at %v, but the world sent no more deletes", a.At)
	}
	ev := evs[r.next]
	r.next++
	grace, force := r.expect(ev)
	switch {
	case a.At != ev.At.Duration:
		return sprintf("delete seen at %v, but the world's %s was at %v", a.At, ev.Type, ev.At.Duration)
	case a.Force != force:
		return sprintf("%s at %v seen with force=%v", ev.Type, a.At, a.Force)
	case a.Grace != grace:
		return sprintf("%s at %v seen with grace %ds, want %ds", ev.Type, a.At, a.Grace, grace)
	}
	r.deleted, r.grace = true, a.Grace
	return ""
}

func (r *deleteRequestsRule) end(end time.Duration, complete bool) string {
	evs := r.t.pi.events
	if r.removed || r.next >= len(evs) {
		return ""
	}
	// A trace cut at its time limit need not show what the world did in
	// that very instant (an implementation that reports through an API
	// learns of it a moment later).
	if ev := evs[r.next]; ev.At.Duration < end || (ev.At.Duration == end && complete) {
		r.judge()
		return sprintf("the world's %s at %v was never seen", ev.Type, ev.At.Duration)
	}
	return ""
}
