package runner

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
)

// execProbeTrace is fixedTrace for an implementation that runs every
// probe as an exec handler (adapters.Info.ExecProbes), as the cluster
// adapter does.
type execProbeTrace struct{ fixedTrace }

func (f *execProbeTrace) Info() adapters.Info {
	i := f.fixedTrace.Info()
	i.ExecProbes = true
	return i
}

// An implementation that runs a tcpSocket readiness probe as an exec
// probe is checked against the model of the exec probe: after the delete
// its probes error on the cancelled context and give no result
// (docs/semantics.md §5.12). Its trace, the model's own of the rewritten
// scenario, passes when it declares execProbes and diverges when it does
// not (the model of the tcpSocket probe goes on probing).
func TestExecProbesDeclared(t *testing.T) {
	doc, err := scenario.Parse([]byte(`apiVersion: podconform.dev/v1alpha1
kind: Scenario
metadata:
  name: exec-probes
pod:
  apiVersion: v1
  kind: Pod
  metadata:
    name: p
  spec:
    containers:
    - name: app
      image: busybox
      readinessProbe:
        tcpSocket:
          port: 8080
        periodSeconds: 2
behaviour:
  containers:
    app:
      onStopSignal:
        exitAfter: 10s
events:
- at: 20s
  type: Delete
`), "exec-probes.yaml")
	require.NoError(t, err)
	s := doc.Model()
	rewritten := execProbes(s)
	require.NotNil(t, rewritten.Pod.Spec.Containers[0].ReadinessProbe.Exec)
	require.Equal(t, int32(2), rewritten.Pod.Spec.Containers[0].ReadinessProbe.PeriodSeconds)
	require.NotNil(t, s.Pod.Spec.Containers[0].ReadinessProbe.TCPSocket, "the scenario itself is not changed")

	const until = time.Minute
	acts, err := model.Run(rewritten, until)
	require.NoError(t, err)
	props, err := SelectProperties(properties.ObsAll, []string{"time-monotone"})
	require.NoError(t, err)
	cfg := checkCfg{props: props, until: until, level: LevelExact}

	r := runAutonomous(context.Background(), &execProbeTrace{fixedTrace{acts: acts, obs: properties.ObsAll}}, s, cfg)
	require.Equal(t, Pass, r.verdict, "%+v", r.divergence)

	r = runAutonomous(context.Background(), &fixedTrace{acts: acts, obs: properties.ObsAll}, s, cfg)
	require.Equal(t, Divergence, r.verdict)
	t.Log(r.divergence.Message)
}
