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
	return deleteRaceRun(t, fmt.Sprintf(`- at: %s
  type: ForceDelete
`, deleteAt), dropFrom)
}

// deleteRaceRun is forceDeleteRun with the world's delete events given
// as the scenario's YAML.
func deleteRaceRun(t *testing.T, events string, dropFrom time.Duration) *result {
	t.Helper()
	doc, err := scenario.Parse([]byte(`apiVersion: podconform.dev/v1alpha1
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
`+events), "force-delete-race.yaml")
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

// A graceful delete of a pod with nothing running ends it at once: the
// model's kubelet writes the final status and removes the object in the
// delete's instant. A force delete in that same instant races it on a
// node (recorded: a727342dac, a container in CrashLoopBackOff deleted with
// grace 1 and force-deleted at 30 s, whose API object went with the
// back-off's status), and the model, with no pod left, takes no force
// delete: the statuses of the instant may be lost all the same.
func TestForceDeleteRacesTheKubeletsOwnRemoval(t *testing.T) {
	both := `- at: 15s
  type: Delete
  gracePeriodSeconds: 1
- at: 15s
  type: ForceDelete
`
	r := deleteRaceRun(t, both, 15*time.Second)
	require.Equal(t, Pass, r.verdict, "%+v", r.divergence)

	// Without the force delete the kubelet removes the object itself,
	// after its final status: that status must be seen.
	r = deleteRaceRun(t, "- at: 15s\n  type: Delete\n  gracePeriodSeconds: 1\n", 15*time.Second)
	require.Equal(t, Divergence, r.verdict)
	require.Equal(t, "status", string(r.divergence.Kind), r.divergence.Message)

	// A force delete after the removal (at the exact level, any later
	// instant) races nothing.
	later := `- at: 15s
  type: Delete
  gracePeriodSeconds: 1
- at: 16s
  type: ForceDelete
`
	r = deleteRaceRun(t, later, 15*time.Second)
	require.Equal(t, Divergence, r.verdict)
	require.Equal(t, "status", string(r.divergence.Kind), r.divergence.Message)
}
