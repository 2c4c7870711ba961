package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/internal/bounded"
	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/internal/refine"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
	"github.com/podconform/podconform/trace"
)

// File names in the output directory.
const (
	SummaryFile       = "summary.json"
	JUnitFile         = "junit.xml"
	CounterexampleDir = "counterexamples"
	// SummaryKind is the kind of a summary document.
	SummaryKind = "RunSummary"
)

// Summary is the result of a run. Its JSON form is deterministic: it holds
// no wall-clock figures, and scenarios appear in their order.
type Summary struct {
	APIVersion string      `json:"apiVersion"`
	Kind       string      `json:"kind"`
	Version    string      `json:"version,omitempty"`
	Adapter    AdapterInfo `json:"adapter"`
	Config     Config      `json:"config"`
	Totals     Totals      `json:"totals"`
	// Levels says, for each conformance level (weakest first), how many
	// scenarios meet it and whether the implementation does.
	Levels []LevelStat `json:"levels"`
	// Groups are the distinct failures: the failures at the deciding
	// level grouped by signature, most frequent first.
	Groups []*Group `json:"groups"`
	// Incomplete says the run was interrupted (Ctrl-C, SIGTERM): the
	// summary covers the scenarios that finished.
	Incomplete bool `json:"incomplete,omitempty"`
	// StartError says why the adapter could not be started (its program
	// did not run, or did not say hello in time): no scenario ran.
	StartError string `json:"startError,omitempty"`
	// Baseline is what the run found against its baseline (--baseline):
	// then only failures it does not list fail the run.
	Baseline *BaselineUse `json:"baseline,omitempty"`
	// Properties are the invariants checked, with counts, in catalogue
	// order; Refinement counts the check against the model at the run's
	// tolerance, RefinementExact at tolerance 0.
	Properties      []PropertyStat `json:"properties"`
	Refinement      PropertyStat   `json:"refinement"`
	RefinementExact PropertyStat   `json:"refinementExact"`
	// Failures are the scenarios that did not pass at the deciding level,
	// in scenario order.
	Failures []*Outcome `json:"failures"`
	// OverBudget lists the scenarios too big to check (the reference
	// model itself exceeds a run's budget), with the budget each exceeded.
	OverBudget []*Outcome `json:"overBudget,omitempty"`
	// Unsupported lists the scenarios the adapter cannot express (skipped,
	// no verdict).
	Unsupported []*Outcome `json:"unsupported,omitempty"`
}

// LevelStat counts one conformance level over the run.
type LevelStat struct {
	Level Level `json:"level"`
	// Tolerance is the refinement's tolerance at this level ("" for the
	// invariants level, which does not compare with the model).
	Tolerance string `json:"tolerance,omitempty"`
	// Passed counts the scenarios that meet it, Failed those that do not
	// (adapter errors included).
	Passed int `json:"passed"`
	Failed int `json:"failed"`
	// Met says every scenario run meets it (and at least one ran).
	Met bool `json:"met"`
	// Decides says it is the level that decides the verdicts and the exit
	// code.
	Decides bool `json:"decides,omitempty"`
}

// Group is one distinct failure: the failures with one signature (the
// broken check and the shape of the shrunk counterexample).
type Group struct {
	// Signature is the group's key: Check, then Shape.
	Signature string `json:"signature"`
	// Check is the invariant's ID, "refinement (KIND)" or
	// "adapter-error (KIND)".
	Check string `json:"check"`
	// Shape describes the scenario's structure, without its names and
	// times (see scenario shape).
	Shape string `json:"shape"`
	Count int    `json:"count"`
	// Representative is the index of the member shown (the one with the
	// smallest counterexample, then the first); Members every member's
	// index, in scenario order.
	Representative int   `json:"representative"`
	Members        []int `json:"members"`
	// Known says the run's baseline lists the signature: an accepted
	// failure, which does not fail the run.
	Known bool `json:"known,omitempty"`
}

// AdapterInfo describes the adapter in a summary.
type AdapterInfo struct {
	Name     string   `json:"name"`
	Version  string   `json:"version,omitempty"`
	Mode     string   `json:"mode"`
	Observes []string `json:"observes"`
	Spec     string   `json:"spec,omitempty"`
}

