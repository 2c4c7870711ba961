package model_test

import (
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/model"
)

// typicalScenario is the benchmark's "typical scenario": 2 init containers,
// 1 sidecar, 2 app containers with probes, one crash loop, one delete.
func typicalScenario() *model.Scenario {
	always := v1.ContainerRestartPolicyAlways
	probe := func(delay int32) *v1.Probe {
		return &v1.Probe{ProbeHandler: v1.ProbeHandler{Exec: &v1.ExecAction{Command: []string{"true"}}}, InitialDelaySeconds: delay, PeriodSeconds: 5}
	}
	side := ctr("proxy")
	side.RestartPolicy = &always
	side.StartupProbe = probe(0)
	web := ctr("web")
	web.ReadinessProbe = probe(2)
	web.LivenessProbe = probe(5)
	web.Lifecycle = &v1.Lifecycle{PreStop: &v1.LifecycleHandler{Sleep: &v1.SleepAction{Seconds: 1}}}
	worker := ctr("worker")
	worker.LivenessProbe = probe(0)
	p := pod("typical", []v1.Container{ctr("init-a"), ctr("init-b"), side}, web, worker)
	p.Spec.TerminationGracePeriodSeconds = i64(10)
	return &model.Scenario{
		Pod: p,
		Behaviour: model.Behaviour{Containers: map[string]model.ContainerBehaviour{
			"init-a": {Attempts: []model.Attempt{{ExitAfter: dur(2 * time.Second)}}},
			"init-b": {Attempts: []model.Attempt{{ExitAfter: dur(3 * time.Second)}}},
			"worker": {Attempts: []model.Attempt{{ExitAfter: dur(4 * time.Second), ExitCode: 1}}},
		}},
		Events: []model.Event{{At: metav1.Duration{Duration: 90 * time.Second}, Type: model.EventDelete}},
	}
}

// BenchmarkTypicalScenario runs the typical scenario to completion and
// reports ns per scenario and actions (events) per second.
func BenchmarkTypicalScenario(b *testing.B) {
	s := typicalScenario()
	var buf []model.Action
	var n int
	b.ReportAllocs()
	for b.Loop() {
		var err error
		buf, err = model.RunAppend(buf[:0], s, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		n += len(buf)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(n)/float64(b.N), "events/scenario")
}
