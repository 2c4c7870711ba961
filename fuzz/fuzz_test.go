package fuzz

import (
	"flag"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
)

// minimizeLimit replaces the go command's default budget for minimising an
// input (60 s each) when fuzzing, unless -fuzzminimizetime is given: with
// the default the fuzzer spends most of its time minimising the inputs
// that found new coverage, for FuzzModel and FuzzModelMoves to little
// effect (rapid's inputs are bit streams in 8-byte words, which byte-level
// minimisation hardly shortens), and for the decoders on large documents
// that are slow to decode under coverage instrumentation.
func minimizeLimit(fuzz string) string {
	if re, err := regexp.Compile(fuzz); err == nil && (re.MatchString("FuzzModel") || re.MatchString("FuzzModelMoves")) {
		return "300x"
	}
	return "2000x"
}

func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.fuzzminimizetime" })
	if fuzz := flagValue("test.fuzz"); fuzz != "" && !set {
		if err := flag.Set("test.fuzzminimizetime", minimizeLimit(fuzz)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	coordinator := flagValue("test.fuzz") != "" && flagValue("test.fuzzworker") != "true"
	before := counterexamples()
	code := m.Run()
	if coordinator && code == 0 {
		// The go command ignores a failure met while it minimises an
		// input that found new coverage; the counterexample was saved all
		// the same, so report it.
		var added []string
		for name := range counterexamples() {
			if !before[name] {
				added = append(added, name)
			}
		}
		if len(added) > 0 {
			sort.Strings(added)
			fmt.Fprintln(os.Stderr, "FAIL: counterexamples were saved while fuzzing (found while minimising an input, which go test does not report):")
			for _, name := range added {
				fmt.Fprintf(os.Stderr, "  go run ./cmd/podconform replay %s/%s\n", replayDir, name)
			}
			code = 1
		}
	}
	os.Exit(code)
}

func flagValue(name string) string {
	if f := flag.Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}

// counterexamples lists the files in counterexampleDir.
func counterexamples() map[string]bool {
	out := map[string]bool{}
	entries, _ := os.ReadDir(counterexampleDir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			out[e.Name()] = true
		}
	}
	return out
}

// The rapid-driven targets pad their input with zero bytes to these
// lengths: enough draws for any scenario, or for a pod and maxMoves moves
// (the padding ending the move sequence).
const (
	padScenario = gen.ScenarioBytes
	padMoves    = 32 << 10
)

// rapidSeeds adds the generators' fuzz seeds (gen.FuzzSeeds).
func rapidSeeds(f *testing.F) {
	for _, b := range gen.FuzzSeeds() {
		f.Add(b)
	}
}

// quiet holds a drawn value whose Go syntax rapid need not write:
// rapid.MakeFuzz logs every top-level draw with %#v, and for a whole
// scenario or pod that costs as much as running it. (A failure is reported
// with the saved scenario file instead.)
type quiet[V any] struct{ v V }

func (quiet[V]) GoString() string { return "(not shown)" }

func quietly[V any](g *rapid.Generator[V]) *rapid.Generator[quiet[V]] {
	return rapid.Custom(func(t *rapid.T) quiet[V] { return quiet[V]{g.Draw(t, "value")} })
}

var (
	scenarios = quietly(gen.Scenario(gen.DefaultKnobs()))
	pods      = quietly(gen.Pod(gen.DefaultKnobs()))
	profiles  = quietly(gen.Profile(gen.DefaultKnobs()))
)

// FuzzModel runs generated scenarios on the reference model with every
// property checked after every step.
func FuzzModel(f *testing.F) {
	rapidSeeds(f)
	prop := rapid.MakeFuzz(func(t *rapid.T) {
		doc := scenarios.Draw(t, "scenario").v
		until := gen.Until(doc)
		res, err := check.Run(doc, check.Options{Until: until})
		if err != nil {
			v := &properties.Violation{ID: modelError, Index: -1, Message: err.Error()}
			t.Fatalf("the model cannot run a generated scenario: %s", save(doc, v, until))
		}
		if res.Violation != nil {
			t.Fatalf("%s", save(doc, res.Violation, until))
		}
	})
	f.Fuzz(func(t *testing.T, data []byte) { prop(t, gen.Padded(data, padScenario)) })
}

// ---------------------------------------------------------------------------
// FuzzModelMoves: the move-level state machine (after internal/check's
// statemachine_test.go).

// maxMoves bounds one sequence; maxDeletes the deletes in it.
const (
	maxMoves   = 100
	maxDeletes = 3
)

type machine struct {
	m       *model.Model
	suite   *properties.Suite
	trace   []model.Action
	deletes int
	pod     v1.Pod
	prof    model.Profile
	bad     *properties.Violation
}