// Config is the run's configuration.
type Config struct {
	Seed      int64  `json:"seed"`
	Checks    int    `json:"checks"`
	Corpus    int    `json:"corpus"`
	Tolerance string `json:"tolerance"`
	Shard     string `json:"shard,omitempty"`
	// TimeBudget is set when the run was bounded by time (the summary then
	// depends on the machine's speed).
	TimeBudget string `json:"timeBudget,omitempty"`
	// Profile is the profile of generated scenarios (each scenario may
	// vary it; see the scenario files).
	Profile string `json:"profile"`
	// Level is the conformance level that decides the verdicts and the
	// exit code.
	Level string `json:"level"`
	// CorpusSkipped lists the corpus files left out because their profile
	// is not the default one (Options.FixedProfile).
	CorpusSkipped []string `json:"corpusSkipped,omitempty"`
	// MaxUntil is the cap on every scenario's time limit (Options.MaxUntil).
	MaxUntil string `json:"maxUntil,omitempty"`
	// Knobs shaped every generated scenario (Options.Knobs); absent:
	// podconform's own mix.
	Knobs *gen.Knobs `json:"knobs,omitempty"`
}

// Totals count scenarios by verdict.
type Totals struct {
	Scenarios     int `json:"scenarios"`
	Passed        int `json:"passed"`
	Violations    int `json:"violations"`
	Divergences   int `json:"divergences"`
	AdapterErrors int `json:"adapterErrors"`
	// NotRun counts scenarios of the shard not run (time budget or
	// interruption); Interrupted those cut short by an interruption (no
	// verdict on them).
	NotRun      int `json:"notRun,omitempty"`
	Interrupted int `json:"interrupted,omitempty"`
	// OverBudget counts scenarios too big to check within a run's budget
	// (Summary.OverBudget lists them): no verdict on them.
	OverBudget int `json:"overBudget,omitempty"`
	// Unsupported counts scenarios the adapter cannot express
	// (Summary.Unsupported lists them): skipped, no verdict on them.
	Unsupported int `json:"unsupported,omitempty"`
	// OtherKillOrder counts scenarios, whatever their verdict, where the
	// implementation killed the containers of one sync in another order
	// than the model's first (the kubelet's Go map order; see
	// model.Choice), which the check accepted and followed.
	OtherKillOrder int `json:"otherKillOrder,omitempty"`
	// Distinct counts the distinct failures (Summary.Groups).
	Distinct int `json:"distinct"`
}

// PropertyStat counts one check over the run.
type PropertyStat struct {
	ID    string `json:"id"`
	Title string `json:"title,omitempty"`
	// Exact marks an exact-timing invariant (Property.Exact): it counts
	// at the exact level only.
	Exact bool `json:"exact,omitempty"`
	// Checked counts the scenarios whose trace the check read (up to an
	// adapter error, if any); Exercised those of them that gave it
	// something to judge; Violated those it failed, whatever else the
	// scenario broke.
	Checked   int `json:"checked"`
	Exercised int `json:"exercised"`
	Violated  int `json:"violated"`
}

// BrokenInvariant is one invariant a scenario breaks.
type BrokenInvariant struct {
	ID      string `json:"id"`
	At      string `json:"at"`
	Message string `json:"message"`
	// Exact marks an exact-timing invariant (counted at the exact level
	// only).
	Exact bool `json:"exact,omitempty"`
}

// DivergenceInfo is a scenario's first divergence from the model.
type DivergenceInfo struct {
	Kind    string `json:"kind"`
	At      string `json:"at"`
	Message string `json:"message"`
	// Why is the rule that made the model act (or not) as it did.
	Why       string `json:"why,omitempty"`
	Tolerance string `json:"tolerance"`
}

