package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	"sigs.k8s.io/yaml"
)

// TestDeployManifests: deploy/indexed-job.yaml is an Indexed Job, and it
// and merge-job.yaml name the
// image make image builds (podconform's version as its tag, pulled only if
// not present), and agree on the shard count: completions, parallelism,
// the N of --shard and the shards the merge reads.
func TestDeployManifests(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "podconform", "runcmd.go"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^const version = "([^"]+)"`).FindSubmatch(src)
	require.NotNil(t, m, "cmd/podconform's version constant")
	image := "ghcr.io/podconform/podconform:" + string(m[1])

	read := func(name string) *batchv1.Job {
		data, err := os.ReadFile(filepath.Join("..", "..", "deploy", name))
		require.NoError(t, err)
		var j batchv1.Job
		require.NoError(t, yaml.UnmarshalStrict(data, &j), name)
		require.Len(t, j.Spec.Template.Spec.Containers, 1, name)
		c := j.Spec.Template.Spec.Containers[0]
		require.Equal(t, image, c.Image, name)
		require.EqualValues(t, "IfNotPresent", c.ImagePullPolicy, name)
		return &j
	}
	run, merge := read("indexed-job.yaml"), read("merge-job.yaml")

	require.NotNil(t, run.Spec.CompletionMode)
	require.Equal(t, batchv1.IndexedCompletion, *run.Spec.CompletionMode)
	n := int(*run.Spec.Completions)
	require.Equal(t, n, int(*run.Spec.Parallelism))
	args := run.Spec.Template.Spec.Containers[0].Args
	require.Equal(t, "run", args[0])
	shard := ""
	for i, a := range args {
		if a == "--shard" {
			shard = args[i+1]
		}
	}
	require.Equal(t, "$(JOB_COMPLETION_INDEX)/"+strconv.Itoa(n), shard)
	margs := merge.Spec.Template.Spec.Containers[0].Args
	require.Equal(t, []string{"merge", "--out", "/results/merged"}, margs[:3])
	var shards []string
	for i := 0; i < n; i++ {
		shards = append(shards, "/results/shard-"+strconv.Itoa(i))
	}
	require.Equal(t, shards, margs[3:], "the merge reads every shard: "+strings.Join(shards, " "))
}
