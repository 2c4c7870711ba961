package properties

import (
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// terminalPhaseAbsorbing encodes docs/semantics.md §1.8: `Succeeded` and
// `Failed` are final; every later status keeps the phase, and nothing starts
// again (§3.6).
func terminalPhaseAbsorbing() Property {
	return def("terminal-phase-absorbing",
		"once Succeeded or Failed, the phase never changes and nothing starts",
		`docs/semantics.md §1.8, §3.6: once Succeeded or Failed is reported, every later status keeps it and no container starts again (pkg/kubelet/kubelet_pods.go generateAPIPodStatus, its "illegal phase transition" guard)`,
		"After a Status with phase Succeeded or Failed, every later Status must have the same phase, and no container may be started (except by a sync planned before, that the trace shows still running: the pod worker blocked in a hook or a kill since the terminal status): the pod will run nothing more. A pod that goes from Failed back to Running, or restarts a container after it completed, breaks it.",
		func(t *tracker) rule { return &terminalRule{t: t} })
}

// Exercised, once the phase is terminal: a status, or a start (excused or
// not).
type terminalRule struct {
	nop
	judged
	t      *tracker
	phase  v1.PodPhase
	flight inFlight
}

// end: a pod that reached a terminal phase gave the rule the rest of the
// trace to judge.
func (r *terminalRule) end(time.Duration, bool) string {
	if r.t.terminal {
		r.judge()
	}
	return ""
}

func (r *terminalRule) after(_ int, a *model.Action) string {
	if r.t.terminal {
		if r.phase == "" {
			r.phase = r.t.status.Phase
		}
		r.flight.after(a.At, r.t.busy())
	}
	return ""
}

func (r *terminalRule) before(_ int, a *model.Action) string {
	t := r.t
	if !t.terminal {
		return ""
	}
	inFlight := r.flight.on(a.At)
	switch a.Kind {
	case model.ActStatus:
		if a.Status != nil {
			r.judge()
		}
		if a.Status != nil && a.Status.Phase != r.phase {
			return sprintf("status at %v has phase %s after the terminal phase %s", a.At, a.Status.Phase, r.phase)
		}
	case model.ActContainerStarted:
		r.judge()
		if !inFlight {
			return sprintf("%s started at %v after the pod reached phase %s", a.Container, a.At, r.phase)
		}
	}
	return ""
}

// succeededIffAllAppExitZero encodes docs/semantics.md §8.5 (its fourth
// case: a terminal pod whose containers have all stopped is Succeeded when
// every app container's last exit was 0, else Failed), with §8.3 and §7.10:
// sidecars' exit codes do not count towards the phase.
func succeededIffAllAppExitZero() Property {
	return def("succeeded-iff-all-app-exit-zero",
		"Succeeded only if every app container's last exit was 0; Never with a failed app ends Failed",
		`docs/semantics.md §8.5, §8.3, §7.12: a pod is Succeeded only if every app container's last exit was 0, else Failed; sidecars' exit codes do not count (pkg/kubelet/kubelet_pods.go getPhase)`,
		"A Status with phase Succeeded requires every app container to have run and to be stopped with its last exit code 0 (sidecars do not count). Under restartPolicy Never, if an app container without its own restart policy last exited non-zero, a complete trace must end with phase Failed. A pod that reports Succeeded after a crash, or a failed Never pod that ends Succeeded or Running, breaks it.",
		func(t *tracker) rule { return &succeededRule{t: t} })
}

// Exercised: a Succeeded status (not a patch) of a pod with app containers;
// at the end of a complete trace of a Never pod, an app container whose
// last exit was non-zero.
type succeededRule struct {
	nop
	judged
	t *tracker
}

func (r *succeededRule) after(_ int, a *model.Action) string {
	if a.Kind != model.ActStatus || a.Status == nil || a.Status.Phase != v1.PodSucceeded || r.t.kb == kPatch {
		return ""
	}
	t := r.t
	for _, i := range t.pi.apps {
		r.judge()
		c := &t.c[i]
		switch {
		case c.starts == 0:
			return sprintf("status at %v is Succeeded, but app container %s never ran", a.At, t.pi.names[i])
		case c.running:
			return sprintf("status at %v is Succeeded, but app container %s still runs", a.At, t.pi.names[i])
		case c.exitCode != 0:
			return sprintf("status at %v is Succeeded, but app container %s last exited with code %d at %v", a.At, t.pi.names[i], c.exitCode, c.exitAt)
		}
	}
	return ""
}

func (r *succeededRule) end(_ time.Duration, complete bool) string {
	t := r.t
	if !complete || t.pi.policy != v1.RestartPolicyNever || t.forced {
		// A force-deleted pod is gone before the kubelet reports its end.
		return ""
	}
	for _, i := range t.pi.apps {
		if t.c[i].running {
			// Another app container still runs: the pod is rightly Running
			// even though nothing more happens in this run.
			return ""
		}
	}
	for _, i := range t.pi.apps {
		c := &t.c[i]
		if t.pi.ownPolicy(i) || c.exits == 0 || c.exitCode == 0 {
			continue
		}
		r.judge()
		if t.status == nil || t.status.Phase != v1.PodFailed {
			phase := v1.PodPhase("none")
			if t.status != nil {
				phase = t.status.Phase
			}
			return sprintf("restartPolicy Never and app container %s last exited with code %d at %v, but the finished pod's last phase is %s, not Failed", t.pi.names[i], c.exitCode, c.exitAt, phase)
		}
	}
	return ""
}