// Outcome is one scenario's result.
type Outcome struct {
	Index   int     `json:"index"`
	Name    string  `json:"name"`
	Source  string  `json:"source"`
	Verdict Verdict `json:"verdict"`
	// Property is the broken invariant, "refinement" for a divergence, or
	// "adapter-error".
	Property string `json:"property,omitempty"`
	// Kind is the divergence's or the adapter error's kind.
	Kind    string `json:"kind,omitempty"`
	At      string `json:"at,omitempty"`
	Message string `json:"message,omitempty"`
	// Expected is what the model had done and the adapter had not (for a
	// divergence), with the rule behind each in ExpectedWhy; Observed the
	// adapter's action at the divergence; Why the reason for the
	// divergence, in the model's terms.
	Expected    []string `json:"expected,omitempty"`
	ExpectedWhy []string `json:"expectedWhy,omitempty"`
	Observed    string   `json:"observed,omitempty"`
	Why         string   `json:"why,omitempty"`
	// File is the saved counterexample, relative to the output directory;
	// Shrunk the shrunk one (when shrinking made it smaller).
	File   string `json:"file,omitempty"`
	Shrunk string `json:"shrunk,omitempty"`
	// ShrunkMessage is the failure as the shrunk scenario shows it.
	ShrunkMessage string `json:"shrunkMessage,omitempty"`
	// Replay is the command that re-runs the counterexample.
	Replay string `json:"replay,omitempty"`
	// Broken lists every invariant the whole observed trace breaks, at
	// any level, first found first; Divergence is the first divergence
	// from the model at the run's tolerance and ExactDivergence at 0 (when
	// they differ).
	Broken          []BrokenInvariant `json:"broken,omitempty"`
	Divergence      *DivergenceInfo   `json:"divergence,omitempty"`
	ExactDivergence *DivergenceInfo   `json:"exactDivergence,omitempty"`
	// Meets lists the levels the scenario meets.
	Meets []Level `json:"meets"`
	// Group is the signature of the failure's group (Summary.Groups).
	Group string `json:"group,omitempty"`
	// Size is the shown counterexample's size (containers plus events),
	// which picks a group's representative.
	Size int `json:"size,omitempty"`

	checked    bool // the checks read the trace
	otherOrder bool // the check followed another kill order (Totals.OtherKillOrder)
	exercised  []bool
	meets      map[Level]bool
}

func newOutcome(it *item, r *result) *Outcome {
	o := &Outcome{Index: it.index, Name: it.name, Source: it.source, Verdict: r.verdict, checked: r.audited,
		otherOrder: otherPicks(r.picks), exercised: r.exercised, meets: r.meets, Meets: []Level{}}
	for _, l := range Levels {
		if r.meets[l] {
			o.Meets = append(o.Meets, l)
		}
	}
	fill := func(prop, kind string, at time.Duration, msg string) {
		o.Property, o.Kind, o.At, o.Message = prop, kind, at.String(), msg
	}
	o.Broken = brokenInOrder(r.broken)
	info := func(d *refine.Divergence, tol string) *DivergenceInfo {
		if d == nil {
			return nil
		}
		return &DivergenceInfo{Kind: string(d.Kind), At: d.At.String(), Message: d.Message, Why: d.Why, Tolerance: tol}
	}
	o.Divergence = info(r.div, r.tol.String())
	if r.exactDiv != r.div {
		o.ExactDivergence = info(r.exactDiv, "0s")
	}
	switch r.verdict {
	case Violation:
		fill(r.violation.ID, "", r.violation.At, r.violation.Message)
	case Divergence:
		d := r.divergence
		fill("refinement", string(d.Kind), d.At, d.Message)
		if d.Observed != nil {
			o.Observed = trace.Describe(*d.Observed)
		}
		o.Why = d.Why
		for i, e := range d.Expected {
			if i == 8 {
				o.Expected = append(o.Expected, fmt.Sprintf("... %d more", len(d.Expected)-i))
				break
			}
			o.Expected = append(o.Expected, trace.Describe(e))
			why := ""
			if i < len(d.ExpectedWhy) {
				why = d.ExpectedWhy[i]
			}
			o.ExpectedWhy = append(o.ExpectedWhy, why)
		}
	case AdapterError:
		fill("adapter-error", r.adapterErr.Kind, r.end, r.adapterErr.Err.Error())
		o.At = ""
	case OverBudget:
		o.Message = r.budget
	case Unsupported:
		o.Message = r.adapterErr.Err.Error()
	}
	return o
}

