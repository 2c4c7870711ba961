package runner

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	"sigs.k8s.io/yaml"
)

// TestIndexedJobManifest keeps deploy/indexed-job.yaml a valid Indexed Job
// whose shard count matches its completions.
func TestIndexedJobManifest(t *testing.T) {
	data, err := os.ReadFile("../../deploy/indexed-job.yaml")
	require.NoError(t, err)
	docs := strings.Split(string(data), "\n---\n")
	var job batchv1.Job
	require.NoError(t, yaml.UnmarshalStrict([]byte(docs[0]), &job))
	require.Equal(t, "Job", job.Kind)
	require.NotNil(t, job.Spec.CompletionMode)
	require.Equal(t, batchv1.IndexedCompletion, *job.Spec.CompletionMode)
	require.NotNil(t, job.Spec.Completions)
	require.Equal(t, *job.Spec.Completions, *job.Spec.Parallelism)
	args := strings.Join(job.Spec.Template.Spec.Containers[0].Args, " ")
	m := regexp.MustCompile(`--shard "\$\{JOB_COMPLETION_INDEX\}/(\d+)"`).FindStringSubmatch(args)
	require.NotNil(t, m, "the args must shard by the completion index: %s", args)
	require.Contains(t, args, "--out \"/results/shard-${JOB_COMPLETION_INDEX}\"")
	require.Equal(t, fmt.Sprint(*job.Spec.Completions), m[1])
}