func (x *machine) observe(acts []model.Action) {
	for i := range acts {
		x.trace = append(x.trace, acts[i])
		if x.bad == nil {
			x.bad = x.suite.Observe(len(x.trace)-1, &x.trace[len(x.trace)-1])
		}
	}
}

func (x *machine) step(t *rapid.T, in model.Input) {
	acts, err := x.m.Step(in)
	if err != nil {
		x.fail(t, &properties.Violation{ID: modelError, Index: -1, At: x.m.Now(), Message: fmt.Sprintf("step %s: %v", describeInput(in), err)})
	}
	x.observe(acts)
}

func describeInput(in model.Input) string {
	return fmt.Sprintf("%s at %v container=%q code=%d oom=%v probe=%s success=%v hookOK=%v grace=%d",
		in.Kind, in.At, in.Container, in.ExitCode, in.OOMKilled, in.Probe, in.Success, in.HookOK, in.Grace)
}

// fail saves the interleaving as a scenario file and fails.
func (x *machine) fail(t *rapid.T, v *properties.Violation) {
	doc := check.FromTrace("fuzz-counterexample", &x.pod, x.prof, x.trace)
	t.Fatalf("%s", save(doc, v, x.m.Now()+time.Minute))
}

func probePending(mv []model.Move) bool { return len(mv) > 0 && mv[0].Kind == model.InProbeAnswer }

func movesOf(mv []model.Move, k model.InputKind) []model.Move {
	var out []model.Move
	for _, m := range mv {
		if m.Kind == k {
			out = append(out, m)
		}
	}
	return out
}

var afters = []time.Duration{0, time.Second, 2 * time.Second, 5 * time.Second, 30 * time.Second, 5 * time.Minute}

// more draws whether the sequence goes on: it ends on four false bits, so
// random input makes sequences of 16 moves on average (unless the pod goes
// first) and the zero padding ends them.
func more(t *rapid.T) bool {
	for i := 0; i < 4; i++ {
		if rapid.Bool().Draw(t, "more") {
			return true
		}
	}
	return false
}

// pick draws an index by weight from fair bits (rapid's integer and
// SampledFrom draws lean towards the first options); zero bits pick the
// first option.
func pick(t *rapid.T, label string, weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := bits.Len(uint(total - 1))
	for {
		u := 0
		for i := 0; i < n; i++ {
			u <<= 1
			if rapid.Bool().Draw(t, label) {
				u |= 1
			}
		}
		if u >= total {
			continue
		}
		for i, w := range weights {
			if u < w {
				return i
			}
			u -= w
		}
	}
}

// uniform draws one of opts with fair bits.
func uniform[V any](t *rapid.T, label string, opts []V) V {
	w := make([]int, len(opts))
	for i := range w {
		w[i] = 1
	}
	return opts[pick(t, label, w...)]
}

// move draws and makes one enabled move; it returns false when the
// sequence ends.
func (x *machine) move(t *rapid.T) bool {
	if !more(t) {
		return false
	}
	mv := x.m.Enabled()
	now := x.m.Now()
	if probePending(mv) {
		p := uniform(t, "probe", mv)
		x.step(t, model.Input{Kind: model.InProbeAnswer, At: now, Container: p.Container, Probe: p.Probe, Success: pick(t, "result", 3, 2) == 0})
		return true
	}
	// Weighted as gopterharness weighs its commands: deletes are rare
	// (they end the pod), a second one is common once the pod is being
	// deleted.
	next, hasNext := x.m.NextTimer()
	var kinds []model.InputKind
	var weights []int
	add := func(k model.InputKind, w int) {
		kinds, weights = append(kinds, k), append(weights, w)
	}
	if hasNext {
		add(model.InTick, 25)
	}
	if len(movesOf(mv, model.InExit)) > 0 {
		add(model.InExit, 15)
	}
	if len(movesOf(mv, model.InHookDone)) > 0 {
		add(model.InHookDone, 20)
	}
	if x.deletes < maxDeletes {
		w := 2
		if x.deletes > 0 {
			w = 10
		}
		if len(movesOf(mv, model.InDelete)) > 0 {
			add(model.InDelete, w)
		}
		if len(movesOf(mv, model.InForceDelete)) > 0 {
			add(model.InForceDelete, 1)
		}
	}
	if len(movesOf(mv, model.InSetCondition)) > 0 {
		add(model.InSetCondition, 6)
	}
	if len(kinds) == 0 {
		return false
	}
	kind := kinds[pick(t, "kind", weights...)]
	if kind == model.InTick {
		x.step(t, model.Input{Kind: model.InTick, At: next})
		return true
	}
	// A world move comes now or later, not past the next timer (the
	// model's own actions come first at equal times). When it comes later
	// the clock runs first and the move is taken from what is enabled
	// then.
	at := now + uniform(t, "after", afters)
	if hasNext && at > next {
		at = next
	}
	if at > now {
		x.step(t, model.Input{Kind: model.InTick, At: at})
		if mv = x.m.Enabled(); probePending(mv) {
			return true
		}
	}
	cands := movesOf(mv, kind)
	if len(cands) == 0 {
		return true
	}
	in := model.Input{Kind: kind, At: at}
	switch kind {
	case model.InExit:
		in.Container = uniform(t, "container", cands).Container
		in.ExitCode = []int32{1, 0, 137, 2, 143}[pick(t, "code", 3, 2, 2, 1, 1)]
		in.OOMKilled = in.ExitCode == 137 && rapid.Bool().Draw(t, "oom")
	case model.InHookDone:
		in.Container = uniform(t, "container", cands).Container
		in.HookOK = pick(t, "hook", 3, 1) == 0
	case model.InDelete:
		in.Grace = uniform(t, "grace", []int64{-1, 0, 1, 2, 5, 30})
		x.deletes++
	case model.InForceDelete:
		x.deletes++
	case model.InSetCondition:
		in.Condition = uniform(t, "gate", cands).Condition
		in.CondStatus = []v1.ConditionStatus{v1.ConditionTrue, v1.ConditionFalse, v1.ConditionUnknown}[pick(t, "status", 4, 2, 1)]
	}
	x.step(t, in)
	return true
}

