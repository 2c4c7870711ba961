package gopterharness

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

// counterexampleDir is where failures found here are saved.
const counterexampleDir = "testdata/counterexamples"

// saveCounterexample saves a failing search's counterexample and returns
// the command that replays it.
func saveCounterexample(t *testing.T, r Result) string {
	t.Helper()
	if r.Counterexample == nil {
		return "(no counterexample scenario)"
	}
	if err := r.Counterexample.Validate(); err != nil {
		return fmt.Sprintf("(the counterexample is not a valid scenario: %v)", err)
	}
	path, err := check.Save(counterexampleDir, r.Counterexample)
	if err != nil {
		return fmt.Sprintf("(the counterexample could not be saved: %v)", err)
	}
	return "replay: go run ./cmd/podconform replay internal/gopterharness/" + filepath.ToSlash(path)
}

// referenceSeed is the seed of the reference model's search. (With other
// seeds the search finds the reference model's known bugs; see
// testdata/counterexamples.)
const referenceSeed = 5

// minLabels are the least number of the reference search's sequences that
// must exercise each feature.
var minLabels = map[string]int{
	FeatInit:          40,
	FeatSidecar:       40,
	FeatRestart:       40,
	FeatCrashLoop:     20,
	FeatBackOff:       20,
	FeatLivenessKill:  3,
	FeatStartupKill:   2,
	FeatStartupProbe:  20,
	FeatReadinessFlap: 10,
	FeatPostStart:     20,
	FeatPreStop:       10,
	FeatHookFailed:    10,
	FeatHookAbandoned: 10,
	FeatDelete:        20,
	FeatForceDelete:   10,
	FeatGraceShrunk:   2,
	FeatSIGKILL:       20,
	FeatOOM:           5,
	FeatTerminal:      20,
	FeatRemoved:       20,
}

// TestReferenceModel: the reference model passes gopter's command
// sequences, and the sequences exercise every feature.
func TestReferenceModel(t *testing.T) {
	const n = 200
	start := time.Now()
	r := Search(0, referenceSeed, n)
	t.Logf("%d sequences in %v; labels:%s", r.Tests, time.Since(start).Round(time.Millisecond), FormatLabels(r.Labels))
	if !r.Passed {
		t.Fatalf("the reference model fails (%s)\n%s\n%s", r.Violation, r.Report, saveCounterexample(t, r))
	}
	if r.Tests < n {
		t.Errorf("only %d sequences ran, want %d", r.Tests, n)
	}
	for _, f := range Features() {
		if r.Labels[f] < minLabels[f] {
			t.Errorf("feature %s: %d sequences, want at least %d", f, r.Labels[f], minLabels[f])
		}
	}
	for f := range r.Labels {
		if _, ok := minLabels[f]; !ok {
			t.Errorf("label %q is not a feature", f)
		}
	}
}

// TestSearchDeterministic: a search is a function of its seed.
func TestSearchDeterministic(t *testing.T) {
	a := Search(model.MutGraceGrows, 3, 60)
	b := Search(model.MutGraceGrows, 3, 60)
	if a.Passed != b.Passed || a.Violation != b.Violation || a.Tests != b.Tests || FormatLabels(a.Labels) != FormatLabels(b.Labels) {
		t.Fatalf("two searches with the same seed differ:\n%s\n%s", a.Report, b.Report)
	}
}

// expect says which searches must kill a mutant.
type expect int

const (
	// bothKill: the scenario-based search and gopter must both kill it.
	bothKill expect = iota
	// scenarioKills: the scenario-based search must kill it; gopter is not
	// expected to (it needs long stretches of virtual time).
	scenarioKills
	// noKill: no trace property can tell the mutant from the reference
	// model; a "kill" is a reference-model failure in disguise.
	noKill
)

type mutantCase struct {
	name   string
	expect expect
	budget int // gopter sequences
	why    string
}

var mutantCases = []mutantCase{
	{"app-during-init", bothKill, 400, ""},
	{"parallel-init", bothKill, 400, ""},
	{"first-restart-delayed", bothKill, 400, ""},
	{"no-grace-floor", bothKill, 400, ""},
	{"prestop-second-grace", bothKill, 400, ""},
	{"readiness-before-startup", bothKill, 400, ""},
	{"sidecars-first", bothKill, 400, ""},
	{"succeeded-nonzero", bothKill, 400, ""},
	{"grace-grows", bothKill, 400, ""},
	{"liveness-early", bothKill, 400, ""},
	{"poststart-nonblocking", bothKill, 400, ""},
	{"no-sidecar-gating", bothKill, 400, ""},
	{"ready-at-start", bothKill, 400, ""},
	{"never-restarts-init", bothKill, 400, ""},
	{"backoff-cap-320", scenarioKills, 300,
		"needs about 6 crash-loop restarts, their back-offs doubling up to the cap, in one sequence; " +
			"gopter gets there mostly on profiles with a short initial back-off, so it is not required to"},
	{"no-backoff-reset", scenarioKills, 300,
		"needs a run longer than the back-off reset (600 s by default) after a restart, with no timer in between; " +
			"gopter gets there mostly on profiles with a short reset, so it is not required to"},
	{"restart-count-stuck", scenarioKills, 300,
		"needs more than 5 restarts of one container, each after its back-off, in one sequence; " +
			"gopter is not required to get there"},
	{"gates-ignored", bothKill, 400, ""},
	{"force-delete-graceful", noKill, 200,
		"the mutant turns a force delete into a delete with the pod's grace period, whose trace is exactly " +
			"the reference model's trace of `delete(grace=-1)`: no property over traces can tell them apart"},
}

