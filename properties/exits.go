package properties

import (
	"time"

	v1 "k8s.io/api/core/v1"

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
		"The scenario's behaviour script says when each instance's program exits by itself (exitAfter, measured from the instance's start; a regular init container with no script exits after 1 s). An instance still running, with no exit reported, more than the run's slack (its tolerance plus the adapter's lag; 0 for the reference model) after that moment breaks it: an implementation that does not run the program, or does not notice that it ended. A trace read from pod statuses (runs, with no CRI actions) learns of an exit only from a status a sync generates, and the pod worker generates none while it is busy (§12.4): there a generated status (not a probe result's patch) that still shows the instance running after that moment breaks it, and so does the trace's end once the longest the scenario's hooks and kills can hold the pod worker has passed too. An instance killed first is reported exited then, which satisfies it; after the pod object is removed nothing more is judged. Without the script (Context.Behaviour nil) it judges nothing.",
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

// check looks for a running instance whose scripted exit was due more
// than bound before now.
func (r *exitsReportedRule) check(now, bound time.Duration, at string) string {
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
	if r.next < 0 || now <= r.next+bound {
		return ""
	}
	for i, d := range r.due {
		if d < 0 || !t.c[i].running || now <= d+bound {
			continue
		}
		r.judge()
		c := &t.c[i]
		after, code, _ := t.pi.beh[i].ExitOf(c.cur, t.pi.kinds[i] == kindInit)
		return sprintf("%s#%d started at %v and its program exits %v later (code %d), at %v; %s it is still running, with no exit reported (allowed: %v)",
			t.pi.names[i], c.cur, c.startedAt, after, code, d, at, bound)
	}
	return ""
}

func (r *exitsReportedRule) before(_ int, a *model.Action) string {
	t := r.t
	if a.Kind == model.ActContainerExited && t.ci >= 0 && r.due != nil && r.due[t.ci] >= 0 && a.At >= r.due[t.ci] {
		r.judge() // the scripted exit, reported: judged in time below
	}
	if t.sandboxSeen {
		// CRI actions: the exit is reported as the runtime sees it.
		return r.check(a.At, t.pi.slack, sprintf("at %v", a.At))
	}
	if t.kb == kStatus {
		return r.check(a.At, t.pi.slack, sprintf("the status generated at %v shows", a.At))
	}
	return r.check(a.At, t.pi.slack+t.pi.blockMax(), sprintf("at %v", a.At))
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
	bound := r.t.pi.slack
	if !r.t.sandboxSeen {
		bound += r.t.pi.blockMax()
	}
	return r.check(end, bound, sprintf("when the trace ends at %v", end))
}

// blockMax bounds how long the scenario can hold the pod worker busy in one
// stretch, so that no status is generated (docs/semantics.md §12.4): every
// postStart hook's longest scripted run, and every kill that can happen
// within a sync or as the pod terminates, each for its grace period plus
// the 2 s the runtime gives after it (a failed postStart's, a liveness or
// startup failure's, a delete's, the pod's own end's). Computed once.
func (pi *podInfo) blockMax() time.Duration {
	if pi.block >= 0 || pi.beh == nil {
		return max(pi.block, 0)
	}
	const sec = time.Second
	kill := func(g int64) time.Duration { return time.Duration(min(g, 1<<20))*sec + 2*sec }
	var b time.Duration
	for i, c := range pi.specs {
		beh := pi.beh[i]
		conducts := []model.Conduct{}
		if beh != nil {
			conducts = append(conducts, beh.Conduct)
			for k := range beh.Attempts {
				conducts = append(conducts, beh.ConductOf(&beh.Attempts[k]))
			}
		}
		if c.Lifecycle != nil && c.Lifecycle.PostStart != nil {
			h := c.Lifecycle.PostStart
			var d time.Duration
			if h.Sleep != nil {
				d = time.Duration(min(h.Sleep.Seconds, 1<<20)) * sec
			}
			fails := h.TCPSocket != nil
			for _, cd := range conducts {
				if cd.PostStart != nil {
					if cd.PostStart.Duration != nil {
						d = max(d, cd.PostStart.Duration.Duration)
					}
					fails = fails || cd.PostStart.Fail
				}
			}
			b += d
			if fails {
				b += kill(pi.tgps)
			}
		}
		for _, pr := range [...]*v1.Probe{c.LivenessProbe, c.StartupProbe} {
			if pr == nil || !probeCanFail(conducts) {
				continue
			}
			g := pi.tgps
			if pr.TerminationGracePeriodSeconds != nil {
				g = *pr.TerminationGracePeriodSeconds
			}
			b += kill(g)
		}
	}
	g := pi.tgps
	for _, ev := range pi.events {
		if ev.GracePeriodSeconds != nil {
			g = max(g, *ev.GracePeriodSeconds)
		}
	}
	if len(pi.events) > 0 || pi.policy != v1.RestartPolicyAlways {
		b += kill(g)
	}
	pi.block = b
	return b
}

// probeCanFail reports whether any of the conducts scripts a probe failure
// or a slow answer (which fails at the probe's timeout).
func probeCanFail(conducts []model.Conduct) bool {
	for _, cd := range conducts {
		if cd.Probes == nil {
			continue
		}
		for _, steps := range [][]model.ProbeStep{cd.Probes.Liveness, cd.Probes.Startup} {
			for _, st := range steps {
				if st.Result != model.ProbeSuccess || st.RespondsIn != nil {
					return true
				}
			}
		}
	}
	return false
}
