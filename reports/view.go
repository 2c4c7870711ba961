package reports

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/podconform/podconform/internal/runner"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/trace"
)

// Page is the view-model of a report: plain data, every figure and string
// the page shows, already decided.
type Page struct {
	Title   string
	Adapter string
	// Verdict is "conformant" or "not conformant"; OK says which.
	Verdict string
	OK      bool
	Config  []KV
	Totals  runner.Totals
	// Levels is the verdict at each conformance level, weakest first.
	Levels []LevelView
	// Headline says how many distinct failures the failures are ("8
	// distinct failures in 51 scenarios"); Groups lists them, most
	// frequent first.
	Headline string
	Groups   []GroupView
	// BaselineNote explains the known and new marks when the run had a
	// baseline.
	BaselineNote string
	// NotExercised names the invariants no scenario gave anything to
	// judge: no verdict on them.
	NotExercised []string
	Matrix       []MatrixRow
	// SelfTest is the mutation self-test's score (nil: none found).
	SelfTest *SelfTestView
	// Counterexamples are in scenario order.
	Counterexamples []*CEView
	// Properties offers the failing invariants, for the list's filter.
	Failing []string
}

// LevelView is one conformance level's verdict.
type LevelView struct {
	Name, Tolerance string
	Passed, Total   int
	Met, Decides    bool
}

// GroupView is one distinct failure: its check, the shape of its scenarios,
// its representative (shown first) and its other members.
type GroupView struct {
	Check, Shape string
	// Baseline is "known" or "new" when the run had a baseline.
	Baseline string
	Count    int
	Rep      MemberView
	Others   []MemberView
}

// ExpectedView is one action the model had taken and the adapter had not,
// with the rule that made the model take it.
type ExpectedView struct{ Action, Why string }

// MemberView links to one counterexample.
type MemberView struct {
	Index  int
	Anchor string
	Name   string
}

// KV is one line of the configuration table.
type KV struct{ Key, Value string }

// MatrixRow is one check (an invariant, the refinement check or the
// adapter's health) against the verdicts.
type MatrixRow struct {
	ID, Title string
	// Exact marks an exact-timing check (it counts at the exact level
	// only).
	Exact     bool
	Checked   int
	Exercised int
	Passed    int
	Failed    int
	// Status is pass, fail, not-exercised (no scenario gave the check
	// anything to judge: no verdict) or unchecked; First links to its
	// first counterexample.
	Status string
	First  string
}

// SelfTestView is the self-test's score.
type SelfTestView struct {
	Score   string // "18/18 mutants killed"
	OK      bool
	Seed    int
	Budget  string
	Mutants []Mutant
}

// CEView is one counterexample.
type CEView struct {
	Anchor  string
	Index   int
	Name    string
	Source  string
	Verdict string
	// Property is the broken check; Kind the divergence's or adapter
	// error's kind.
	Property, Kind string
	At             string
	Message        string
	// ShrunkMessage is the failure as the shrunk scenario shows it.
	ShrunkMessage string
	// The check's title, its doc and the semantics it cites.
	Title, Doc, Cites string
	// File is the scenario shown (the shrunk one when there is one);
	// Original the scenario as found, when shrinking changed it.
	File, Original string
	// ObservedFile and ExpectedFile are the full traces.
	ObservedFile, ExpectedFile string
	YAML                       string
	Replay                     string
	// Divergence details from the summary.
	Expected []ExpectedView
	Observed string
	// Why is the model's reason at the divergence.
	Why string
	// Broken lists every invariant the scenario breaks; Divergence is its
	// first divergence from the model (at the run's tolerance), when the
	// scenario's own verdict is not the divergence.
	Broken     []runner.BrokenInvariant
	Divergence *runner.DivergenceInfo
	Timeline   *Timeline
	// ExpectedTimeline is the model's, shown for divergences.
	ExpectedTimeline *Timeline
	Compare          *Comparison
	Problems         []string
}

// Meaning of the checks that are not invariants of the catalogue.
var builtinChecks = map[string]struct{ title, doc, cites string }{
	"refinement": {
		title: "every observed action is one the model allows, in time",
		doc: "The adapter's trace is replayed against the reference model step by step: each action must be " +
			"one the model allows at that point, no earlier than the model takes it and at most the run's " +
			"tolerance later, and every action the model takes must appear. A divergence is the first point " +
			"where this fails.",
		cites: "the reference model (model/), refinement check in internal/refine",
	},
	"refinement-exact": {
		title: "every observed action is one the model allows, at the model's moment",
		doc: "The refinement check at tolerance 0: each action at the very moment the model takes it. The exact " +
			"level needs it; the refinement level allows the run's tolerance instead.",
		cites: "the reference model (model/), refinement check in internal/refine",
	},
	"adapter-error": {
		title: "the adapter answers, within its time, by the protocol",
		doc: "The adapter crashed, hung past its timeout, or broke the adapter protocol, so no verdict on " +
			"the lifecycle could be reached for this scenario.",
		cites: "docs/adapter-protocol.md",
	},
}

