package properties

import (
	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// A patch is a status the status manager wrote without a status
// generation: SetContainerStartup sets one container status's started
// flag, and SetContainerReadiness its ready flag and generates the Ready
// and ContainersReady conditions again (status_manager.go). The kubelet
// writes them while the pod worker is busy in a postStart hook or a kill,
// so everything else in a patch is as old as the last generation: rules
// that compare a status with the trace check only the flags a patch
// changed (kPatch, forStatuses).

// The flags a patch changes.
const (
	patchReady uint8 = 1 << iota
	patchStarted
)

// patchOf reports whether st is a patch of prev, and notes in changed
// (indexed by spec position, grown as needed) which flags it changed of
// each container.
//
// A controller's patch of a readiness gate's condition is a patch too: the
// conditions the kubelet does not own may differ, and nothing else.
func (t *tracker) patchOf(prev, st *v1.PodStatus, changed []uint8) ([]uint8, bool) {
	if prev == nil || st.Phase != prev.Phase || st.Reason != prev.Reason || st.Message != prev.Message ||
		len(st.InitContainerStatuses) != len(prev.InitContainerStatuses) || len(st.ContainerStatuses) != len(prev.ContainerStatuses) {
		return changed, false
	}
	other := false // a condition the kubelet does not own changed
	j := 0
	for k := range st.Conditions {
		x := &st.Conditions[k]
		if !model.KubeletCondition(x.Type) {
			if y := findCond(prev.Conditions, x.Type); y == nil || y.Status != x.Status || y.Reason != x.Reason || y.Message != x.Message {
				other = true
			}
			continue
		}
		for j < len(prev.Conditions) && !model.KubeletCondition(prev.Conditions[j].Type) {
			j++
		}
		if j == len(prev.Conditions) {
			return changed, false
		}
		y := &prev.Conditions[j]
		j++
		if x.Type != y.Type {
			return changed, false
		}
		if x.Type == v1.PodReady || x.Type == v1.ContainersReady {
			continue
		}
		if x.Status != y.Status || x.Reason != y.Reason || x.Message != y.Message || !x.LastTransitionTime.Equal(&y.LastTransitionTime) {
			return changed, false
		}
	}
	for ; j < len(prev.Conditions); j++ {
		if model.KubeletCondition(prev.Conditions[j].Type) {
			return changed, false
		}
	}
	changed = changed[:0]
	for range t.pi.names {
		changed = append(changed, 0)
	}
	any := false
	n := len(st.InitContainerStatuses)
	for k := 0; k < n+len(st.ContainerStatuses); k++ {
		var x, y *v1.ContainerStatus
		if k < n {
			x, y = &st.InitContainerStatuses[k], &prev.InitContainerStatuses[k]
		} else {
			x, y = &st.ContainerStatuses[k-n], &prev.ContainerStatuses[k-n]
		}
		if x.Name != y.Name || x.ContainerID != y.ContainerID || x.RestartCount != y.RestartCount || x.Image != y.Image || x.ImageID != y.ImageID ||
			!model.StateEqual(&x.State, &y.State) || !model.StateEqual(&x.LastTerminationState, &y.LastTerminationState) {
			return changed, false
		}
		var f uint8
		if x.Ready != y.Ready {
			f |= patchReady
		}
		if isTrue(x.Started) != isTrue(y.Started) {
			f |= patchStarted
		}
		if i := t.statusIdx(st, k); i >= 0 && f != 0 {
			changed[i] |= f
			any = true
		}
	}
	// For a pod with readiness gates, a status that repeats the last one
	// may be a controller's patch of a gate's condition seen without the
	// conditions: as old as the last generation too.
	return changed, any || other || len(t.pi.pod.Spec.ReadinessGates) > 0
}
func isTrue(b *bool) bool { return b != nil && *b }
