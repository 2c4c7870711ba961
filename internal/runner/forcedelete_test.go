package runner

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
)

// forceDeleteRun runs, as an implementation, the model's own trace of a
// container that crashes at 10 s and is restarted at once, force-deleted
// at deleteAt, with every status from dropFrom on left out.
func forceDeleteRun(t *testing.T, deleteAt, dropFrom time.Duration) *result {
	t.Helper()
	doc, err := scenario.Parse([]byte(fmt.Sprintf(`apiVersion: podconform.dev/v1alpha1
kind: Scenario
metadata:
  name: force-delete-race
pod:
  apiVersion: v1
  kind: Pod
  metadata:
    name: p
  spec:
    containers:
    - name: app
      image: busybox
behaviour:
  containers:
    app:
      attempts:
      - exitAfter: 10s
        exitCode: 1
events:
- at: %s
  type: ForceDelete
`, deleteAt)), "force-delete-race.yaml")
	require.NoError(t, err)
	const until = 2 * time.Minute
	acts, err := model.Run(doc.Model(), until)
	require.NoError(t, err)
	var kept []model.Action
	for _, a := range acts {
		if a.Kind == model.ActStatus && a.At >= dropFrom {
			continue
		}
		kept = append(kept, a)
	}
	props, err := SelectProperties(properties.ObsAll, []string{"time-monotone"})
	require.NoError(t, err)
	f := &fixedTrace{acts: kept, obs: properties.ObsAll}
	return runAutonomous(context.Background(), f, doc.Model(), checkCfg{props: props, until: until, level: LevelExact})
}

// The API object of a force-deleted pod goes at once: the statuses the
// kubelet generates in that instant may never reach it.
func TestForceDeleteRacesTheStatusOfItsInstant(t *testing.T) {
	r := forceDeleteRun(t, 10*time.Second, 10*time.Second)
	require.Equal(t, Pass, r.verdict, "%+v", r.divergence)
}

// But the statuses of earlier instants must have been published.
func TestForceDeleteDoesNotExcuseEarlierStatuses(t *testing.T) {
	r := forceDeleteRun(t, 20*time.Second, 10*time.Second)
	require.Equal(t, Divergence, r.verdict)
	require.Equal(t, "status", string(r.divergence.Kind), r.divergence.Message)
}