// FuzzModelMoves checks every property after every move of fuzzer-chosen
// interleavings on the reference model.
func FuzzModelMoves(f *testing.F) {
	rapidSeeds(f)
	prop := rapid.MakeFuzz(func(t *rapid.T) {
		x := &machine{pod: pods.Draw(t, "pod").v, prof: profiles.Draw(t, "profile").v}
		m, err := model.New(&model.Scenario{Pod: x.pod, Profile: x.prof})
		if err != nil {
			t.Fatalf("model: %v", err)
		}
		x.m = m
		x.suite = properties.NewSuite(&properties.Context{Pod: &x.pod, Profile: x.prof.WithDefaults()})
		x.observe(m.Drain())
		for i := 0; i < maxMoves && x.bad == nil && x.move(t); i++ {
		}
		if _, hasNext := x.m.NextTimer(); x.bad == nil && x.m.Finished() && len(x.m.Enabled()) == 0 && !hasNext {
			// Nothing more can happen: the trace is complete.
			x.bad = x.suite.End(x.m.Now(), true)
		}
		if x.bad != nil {
			x.fail(t, x.bad)
		}
	})
	f.Fuzz(func(t *testing.T, data []byte) { prop(t, gen.Padded(data, padMoves)) })
}

// TestFuzzSmokeIsCountBounded: CI's fuzz smoke (make fuzz-smoke, from
// .ci/run) bounds each target by a count of executions. A time bound
// (-fuzztime 10s) can end in the fuzz coordinator's deadline race
// (golang/go#75804, fixed in Go 1.27): a bare "context deadline exceeded"
// with no crasher, a CI failure that says nothing about the code. A count
// bound never reaches it: the coordinator stops when the count is done.
func TestFuzzSmokeIsCountBounded(t *testing.T) {
	mk, err := os.ReadFile(filepath.Join("..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^FUZZ_SMOKE \?= (\S+)$`).FindSubmatch(mk)
	if m == nil {
		t.Fatal("the Makefile sets no FUZZ_SMOKE")
	}
	if !regexp.MustCompile(`^[1-9][0-9]*x$`).Match(m[1]) {
		t.Fatalf("FUZZ_SMOKE is %q: want a count of executions such as 5000x, not a time", m[1])
	}
	if !regexp.MustCompile(`(?m)^fuzz-smoke:\n\t\$\(MAKE\) fuzz FUZZTIME=\$\(FUZZ_SMOKE\)$`).Match(mk) {
		t.Fatal("make fuzz-smoke does not run make fuzz with FUZZTIME=$(FUZZ_SMOKE)")
	}
	if !regexp.MustCompile(`-fuzztime \$\(FUZZTIME\)`).Match(mk) {
		t.Fatal("make fuzz does not pass FUZZTIME to -fuzztime")
	}
	ci, err := os.ReadFile(filepath.Join("..", ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^make fuzz-smoke$`).Match(ci) {
		t.Fatal(".ci/run does not run make fuzz-smoke as it is (without overriding its count)")
	}
}
