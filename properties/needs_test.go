package properties_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
)

// TestNeedsDeclared: every property declares what it needs, within what
// the reference model reports.
func TestNeedsDeclared(t *testing.T) {
	for _, p := range properties.All() {
		require.NotZerof(t, p.Needs, "%s declares no needs", p.ID)
		require.Truef(t, properties.ObsAll.Has(p.Needs), "%s needs %b, outside ObsAll", p.ID, p.Needs)
	}
}

// TestApplicable: the selection by observables and timing.
func TestApplicable(t *testing.T) {
	ids := func(ps []properties.Property) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	all := properties.All()
	require.Equal(t, ids(all), ids(properties.Applicable(properties.ObsAll, true)), "everything applies to the reference model")
	require.Equal(t, ids(all), ids(properties.Applicable(properties.ObsKubectl|properties.ObsActions|properties.ObsHooks|properties.ObsProbes|properties.ObsBackOff|properties.ObsRequests, true)),
		"kubectl implies every part of a status")

	var tolerant, exact []string
	for _, p := range all {
		if p.Exact {
			exact = append(exact, p.ID)
		} else {
			tolerant = append(tolerant, p.ID)
		}
	}
	require.NotEmpty(t, exact)
	require.Equal(t, tolerant, ids(properties.Applicable(properties.ObsAll, false)), "exact=false drops exactly the Exact properties")
	require.Less(t, len(exact), len(tolerant), "most properties tolerate a late implementation")

	for _, o := range []properties.Observables{properties.ObsActions, properties.ObsStatus, properties.ObsRequests} {
		require.NotEmptyf(t, properties.Applicable(o, false), "nothing applies to %v", o)
	}
	require.Empty(t, properties.Applicable(0, true), "nothing applies to an empty trace")

	// In catalogue order, and each selected property's needs covered.
	for _, o := range obsSets() {
		for _, exactOK := range []bool{true, false} {
			got := properties.Applicable(o, exactOK)
			k := 0
			for _, p := range all {
				ok := o.Normal().Has(p.Needs) && (exactOK || !p.Exact)
				if ok {
					require.Lessf(t, k, len(got), "%v: %s missing", o, p.ID)
					require.Equal(t, p.ID, got[k].ID)
					k++
				}
			}
			require.Len(t, got, k)
		}
	}
	// The slice is the caller's.
	got := properties.Applicable(properties.ObsAll, true)
	got[0].ID = "changed"
	require.Equal(t, all[0].ID, properties.Applicable(properties.ObsAll, true)[0].ID)
}

// TestCheckProps: CheckProps over the catalogue is Check, and over part of
// it reports just that part's violations (the rules share a tracker, but
// none of them changes it).
func TestCheckProps(t *testing.T) {
	for k := range mutations {
		c := mutationCase(t, k)
		ctx, bad, end, complete := c.ctx, c.acts, c.end, c.complete
		all := properties.Check(ctx, bad, end, complete)
		require.Equal(t, all, properties.CheckProps(ctx, properties.All(), bad, end, complete))
		for _, o := range obsSets() {
			props := properties.Applicable(o, true)
			var want []properties.Violation
			for _, v := range all {
				for _, p := range props {
					if p.ID == v.ID {
						want = append(want, v)
					}
				}
			}
			require.Equal(t, want, properties.CheckProps(ctx, props, bad, end, complete))
		}
	}
	require.Empty(t, properties.CheckProps(ctxOf(loadCase(t, "force")), nil, []model.Action{{Kind: model.ActPodRemoved}}, 0, true))
}

// obsSets are the observable sets the needs are tested with: everything
// but one observable (without kubectl too when it is a part of the status,
// which kubectl implies), and a few adapters' typical views (the last: an
// API-server watcher, which sees statuses, deletes and BackOff events).
func obsSets() []properties.Observables {
	var sets []properties.Observables
	for _, name := range properties.ObservableNames() {
		o, err := properties.ParseObservables([]string{name})
		if err != nil {
			panic(err)
		}
		if o&properties.ObsStatus != 0 {
			o |= properties.ObsKubectl
		}
		sets = append(sets, properties.ObsAll&^o)
	}
	return append(sets,
		properties.ObsActions,
		properties.ObsActions|properties.ObsPhase|properties.ObsConditions,
		properties.ObsActions|properties.ObsHooks|properties.ObsRequests,
		properties.ObsStatus,
		properties.ObsStatus|properties.ObsRequests|properties.ObsBackOff,
		// What an API client sees (adapters/cluster).
		properties.ObsRuns,
		properties.ObsRuns|properties.ObsStatus|properties.ObsRequests,
	)
}

// needsCase is one trace the needs are tested on.
type needsCase struct {
	name     string
	ctx      *properties.Context
	acts     []model.Action
	end      time.Duration
	complete bool
}

