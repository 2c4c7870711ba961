package conformance

import (
	"context"
	"flag"
	"path/filepath"
	"testing"

	"pgregory.net/rapid"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/internal/runner"
)

// DefaultFuzzOut is where Fuzz saves counterexamples unless Out says
// otherwise, relative to the test's package directory.
const DefaultFuzzOut = "testdata/podconform-counterexamples"

// Fuzz is a fuzz target for go test -fuzz: it maps the fuzzer's bytes to a
// scenario (the generator podconform run uses, driven by rapid), runs it
// on the adapter newAdapter returns, and checks it as Check does (the
// options Generate, Level, Tolerance, Out, ShrinkSteps and Timeout apply). A failure
// is saved atomically as a scenario file, then shrunk and saved again,
// before the target fails with its path and the command that replays it
// (see ReplayEnv). newAdapter is called once per target; the adapter
// serves every input, one at a time.
//
// Unless -fuzzminimizetime is given, Fuzz lowers the go command's budget
// for minimising each new input from 60 s to 300 runs (MinimizeRuns):
// rapid's inputs are streams of 8-byte draws that byte-level minimisation
// hardly shortens, and with the default the fuzzer spent most of its time
// minimising (864 executions in a minute on the example module, against
// about 120,000 with the lower budget).
//
//	func FuzzMyKubelet(f *testing.F) {
//		conformance.Fuzz(f, func() adapters.Adapter { return mykubelet.New() })
//	}
func Fuzz(f *testing.F, newAdapter func() adapters.Adapter, opts ...Option) {
	for _, b := range gen.FuzzSeeds() {
		f.Add(b)
	}
	prop, err := property(newAdapter, opts...)
	if err != nil {
		f.Fatalf("conformance: %v", err)
	}
	if err := lowerMinimizeBudget(); err != nil {
		f.Fatalf("conformance: %v", err)
	}
	f.Fuzz(prop)
}

// MinimizeRuns is the budget Fuzz gives the go command for minimising a
// new input, unless -fuzzminimizetime is given.
const MinimizeRuns = "300x"

// lowerMinimizeBudget sets -test.fuzzminimizetime to MinimizeRuns when the
// command line did not set it. The go command reads it when the target
// calls f.Fuzz.
func lowerMinimizeBudget() error {
	fl := flag.Lookup("test.fuzzminimizetime")
	if fl == nil {
		return nil
	}
	set := false
	flag.Visit(func(v *flag.Flag) { set = set || v == fl })
	if set {
		return nil
	}
	return flag.Set(fl.Name, MinimizeRuns)
}

// property is Fuzz's target: bytes to a scenario, checked on the adapter.
func property(newAdapter func() adapters.Adapter, opts ...Option) (func(*testing.T, []byte), error) {
	base := defaults()
	base.shrinkSteps = 50
	c, lvl, err := configure(base, opts)
	if err != nil {
		return nil, err
	}
	out := c.out
	if out == "" {
		out = DefaultFuzzOut
	}
	var a adapters.Adapter
	knobs := gen.DefaultKnobs()
	if c.knobs != nil {
		knobs = *c.knobs
	}
	prop := rapid.MakeFuzz(func(t *rapid.T) {
		doc := gen.Draw(t, "scenario", knobs)
		o, err := runner.CheckScenario(context.Background(), runner.Options{
			Adapter: a, Level: lvl, Tolerance: c.tolerance, Out: out, ShrinkSteps: c.shrinkSteps, Timeout: c.timeout,
		}, doc)
		if err != nil {
			t.Fatalf("conformance: %v", err)
		}
		if o.Verdict == runner.Pass || o.Verdict == runner.Unsupported || o.Verdict == runner.OverBudget {
			return
		}
		file := o.File
		if o.Shrunk != "" {
			file = o.Shrunk
		}
		msg := o.Message
		if o.ShrunkMessage != "" {
			msg = o.ShrunkMessage
		}
		path := filepath.Join(out, filepath.FromSlash(file))
		t.Fatalf("%s: %s %s: %s\n  counterexample: %s\n  replay it in a test that calls conformance.Check: %s=%s go test -run '^TestNAME$' .",
			doc.Metadata.Name, o.Verdict, o.Property, msg, path, ReplayEnv, path)
	})
	return func(t *testing.T, data []byte) {
		if a == nil {
			a = newAdapter()
		}
		prop(t, gen.Padded(data, gen.ScenarioBytes))
	}, nil
}
