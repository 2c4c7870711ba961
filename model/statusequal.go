package model

import (
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func timeEq(a, b *metav1.Time) bool { return a.Equal(b) }

// StatusEqual compares two pod statuses field by field, without
// reflection, as the API would (times as instants). Fields it does not
// compare must be empty in both, or the statuses count as different. The
// model uses it to publish only changed statuses, and properties to check
// that any implementation's consecutive statuses differ.
func StatusEqual(a, b *v1.PodStatus) bool {
	if a.Phase != b.Phase || a.Reason != b.Reason || a.Message != b.Message || a.ObservedGeneration != b.ObservedGeneration ||
		a.NominatedNodeName != b.NominatedNodeName || a.HostIP != b.HostIP || a.PodIP != b.PodIP || a.QOSClass != b.QOSClass ||
		a.Resize != b.Resize || !timeEq(a.StartTime, b.StartTime) {
		return false
	}
	for _, s := range [2]*v1.PodStatus{a, b} {
		if len(s.HostIPs) > 0 || len(s.PodIPs) > 0 || len(s.EphemeralContainerStatuses) > 0 || len(s.ResourceClaimStatuses) > 0 ||
			s.ExtendedResourceClaimStatus != nil || len(s.AllocatedResources) > 0 || s.Resources != nil || len(s.NodeAllocatableResourceClaimStatuses) > 0 {
			return false
		}
	}
	if len(a.Conditions) != len(b.Conditions) || len(a.InitContainerStatuses) != len(b.InitContainerStatuses) || len(a.ContainerStatuses) != len(b.ContainerStatuses) {
		return false
	}
	for i := range a.Conditions {
		x, y := &a.Conditions[i], &b.Conditions[i]
		if x.Type != y.Type || x.Status != y.Status || x.Reason != y.Reason || x.Message != y.Message || x.ObservedGeneration != y.ObservedGeneration ||
			!x.LastTransitionTime.Equal(&y.LastTransitionTime) || !x.LastProbeTime.Equal(&y.LastProbeTime) {
			return false
		}
	}
	for i := range a.InitContainerStatuses {
		if !containerStatusEqual(&a.InitContainerStatuses[i], &b.InitContainerStatuses[i]) {
			return false
		}
	}
	for i := range a.ContainerStatuses {
		if !containerStatusEqual(&a.ContainerStatuses[i], &b.ContainerStatuses[i]) {
			return false
		}
	}
	return true
}

func containerStatusEqual(a, b *v1.ContainerStatus) bool {
	if a.Name != b.Name || a.Image != b.Image || a.ImageID != b.ImageID || a.ContainerID != b.ContainerID ||
		a.Ready != b.Ready || a.RestartCount != b.RestartCount || (a.Started == nil) != (b.Started == nil) ||
		(a.Started != nil && *a.Started != *b.Started) {
		return false
	}
	for _, s := range [2]*v1.ContainerStatus{a, b} {
		if len(s.AllocatedResources) > 0 || s.Resources != nil || len(s.VolumeMounts) > 0 || s.User != nil || len(s.AllocatedResourcesStatus) > 0 || s.StopSignal != nil {
			return false
		}
	}
	return StateEqual(&a.State, &b.State) && StateEqual(&a.LastTerminationState, &b.LastTerminationState)
}

// StateEqual compares two container states as StatusEqual does.
func StateEqual(a, b *v1.ContainerState) bool {
	switch {
	case (a.Waiting == nil) != (b.Waiting == nil), (a.Running == nil) != (b.Running == nil), (a.Terminated == nil) != (b.Terminated == nil):
		return false
	case a.Waiting != nil && *a.Waiting != *b.Waiting:
		return false
	case a.Running != nil && !a.Running.StartedAt.Equal(&b.Running.StartedAt):
		return false
	case a.Terminated != nil:
		x, y := a.Terminated, b.Terminated
		return x.ExitCode == y.ExitCode && x.Signal == y.Signal && x.Reason == y.Reason && x.Message == y.Message &&
			x.ContainerID == y.ContainerID && x.StartedAt.Equal(&y.StartedAt) && x.FinishedAt.Equal(&y.FinishedAt)
	}
	return true
}