// brokenInOrder lists vs as BrokenInvariants, first found first.
func brokenInOrder(vs []properties.Violation) []BrokenInvariant {
	idx := make([]int, len(vs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return earlier(&vs[idx[a]], &vs[idx[b]]) })
	var out []BrokenInvariant
	for _, i := range idx {
		v := &vs[i]
		p, _ := properties.ByID(v.ID)
		out = append(out, BrokenInvariant{ID: v.ID, At: v.At.String(), Message: v.Message, Exact: p.Exact})
	}
	return out
}

// shrunk records the failure of class as the shrunk scenario shows it.
func (o *Outcome) shrunk(r *result, class string) {
	switch {
	case strings.HasPrefix(class, "violation:"):
		id := strings.TrimPrefix(class, "violation:")
		for i := range r.broken {
			if r.broken[i].ID == id {
				o.ShrunkMessage = r.broken[i].Message
				return
			}
		}
	case strings.HasPrefix(class, "divergence:") && r.divergence != nil:
		o.ShrunkMessage = r.divergence.Message
	}
}

// Suffixes of the traces saved beside a counterexample's scenario file.
const (
	// ObservedSuffix: the adapter's trace, as far as it got.
	ObservedSuffix = ".observed.json"
	// ExpectedSuffix: the reference model's trace of the same scenario.
	ExpectedSuffix = ".expected.json"
)

// saveCE writes a counterexample atomically, then the observed trace and
// the reference model's trace beside it (for reports), and records its
// path in o.
func saveCE(dir string, ce *scenario.Document, r *result, o *Outcome, shrunk bool) error {
	path, err := check.Save(dir, ce)
	if err != nil {
		return fmt.Errorf("saving counterexample %s: %w", ce.Metadata.Name, err)
	}
	rel := filepath.ToSlash(filepath.Join(CounterexampleDir, filepath.Base(path)))
	saveTrace := func(suffix, what string, acts []model.Action) error {
		var b bytes.Buffer
		doc := trace.New(ce.Metadata.Name, ce.Profile.WithDefaults().Name, ce.Pod.Name, acts)
		if err := trace.Encode(&b, doc); err != nil {
			return nil // a trace that does not encode is not saved; the scenario is
		}
		if err := check.WriteFileAtomic(strings.TrimSuffix(path, ".yaml")+suffix, b.Bytes()); err != nil {
			return fmt.Errorf("saving the %s trace of %s: %w", what, ce.Metadata.Name, err)
		}
		return nil
	}
	if len(r.observed) > 0 {
		if err := saveTrace(ObservedSuffix, "observed", r.observed); err != nil {
			return err
		}
	}
	// The reference model's own run of the scenario: the expected side of
	// a report's comparison, in the branch the check followed (the kill
	// orders the implementation showed). A scenario the model refuses has
	// none.
	if exp, err := model.RunChoosing(ce.Model(), untilOf(ce), r.picks); err == nil {
		if err := saveTrace(ExpectedSuffix, "expected", exp); err != nil {
			return err
		}
	}
	if shrunk {
		if rel != o.File {
			o.Shrunk = rel
		}
	} else {
		o.File = rel
	}
	return nil
}

func newSummary(opt Options, info adapters.Info, props []properties.Property, corpus int) *Summary {
	s := &Summary{
		APIVersion: scenario.APIVersion,
		Kind:       SummaryKind,
		Version:    opt.Version,
		Adapter: AdapterInfo{Name: info.Name, Version: info.Version, Mode: string(info.Mode),
			Observes: info.Observes.Normal().Names(), Spec: opt.AdapterSpec},
		Config: Config{Seed: opt.Seed, Checks: opt.Checks, Corpus: corpus, Tolerance: opt.Tolerance.String(),
			Level: string(opt.Level),
			Shard: opt.Shard.String(), Profile: "generated (varies per scenario; base " + model.DefaultProfileName + ")"},
		Refinement:      PropertyStat{ID: "refinement", Title: "every observed action is one the model allows, within the tolerance"},
		RefinementExact: PropertyStat{ID: "refinement-exact", Title: "every observed action is one the model allows, at the model's moment", Exact: true},
		Groups:          []*Group{},
		Failures:        []*Outcome{},
	}
	if opt.TimeBudget > 0 {
		s.Config.TimeBudget = opt.TimeBudget.String()
	}
	if opt.FixedProfile {
		s.Config.Profile = model.DefaultProfileName + " (fixed)"
	}
	if opt.Profile != nil {
		s.Config.Profile = opt.Profile.Name + " (the implementation's)"
		if opt.Profile.Name == "" {
			s.Config.Profile = "the implementation's own"
		}
	}
	if opt.MaxUntil > 0 {
		s.Config.MaxUntil = opt.MaxUntil.String()
	}
	if opt.Knobs != nil {
		k := *opt.Knobs
		s.Config.Knobs = &k
	}
	for _, p := range props {
		s.Properties = append(s.Properties, PropertyStat{ID: p.ID, Title: p.Title, Exact: p.Exact})
	}
	for _, l := range Levels {
		ls := LevelStat{Level: l, Decides: l == opt.Level}
		switch l {
		case LevelRefinement:
			ls.Tolerance = opt.Tolerance.String()
		case LevelExact:
			ls.Tolerance = "0s"
		}
		s.Levels = append(s.Levels, ls)
	}
	return s
}