// needsCases runs the corpus, n scenarios of package gen (seeds 0 to
// n-1), n/2 of randomDoc's and n/4 random walks (fixed seeds), less the
// traces that the whole catalogue rejects (other tests report those).
func needsCases(t *testing.T, n int) []needsCase {
	var cases []needsCase
	add := func(name string, ctx *properties.Context, acts []model.Action, end time.Duration, complete bool) {
		if len(properties.Check(ctx, acts, end, complete)) > 0 {
			return
		}
		cases = append(cases, needsCase{name, ctx, acts, end, complete})
	}
	for _, f := range corpusFiles(t) {
		doc, err := scenario.Load(f)
		require.NoError(t, err)
		s := doc.Model()
		acts, end, complete := run(t, s, 30*time.Minute)
		add(filepath.Base(f), ctxOf(s), acts, end, complete)
	}
	g := gen.Scenario(gen.DefaultKnobs())
	for seed := 0; seed < n; seed++ {
		doc := g.Example(seed)
		s := doc.Model()
		acts, end, complete := run(t, s, gen.Until(doc))
		add(fmt.Sprintf("gen-%d", seed), ctxOf(s), acts, end, complete)
	}
	r := rand.New(rand.NewPCG(31, 41))
	for k := 0; k < n/2; k++ {
		s := randomDoc(r, k).Model()
		acts, end, complete := run(t, s, 20*time.Minute)
		ctx := ctxOf(s)
		ctx.Events = nil // as in TestRandomScenariosPass
		add(fmt.Sprintf("random-%d", k), ctx, acts, end, complete)
	}
	for k := 0; k < n/4; k++ {
		s := randomDoc(r, k).Model()
		acts, end, complete := walk(t, s, r, 1500)
		ctx := ctxOf(s)
		ctx.Events = nil    // the walk sends its own deletes
		ctx.Behaviour = nil // and its own exits, not the script's
		add(fmt.Sprintf("walk-%d", k), ctx, acts, end, complete)
	}
	return cases
}

// TestNeedsAreSufficient: a property whose needs an implementation reports
// does not fail on that implementation's (conformant) trace. Each
// reference trace is restricted to what an implementation observing o
// reports, for several o, and checked with the properties Applicable to o:
// none may fire. A property that fires needs more than it declares (it
// relies, perhaps through the tracker, on something o lacks).
func TestNeedsAreSufficient(t *testing.T) {
	// Some dependencies show rarely (restart-policy-honoured's on the
	// phase first shows at gen seed 2057): the plain run is large.
	n := envInt("PROPERTIES_NEEDS_N", 2500)
	if testing.Short() || raceEnabled {
		n = 150
	}
	cases := needsCases(t, n)
	require.NotEmpty(t, cases)
	fired := map[string]int{}
	for _, o := range obsSets() {
		props := properties.Applicable(o, true)
		for _, c := range cases {
			sub := properties.Restrict(c.acts, o)
			for _, v := range properties.CheckProps(c.ctx, props, sub, c.end, c.complete) {
				key := fmt.Sprintf("%s on %v", v.ID, o)
				fired[key]++
				if fired[key] == 1 {
					t.Errorf("%s: observing only %v, %v\n%s", c.name, o, v.Error(), excerpt(sub, v.Index))
				}
			}
		}
	}
	t.Logf("%d traces, %d observable sets", len(cases), len(obsSets()))
	if len(fired) > 0 {
		t.Errorf("properties that need more than they declare: %v", fired)
	}
}

// TestMutationsCaughtUnderNeeds: what a property needs is enough for it to
// catch what it names. Each broken trace of TestMutationsCaught, restricted
// to the property's needs and checked by that property alone, is still
// rejected under its ID (and the unedited trace, restricted alike, passes).
func TestMutationsCaughtUnderNeeds(t *testing.T) {
	for k, m := range mutations {
		t.Run(fmt.Sprintf("%s/%d", m.id, k), func(t *testing.T) {
			p, ok := properties.ByID(m.id)
			require.True(t, ok)
			s := loadCase(t, m.sc)
			until := m.until
			if until == 0 {
				until = 30 * time.Minute
			}
			acts, end, complete := run(t, s, until)
			one := []properties.Property{p}
			require.Empty(t, properties.CheckProps(ctxOf(s), one, properties.Restrict(acts, p.Needs), end, complete),
				"the unedited trace, restricted to %v, must pass", p.Needs)
			bad := properties.Restrict(m.mutate(t, append([]model.Action(nil), acts...)), p.Needs)
			vs := properties.CheckProps(ctxOf(s), one, bad, end, complete)
			require.Lenf(t, vs, 1, "the edited trace, restricted to %v, must break %s", p.Needs, m.id)
			require.Equal(t, m.id, vs[0].ID)
		})
	}
}