// gopterSeed is the seed of the mutant searches.
const gopterSeed = 1

// scenarioDocs are the scenario-based search's scenarios, as podconform
// selftest draws them: small ones and ones with long runs, alternately.
type scenarioDocs struct {
	once sync.Once
	docs []*scenario.Document
	// refBad caches whether a scenario fails on the reference model:
	// 0 unknown, 1 passes, 2 fails.
	refBad []uint8
}

func (s *scenarioDocs) get(n int) []*scenario.Document {
	s.once.Do(func() {
		small := gen.DefaultKnobs()
		small.LongRuns = false
		long := gen.DefaultKnobs()
		for i := 0; i < n; i++ {
			k := small
			if i%2 == 1 {
				k = long
			}
			s.docs = append(s.docs, gen.Scenario(k).Example(i))
		}
		s.refBad = make([]uint8, n)
	})
	return s.docs
}

func (s *scenarioDocs) referenceFails(i int) bool {
	if s.refBad[i] == 0 {
		d := s.docs[i]
		res, err := check.Run(d, check.Options{Until: gen.Until(d)})
		s.refBad[i] = 1
		if err != nil || res.Violation != nil {
			s.refBad[i] = 2
		}
	}
	return s.refBad[i] == 2
}

// scenarioVerdict is the scenario-based search's verdict on one mutant.
type scenarioVerdict struct {
	killed   bool
	index    int    // of the killing scenario
	property string // it broke
	refFails int    // scenarios passed over because the reference model fails them too
}

func scenarioSearch(t *testing.T, s *scenarioDocs, mut model.Mutation) scenarioVerdict {
	var v scenarioVerdict
	for i, d := range s.docs {
		res, err := check.Run(d, check.Options{Mutation: mut, Until: gen.Until(d)})
		if err != nil {
			if s.referenceFails(i) {
				v.refFails++
				continue
			}
			t.Errorf("scenario %d on the mutant: %v", i, err)
			continue
		}
		if res.Violation == nil {
			continue
		}
		if s.referenceFails(i) {
			v.refFails++
			continue
		}
		v.killed, v.index, v.property = true, i, res.Violation.ID
		return v
	}
	return v
}

// TestCrossCheckMutants compares gopter's verdict on each mutant with the
// scenario-based search's (gen.Scenario examples run with check.Run, as
// podconform selftest does). A kill counts only if the reference model
// passes the same scenario, or the same command sequence.
func TestCrossCheckMutants(t *testing.T) {
	nDocs := 600
	if testing.Short() {
		nDocs = 400
	}
	var docs scenarioDocs
	start := time.Now()
	docs.get(nDocs)
	t.Logf("%d scenarios generated in %v", nDocs, time.Since(start).Round(time.Millisecond))

	byName := map[string]model.MutationInfo{}
	for _, mi := range model.Mutations() {
		byName[mi.Name] = mi
	}
	if len(mutantCases) != len(byName) {
		t.Errorf("%d mutant cases for %d mutants", len(mutantCases), len(byName))
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-26s %-13s %-44s %-44s\n", "mutant", "expect", "scenario search (check.Run)", "gopter")
	for _, mc := range mutantCases {
		mi, ok := byName[mc.name]
		if !ok {
			t.Errorf("no mutant %q", mc.name)
			continue
		}
		t0 := time.Now()
		sv := scenarioSearch(t, &docs, mi.Mutation)
		st := time.Since(t0)
		t0 = time.Now()
		budget := mc.budget
		if testing.Short() && mc.expect != bothKill {
			budget /= 2
		}
		gr := Search(mi.Mutation, gopterSeed, budget)
		gt := time.Since(t0)

		sCol := fmt.Sprintf("survived %d scenarios", len(docs.docs))
		if sv.killed {
			sCol = fmt.Sprintf("killed #%d by %s", sv.index, sv.property)
		}
		if sv.refFails > 0 {
			sCol += fmt.Sprintf(" (%d ref-fail)", sv.refFails)
		}
		gCol := fmt.Sprintf("survived %d sequences", gr.Tests)
		if gr.Violation != "" {
			gCol = fmt.Sprintf("killed after %d by %s", gr.Tests, gr.Violation)
		}
		exp := [...]string{"both", "scenario", "none"}[mc.expect]
		fmt.Fprintf(&table, "%-26s %-13s %-44s %-44s  [%v + %v]\n", mc.name, exp, sCol, gCol, st.Round(time.Millisecond), gt.Round(time.Millisecond))

		wantScenario := mc.expect == bothKill || mc.expect == scenarioKills
		wantGopter := mc.expect == bothKill
		if wantScenario && !sv.killed {
			t.Errorf("%s: the scenario-based search did not kill it in %d scenarios", mc.name, len(docs.docs))
		}
		if wantGopter && gr.Violation == "" {
			t.Errorf("%s: gopter did not kill it in %d sequences\n%s", mc.name, gr.Tests, gr.Report)
		}
		if gr.Violation == idModelError || gr.Violation == idDivergence || gr.Violation == "panic" {
			t.Errorf("%s: gopter's search broke: %s\n%s", mc.name, gr.Violation, gr.Report)
		}
		if !wantGopter && gr.Violation != "" {
			t.Logf("%s: gopter killed it although not required to", mc.name)
		}
		if !wantScenario && sv.killed {
			t.Logf("%s: the scenario-based search killed it although not expected to", mc.name)
		}
	}
	t.Logf("verdicts:\n%s", table.String())
	for _, mc := range mutantCases {
		if mc.why != "" {
			t.Logf("%s: %s", mc.name, mc.why)
		}
	}
}
