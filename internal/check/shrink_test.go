package check_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

var update = flag.Bool("update", false, "rewrite the pinned shrunk counterexamples")

// TestShrinkPinned pins the shrinker's output for known bugs (mutants), as
// rapid's own shrink tests do: the search from a fixed seed finds a
// counterexample, the shrinker reduces it, and the minimal scenario must be
// exactly the one in testdata/shrunk/. A change that makes counterexamples
// bigger or different shows up here.
func TestShrinkPinned(t *testing.T) {
	for _, name := range []string{"app-during-init", "no-grace-floor", "backoff-cap-320", "poststart-nonblocking"} {
		t.Run(name, func(t *testing.T) {
			mut, ok := model.MutationByName(name)
			require.True(t, ok)
			var doc *scenario.Document
			var id string
			opt := check.Options{Mutation: mut}
			for seed := 0; seed < 3000 && doc == nil; seed++ {
				k := gen.DefaultKnobs()
				k.LongRuns = seed%2 == 1
				d := gen.Scenario(k).Example(seed)
				opt.Until = gen.Until(d)
				res, err := check.Run(d, opt)
				require.NoError(t, err)
				if res.Violation != nil {
					doc, id = d, res.Violation.ID
				}
			}
			require.NotNil(t, doc, "no counterexample found")
			shrunk := check.Shrink(doc, func(d *scenario.Document) bool {
				if !check.FailsWith(id, opt)(d) {
					return false
				}
				ref, err := check.Run(d, check.Options{Until: opt.Until})
				return err == nil && ref.Violation == nil
			}, 3000)
			shrunk.Metadata.Name = name
			shrunk.Metadata.Description = "minimal counterexample: " + id
			got, err := shrunk.Marshal()
			require.NoError(t, err)
			path := filepath.Join("testdata", "shrunk", name+".yaml")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./internal/check -run TestShrinkPinned -update")
			require.Equal(t, string(want), string(got))
			c, e := gen.Size(shrunk)
			require.LessOrEqual(t, c, 2, "shrunk to at most 2 containers")
			require.LessOrEqual(t, e, 6, "shrunk to at most 6 environment events")
		})
	}
}