// add counts one outcome; replay commands are filled in here.
func (s *Summary) add(o *Outcome) {
	if o.Verdict == Interrupted {
		s.Totals.Interrupted++
		s.Incomplete = true
		return
	}
	if o.Verdict == OverBudget {
		s.Totals.OverBudget++
		s.OverBudget = append(s.OverBudget, o)
		return
	}
	if o.Verdict == Unsupported {
		s.Totals.Unsupported++
		s.Unsupported = append(s.Unsupported, o)
		return
	}
	s.Totals.Scenarios++
	switch o.Verdict {
	case Pass:
		s.Totals.Passed++
	case Violation:
		s.Totals.Violations++
	case Divergence:
		s.Totals.Divergences++
	case AdapterError:
		s.Totals.AdapterErrors++
	}
	if o.otherOrder {
		s.Totals.OtherKillOrder++
	}
	for i := range s.Levels {
		if o.meets[s.Levels[i].Level] {
			s.Levels[i].Passed++
		} else {
			s.Levels[i].Failed++
		}
	}
	if o.checked {
		broken := map[string]bool{}
		for _, b := range o.Broken {
			broken[b.ID] = true
		}
		for i := range s.Properties {
			p := &s.Properties[i]
			p.Checked++
			if i < len(o.exercised) && o.exercised[i] {
				p.Exercised++
			}
			if broken[p.ID] {
				p.Violated++
			}
		}
		if o.Verdict != AdapterError {
			s.Refinement.Checked++
			s.Refinement.Exercised++
			s.RefinementExact.Checked++
			s.RefinementExact.Exercised++
			if o.Divergence != nil {
				s.Refinement.Violated++
			}
			if o.Divergence != nil || o.ExactDivergence != nil {
				s.RefinementExact.Violated++
			}
		}
	}
	if o.Verdict != Pass {
		f := o.Shrunk
		if f == "" {
			f = o.File
		}
		if f != "" {
			o.Replay = replayCommand(s, f)
		}
		s.Failures = append(s.Failures, o)
	}
}

// replayCommand is the command that re-runs one saved counterexample on
// the run's adapter, with the run's settings; FILE is relative to the
// output directory. It writes nowhere near the run's own output.
func replayCommand(s *Summary, file string) string {
	cmd := fmt.Sprintf("podconform run %s --tolerance %s", s.Adapter.Spec, s.Config.Tolerance)
	if s.Config.Level != "" && s.Config.Level != string(levelForString(s.Config.Tolerance)) {
		cmd += " --level " + s.Config.Level
	}
	return cmd + fmt.Sprintf(" --corpus %s --checks 0 --out %s", file, ReplayOut)
}

// ReplayOut is the output directory of the replay commands a summary
// gives: never the run's own.
const ReplayOut = "podconform-replay"

func levelForString(tol string) Level {
	d, err := time.ParseDuration(tol)
	if err != nil {
		return LevelExact
	}
	return levelFor(d)
}

