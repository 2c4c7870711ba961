package check_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
	"github.com/podconform/podconform/trace"
)

// TestFromTraceReplays: a scenario written from a trace reproduces that
// trace, on the corpus and on generated scenarios.
func TestFromTraceReplays(t *testing.T) {
	var docs []*scenario.Document
	files, err := filepath.Glob("../../corpus/*/*.yaml")
	require.NoError(t, err)
	for _, f := range files {
		d, err := scenario.Load(f)
		require.NoError(t, err)
		docs = append(docs, d)
	}
	for seed := 0; seed < 150; seed++ {
		docs = append(docs, gen.Scenario(gen.DefaultKnobs()).Example(seed))
	}
	mismatches := 0
	for _, d := range docs {
		until := 20 * time.Minute
		acts, err := model.Run(d.Model(), until)
		require.NoError(t, err)
		x := check.FromTrace("replayed", &d.Pod, d.Profile, acts)
		require.NoError(t, x.Validate(), "%s: extracted scenario is invalid", d.Metadata.Name)
		again, err := model.Run(x.Model(), until)
		require.NoError(t, err)
		a := trace.New("", "", "", acts)
		b := trace.New("", "", "", again)
		if !trace.Equal(a, b) {
			mismatches++
			t.Logf("%s: the extracted scenario does not reproduce the trace", d.Metadata.Name)
		}
	}
	// World moves at the same instant may be ordered differently; that must
	// stay rare.
	require.LessOrEqual(t, mismatches, len(docs)/20, "extracted scenarios must reproduce their traces")
}

func TestSaveIsAtomic(t *testing.T) {
	dir := t.TempDir()
	d, err := scenario.Load("../../corpus/examples/crashloop.yaml")
	require.NoError(t, err)
	p, err := check.Save(dir, d)
	require.NoError(t, err)
	back, err := scenario.Load(p)
	require.NoError(t, err)
	require.Equal(t, d.Metadata.Name, back.Metadata.Name)
	_, err = check.Save(dir, d) // overwriting is fine
	require.NoError(t, err)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary files left behind")

	// A directory that cannot be written: an error, and nothing half-written.
	ro := filepath.Join(dir, "ro")
	require.NoError(t, os.Mkdir(ro, 0o500))
	if os.Geteuid() != 0 { // root ignores permissions
		_, err = check.Save(ro, d)
		require.Error(t, err)
		entries, _ = os.ReadDir(ro)
		require.Empty(t, entries)
	}
	err = check.WriteFileAtomic(filepath.Join(dir, "missing", "x.yaml"), []byte("x"))
	require.Error(t, err)
}

// TestReplayReproduces: a counterexample found on a mutant, saved and
// loaded back, reproduces the same violation; on the reference model the
// same scenario passes.
func TestReplayReproduces(t *testing.T) {
	mut, ok := model.MutationByName("no-grace-floor")
	require.True(t, ok)
	for seed := 0; seed < 2000; seed++ {
		doc := gen.Scenario(gen.DefaultKnobs()).Example(seed)
		until := gen.Until(doc)
		res, err := check.Run(doc, check.Options{Mutation: mut, Until: until})
		require.NoError(t, err)
		if res.Violation == nil {
			continue
		}
		ce, err := check.Counterexample(doc, res.Violation, mut, until)
		require.NoError(t, err)
		path, err := check.Save(t.TempDir(), ce)
		require.NoError(t, err)
		loaded, err := scenario.Load(path)
		require.NoError(t, err)
		again, same, err := check.Replay(loaded)
		require.NoError(t, err)
		require.True(t, same, "replay gives %v, recorded %s", again.Violation, res.Violation.ID)
		require.Equal(t, res.Violation.At, again.Violation.At)
		ref, err := check.Run(doc, check.Options{Until: until})
		require.NoError(t, err)
		require.Nil(t, ref.Violation, "the reference model must pass what the mutant fails")
		return
	}
	t.Fatal("no counterexample found for no-grace-floor in 2000 scenarios")
}
