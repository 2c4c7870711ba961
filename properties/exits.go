package properties

import (
	"time"

	"github.com/podconform/podconform/model"
)

// exitsReported encodes docs/semantics.md §12.9 and §12.8: the runtime
// reports a container whose process ended, and the kubelet's PLEG turns
// that into the container's terminated state (pkg/kubelet/pleg/generic.go
// Relist, pkg/kubelet/kuberuntime/kuberuntime_container.go
// getPodContainerStatuses). It is the one property that reads the world's
// script (Context.Behaviour): the exits the scenario's programs make.
func exitsReported() Property {
	return def("exits-reported",
		"a container whose program ends is reported exited",
		`docs/semantics.md §12.9, §12.8: the runtime reports a process that ended and the PLEG's relist turns it into a terminated state (pkg/kubelet/pleg/generic.go Relist; pkg/kubelet/kuberuntime/kuberuntime_container.go getPodContainerStatuses)`,
		"The scenario's behaviour script says when each instance's program exits by itself (exitAfter, measured from the instance's start; a regular init container with no script exits after 1 s). An instance still running, with no exit reported, more than the run's slack (its tolerance plus the adapter's lag; 0 for the reference model) after that moment breaks it: an implementation that does not run the program, or does not notice that it ended. An instance killed first is reported exited then, which satisfies it; after the pod object is removed nothing more is judged. Without the script (Context.Behaviour nil) it judges nothing.",
		func(t *tracker) rule { return &exitsReportedRule{t: t, next: -1} })
}

// Exercised: a running instance whose scripted exit is due, at its exit or
// once the trace passes the moment its report was due.
type exitsReportedRule struct {
	nop
	judged
	t *tracker
	// due[i]: when the current instance of container i exits by its
	// script (-1: it runs until killed, or nothing runs). next: the
	// earliest due of a running instance (-1: none); stale: recompute it.
	due   []time.Duration
	next  time.Duration
	stale bool
	gone  bool // the pod object was removed
}

func (r *exitsReportedRule) check(now time.Duration, at string) string {
	t := r.t
	if r.gone || t.pi.beh == nil {
		return ""
	}
	if r.stale {
		r.next, r.stale = -1, false
		for i, d := range r.due {
			if d >= 0 && t.c[i].running && (r.next < 0 || d < r.next) {
				r.next = d
			}
		}
	}
	if r.next < 0 || now <= r.next+t.pi.slack {
		return ""
	}
	for i, d := range r.due {
		if d < 0 || !t.c[i].running || now <= d+t.pi.slack {
			continue
		}
		r.judge()
		c := &t.c[i]
		after, code, _ := t.pi.beh[i].ExitOf(c.cur, t.pi.kinds[i] == kindInit)
		return sprintf("%s#%d started at %v and its program exits %v later (code %d), at %v; %s it is still running, with no exit reported (slack %v)",
			t.pi.names[i], c.cur, c.startedAt, after, code, d, at, t.pi.slack)
	}
	return ""
}

func (r *exitsReportedRule) before(_ int, a *model.Action) string {
	if a.Kind == model.ActContainerExited && r.t.ci >= 0 && r.due != nil && r.due[r.t.ci] >= 0 && a.At >= r.due[r.t.ci] {
		r.judge() // the scripted exit, reported: judged in time below
	}
	return r.check(a.At, sprintf("at %v", a.At))
}

func (r *exitsReportedRule) after(_ int, a *model.Action) string {
	t := r.t
	switch a.Kind {
	case model.ActPodRemoved:
		r.gone = true
		return ""
	case model.ActContainerStarted, model.ActContainerExited:
	default:
		return ""
	}
	if t.pi.beh == nil || t.ci < 0 {
		return ""
	}
	if r.due == nil {
		r.due = make([]time.Duration, len(t.c))
		for i := range r.due {
			r.due[i] = -1
		}
	}
	i := t.ci
	r.due[i] = -1
	if a.Kind == model.ActContainerStarted {
		if after, _, ok := t.pi.beh[i].ExitOf(a.Attempt, t.pi.kinds[i] == kindInit); ok {
			r.due[i] = a.At + after
		}
	}
	r.stale = true
	return ""
}

func (r *exitsReportedRule) end(end time.Duration, _ bool) string {
	return r.check(end, sprintf("when the trace ends at %v", end))
}
