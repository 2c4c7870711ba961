package kubelet

import (
	"context"
	"fmt"
	v1 "k8s.io/api/core/v1"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

// run runs a scenario document (YAML) on the kubelet's code.
func run(t *testing.T, doc string, until time.Duration) []model.Action {
	t.Helper()
	d, err := scenario.Parse([]byte(doc), "test.yaml")
	require.NoError(t, err)
	require.NoError(t, d.Validate())
	acts, err := New().Run(context.Background(), d.Model(), until)
	require.NoError(t, err)
	return acts
}

func of(acts []model.Action, kind model.ActionKind) []model.Action {
	var out []model.Action
	for _, a := range acts {
		if a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}

// TestBackOffSequence: the crash-loop back-off the kubelet's code applies,
// with the kubelet's 600 s expiry: an immediate first restart, then 10,
// 20, 40, 80, 160 and 300 s, capped.
func TestBackOffSequence(t *testing.T) {
	useTestBubbles(t)
	acts := run(t, `
apiVersion: podconform.dev/v1alpha1
kind: Scenario
metadata: {name: crashloop}
pod:
  apiVersion: v1
  kind: Pod
  metadata: {name: crashloop}
  spec:
    containers:
    - {name: app, image: busybox}
behaviour:
  containers:
    app:
      attempts:
      - {exitAfter: 1s, exitCode: 1}
`, 30*time.Minute)
	var delays []time.Duration
	for _, a := range of(acts, model.ActBackOff) {
		delays = append(delays, a.Delay)
		require.Equal(t, a.Delay, a.Wait, "the back-off is refused at the exit, so the whole delay is left")
	}
	s := time.Second
	require.Equal(t, []time.Duration{10 * s, 20 * s, 40 * s, 80 * s, 160 * s, 300 * s, 300 * s, 300 * s}, delays[:8])
	starts := of(acts, model.ActContainerStarted)
	require.Equal(t, time.Second, starts[1].At, "the first restart is immediate")
}

// TestStopTimeouts: StopContainer's timeout is the grace period less the
// whole seconds the preStop hook took, floored at 2 s.
func TestStopTimeouts(t *testing.T) {
	useTestBubbles(t)
	cases := []struct {
		grace    int64
		hook     string // preStop duration, "" for none
		deleteAt string
		want     int64
		wantAt   time.Duration
	}{
		{grace: 30, want: 30, wantAt: 10 * time.Second},
		{grace: 30, hook: "1500ms", want: 29, wantAt: 11500 * time.Millisecond},
		{grace: 3, hook: "5s", want: 2, wantAt: 13 * time.Second},
		{grace: 60, hook: "999999s", want: 2, wantAt: 70 * time.Second},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("grace=%d,hook=%s", c.grace, c.hook), func(t *testing.T) {
			useTestBubbles(t)
			lc, beh := "", ""
			if c.hook != "" {
				lc = `
      lifecycle:
        preStop:
          exec: {command: [/bin/sh, -c, sleep 1]}`
				beh = fmt.Sprintf(`
      preStop: {duration: %s}`, c.hook)
			}
			acts := run(t, fmt.Sprintf(`
apiVersion: podconform.dev/v1alpha1
kind: Scenario
metadata: {name: stop}
pod:
  apiVersion: v1
  kind: Pod
  metadata: {name: stop}
  spec:
    terminationGracePeriodSeconds: %d
    containers:
    - name: app
      image: busybox%s
behaviour:
  containers:
    app:
      onStopSignal: {ignore: true}%s
events:
- {at: 10s, type: Delete}
`, c.grace, lc, beh), 5*time.Minute)
			stops := of(acts, model.ActStopSignal)
			require.Len(t, stops, 1)
			require.Equal(t, c.want, stops[0].Timeout)
			require.Equal(t, c.wantAt, stops[0].At)
			kills := of(acts, model.ActSIGKILL)
			require.Len(t, kills, 1)
			require.Equal(t, c.wantAt+time.Duration(c.want)*time.Second, kills[0].At)
		})
	}
}

// TestInitContainersInOrder: init containers start one at a time, each
// after the previous one completed; the app container after the last.
func TestInitContainersInOrder(t *testing.T) {
	useTestBubbles(t)
	acts := run(t, `
apiVersion: podconform.dev/v1alpha1
kind: Scenario
metadata: {name: init}
pod:
  apiVersion: v1
  kind: Pod
  metadata: {name: init}
  spec:
    initContainers:
    - {name: one, image: busybox}
    - {name: two, image: busybox}
    containers:
    - {name: app, image: busybox}
behaviour:
  containers:
    one: {attempts: [{exitAfter: 3s}]}
    two: {attempts: [{exitAfter: 4s}]}
`, time.Minute)
	var got []string
	for _, a := range of(acts, model.ActContainerStarted) {
		got = append(got, fmt.Sprintf("%s@%v", a.Container, a.At))
	}
	require.Equal(t, []string{"one@0s", "two@3s", "app@7s"}, got)
}

// TestInitFailureUnderNever: a failed init container under restartPolicy
// Never ends the pod: nothing else starts, the sandbox stops and the phase
// is Failed.
func TestInitFailureUnderNever(t *testing.T) {
	useTestBubbles(t)
	acts := run(t, `
apiVersion: podconform.dev/v1alpha1
kind: Scenario
metadata: {name: init-never}
pod:
  apiVersion: v1
  kind: Pod
  metadata: {name: init-never}
  spec:
    restartPolicy: Never
    initContainers:
    - {name: one, image: busybox}
    containers:
    - {name: app, image: busybox}
behaviour:
  containers:
    one: {attempts: [{exitAfter: 2s, exitCode: 3}]}
`, time.Minute)
	require.Len(t, of(acts, model.ActContainerStarted), 1)
	require.Len(t, of(acts, model.ActSandboxStopped), 1)
	sts := of(acts, model.ActStatus)
	require.Equal(t, "Failed", string(sts[len(sts)-1].Status.Phase))
}

// TestDeterministic: the same scenario gives the same trace, however the
// goroutines of the kubelet's code are scheduled. Scenarios with a
// readiness probe are left out: their traces can still differ from run to
// run (docs/upstream-differences.md, section 1).
func TestDeterministic(t *testing.T) {
	useTestBubbles(t)
	n := 0
	for k := 0; k < 80; k++ {
		d := generated(1, k)
		if Supported(d.Model()) != nil || hasReadinessProbe(d.Model()) {
			continue
		}
		n++
		a, err := New().Run(context.Background(), d.Model(), 20*time.Minute)
		require.NoError(t, err)
		b, err := New().Run(context.Background(), d.Model(), 20*time.Minute)
		require.NoError(t, err)
		require.Equal(t, a, b, "scenario %s", d.Metadata.Name)
	}
	require.Greater(t, n, 20, "too few scenarios without readiness probes")
}

func hasReadinessProbe(s *model.Scenario) bool {
	for _, list := range [][]v1.Container{s.Pod.Spec.InitContainers, s.Pod.Spec.Containers} {
		for i := range list {
			if list[i].ReadinessProbe != nil {
				return true
			}
		}
	}
	return false
}
