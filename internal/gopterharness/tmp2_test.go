package gopterharness

import (
	"testing"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

func TestTmp2(t *testing.T) {
	zero := int64(0)
	m, _ := model.New(&model.Scenario{Pod: v1.Pod{Spec: v1.PodSpec{Containers: []v1.Container{{Name: "a", Image: "busybox"}}}}, Profile: model.Profile{MinimumGracePeriodSeconds: &zero}})
	m.Drain()
	acts, err := m.Step(model.Input{Kind: model.InForceDelete, At: 0})
	for _, a := range acts {
		t.Log(describe(a))
	}
	next, ok := m.NextTimer()
	t.Logf("err=%v enabled=%+v next=%v %v now=%v", err, m.Enabled(), next, ok, m.Now())
	_, err = m.Step(model.Input{Kind: model.InExit, At: m.Now(), Container: "a"})
	t.Logf("exit: %v", err)
}
