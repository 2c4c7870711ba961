package runner

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/model"
)

func corpusDirs() []string {
	return []string{"../../corpus/examples", "../../corpus/upstream", "../../corpus/regressions"}
}

func TestModelAdapterConformant(t *testing.T) {
	sum, err := Run(context.Background(), Options{Adapter: modeladapter.New(), AdapterSpec: "--adapter model",
		Checks: 300, Seed: 7, Corpus: corpusDirs(), Parallel: 2})
	require.NoError(t, err)
	for _, f := range sum.Failures {
		t.Errorf("%s (%s): %s %s: %s; expected %v observed %s", f.Name, f.Source, f.Property, f.Kind, f.Message, f.Expected, f.Observed)
	}
	require.Equal(t, 0, sum.ExitCode())
	require.Greater(t, sum.Totals.Scenarios, 300)
}

func TestAutonomousModelConformant(t *testing.T) {
	sum, err := Run(context.Background(), Options{Adapter: modeladapter.Autonomous(), Checks: 200, Seed: 3, Corpus: corpusDirs()})
	require.NoError(t, err)
	for _, f := range sum.Failures {
		t.Errorf("%s (%s): %s %s: %s; expected %v observed %s", f.Name, f.Source, f.Property, f.Kind, f.Message, f.Expected, f.Observed)
	}
}

func TestEveryMutantKilled(t *testing.T) {
	for _, mi := range model.Mutations() {
		mi := mi
		t.Run(mi.Name, func(t *testing.T) {
			a, err := modeladapter.Mutant(mi.Name)
			require.NoError(t, err)
			dir := t.TempDir()
			sum, err := Run(context.Background(), Options{Adapter: a, AdapterSpec: "--adapter mutant:" + mi.Name,
				Checks: 3000, Seed: 1, Parallel: 1, MaxFailures: 1, Out: dir, ShrinkSteps: 100})
			require.NoError(t, err)
			require.NotEmpty(t, sum.Failures, "mutant %s survived %d scenarios", mi.Name, sum.Totals.Scenarios)
			f := sum.Failures[0]
			t.Logf("%s: %s %s after %d scenarios: %s", mi.Name, f.Property, f.Kind, sum.Totals.Scenarios, f.Message)
			require.NotEmpty(t, f.File)
			// The saved counterexample replays: same class of failure.
			path := f.File
			if f.Shrunk != "" {
				path = f.Shrunk
			}
			re, err := Run(context.Background(), Options{Adapter: a, Corpus: []string{filepath.Join(dir, path)}})
			require.NoError(t, err)
			require.Len(t, re.Failures, 1)
			require.Equal(t, f.Property, re.Failures[0].Property)
		})
	}
}

func TestDeterministicAcrossParallelism(t *testing.T) {
	a, err := modeladapter.Mutant("no-backoff-reset")
	require.NoError(t, err)
	run := func(p int) []byte {
		sum, err := Run(context.Background(), Options{Adapter: a, AdapterSpec: "--adapter mutant:no-backoff-reset", Checks: 120, Seed: 5, Parallel: p, ShrinkSteps: 50, Out: t.TempDir()})
		require.NoError(t, err)
		js, err := sum.JSON()
		require.NoError(t, err)
		return js
	}
	one, two := run(1), run(2)
	require.Equal(t, string(one), string(two))
	require.True(t, bytes.Contains(one, []byte(`"failures": [`)))
}

func TestShardsMergeToUnsharded(t *testing.T) {
	a, err := modeladapter.Mutant("first-restart-delayed")
	require.NoError(t, err)
	opt := Options{Adapter: a, AdapterSpec: "--adapter mutant:first-restart-delayed", Checks: 150, Seed: 2, Corpus: corpusDirs(), ShrinkSteps: 100, Version: "test"}
	full := opt
	full.Out = t.TempDir()
	want, err := Run(context.Background(), full)
	require.NoError(t, err)
	var dirs []string
	for i := 0; i < 3; i++ {
		o := opt
		o.Shard = Shard{i, 3}
		o.Out = t.TempDir()
		_, err := Run(context.Background(), o)
		require.NoError(t, err)
		dirs = append(dirs, o.Out)
	}
	out := t.TempDir()
	got, err := MergeDirs(out, []string{dirs[2], dirs[0], dirs[1]})
	require.NoError(t, err)
	wj, _ := want.JSON()
	gj, _ := got.JSON()
	require.Equal(t, string(wj), string(gj))
	// The counterexample files too: names and contents. Failures that
	// shrink to one scenario but were found on different ones (another
	// time limit, another message) once wrote one file whose content
	// depended on which was saved last.
	wf, gf := dirFiles(t, filepath.Join(full.Out, CounterexampleDir)), dirFiles(t, filepath.Join(out, CounterexampleDir))
	require.Equal(t, slices.Sorted(maps.Keys(wf)), slices.Sorted(maps.Keys(gf)))
	for name, w := range wf {
		if gf[name] != w {
			t.Errorf("%s: the merged file differs from the unsharded run's", name)
		}
	}
	_, err = MergeDirs(t.TempDir(), dirs[:2])
	require.ErrorContains(t, err, "shards missing")
	_ = time.Second
}

// dirFiles maps each file name in dir to its content.
func dirFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	m := map[string]string{}
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		m[e.Name()] = string(data)
	}
	require.NotEmpty(t, m)
	return m
}
