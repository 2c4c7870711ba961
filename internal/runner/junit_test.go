package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	junit "github.com/joshdk/go-junit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	modeladapter "github.com/podconform/podconform/adapters/model"
)

// TestJUnitReadByACIParser reads junit.xml with go-junit, the parser CI
// tools built on Go use, and checks that it gives one test per invariant
// for the adapter, and that each failing one carries its counterexamples'
// replay commands.
func TestJUnitReadByACIParser(t *testing.T) {
	a, err := modeladapter.Mutant("parallel-init")
	require.NoError(t, err)
	dir := t.TempDir()
	sum, err := Run(context.Background(), Options{Adapter: a, AdapterSpec: "--adapter mutant:parallel-init",
		Checks: 100, Seed: 1, Parallel: 2, Out: dir})
	require.NoError(t, err)
	require.NotEmpty(t, sum.Failures)

	suites, err := junit.IngestFile(filepath.Join(dir, JUnitFile))
	require.NoError(t, err)
	require.Len(t, suites, 1)
	s := suites[0]
	assert.Equal(t, "podconform/mutant:parallel-init", s.Name)
	// Every invariant checked, then refinement (at the tolerance and at
	// 0) and the adapter's health.
	require.Len(t, s.Tests, len(sum.Properties)+3)
	byName := map[string]junit.Test{}
	for _, tc := range s.Tests {
		assert.Equal(t, "podconform.mutant:parallel-init", tc.Classname)
		byName[tc.Name] = tc
	}
	// Each failure counts under every invariant it breaks, not only its
	// first.
	failing := map[string]int{}
	for _, f := range sum.Failures {
		for _, b := range f.Broken {
			failing[b.ID]++
		}
		if f.Divergence != nil {
			failing["refinement"]++
			failing["refinement-exact"]++
		}
	}
	for _, p := range append(sum.Properties, sum.Refinement, sum.RefinementExact) {
		tc, ok := byName[p.ID]
		require.True(t, ok, "no test case for %s", p.ID)
		if failing[p.ID] == 0 {
			if p.Exercised == 0 {
				assert.Equal(t, junit.StatusSkipped, tc.Status, p.ID)
			} else {
				assert.Equal(t, junit.StatusPassed, tc.Status, p.ID)
			}
			continue
		}
		assert.Equal(t, junit.StatusFailed, tc.Status, p.ID)
		require.NotNil(t, tc.Error)
		assert.Contains(t, tc.Message, "violated in")
		for _, f := range sum.Failures {
			for _, b := range f.Broken {
				if b.ID == p.ID {
					assert.Contains(t, tc.Error.Error(), f.Replay)
				}
			}
		}
	}
	assert.Equal(t, junit.StatusPassed, byName["adapter-health"].Status)
	assert.Equal(t, len(failing), s.Totals.Failed)

	// An adapter error is an error, not a failure.
	sum.Failures = append(sum.Failures, &Outcome{Index: 999, Name: "x", Verdict: AdapterError, Property: "adapter-error", Message: "crashed"})
	sum.Totals.AdapterErrors++
	x, err := sum.JUnit()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "e.xml"), x, 0o644))
	suites, err = junit.IngestFile(filepath.Join(dir, "e.xml"))
	require.NoError(t, err)
	var health *junit.Test
	for i := range suites[0].Tests {
		if suites[0].Tests[i].Name == "adapter-health" {
			health = &suites[0].Tests[i]
		}
	}
	require.NotNil(t, health)
	assert.Equal(t, junit.StatusError, health.Status)
	assert.True(t, strings.Contains(health.Message, "crashed"))
}

// TestReadSummaryTrailingData: a summary with anything after its JSON
// document is refused, not read as the first document alone.
func TestReadSummaryTrailingData(t *testing.T) {
	dir := t.TempDir()
	sum, err := Run(context.Background(), Options{Adapter: modeladapter.New(), Checks: 2, Seed: 1, Out: dir})
	require.NoError(t, err)
	require.NotNil(t, sum)
	path := filepath.Join(dir, SummaryFile)
	_, err = ReadSummary(path)
	require.NoError(t, err)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, append(b, []byte("\n{\"kind\":\"other\"}\n")...), 0o644))
	_, err = ReadSummary(path)
	require.ErrorContains(t, err, "data after the JSON document's end")
}
