package properties

import (
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// readyNeedsGates encodes docs/semantics.md §9.8: Ready is True only while
// every readiness gate's condition is True.
func readyNeedsGates() Property {
	return def("ready-needs-gates",
		"Ready is never True for long while a readiness gate's condition is not True",
		`docs/semantics.md §9.8: Ready is True only when ContainersReady is and every readiness gate's condition is True (pkg/kubelet/status/generate.go GeneratePodReadyCondition); a controller's change of a gate makes the kubelet sync the pod (pkg/kubelet/kubelet.go HandlePodReconcile, pkg/kubelet/status/status_manager.go NeedToReconcilePodReadiness)`,
		"For a pod with readiness gates: a Status that shows Ready=True while some gate's condition is missing or not True may be followed only by statuses within the run's slack (its tolerance and lag; 0 for the model) that show it too, and the run must not end on it. The combination is allowed at all only because the kubelet reacts to a controller's change after it: the patch itself shows the new condition beside the old Ready, and a readiness result patches Ready with the gates of the status manager's last generation, until the sync that follows. An implementation that ignores the gates keeps the pod Ready, and breaks it.",
		func(t *tracker) rule { return &gatesRule{t: t, badSince: -1} })
}

// Exercised: a status of a pod with readiness gates that shows Ready True.
type gatesRule struct {
	nop
	judged
	t *tracker
	// badSince: when the current run of statuses showing Ready True with a
	// gate not True began (-1: the last status is not one); badGate names
	// that gate.
	badSince time.Duration
	badGate  string
}

func (r *gatesRule) after(_ int, a *model.Action) string {
	gates := r.t.pi.pod.Spec.ReadinessGates
	if a.Kind != model.ActStatus || a.Status == nil || len(gates) == 0 {
		return ""
	}
	rd := findCond(a.Status.Conditions, v1.PodReady)
	if rd == nil || rd.Status != v1.ConditionTrue {
		r.badSince = -1
		return ""
	}
	r.judge()
	gate := ""
	for _, g := range gates {
		if c := findCond(a.Status.Conditions, g.ConditionType); c == nil || c.Status != v1.ConditionTrue {
			gate = gateState(g.ConditionType, c)
			break
		}
	}
	if gate == "" {
		r.badSince = -1
		return ""
	}
	if r.badSince < 0 {
		r.badSince, r.badGate = a.At, gate
		return ""
	}
	if a.At > r.badSince+r.t.pi.slack {
		return sprintf("status at %v: Ready is True while %s, as since %v (%s then); the kubelet's sync after a gate's change sets Ready False", a.At, gate, r.badSince, r.badGate)
	}
	return ""
}

func (r *gatesRule) end(end time.Duration, _ bool) string {
	if r.badSince >= 0 && end > r.badSince+r.t.pi.slack {
		return sprintf("the run ended (%v) on a status that shows Ready True while %s, since %v", end, r.badGate, r.badSince)
	}
	return ""
}

func gateState(t v1.PodConditionType, c *v1.PodCondition) string {
	if c == nil {
		return sprintf("readiness gate %s has no condition", t)
	}
	return sprintf("readiness gate %s is %s", t, c.Status)
}
