package properties

import (
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// terminalPhaseAbsorbing encodes SEMANTICS.md §1: "`Succeeded` and `Failed`
// are terminal: the kubelet refuses any transition out of them ("illegal
// phase transition")."
func terminalPhaseAbsorbing() Property {
	return def("terminal-phase-absorbing",
		"once Succeeded or Failed, the phase never changes and nothing starts",
		`SEMANTICS.md §1: "`+"`Succeeded` and `Failed`"+` are terminal: the kubelet refuses any transition out of them (\"illegal phase transition\")."`,
		"After a Status with phase Succeeded or Failed, every later Status must have the same phase, and no container may be started (except by a sync planned before, that the trace shows still running: the pod worker blocked in a hook or a kill since the terminal status): the pod will run nothing more. A pod that goes from Failed back to Running, or restarts a container after it completed, breaks it.",
		func(t *tracker) rule { return &terminalRule{t: t} })
}

type terminalRule struct {
	nop
	t      *tracker
	phase  v1.PodPhase
	flight inFlight
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
		if a.Status != nil && a.Status.Phase != r.phase {
			return sprintf("status at %v has phase %s after the terminal phase %s", a.At, a.Status.Phase, r.phase)
		}
	case model.ActContainerStarted:
		if !inFlight {
			return sprintf("%s started at %v after the pod reached phase %s", a.Container, a.At, r.phase)
		}
	}
	return ""
}

// succeededIffAllAppExitZero encodes SEMANTICS.md §8 rule 4: "all stopped
// and the pod is terminal → Succeeded if every app container succeeded,
// else Failed", with §7: "Sidecar exit codes at termination are ignored for
// the pod's phase."
func succeededIffAllAppExitZero() Property {
	return def("succeeded-iff-all-app-exit-zero",
		"Succeeded only if every app container's last exit was 0; Never with a failed app ends Failed",
		`SEMANTICS.md §8: "4. all stopped and the pod is terminal → Succeeded if every app container succeeded, else Failed" and §7: "Sidecar exit codes at termination are ignored for the pod's phase."`,
		"A Status with phase Succeeded requires every app container to have run and to be stopped with its last exit code 0 (sidecars do not count). Under restartPolicy Never, if an app container without its own restart policy last exited non-zero, a complete trace must end with phase Failed. A pod that reports Succeeded after a crash, or a failed Never pod that ends Succeeded or Running, breaks it.",
		func(t *tracker) rule { return &succeededRule{t: t} })
}

type succeededRule struct {
	nop
	t *tracker
}

func (r *succeededRule) after(_ int, a *model.Action) string {
	if a.Kind != model.ActStatus || a.Status == nil || a.Status.Phase != v1.PodSucceeded || r.t.kb == kPatch {
		return ""
	}
	t := r.t
	for _, i := range t.pi.apps {
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
