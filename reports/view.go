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
	Matrix  []MatrixRow
	// SelfTest is the mutation self-test's score (nil: none found).
	SelfTest *SelfTestView
	// Counterexamples are in scenario order.
	Counterexamples []*CEView
	// Properties offers the failing invariants, for the list's filter.
	Failing []string
}

// KV is one line of the configuration table.
type KV struct{ Key, Value string }

// MatrixRow is one check (an invariant, the refinement check or the
// adapter's health) against the verdicts.
type MatrixRow struct {
	ID, Title string
	Checked   int
	Passed    int
	Failed    int
	// Status is pass, fail or unchecked; First links to its first
	// counterexample.
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
	Expected []string
	Observed string
	Timeline *Timeline
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
	p.Config = config(s)
	p.Matrix = matrix(s)
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
		{"tolerance", s.Config.Tolerance},
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
	first := map[string]string{}
	for _, o := range s.Failures {
		if _, ok := first[o.Property]; !ok {
			first[o.Property] = anchor(o)
		}
	}
	row := func(ps runner.PropertyStat) MatrixRow {
		r := MatrixRow{ID: ps.ID, Title: ps.Title, Checked: ps.Checked, Failed: ps.Violated, Passed: ps.Checked - ps.Violated, First: first[ps.ID]}
		switch {
		case ps.Violated > 0:
			r.Status = "fail"
		case ps.Checked == 0:
			r.Status = "unchecked"
		default:
			r.Status = "pass"
		}
		return r
	}
	var rows []MatrixRow
	for _, ps := range s.Properties {
		rows = append(rows, row(ps))
	}
	rows = append(rows, row(s.Refinement))
	health := runner.PropertyStat{ID: "adapter-error", Title: builtinChecks["adapter-error"].title,
		Checked: s.Totals.Scenarios, Violated: s.Totals.AdapterErrors}
	rows = append(rows, row(health))
	return rows
}

func anchor(o *runner.Outcome) string { return fmt.Sprintf("ce-%d", o.Index) }

func ceView(in *Input, o *runner.Outcome) *CEView {
	c := &CEView{
		Anchor: anchor(o), Index: o.Index, Name: o.Name, Source: o.Source, Verdict: string(o.Verdict),
		Property: o.Property, Kind: o.Kind, At: o.At, Message: o.Message, ShrunkMessage: o.ShrunkMessage,
		Expected: o.Expected, Observed: o.Observed,
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
	if sv.Observed != nil {
		tl := BuildTimeline(sv.Observed.Actions, opt)
		c.Timeline = &tl
	}
	if sv.Expected != nil && sv.Observed != nil {
		// The model's trace as the adapter would report it.
		expected := sv.Expected.Actions
		if obs, err := properties.ParseObservables(in.Summary.Adapter.Observes); err == nil {
			expected = properties.Restrict(expected, obs)
		}
		copt := CompareOptions{Mark: mark, HasMark: hasMark, Refinement: o.Verdict == runner.Divergence}
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
			tl := BuildTimeline(sv.Expected.Actions, opt)
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
	from := "--corpus " + runner.CounterexampleDir + "/"
	to := "--corpus " + path.Join(strings.ReplaceAll(dir, `\`, "/"), runner.CounterexampleDir) + "/"
	return strings.Replace(replay, from, to, 1)
}
