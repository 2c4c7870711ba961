package kubelet

import (
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/kubernetes/pkg/kubelet/status"
	kubetypes "k8s.io/kubernetes/pkg/kubelet/types"

	"github.com/podconform/podconform/model"
)

// Readiness gates: the harness is the API server that keeps the
// conditions a controller sets, and the kubelet's pod config that brings
// each change of the object's status back to the kubelet (a reconcile).
// What the kubelet then does is its own code: status.NeedToReconcilePodReadiness
// decides whether HandlePodReconcile syncs the pod, and the status
// manager's SetContainerReadiness reads the gates its copy holds.

// setCondition is a controller's status patch of a readiness gate's
// condition (a SetCondition event): the API object's condition changes
// (its last transition time is now when its status does), the watch
// delivers the object's new status, and the kubelet reconciles.
func (s *sim) setCondition(in model.Input) {
	// What the kubelet wrote so far in this instant reaches the API
	// first: the patch applies to the object as it is then.
	s.status.flush()
	s.mu.Lock()
	if s.removed {
		s.mu.Unlock()
		return // the patch finds no object
	}
	conds, changed := model.PatchCondition(s.apiConds, in.Condition, in.CondStatus, metav1.NewTime(time.Now()))
	if !changed {
		s.mu.Unlock()
		return // no change: no watch event
	}
	s.apiConds = conds
	s.mu.Unlock()
	// The kubelet's pod object gets the API's status (HandlePodReconcile:
	// podManager.UpdatePod).
	s.pod.Status = s.apiView(s.pod.Status)
	g := s.status
	g.mu.Lock()
	pub := g.published
	g.mu.Unlock()
	if pub == nil {
		return // no status yet: the first generation copies it
	}
	out := s.toEpoch(&s.pod.Status)
	g.mu.Lock()
	g.published = out
	g.mu.Unlock()
	s.emit(model.Action{Kind: model.ActStatus, Status: out})
	s.reconcile(&s.pod.Status)
}

// echo is a status manager write coming back to the kubelet through the
// watch: the pod object then holds the written status, with the API
// server's conditions the kubelet does not own, and the kubelet
// reconciles. (The harness publishes only each instant's last status; the
// kubelet's config sees every write, as the model does.)
func (g *statusGen) echo() {
	if len(g.s.pod.Spec.ReadinessGates) == 0 {
		return
	}
	st, ok := g.mgr.GetPodStatus(g.s.pod.UID)
	if !ok {
		return
	}
	api := g.s.apiView(st)
	g.s.reconcile(&api)
}

// apiView returns st as the API server holds it after the status manager
// wrote it: the object's conditions the kubelet does not own, then st's
// own (status_manager.go mergePodStatus).
func (s *sim) apiView(st v1.PodStatus) v1.PodStatus {
	s.mu.Lock()
	api := s.apiConds
	s.mu.Unlock()
	if len(api) == 0 && len(s.pod.Spec.ReadinessGates) == 0 {
		return st
	}
	conds := make([]v1.PodCondition, 0, len(api)+len(st.Conditions))
	conds = append(conds, api...)
	for _, c := range st.Conditions {
		if kubetypes.PodConditionByKubelet(c.Type) {
			conds = append(conds, c)
		}
	}
	st.Conditions = conds
	return st
}

// reconcile is the kubelet's reaction to a status change of its pod
// object, whose status is now st: HandlePodReconcile asks the pod worker
// for a sync when status.NeedToReconcilePodReadiness says so. Once the
// pod is terminating such an update only joins the termination
// (pod_workers.go UpdatePod).
func (s *sim) reconcile(st *v1.PodStatus) {
	if len(s.pod.Spec.ReadinessGates) == 0 {
		return
	}
	s.mu.Lock()
	busy := s.deleting || s.terminating || s.terminated || s.removed
	s.mu.Unlock()
	if ph := st.Phase; busy || ph == v1.PodFailed || ph == v1.PodSucceeded || ph == "" {
		return
	}
	p := *s.pod
	p.Status = *st
	if status.NeedToReconcilePodReadiness(&p) {
		s.kick()
	}
}
