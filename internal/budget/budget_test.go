package budget

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/model"
)

func TestMeterLimits(t *testing.T) {
	var m Meter
	for i := 0; i < MaxSteps; i++ {
		require.Nil(t, m.Step(time.Duration(i)))
	}
	e := m.Step(time.Hour)
	require.NotNil(t, e)
	require.Equal(t, "more than 65536 steps by 1h0m0s", e.Error())
	require.Same(t, e, m.Err(), "the first limit exceeded stays")

	m = Meter{}
	for i := 0; i <= MaxStepsSameTime; i++ {
		require.Nil(t, m.Step(time.Second))
	}
	require.ErrorContains(t, m.Step(time.Second), "without the clock moving")

	m = Meter{}
	exit := model.Action{Kind: model.ActContainerExited, At: time.Minute}
	for i := 0; i < MaxActions; i++ {
		require.Nil(t, m.Action(&exit))
	}
	require.ErrorContains(t, m.Action(&exit), "more than 20000 actions by 1m0s")

	m = Meter{}
	st := &v1.PodStatus{ContainerStatuses: make([]v1.ContainerStatus, 99), InitContainerStatuses: make([]v1.ContainerStatus, 1)}
	status := model.Action{Kind: model.ActStatus, At: time.Second, Status: st}
	require.Equal(t, 101, Entries(&status))
	require.Equal(t, 0, Entries(&exit))
	for i := 0; i < MaxStatusEntries/101; i++ {
		require.Nil(t, m.Action(&status))
	}
	require.ErrorContains(t, m.Action(&status), "statuses of more than 100000 entries")
}

// crashLoop is a pod of n containers that each exit 1 a second after
// every start, restarted after a 1 s back-off.
func crashLoop(n int) *model.Scenario {
	s := &model.Scenario{}
	b := model.Behaviour{Containers: map[string]model.ContainerBehaviour{}}
	s.Pod.Name, s.Pod.Spec.RestartPolicy = "p", v1.RestartPolicyAlways
	for i := range n {
		name := string(rune('a' + i))
		s.Pod.Spec.Containers = append(s.Pod.Spec.Containers, v1.Container{Name: name, Image: "busybox"})
		b.Containers[name] = model.ContainerBehaviour{Attempts: []model.Attempt{{ExitAfter: dur(time.Second), ExitCode: 1}}}
	}
	s.Behaviour = b
	sec := dur(time.Second)
	s.Profile.BackoffInitial, s.Profile.BackoffMax = sec, sec
	return s
}

func TestSimStopsAtTheBudget(t *testing.T) {
	sim, err := model.NewSim(crashLoop(20), 24*time.Hour, 0)
	require.NoError(t, err)
	n := 0
	err = Sim(sim, func(*model.Action, model.Cause) { n++ })
	var ex *Exceeded
	require.True(t, errors.As(err, &ex), "got %v", err)
	require.LessOrEqual(t, n, MaxActions)

	// A small run ends within it, every action given in order.
	sim, err = model.NewSim(crashLoop(1), time.Minute, 0)
	require.NoError(t, err)
	want, err := model.Run(crashLoop(1), time.Minute)
	require.NoError(t, err)
	var got []model.Action
	require.NoError(t, Sim(sim, func(a *model.Action, _ model.Cause) { got = append(got, *a) }))
	require.Equal(t, want, got)
}

func dur(d time.Duration) *metav1.Duration { return &metav1.Duration{Duration: d} }
