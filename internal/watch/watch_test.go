package watch_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/internal/watch"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

func rows(t *testing.T, file string, until time.Duration, all bool) []watch.Row {
	t.Helper()
	doc, err := scenario.Load(file)
	require.NoError(t, err)
	acts, err := model.Run(doc.Model(), until)
	require.NoError(t, err)
	return watch.Rows(&doc.Model().Pod, model.DefaultEpoch, acts, all)
}

func TestRowsMyappPod(t *testing.T) {
	r := rows(t, "../../corpus/examples/myapp-pod-scenario.yaml", time.Hour, false)
	require.Equal(t, "Init:0/2 Init:1/2 PodInitializing Running", watch.Statuses(r))
	require.Equal(t, []string{"0s", "20s", "50s", "50s"}, []string{r[0].Age, r[1].Age, r[2].Age, r[3].Age})
	var b bytes.Buffer
	require.NoError(t, watch.Write(&b, r))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 5)
	require.Regexp(t, `^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$`, lines[0])
	require.Regexp(t, `^myapp-pod\s+1/1\s+Running\s+0\s+50s$`, lines[4])
}

// A delete sets the deletion timestamp: rows say Terminating until the pod
// is gone, and no row follows the API object's removal.
func TestRowsTerminating(t *testing.T) {
	r := rows(t, "../../corpus/examples/hook-demo.yaml", time.Hour, false)
	s := watch.Statuses(r)
	require.Contains(t, s, "Terminating")
	require.NotEqual(t, "Terminating", r[0].Status)
}

// With all set, every status update is a row; without, only visible changes.
func TestRowsAllUpdates(t *testing.T) {
	few := rows(t, "../../corpus/examples/myapp-pod-scenario.yaml", 5*time.Minute, false)
	all := rows(t, "../../corpus/examples/myapp-pod-scenario.yaml", 5*time.Minute, true)
	require.Greater(t, len(all), len(few))
	for i := 1; i < len(few); i++ {
		require.NotEqual(t, few[i-1].KubectlRow, few[i].KubectlRow)
	}
}
