package gopterharness

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"

	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
	"github.com/podconform/podconform/trace"
)

// Result of a gopter search.
type Result struct {
	// Passed: every sequence passed (and gopter did not give up).
	Passed bool
	// Violation is the property ID of the failure ("" if none):
	// "model-error" for an error from the model, "harness-divergence" when
	// the system under test and the abstract state disagree, "panic" for
	// a panic.
	Violation string
	// Tests counts the command sequences generated and run (shrinking
	// candidates not included).
	Tests int
	// Labels counts, per feature (see Features), the sequences whose
	// trace exercised it.
	Labels map[string]int
	// Report is gopter's report (with the shrunk sequence on failure), the
	// label distribution, and the shrunk counterexample's trace.
	Report string
	// Counterexample is the shrunk failure as a scenario file (its
	// behaviour script and events written from the trace by
	// check.FromTrace, marked with check.Counterexample), to save with
	// check.Save and replay with `podconform replay`; nil if none.
	Counterexample *scenario.Document
}

// Sizes of the generated sequences: gopter grows them from minSize to
// maxSize over a search.
const (
	minSize    = 8
	maxSize    = 60
	maxShrinks = 60
)

// harness holds one search's shared state.
type harness struct {
	mut  model.Mutation
	cfgs map[int64]*config

	// target is the property the first failure broke; shrinking keeps it.
	target    string
	lastMsg   string
	lastTrace []model.Action
	lastV     properties.Violation
	lastCfg   *config

	// refFails counts, by property, the sequences a mutant search passed
	// over because the reference model failed on them too; refExample is
	// one such failure.
	refFails   map[string]int
	refExample string

	first  *sut // the current top-level test's sequence (not a shrink candidate)
	tests  int
	labels map[string]int
}

func (h *harness) config(seed int64) *config {
	if c, ok := h.cfgs[seed]; ok {
		return c
	}
	c := drawConfig(seed, h.mut)
	h.cfgs[seed] = c
	return c
}

// fail turns a failure into gopter's result. While shrinking, a candidate
// that breaks another property than the first failure's counts as passing,
// so the counterexample stays one of the same bug.
func (h *harness) fail(s *sut, id, msg string) *gopter.PropResult {
	if h.target == "" {
		h.target = id
	}
	if id != h.target {
		return &gopter.PropResult{Status: gopter.PropTrue}
	}
	h.lastMsg = msg
	h.lastTrace = append(h.lastTrace[:0], s.trace...)
	h.lastCfg = s.cfg
	if s.bad != nil && s.bad.ID == id {
		h.lastV = *s.bad
	} else {
		h.lastV = properties.Violation{ID: id, Index: -1, At: s.m.Now(), Message: msg}
	}
	return &gopter.PropResult{Status: gopter.PropFalse, Labels: []string{msg}}
}

func (h *harness) commands() commands.Commands {
	return &commands.ProtoCommands{
		NewSystemUnderTestFunc: func(st commands.State) commands.SystemUnderTest {
			return newSUT(h, st.(*State).cfg, h.mut)
		},
		DestroySystemUnderTestFunc: func(x commands.SystemUnderTest) {
			if h.first == nil {
				h.first = x.(*sut)
			}
		},
		InitialStateGen: func(p *gopter.GenParameters) *gopter.GenResult {
			return gopter.NewGenResult(initialState(h.config(p.Rng.Int63())), gopter.NoShrinker)
		},
		InitialPreConditionFunc: func(st commands.State) bool { return st.(*State).err == nil },
		GenCommandFunc:          genCommand,
	}
}

// Search runs gopter's command-sequence search on the model with mutation
// mut (0: the reference model) from seed, until minSuccessfulTests
// sequences have passed or one fails.
func Search(mut model.Mutation, seed int64, minSuccessfulTests int) Result {
	h := &harness{mut: mut, cfgs: map[int64]*config{}, labels: map[string]int{}, refFails: map[string]int{}}
	params := gopter.DefaultTestParametersWithSeed(seed)
	params.MinSuccessfulTests = minSuccessfulTests
	params.MinSize, params.MaxSize = minSize, maxSize
	params.MaxShrinkCount = maxShrinks
	params.Workers = 1
	prop := commands.Prop(h.commands())
	counted := gopter.Prop(func(gp *gopter.GenParameters) *gopter.PropResult {
		h.first = nil
		r := prop(gp)
		if h.first != nil {
			h.tests++
			for _, l := range classify(&h.first.cfg.pod, h.first.trace) {
				h.labels[l]++
			}
			if ref := h.first.ref; ref != nil {
				if id, msg := ref.failure(); id != "" {
					h.refFails[id]++
					if h.refExample == "" {
						h.refExample = msg + "\n  on " + describeConfig(ref.cfg)
					}
				}
			}
		}
		if r.Status == gopter.PropError && h.target == "" {
			h.target = "panic"
		}
		return r
	})
	tr := counted.Check(params)

	var rep bytes.Buffer
	name := "reference model"
	if mut != 0 {
		name = "mutant " + mutationName(mut)
	}
	gopter.NewFormatedReporter(true, 160, &rep).ReportTestResult(fmt.Sprintf("%s, seed %d", name, seed), tr)
	res := Result{Passed: tr.Passed(), Tests: h.tests, Labels: h.labels}
	fmt.Fprintf(&rep, "sequences: %d\nlabels:%s\n", h.tests, FormatLabels(h.labels))
	if len(h.refFails) > 0 {
		fmt.Fprintf(&rep, "sequences passed over because the reference model failed on them too:%s\n  e.g. %s\n", FormatLabels(h.refFails), h.refExample)
	}
	if !tr.Passed() && h.target != "" {
		res.Violation = h.target
		fmt.Fprintf(&rep, "violation: %s\n", h.lastMsg)
		if h.lastCfg != nil {
			doc := check.FromTrace("gopter-counterexample", &h.lastCfg.pod, h.lastCfg.prof, h.lastTrace)
			until := h.lastV.At + time.Minute
			if len(h.lastTrace) > 0 {
				until = max(until, h.lastTrace[len(h.lastTrace)-1].At+time.Minute)
			}
			if ce, err := check.Counterexample(doc, &h.lastV, mut, until); err == nil {
				res.Counterexample = ce
			}
		}
		if len(h.lastTrace) > 0 {
			rep.WriteString("trace of the shrunk sequence:\n")
			for _, a := range h.lastTrace {
				rep.WriteString("  " + describe(a) + "\n")
			}
		}
	}
	res.Report = rep.String()
	return res
}

func describe(a model.Action) string {
	if a.Kind == model.ActStatus && a.Status != nil {
		return fmt.Sprintf("%v Status phase=%s", a.At, a.Status.Phase)
	}
	return trace.Describe(a)
}

// FormatLabels renders a label distribution, most frequent first.
func FormatLabels(labels map[string]int) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if labels[keys[i]] != labels[keys[j]] {
			return labels[keys[i]] > labels[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%d", k, labels[k])
	}
	return b.String()
}

func mutationName(mut model.Mutation) string {
	for _, mi := range model.Mutations() {
		if mi.Mutation == mut {
			return mi.Name
		}
	}
	return fmt.Sprintf("mutation-%d", uint32(mut))
}
