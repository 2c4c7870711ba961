package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/internal/check"
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
	// Properties are the invariants checked, with counts, in catalogue
	// order; Refinement counts the check against the model.
	Properties []PropertyStat `json:"properties"`
	Refinement PropertyStat   `json:"refinement"`
	// Failures are the scenarios that did not pass, in scenario order.
	Failures []*Outcome `json:"failures"`
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
	// CorpusSkipped lists the corpus files left out because their profile
	// is not the default one (Options.FixedProfile).
	CorpusSkipped []string `json:"corpusSkipped,omitempty"`
}

// Totals count scenarios by verdict.
type Totals struct {
	Scenarios     int `json:"scenarios"`
	Passed        int `json:"passed"`
	Violations    int `json:"violations"`
	Divergences   int `json:"divergences"`
	AdapterErrors int `json:"adapterErrors"`
	// NotRun counts scenarios of the shard not run (time budget or
	// interruption).
	NotRun int `json:"notRun,omitempty"`
	// OtherKillOrder counts scenarios, whatever their verdict, where the
	// implementation killed the containers of one sync in another order
	// than the model's first (the kubelet's Go map order; see
	// model.Choice), which the check accepted and followed.
	OtherKillOrder int `json:"otherKillOrder,omitempty"`
}

// PropertyStat counts one check over the run.
type PropertyStat struct {
	ID    string `json:"id"`
	Title string `json:"title,omitempty"`
	// Checked counts the scenarios the check ran to a verdict on (adapter
	// errors excluded); Violated those it failed.
	Checked  int `json:"checked"`
	Violated int `json:"violated"`
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
	// divergence); Observed the adapter's action at the divergence.
	Expected []string `json:"expected,omitempty"`
	Observed string   `json:"observed,omitempty"`
	// File is the saved counterexample, relative to the output directory;
	// Shrunk the shrunk one (when shrinking made it smaller).
	File   string `json:"file,omitempty"`
	Shrunk string `json:"shrunk,omitempty"`
	// ShrunkMessage is the failure as the shrunk scenario shows it.
	ShrunkMessage string `json:"shrunkMessage,omitempty"`
	// Replay is the command that re-runs the counterexample.
	Replay string `json:"replay,omitempty"`

	checked    bool // the checks reached a verdict (not an adapter error)
	otherOrder bool // the check followed another kill order (Totals.OtherKillOrder)
}

func newOutcome(it *item, r *result) *Outcome {
	o := &Outcome{Index: it.index, Name: it.name, Source: it.source, Verdict: r.verdict, checked: r.verdict != AdapterError, otherOrder: otherPicks(r.picks)}
	fill := func(prop, kind string, at time.Duration, msg string) {
		o.Property, o.Kind, o.At, o.Message = prop, kind, at.String(), msg
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
		for i, e := range d.Expected {
			if i == 8 {
				o.Expected = append(o.Expected, fmt.Sprintf("... %d more", len(d.Expected)-i))
				break
			}
			o.Expected = append(o.Expected, trace.Describe(e))
		}
	case AdapterError:
		fill("adapter-error", r.adapterErr.Kind, r.end, r.adapterErr.Err.Error())
		o.At = ""
	}
	return o
}

func (o *Outcome) shrunk(r *result) {
	switch r.verdict {
	case Violation:
		o.ShrunkMessage = r.violation.Message
	case Divergence:
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
			Shard: opt.Shard.String(), Profile: "generated (varies per scenario; base " + model.DefaultProfileName + ")"},
		Refinement: PropertyStat{ID: "refinement", Title: "every observed action is one the model allows, in time"},
		Failures:   []*Outcome{},
	}
	if opt.TimeBudget > 0 {
		s.Config.TimeBudget = opt.TimeBudget.String()
	}
	if opt.FixedProfile {
		s.Config.Profile = model.DefaultProfileName + " (fixed)"
	}
	for _, p := range props {
		s.Properties = append(s.Properties, PropertyStat{ID: p.ID, Title: p.Title})
	}
	return s
}

// add counts one outcome; replay commands are filled in here.
func (s *Summary) add(o *Outcome) {
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
	if o.checked {
		for i := range s.Properties {
			s.Properties[i].Checked++
			if o.Verdict == Violation && o.Property == s.Properties[i].ID {
				s.Properties[i].Violated++
			}
		}
		s.Refinement.Checked++
		if o.Verdict == Divergence {
			s.Refinement.Violated++
		}
	}
	if o.Verdict != Pass {
		f := o.Shrunk
		if f == "" {
			f = o.File
		}
		if f != "" {
			o.Replay = fmt.Sprintf("podconform run %s --tolerance %s --corpus %s --checks 0", s.Adapter.Spec, s.Config.Tolerance, f)
		}
		s.Failures = append(s.Failures, o)
	}
}

func (s *Summary) finish() {
	sort.Slice(s.Failures, func(a, b int) bool { return s.Failures[a].Index < s.Failures[b].Index })
}

// Conformant reports whether every scenario passed.
func (s *Summary) Conformant() bool {
	return s.Totals.Violations == 0 && s.Totals.Divergences == 0 && s.Totals.AdapterErrors == 0
}

// ExitCode is 0 when conformant, 1 on violations or divergences, 2 on
// adapter errors.
func (s *Summary) ExitCode() int {
	switch {
	case s.Totals.AdapterErrors > 0:
		return 2
	case s.Totals.Violations > 0 || s.Totals.Divergences > 0:
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
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Summary
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.Kind != SummaryKind {
		return nil, fmt.Errorf("%s: not a run summary (kind %q)", path, s.Kind)
	}
	for _, f := range s.Failures {
		f.checked = f.Verdict != AdapterError
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
