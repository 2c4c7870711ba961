package runner

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	modeladapter "github.com/podconform/podconform/adapters/model"
)

// TestBaseline: a baseline written from a run accepts that run's failures
// (by signature, not scenario index); the same run against it exits 0,
// with every distinct failure known; another implementation's failures
// are new and fail the run; a listed signature the run did not see is
// reported gone; shards merge to the unsharded run's summary.
func TestBaseline(t *testing.T) {
	run := func(mutant string, b *Baseline, shard Shard) *Summary {
		t.Helper()
		a, err := modeladapter.Mutant(mutant)
		require.NoError(t, err)
		s, err := Run(context.Background(), Options{Adapter: a, AdapterSpec: "--adapter mutant:" + mutant, Checks: 60, Seed: 3,
			ShrinkSteps: 30, Shard: shard, Baseline: b, BaselineFile: "known.json", Version: "test", Out: t.TempDir()})
		require.NoError(t, err)
		return s
	}
	first := run("backoff-cap-320", nil, Shard{})
	require.NotEmpty(t, first.Groups)
	require.Equal(t, 1, first.ExitCode())
	require.Nil(t, first.Baseline)

	b := BaselineOf(first)
	require.Len(t, b.Failures, len(first.Groups))
	path := filepath.Join(t.TempDir(), "known.json")
	data, err := b.JSON()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	b, err = ReadBaseline(path)
	require.NoError(t, err)

	again := run("backoff-cap-320", b, Shard{})
	require.Equal(t, 0, again.ExitCode(), "every failure is known")
	require.Equal(t, &BaselineUse{File: "known.json", Known: len(again.Groups)}, again.Baseline)
	for _, g := range again.Groups {
		require.True(t, g.Known, g.Signature)
	}
	require.Positive(t, again.Totals.Violations+again.Totals.Divergences, "the failures are still counted, only accepted")

	// Another implementation: new failures, and the baseline's unseen.
	other := run("parallel-init", b, Shard{})
	require.Equal(t, 1, other.ExitCode())
	require.Positive(t, other.Baseline.New)
	require.NotEmpty(t, other.Baseline.Gone)

	// Shards, each against the baseline, merge to the unsharded run.
	var shards []*Summary
	for i := range 2 {
		shards = append(shards, run("parallel-init", b, Shard{i, 2}))
	}
	merged, err := Merge(shards)
	require.NoError(t, err)
	want, _ := other.JSON()
	got, _ := merged.JSON()
	require.Equal(t, string(want), string(got))
}

// TestReadBaselineRejects: a baseline that is not one is an error naming
// the file and the entry.
func TestReadBaselineRejects(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct{ body, msg string }{
		"kind":     {`{"apiVersion":"podconform.dev/v1alpha1","kind":"RunSummary","failures":[]}`, "not a baseline"},
		"twice":    {`{"kind":"Baseline","failures":[{"signature":"a | b"},{"signature":"a | b"}]}`, `failures[1].signature: "a | b" is listed twice`},
		"empty":    {`{"kind":"Baseline","failures":[{"signature":""}]}`, "failures[0].signature: required"},
		"unknown":  {`{"kind":"Baseline","failures":[],"extra":1}`, `unknown field "extra"`},
		"trailing": {`{"kind":"Baseline","failures":[]} {}`, "data after the JSON document"},
	} {
		p := filepath.Join(dir, name+".json")
		require.NoError(t, os.WriteFile(p, []byte(c.body), 0o644))
		_, err := ReadBaseline(p)
		require.ErrorContains(t, err, c.msg, name)
		require.ErrorContains(t, err, p, name)
	}
}
