package properties_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
)

// ---------------------------------------------------------------------------
// Coverage: which properties a trace exercises (Audit).

// auditCase is one trace Audit is tested on.
type auditCase struct {
	name     string
	ctx      *properties.Context
	acts     []model.Action
	end      time.Duration
	complete bool
}

// corpusCases runs every corpus scenario for 30 minutes.
func corpusCases(t *testing.T) []auditCase {
	var cases []auditCase
	for _, f := range corpusFiles(t) {
		doc, err := scenario.Load(f)
		require.NoError(t, err)
		s := doc.Model()
		acts, end, complete := run(t, s, 30*time.Minute)
		cases = append(cases, auditCase{filepath.Base(f), ctxOf(s), acts, end, complete})
	}
	return cases
}

// genCase runs gen's scenario for seed.
func genCase(t *testing.T, g *rapid.Generator[*scenario.Document], seed int) auditCase {
	doc := g.Example(seed)
	s := doc.Model()
	acts, end, complete := run(t, s, gen.Until(doc))
	return auditCase{fmt.Sprintf("gen-%d", seed), ctxOf(s), acts, end, complete}
}

// TestEveryPropertyExercised: every property has something to judge on
// some conformant trace: one of the corpus's, or else of the first
// scenarios package gen generates. (A property no trace exercises is one
// the runs never test, or one whose rule never marks what it judges.)
func TestEveryPropertyExercised(t *testing.T) {
	all := properties.All()
	by := map[string]string{} // property -> the first trace that exercised it
	note := func(c auditCase) {
		for _, o := range properties.Audit(c.ctx, all, c.acts, c.end, c.complete) {
			require.Nilf(t, o.Violation, "%s: %v", c.name, o.Violation)
			if o.Exercised && by[o.ID] == "" {
				by[o.ID] = c.name
			}
		}
	}
	missing := func() []string {
		var ids []string
		for _, p := range all {
			if by[p.ID] == "" {
				ids = append(ids, p.ID)
			}
		}
		return ids
	}
	for _, c := range corpusCases(t) {
		note(c)
	}
	if m := missing(); len(m) > 0 {
		t.Logf("the corpus exercises every property but %v", m)
	}
	const seeds = 500
	g := gen.Scenario(gen.DefaultKnobs())
	for seed := 0; seed < seeds && len(missing()) > 0; seed++ {
		note(genCase(t, g, seed))
	}
	require.Emptyf(t, missing(), "no trace of the corpus or of gen seeds 0-%d exercises %v", seeds-1, missing())
	for _, p := range all {
		t.Logf("%-36s first exercised by %s", p.ID, by[p.ID])
	}
}

const simple = `
pod:
  spec:
    containers:
    - {name: app, image: busybox}`

const simpleWithInit = `
pod:
  spec:
    initContainers:
    - {name: setup, image: busybox}
    containers:
    - {name: app, image: busybox}
behaviour:
  containers:
    setup: {attempts: [{exitAfter: 2s}]}`

func init() {
	builders["simple"] = simple
	builders["simple-with-init"] = simpleWithInit
}

// simpleExercised are the properties a pod with one app container that
// runs to the end (no init container, probe, hook, restart or delete)
// exercises: the trace's bookkeeping and what every status shows.
var simpleExercised = []string{
	"time-monotone", "exit-after-start", "status-changes", "sandbox-brackets-containers",
	"readiness-thresholds", // no readiness probe: ready once started
	"restart-count-matches-starts", "ready-implies-started", "ready-implies-running", "started-flag",
	"initialized-condition", "containers-ready-condition", "kubectl-status-consistent",
}