func (s *Summary) finish() {
	sort.Slice(s.Failures, func(a, b int) bool { return s.Failures[a].Index < s.Failures[b].Index })
	sort.Slice(s.OverBudget, func(a, b int) bool { return s.OverBudget[a].Index < s.OverBudget[b].Index })
	sort.Slice(s.Unsupported, func(a, b int) bool { return s.Unsupported[a].Index < s.Unsupported[b].Index })
	for i := range s.Levels {
		s.Levels[i].Met = s.Levels[i].Failed == 0 && s.Levels[i].Passed > 0
	}
	s.Groups = groupFailures(s.Failures)
	s.Totals.Distinct = len(s.Groups)
}

// groupFailures groups failures by signature (Outcome.Group), most
// frequent first, then by first member.
func groupFailures(fs []*Outcome) []*Group {
	by := map[string]*Group{}
	var gs []*Group
	size := map[int]int{}
	for _, f := range fs {
		size[f.Index] = f.Size
		g := by[f.Group]
		if g == nil {
			check, shape, _ := strings.Cut(f.Group, " | ")
			g = &Group{Signature: f.Group, Check: check, Shape: shape, Representative: f.Index}
			by[f.Group] = g
			gs = append(gs, g)
		}
		g.Count++
		g.Members = append(g.Members, f.Index)
		if f.Size < size[g.Representative] {
			g.Representative = f.Index
		}
	}
	sort.SliceStable(gs, func(a, b int) bool {
		if gs[a].Count != gs[b].Count {
			return gs[a].Count > gs[b].Count
		}
		return gs[a].Members[0] < gs[b].Members[0]
	})
	return gs
}

// Decider returns the level that decides the run's verdict.
func (s *Summary) Decider() LevelStat {
	for _, l := range s.Levels {
		if l.Decides {
			return l
		}
	}
	return LevelStat{Level: LevelExact}
}

// Conformant reports whether every scenario passed at the deciding level.
func (s *Summary) Conformant() bool {
	return s.StartError == "" && s.Totals.Violations == 0 && s.Totals.Divergences == 0 && s.Totals.AdapterErrors == 0
}

// ExitCode is 0 when the implementation meets the deciding level, 1 when
// it does not (or when every scenario was skipped: nothing checked is no
// pass), 2 on adapter errors or an adapter that did not start. With a
// baseline, failures it lists do not count: 1 only for a new one.
func (s *Summary) ExitCode() int {
	switch {
	case s.Totals.AdapterErrors > 0 || s.StartError != "":
		return 2
	case s.Baseline != nil && (s.Totals.Violations > 0 || s.Totals.Divergences > 0):
		if s.Baseline.New > 0 {
			return 1
		}
		return 0
	case s.Totals.Violations > 0 || s.Totals.Divergences > 0:
		return 1
	case s.Totals.Scenarios == 0 && s.Totals.Unsupported+s.Totals.OverBudget > 0:
		// Nothing was checked: no pass.
		return 1
	}
	return 0
}

// JSON returns the summary's canonical JSON.
func (s *Summary) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteFiles writes summary.json and junit.xml into dir, atomically.
func (s *Summary) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := s.JSON()
	if err != nil {
		return err
	}
	if err := check.WriteFileAtomic(filepath.Join(dir, SummaryFile), js); err != nil {
		return err
	}
	x, err := s.JUnit()
	if err != nil {
		return err
	}
	return check.WriteFileAtomic(filepath.Join(dir, JUnitFile), x)
}

// ReadSummary reads a summary.json.
func ReadSummary(path string) (*Summary, error) {
	data, err := bounded.ReadFile(path, bounded.ResultBytes, "a run summary")
	if err != nil {
		return nil, err
	}
	var s Summary
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if end := dec.InputOffset(); func() bool { _, err := dec.Token(); return err != io.EOF }() {
		return nil, fmt.Errorf("%s: data after the JSON document's end (byte %d): one document per file", path, end)
	}
	if s.Kind != SummaryKind {
		return nil, fmt.Errorf("%s: not a run summary (kind %q)", path, s.Kind)
	}
	for _, f := range s.Failures {
		f.checked = f.Verdict != AdapterError
		f.meets = map[Level]bool{}
		for _, l := range f.Meets {
			f.meets[l] = true
		}
	}
	return &s, nil
}

// otherPicks reports whether a check's model took another option than the
// first at one of its choices.
func otherPicks(picks []int) bool {
	for _, p := range picks {
		if p != 0 {
			return true
		}
	}
	return false
}