// Build makes the view-model of in.
func Build(in *Input) *Page {
	s := in.Summary
	p := &Page{
		Adapter: s.Adapter.Name,
		Totals:  s.Totals,
		OK:      s.Conformant(),
	}
	p.Title = "podconform report: " + s.Adapter.Name
	p.Verdict = "not conformant"
	if p.OK {
		p.Verdict = "conformant"
	}
	p.Verdict += " at the " + string(s.Decider().Level) + " level"
	if t := s.Totals; t.Unsupported+t.OverBudget > 0 {
		// Skipped scenarios are no passes: the verdict says how many.
		p.Verdict += fmt.Sprintf("; %d scenarios skipped (%d unsupported by the adapter, %d over budget), no verdict on them", t.Unsupported+t.OverBudget, t.Unsupported, t.OverBudget)
		if t.Scenarios == 0 {
			p.OK = false
			p.Verdict = "NOTHING CHECKED: " + p.Verdict
		}
	}
	if s.StartError != "" {
		p.OK = false
		p.Verdict = "NOTHING RUN: the adapter did not start: " + s.StartError
	}
	if b := s.Baseline; b != nil {
		p.Verdict += fmt.Sprintf("; against the baseline %s: %d new distinct failure%s, %d known", b.File, b.New, plural(b.New), b.Known)
		p.BaselineNote = fmt.Sprintf("Baseline %s: failures marked known are accepted; only new ones fail the run.", b.File)
		if len(b.Gone) > 0 {
			p.BaselineNote += fmt.Sprintf(" %d it lists were not seen in this run (fixed, or not reached): %s.", len(b.Gone), strings.Join(b.Gone, "; "))
		}
	}
	if s.Incomplete {
		p.OK = false
		p.Verdict = fmt.Sprintf("INCOMPLETE (interrupted: %d scenarios cut, %d not run); ", s.Totals.Interrupted, s.Totals.NotRun) + p.Verdict
	}
	p.Config = config(s)
	p.Matrix = matrix(s)
	p.Levels = levels(s)
	p.Groups = groups(s)
	if n := len(s.Failures); n > 0 {
		p.Headline = fmt.Sprintf("%d distinct failure%s in %d scenario%s", len(s.Groups), plural(len(s.Groups)), n, plural(n))
	}
	for _, ps := range s.Properties {
		if ps.Exercised == 0 {
			p.NotExercised = append(p.NotExercised, ps.ID)
		}
	}
	if in.SelfTest != nil {
		st := in.SelfTest
		p.SelfTest = &SelfTestView{
			Score: fmt.Sprintf("%d/%d mutants killed", st.Killed, st.Total), OK: st.Total > 0 && st.Killed == st.Total,
			Seed: st.Seed, Budget: st.Budget, Mutants: st.Mutants,
		}
	}
	seen := map[string]bool{}
	for _, o := range s.Failures {
		p.Counterexamples = append(p.Counterexamples, ceView(in, o))
		if !seen[o.Property] {
			seen[o.Property] = true
			p.Failing = append(p.Failing, o.Property)
		}
	}
	return p
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func levels(s *runner.Summary) []LevelView {
	var out []LevelView
	for _, l := range s.Levels {
		out = append(out, LevelView{Name: string(l.Level), Tolerance: l.Tolerance, Passed: l.Passed, Total: l.Passed + l.Failed, Met: l.Met, Decides: l.Decides})
	}
	return out
}

func groups(s *runner.Summary) []GroupView {
	by := map[int]*runner.Outcome{}
	for _, o := range s.Failures {
		by[o.Index] = o
	}
	member := func(i int) MemberView {
		m := MemberView{Index: i, Anchor: fmt.Sprintf("ce-%d", i)}
		if o := by[i]; o != nil {
			m.Name = o.Name
		}
		return m
	}
	var out []GroupView
	for _, g := range s.Groups {
		gv := GroupView{Check: g.Check, Shape: g.Shape, Count: g.Count, Rep: member(g.Representative)}
		if s.Baseline != nil {
			gv.Baseline = "new"
			if g.Known {
				gv.Baseline = "known"
			}
		}
		for _, i := range g.Members {
			if i != g.Representative {
				gv.Others = append(gv.Others, member(i))
			}
		}
		out = append(out, gv)
	}
	return out
}

func config(s *runner.Summary) []KV {
	adapter := s.Adapter.Name
	if s.Adapter.Version != "" {
		adapter += " " + s.Adapter.Version
	}
	kv := []KV{
		{"adapter", adapter},
		{"mode", s.Adapter.Mode},
		{"adapter flags", s.Adapter.Spec},
		{"observes", strings.Join(s.Adapter.Observes, ", ")},
		{"seed", fmt.Sprint(s.Config.Seed)},
		{"checks", fmt.Sprintf("%d generated after %d corpus scenarios", s.Config.Checks, s.Config.Corpus)},
		{"profile", s.Config.Profile},
		{"tolerance", s.Config.Tolerance + " (the refinement level's; the exact level's is 0)"},
		{"deciding level", orNone(s.Config.Level, string(runner.LevelExact))},
		{"shard", orNone(s.Config.Shard, "none (the whole run)")},
		{"podconform version", orNone(s.Version, "unknown")},
	}
	if s.Config.TimeBudget != "" {
		kv = append(kv, KV{"time budget", s.Config.TimeBudget})
	}
	if len(s.Config.CorpusSkipped) > 0 {
		kv = append(kv, KV{"corpus skipped", strings.Join(s.Config.CorpusSkipped, ", ")})
	}
	return kv
}

func orNone(v, none string) string {
	if v == "" {
		return none
	}
	return v
}

func matrix(s *runner.Summary) []MatrixRow {
	// Each check links to the first failure that breaks it, first or not.
	first := map[string]string{}
	note := func(id string, o *runner.Outcome) {
		if _, ok := first[id]; !ok {
			first[id] = anchor(o)
		}
	}
	for _, o := range s.Failures {
		note(o.Property, o)
		for _, b := range o.Broken {
			note(b.ID, o)
		}
		if o.Divergence != nil {
			note("refinement", o)
			note("refinement-exact", o)
		}
		if o.ExactDivergence != nil {
			note("refinement-exact", o)
		}
	}
	row := func(ps runner.PropertyStat) MatrixRow {
		r := MatrixRow{ID: ps.ID, Title: ps.Title, Exact: ps.Exact, Checked: ps.Checked, Exercised: ps.Exercised,
			Failed: ps.Violated, Passed: ps.Exercised - ps.Violated, First: first[ps.ID]}
		switch {
		case ps.Violated > 0:
			r.Status = "fail"
		case ps.Checked == 0:
			r.Status = "unchecked"
		case ps.Exercised == 0:
			r.Status = "not-exercised"
		default:
			r.Status = "pass"
		}
		return r
	}
	var rows []MatrixRow
	for _, ps := range s.Properties {
		rows = append(rows, row(ps))
	}
	rows = append(rows, row(s.Refinement), row(s.RefinementExact))
	health := runner.PropertyStat{ID: "adapter-error", Title: builtinChecks["adapter-error"].title,
		Checked: s.Totals.Scenarios, Exercised: s.Totals.Scenarios, Violated: s.Totals.AdapterErrors}
	rows = append(rows, row(health))
	return rows
}

func anchor(o *runner.Outcome) string { return fmt.Sprintf("ce-%d", o.Index) }

func ceView(in *Input, o *runner.Outcome) *CEView {
	c := &CEView{
		Anchor: anchor(o), Index: o.Index, Name: o.Name, Source: o.Source, Verdict: string(o.Verdict),
		Property: o.Property, Kind: o.Kind, At: o.At, Message: o.Message, ShrunkMessage: o.ShrunkMessage,
		Observed: o.Observed, Why: o.Why, Broken: o.Broken,
	}
	for i, e := range o.Expected {
		ev := ExpectedView{Action: e}
		if i < len(o.ExpectedWhy) {
			ev.Why = o.ExpectedWhy[i]
		}
		c.Expected = append(c.Expected, ev)
	}
	if o.Verdict != runner.Divergence {
		c.Divergence = o.Divergence
	}
	if c.ShrunkMessage == c.Message {
		c.ShrunkMessage = ""
	}
	if p, ok := properties.ByID(o.Property); ok {
		c.Title, c.Doc, c.Cites = p.Title, p.Doc, p.Source
	} else if b, ok := builtinChecks[o.Property]; ok {
		c.Title, c.Doc, c.Cites = b.title, b.doc, b.cites
	}
	c.File, c.Original = o.File, ""
	if o.Shrunk != "" {
		c.File, c.Original = o.Shrunk, o.File
	}
	c.Replay = replayCommand(in.Dir, o.Replay)
	if in.Invocation != "" && strings.HasPrefix(c.Replay, "podconform ") {
		c.Replay = in.Invocation + strings.TrimPrefix(c.Replay, "podconform")
	}
	if c.File == "" {
		c.Problems = append(c.Problems, "no counterexample file was saved (the run had no output directory)")
		return c
	}
	sv := in.Saved[c.File]
	if sv == nil {
		c.Problems = append(c.Problems, "the counterexample's files were not read")
		return c
	}
	c.YAML = string(sv.YAML)
	c.Problems = append(c.Problems, sv.Problems...)
	if sv.Observed != nil {
		c.ObservedFile = strings.TrimSuffix(c.File, path.Ext(c.File)) + runner.ObservedSuffix
	}
	if sv.Expected != nil {
		c.ExpectedFile = strings.TrimSuffix(c.File, path.Ext(c.File)) + runner.ExpectedSuffix
	}
	// The moment to highlight: where the shown scenario fails.
	mark, hasMark := time.Duration(0), false
	if sv.Doc != nil && sv.Doc.Metadata.Counterexample != nil {
		mark, hasMark = sv.Doc.Metadata.Counterexample.At.Duration, true
	} else if d, err := time.ParseDuration(o.At); err == nil {
		mark, hasMark = d, true
	}
	if c.At == "" && hasMark {
		c.At = mark.String()
	}
	opt := TimelineOptions{Mark: mark, HasMark: hasMark}
	if sv.Doc != nil {
		for _, ic := range sv.Doc.Pod.Spec.InitContainers {
			opt.Containers = append(opt.Containers, ic.Name)
		}
		for _, ac := range sv.Doc.Pod.Spec.Containers {
			opt.Containers = append(opt.Containers, ac.Name)
		}
	}
	// Both pictures share an axis, so they can be read one above the other.
	for _, t := range []*trace.Document{sv.Observed, sv.Expected} {
		if t != nil && len(t.Actions) > 0 {
			opt.End = max(opt.End, t.Actions[len(t.Actions)-1].At)
		}
	}
	// Each picture stops where its own trace ends.
	dataEnd := func(t *trace.Document) time.Duration {
		if n := len(t.Actions); n > 0 {
			return max(t.Actions[n-1].At, 1)
		}
		return 1
	}
	if sv.Observed != nil {
		o := opt
		o.DataEnd = dataEnd(sv.Observed)
		tl := BuildTimeline(sv.Observed.Actions, o)
		c.Timeline = &tl
	}
	if sv.Expected != nil && sv.Observed != nil {
		// The model's trace as the adapter would report it.
		expected := sv.Expected.Actions
		if obs, err := properties.ParseObservables(in.Summary.Adapter.Observes); err == nil {
			expected = properties.Restrict(expected, obs)
		}
		copt := CompareOptions{Mark: mark, HasMark: hasMark, Refinement: o.Verdict == runner.Divergence}
		if sv.Doc != nil && sv.Doc.Metadata.Counterexample != nil && sv.Doc.Metadata.Counterexample.Action != nil {
			copt.Action, copt.HasAction = *sv.Doc.Metadata.Counterexample.Action, true
		}
		if copt.Refinement && o.Observed != "" {
			// The summary's observed action, without its time.
			_, copt.Focus, _ = strings.Cut(o.Observed, " ")
			if strings.HasPrefix(copt.Focus, "Status ") {
				copt.Focus = "Status"
			}
		}
		cmp := Compare(expected, sv.Observed.Actions, copt)
		c.Compare = &cmp
		if o.Verdict == runner.Divergence && !cmp.Same {
			eo := opt
			eo.DataEnd = dataEnd(sv.Expected)
			tl := BuildTimeline(sv.Expected.Actions, eo)
			c.ExpectedTimeline = &tl
		}
	}
	return c
}

// replayCommand makes the summary's replay command (paths relative to the
// output directory) usable from where the report was rendered.
func replayCommand(dir, replay string) string {
	if replay == "" || dir == "" || dir == "." {
		return replay
	}
	d := strings.ReplaceAll(dir, `\`, "/")
	from := "--corpus " + runner.CounterexampleDir + "/"
	to := "--corpus " + path.Join(d, runner.CounterexampleDir) + "/"
	r := strings.Replace(replay, from, to, 1)
	// Beside the run's output directory, never in it.
	return strings.Replace(r, "--out "+runner.ReplayOut, "--out "+path.Clean(d)+"-replay", 1)
}