// exercisedIDs audits the model's trace of builder name, run for until,
// which must pass, and returns the IDs of the properties it exercised.
func exercisedIDs(t *testing.T, name string, until time.Duration) []string {
	s := loadCase(t, name)
	acts, end, complete := run(t, s, until)
	var ids []string
	for _, o := range properties.Audit(ctxOf(s), properties.All(), acts, end, complete) {
		require.Nilf(t, o.Violation, "%s: %v", name, o.Violation)
		if o.Exercised {
			ids = append(ids, o.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

// TestSimpleScenarioExercisesLittle: a pod with nothing but one app
// container that runs to the end gives most properties nothing to judge:
// no init container (init-strict-order, app-after-init), no BackOff
// (backoff-cap, ...), no restart (first-restart-immediate, ...), no probe
// (probe-period, ...), no hook and no kill (the preStop properties, ...).
func TestSimpleScenarioExercisesLittle(t *testing.T) {
	got := exercisedIDs(t, "simple", 10*time.Minute)
	want := append([]string(nil), simpleExercised...)
	sort.Strings(want)
	require.Equal(t, want, got)
	require.Less(t, len(got), len(properties.All())/3)
	for _, id := range []string{"init-strict-order", "app-after-init", "sidecar-start-gating", "backoff-cap", "backoff-doubling",
		"backoff-reset-600s", "first-restart-immediate", "no-start-during-backoff", "restart-policy-honoured",
		"probe-period", "no-probe-after-exit", "liveness-failure-threshold", "prestop-before-stop-signal",
		"prestop-within-grace", "hook-bracketing", "stop-timeout-exact", "sigkill-by-grace-plus-2s", "grace-only-shrinks",
		"restart-count-monotone"} {
		_, ok := properties.ByID(id)
		require.Truef(t, ok, "no property %s", id)
		require.NotContainsf(t, got, id, "%s is exercised by a pod that gives it nothing to judge", id)
	}

	// An init container before the app container gives the init
	// properties something to judge, and nothing else.
	got = exercisedIDs(t, "simple-with-init", 10*time.Minute)
	want = append(want, "init-strict-order", "app-after-init", "exits-reported")
	sort.Strings(want)
	require.Equal(t, want, got)
}

// TestViolationsAreExercised: a property that reports a violation has
// judged something: over the broken traces of the mutation table, randomly
// damaged model traces and arbitrary traces.
func TestViolationsAreExercised(t *testing.T) {
	all := properties.All()
	checked := map[string]bool{}
	audit := func(name string, ctx *properties.Context, acts []model.Action, end time.Duration, complete bool) {
		for _, o := range properties.Audit(ctx, all, acts, end, complete) {
			if o.Violation != nil {
				checked[o.ID] = true
				require.Truef(t, o.Exercised, "%s: %s reports %v, but was not exercised", name, o.ID, o.Violation)
			}
		}
	}
	for k := range mutations {
		c := mutationCase(t, k)
		audit(c.name, c.ctx, c.acts, c.end, c.complete)
	}
	for _, p := range all {
		require.Truef(t, checked[p.ID], "no mutation breaks %s", p.ID)
	}

	r := rand.New(rand.NewPCG(17, 17))
	n := 300
	if testing.Short() || raceEnabled {
		n = 80
	}
	for k := 0; k < n; k++ {
		s := randomDoc(r, k).Model()
		acts, end, complete := run(t, s, 20*time.Minute)
		audit(fmt.Sprintf("damaged random scenario %d", k), ctxOf(s), damage(r, acts), end, complete)
	}
	s := loadCase(t, "typical")
	for k := 0; k < n; k++ {
		acts, at := arbitrary(r)
		audit(fmt.Sprintf("arbitrary trace %d", k), ctxOf(s), acts, at, r.IntN(2) == 0)
	}
}

// mutationCase is mutation k's broken trace, as TestMutations makes it.
func mutationCase(t *testing.T, k int) auditCase {
	m := mutations[k]
	s := loadCase(t, m.sc)
	until := m.until
	if until == 0 {
		until = 30 * time.Minute
	}
	acts, end, complete := run(t, s, until)
	bad := m.mutate(t, append([]model.Action(nil), acts...))
	return auditCase{fmt.Sprintf("mutation %d (%s)", k, m.id), ctxOf(s), bad, end, complete}
}

// damage edits a few random actions of a copy of acts: removes, repeats,
// retimes or retypes them, or changes their attempt and timeout.
func damage(r *rand.Rand, acts []model.Action) []model.Action {
	bad := append([]model.Action(nil), acts...)
	if len(bad) < 3 {
		return bad
	}
	kinds := []model.ActionKind{model.ActContainerStarted, model.ActContainerExited, model.ActStopSignal, model.ActSIGKILL,
		model.ActBackOff, model.ActHookStarted, model.ActHookEnded, model.ActProbeResult, model.ActDeleteRequested, model.ActStatus}
	for m := 1 + r.IntN(3); m > 0 && len(bad) >= 2; m-- {
		i := 1 + r.IntN(len(bad)-1)
		switch r.IntN(5) {
		case 0:
			bad = remove(bad, i)
		case 1:
			bad = shift(bad, i, time.Duration(r.IntN(20000)-10000)*time.Millisecond)
		case 2:
			bad = insert(bad, i, bad[r.IntN(len(bad))])
		case 3:
			bad[i].Kind = kinds[r.IntN(len(kinds))]
			if bad[i].Kind == model.ActStatus && bad[i].Status == nil {
				bad[i].Status = &v1.PodStatus{Phase: v1.PodRunning}
			}
		default:
			bad[i].Attempt += r.IntN(3) - 1
			bad[i].Timeout += int64(r.IntN(5) - 2)
		}
	}
	return bad
}

// arbitrary returns a trace of random actions about the typical pod's
// containers (and others), and its end.
func arbitrary(r *rand.Rand) ([]model.Action, time.Duration) {
	kinds := []model.ActionKind{model.ActSandboxCreated, model.ActContainerCreated, model.ActContainerStarted, model.ActHookStarted,
		model.ActHookEnded, model.ActProbeResult, model.ActStopSignal, model.ActSIGKILL, model.ActContainerExited, model.ActBackOff,
		model.ActDeleteRequested, model.ActSandboxStopped, model.ActPodRemoved, model.ActStatus}
	names := []string{"init-a", "init-b", "proxy", "web", "worker", "ghost"}
	var acts []model.Action
	at := time.Duration(0)
	for n := r.IntN(150); n > 0; n-- {
		at += time.Duration(r.IntN(20000)-2000) * time.Millisecond
		a := model.Action{At: at, Kind: kinds[r.IntN(len(kinds))], Container: names[r.IntN(len(names))], Attempt: r.IntN(3),
			Hook: pick(r, model.HookPostStart, model.HookPreStop), Probe: pick(r, model.Startup, model.Liveness, model.Readiness),
			Result:  pick(r, model.ResultOK, model.ResultFailed, model.ResultSuccess, model.ResultFailure),
			Timeout: int64(r.IntN(40)), Grace: int64(r.IntN(40)), Force: r.IntN(5) == 0, ExitCode: int32(r.IntN(3)),
			Wait: time.Duration(r.IntN(40)) * time.Second, Delay: time.Duration(r.IntN(400)) * time.Second}
		if a.Kind == model.ActStatus {
			a.Status = &v1.PodStatus{Phase: pick(r, v1.PodPending, v1.PodRunning, v1.PodSucceeded, v1.PodFailed),
				ContainerStatuses: []v1.ContainerStatus{{Name: pick(r, names...), Ready: r.IntN(2) == 0, Started: bptr(r.IntN(2) == 0),
					RestartCount: int32(r.IntN(3)), State: v1.ContainerState{Running: &v1.ContainerStateRunning{}}}}}
		}
		acts = append(acts, a)
	}
	return acts, at
}

// TestAuditAgreesWithCheckProps: over model traces (corpus, gen), damaged
// ones and broken ones (the mutation table), and any selection of
// properties, Audit returns one outcome per property in order, its
// violations are CheckProps' (and, over the catalogue, Check's), and
// whether a property is exercised does not depend on the others audited
// with it.
func TestAuditAgreesWithCheckProps(t *testing.T) {
	pool := corpusCases(t)
	g := gen.Scenario(gen.DefaultKnobs())
	for seed := 0; seed < 60; seed++ {
		pool = append(pool, genCase(t, g, seed))
	}
	for k := range mutations {
		pool = append(pool, mutationCase(t, k))
	}
	all := properties.All()
	rapid.Check(t, func(rt *rapid.T) {
		c := pool[rapid.IntRange(0, len(pool)-1).Draw(rt, "trace")]
		acts := c.acts
		if rapid.Bool().Draw(rt, "damaged") {
			r := rand.New(rand.NewPCG(rapid.Uint64().Draw(rt, "seed"), 1))
			acts = damage(r, acts)
		}
		var props []properties.Property
		for _, k := range rapid.SliceOfDistinct(rapid.IntRange(0, len(all)-1), rapid.ID[int]).Draw(rt, "props") {
			props = append(props, all[k])
		}
		if rapid.Bool().Draw(rt, "catalogue") {
			props = all
		}

		outs := properties.Audit(c.ctx, props, acts, c.end, c.complete)
		require.Len(rt, outs, len(props))
		var vs []properties.Violation
		for k, o := range outs {
			require.Equal(rt, props[k].ID, o.ID)
			if o.Violation != nil {
				require.Equal(rt, o.ID, o.Violation.ID)
				vs = append(vs, *o.Violation)
			}
		}
		require.Equalf(rt, properties.CheckProps(c.ctx, props, acts, c.end, c.complete), vs, "%s", c.name)
		if len(props) == len(all) {
			require.Equalf(rt, properties.Check(c.ctx, acts, c.end, c.complete), vs, "%s", c.name)
		}
		whole := map[string]properties.Outcome{}
		for _, o := range properties.Audit(c.ctx, all, acts, c.end, c.complete) {
			whole[o.ID] = o
		}
		for _, o := range outs {
			require.Equalf(rt, whole[o.ID], o, "%s: %s audited with others", c.name, o.ID)
		}
	})
}

// BenchmarkAudit and BenchmarkCheckProps check the typical trace with
// every property; they report ns per action.
func BenchmarkAudit(b *testing.B)      { benchWhole(b, true) }
func BenchmarkCheckProps(b *testing.B) { benchWhole(b, false) }

func benchWhole(b *testing.B, audit bool) {
	t := &testing.T{}
	s := loadCase(t, "typical")
	acts, end, complete := run(t, s, time.Hour)
	ctx := ctxOf(s)
	all := properties.All()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if audit {
			for _, o := range properties.Audit(ctx, all, acts, end, complete) {
				if o.Violation != nil {
					b.Fatal(o.Violation)
				}
			}
		} else if vs := properties.CheckProps(ctx, all, acts, end, complete); len(vs) > 0 {
			b.Fatal(vs[0])
		}
		n += len(acts)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/action")
}
