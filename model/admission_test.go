package model_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// TestFirstStatusBeforeSandbox: the first sync generates and sets the
// pod's status before the runtime creates the sandbox (kubelet.go SyncPod),
// so the first status has PodReadyToStartContainers=False and waiting
// containers; OnPodSandboxReady then sets the condition. A real node's API
// server shows that first status (docs/upstream-differences.md §3.1).
func TestFirstStatusBeforeSandbox(t *testing.T) {
	s := &model.Scenario{}
	s.Pod.Name = "p"
	s.Pod.Spec.Containers = []v1.Container{{Name: "app", Image: "busybox"}}
	m, err := model.New(s)
	require.NoError(t, err)
	acts := m.Drain()
	require.GreaterOrEqual(t, len(acts), 3)
	require.Equal(t, model.ActStatus, acts[0].Kind)
	cond := acts[0].Status.Conditions[0]
	require.Equal(t, v1.PodReadyToStartContainers, cond.Type)
	require.Equal(t, v1.ConditionFalse, cond.Status)
	require.NotNil(t, acts[0].Status.ContainerStatuses[0].State.Waiting)
	require.Equal(t, model.ActSandboxCreated, acts[1].Kind)
	require.Equal(t, model.ActStatus, acts[2].Kind)
	require.Equal(t, v1.ConditionTrue, acts[2].Status.Conditions[0].Status)
}
