package runner

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"

	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/internal/budget"
	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

// TestRunNamesTheSelftestInvariant: for every mutant, the scenario on which
// the self-test's search (every invariant checked on the mutant model
// itself) first kills it is reported by podconform run on that mutant, in
// summary.json, as a violation of the same invariant, whatever else
// (a divergence from the model first, say) the scenario shows.
func TestRunNamesTheSelftestInvariant(t *testing.T) {
	small := gen.DefaultKnobs()
	small.LongRuns = false
	long := gen.DefaultKnobs()
	long.LongRuns = true
	knobs := []gen.Knobs{small, long}
	for _, mi := range model.Mutations() {
		mi := mi
		t.Run(mi.Name, func(t *testing.T) {
			var id string
			var file string
			for i := 0; i < 3000 && id == ""; i++ {
				doc := gen.Scenario(knobs[i%2]).Example(1_000_003 + i)
				until := gen.Until(doc)
				res, err := check.Run(doc, check.Options{Mutation: mi.Mutation, Until: until})
				require.NoError(t, err)
				if res.Violation == nil {
					continue
				}
				id = res.Violation.ID
				ce, err := check.Counterexample(doc, res.Violation, mi.Mutation, until)
				require.NoError(t, err)
				file, err = check.Save(t.TempDir(), ce)
				require.NoError(t, err)
			}
			require.NotEmpty(t, id, "the self-test's search did not kill %s", mi.Name)
			a, err := modeladapter.Mutant(mi.Name)
			require.NoError(t, err)
			sum, err := Run(context.Background(), Options{Adapter: a, Corpus: []string{file}, Parallel: 1})
			require.NoError(t, err)
			var stat *PropertyStat
			for i := range sum.Properties {
				if sum.Properties[i].ID == id {
					stat = &sum.Properties[i]
				}
			}
			require.NotNil(t, stat, "%s is checked", id)
			require.Equal(t, 1, stat.Violated, "podconform run on mutant %s names %s, as the self-test does; failures: %+v", mi.Name, id, sum.Failures)
			require.Equal(t, 1, stat.Exercised)
			require.Len(t, sum.Failures, 1)
			found := false
			for _, b := range sum.Failures[0].Broken {
				found = found || b.ID == id
			}
			require.True(t, found, "the failure lists %s among what it breaks", id)
		})
	}
}

// TestInvariantsSeeThePastDivergence: on parallel-init, whose traces part
// from the model's at the first parallel start, the checked trace goes on
// past the divergence, so init-strict-order is reported violated, not
// passed, in as many scenarios as fail.
func TestInvariantsSeeThePastDivergence(t *testing.T) {
	a, err := modeladapter.Mutant("parallel-init")
	require.NoError(t, err)
	sum, err := Run(context.Background(), Options{Adapter: a, Checks: 200, Seed: 1, Tolerance: 10 * time.Second})
	require.NoError(t, err)
	require.NotEmpty(t, sum.Failures)
	for _, p := range sum.Properties {
		if p.ID == "init-strict-order" {
			require.Equal(t, len(sum.Failures), p.Violated, "every failing scenario breaks init-strict-order")
		}
	}
	for _, f := range sum.Failures {
		require.NotNil(t, f.ExactDivergence, "the scenario also diverges from the model: %s", f.Name)
	}
	// All three levels are computed in the one run.
	require.Len(t, sum.Levels, 3)
	for _, l := range sum.Levels {
		require.False(t, l.Met, l.Level)
		require.Equal(t, sum.Totals.Scenarios, l.Passed+l.Failed)
	}
}

// TestRefinementMonotoneInTolerance: the runner checks refinement at the
// run's tolerance only when the exact check (tolerance 0) fails, on the
// ground that a trace that refines the model at 0 refines it at any
// tolerance. Checked here, with both checks always run, on every mutant's
// scenarios through both kinds of adapter: wherever the exact check
// passes, the check at 10 s passes too; and it fails somewhere (the test
// can fail).
func TestRefinementMonotoneInTolerance(t *testing.T) {
	props, err := SelectProperties(properties.ObsAll, nil)
	require.NoError(t, err)
	exactOnly := 0
	for _, mi := range model.Mutations() {
		d, err := modeladapter.Mutant(mi.Name)
		require.NoError(t, err)
		u, err := modeladapter.AutonomousMutant(mi.Name)
		require.NoError(t, err)
		for k := 0; k < 40; k++ {
			doc := Generated(7, k)
			cfg := checkCfg{props: props, tol: 10 * time.Second, until: untilOf(doc), level: LevelRefinement, both: true}
			for _, r := range []*result{
				runDriven(context.Background(), d, doc.Model(), cfg),
				runAutonomous(context.Background(), u, doc.Model(), cfg),
			} {
				if r.adapterErr != nil {
					continue
				}
				if r.exactDiv == nil {
					require.Nil(t, r.div, "%s %s: refines the model at 0 but not at 10s: %v", mi.Name, doc.Metadata.Name, r.div)
				} else if r.div == nil {
					exactOnly++
				}
			}
		}
	}
	require.Positive(t, exactOnly, "some scenario diverges at 0 only")
}

// TestBudget: a valid scenario too big to check (a one-second crash loop
// for a day: the model itself takes more actions than a run's budget) is
// its own verdict, over budget, not an adapter error, found within the
// budget's work; an implementation that reports far more than the model
// takes on a small scenario is still an adapter error (a runaway).
func TestBudget(t *testing.T) {
	sum, err := Run(context.Background(), Options{Adapter: modeladapter.New(), Corpus: []string{"testdata/too-big.yaml"}, Parallel: 1})
	require.NoError(t, err)
	require.Equal(t, 1, sum.Totals.OverBudget)
	require.Zero(t, sum.Totals.AdapterErrors)
	require.Len(t, sum.OverBudget, 1)
	require.Contains(t, sum.OverBudget[0].Message, "too big to check")
	require.Contains(t, sum.OverBudget[0].Message, "more than 20000 actions")
	require.Empty(t, sum.Failures)

	doc, acts := crashloopTrace(t, 0)
	st := model.Action{Kind: model.ActStatus, At: acts[len(acts)-1].At, Status: &v1.PodStatus{Phase: v1.PodRunning}}
	for len(acts) <= budget.MaxActions {
		acts = append(acts, st)
	}
	props, err := SelectProperties(properties.ObsAll, nil)
	require.NoError(t, err)
	r := runAutonomous(context.Background(), &fixedTrace{acts: acts, obs: properties.ObsAll}, doc.Model(), checkCfg{props: props, until: 3 * time.Minute, level: LevelExact})
	require.Equal(t, AdapterError, r.verdict)
	require.Contains(t, r.adapterErr.Error(), "a runaway")
}
