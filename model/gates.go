package model

import (
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Readiness gates (pod.spec.readinessGates). A controller outside the
// kubelet sets each gate's condition in the API object's status; the
// kubelet copies the conditions it does not own into every status it
// generates and makes Ready True only when ContainersReady is and every
// gate's condition is True (kubelet_pods.go generateAPIPodStatus,
// status/generate.go GeneratePodReadyCondition).
//
// The model keeps two copies of those conditions:
//
//   - apiConds, the API object's, which every status the model publishes
//     shows (the status manager's write keeps the API server's conditions
//     it does not own: status_manager.go mergePodStatus), and which a
//     generation reads (the kubelet's pod object gets the API's status
//     through the config's reconcile, HandlePodReconcile);
//   - smConds, the status manager's copy's, as of its last generation,
//     which SetContainerReadiness reads when a readiness result patches
//     Ready while the pod worker is busy or before the sync it triggers.
//
// A published status holds apiConds first, then the kubelet's five
// conditions, as the API server orders them after a kubelet write.
//
// Both slices are replaced, never written into, so statuses and the
// status manager's copy may share them.

// hasGates reports whether the pod has readiness gates.
func (m *Model) hasGates() bool { return len(m.pod.Spec.ReadinessGates) > 0 }

// inSetCondition is a controller's status patch of a gate's condition:
// the API object changes (a new condition's last transition time is now,
// and so is a changed one's), the watch delivers it, and the kubelet's
// config reconciles (HandlePodReconcile), syncing the pod when its Ready
// condition no longer agrees with the gates.
func (m *Model) inSetCondition(in Input) error {
	if m.removed {
		return nil // the API object is gone: the patch finds nothing
	}
	conds, changed := PatchCondition(m.apiConds, in.Condition, in.CondStatus, m.epochAt(m.now))
	if !changed {
		return nil // no change: no watch event
	}
	m.apiConds = conds
	if !m.hasStatus {
		return nil // the kubelet's first generation copies it
	}
	st := m.status
	st.Conditions = m.withAPIConds(m.status.Conditions)
	m.setStatus(&st)
	m.reconcileReadiness(false)
	m.emit(Action{Kind: ActStatus, Status: &st}, Cause{rule: rStatusConditionSet, name: string(in.Condition), f: condStatusFlag(in.CondStatus)})
	return nil
}

// PatchCondition is the API server's part of a controller's status patch
// of one pod condition: conds with condition t set to status, its last
// transition time at, in a new slice (conds is not written into); a new
// condition goes last. changed is false, and conds returned as it is,
// when the condition already has that status.
func PatchCondition(conds []v1.PodCondition, t v1.PodConditionType, status v1.ConditionStatus, at metav1.Time) (_ []v1.PodCondition, changed bool) {
	k := -1
	for i := range conds {
		if conds[i].Type == t {
			k = i
			break
		}
	}
	if k >= 0 && conds[k].Status == status {
		return conds, false
	}
	out := make([]v1.PodCondition, len(conds), len(conds)+1)
	copy(out, conds)
	c := v1.PodCondition{Type: t, Status: status, LastTransitionTime: at}
	if k >= 0 {
		out[k] = c
	} else {
		out = append(out, c)
	}
	return out, true
}

// readyCondition is ReadyCondition with the gates' conditions gates (the
// mutant gates-ignored leaves them out).
func (m *Model) readyCondition(containersReady v1.PodCondition, gates []v1.PodCondition) v1.PodCondition {
	if m.mut(MutGatesIgnored) {
		cond := containersReady
		cond.Type = v1.PodReady
		return cond
	}
	return ReadyCondition(m.pod, containersReady, gates)
}

// sameConds reports whether a and b are the same slice (both are only
// ever replaced, never written into).
func sameConds(a, b []v1.PodCondition) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// withAPIConds returns conds (a published status's conditions: the API
// object's, then the kubelet's five) with the API object's current ones
// first.
func (m *Model) withAPIConds(conds []v1.PodCondition) []v1.PodCondition {
	kubelet := conds[len(conds)-conditionCount:]
	out := make([]v1.PodCondition, len(m.apiConds)+conditionCount)
	copy(out, m.apiConds)
	copy(out[len(m.apiConds):], kubelet)
	return out
}

// reconcileReadiness is the kubelet's reaction to a status change of its
// pod object (a controller's patch, or its own write coming back through
// the watch): HandlePodReconcile syncs the pod when
// NeedToReconcilePodReadiness finds the object's Ready condition out of
// step with what GeneratePodReadyCondition makes of the object's status.
// That function reads the regular container statuses alone, so a sidecar
// counts as of unknown status there, and for a pod with sidecars every
// status change asks for a sync (status_manager.go). Once the pod is
// terminating, a sync update only joins the termination in progress
// (pod_workers.go UpdatePod), which the model leaves as it is.
//
// afterSync: the status is a sync's own write (a generation, or
// OnPodSandboxReady's), whose return asks for one more sync after this
// one; the write of a probe result or a controller's patch asks for a
// sync that any sync not yet begun serves.
func (m *Model) reconcileReadiness(afterSync bool) {
	if !m.hasGates() || !m.hasStatus || m.removed || m.deleting || m.terminalPhase != "" || m.terminated {
		return
	}
	st := &m.status
	cur := findCondition(st.Conditions, v1.PodReady)
	if cur == nil {
		return
	}
	cr := ContainersReadyCondition(m.pod, nil, st.ContainerStatuses, st.Phase)
	want := ReadyCondition(m.pod, cr, st.Conditions)
	if cur.Status != want.Status || cur.Message != want.Message {
		if afterSync {
			m.echo = true
		} else {
			m.dirty = true
		}
	}
}

func condStatusFlag(s v1.ConditionStatus) uint8 {
	switch s {
	case v1.ConditionTrue:
		return 1
	case v1.ConditionFalse:
		return 2
	}
	return 3
}

func condStatusName(f uint8) string {
	switch f {
	case 1:
		return string(v1.ConditionTrue)
	case 2:
		return string(v1.ConditionFalse)
	}
	return string(v1.ConditionUnknown)
}

// KubeletCondition reports whether the v1.36 kubelet sets pod conditions
// of type t itself (kubetypes.PodConditionByKubelet with its default
// gates, the shared DisruptionTarget, and the resize conditions
// generateAPIPodStatus adds): a readiness gate on one of them would have
// its controller's value overwritten.
func KubeletCondition(t v1.PodConditionType) bool {
	switch t {
	case v1.PodScheduled, v1.PodReady, v1.PodInitialized, v1.ContainersReady, v1.PodReadyToStartContainers,
		v1.AllContainersRestarting, v1.DisruptionTarget, v1.PodResizePending, v1.PodResizeInProgress:
		return true
	}
	return false
}
