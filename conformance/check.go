package conformance

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/internal/runner"
)

// ReplayEnv names the environment variable that replays saved
// counterexamples: with PODCONFORM_REPLAY=FILE[,FILE...] set, Check runs
// those files only (as its corpus, no generated scenarios). The message of
// every failure gives the command.
const ReplayEnv = "PODCONFORM_REPLAY"

// Result is what a Check found.
type Result struct {
	// Scenarios counts the scenarios checked, Passed those that met the
	// level; Skipped those the adapter cannot express or that are too big
	// to check (no verdict on them).
	Scenarios, Passed, Skipped int
	// Failures are the distinct failures, most frequent first.
	Failures []Failure
	// Out is the results directory.
	Out string
}

// Failure is one distinct failure: every failing scenario with the same
// broken check and the same shape of shrunk counterexample.
type Failure struct {
	// Check is the broken invariant's ID, "refinement (KIND)" or
	// "adapter-error (KIND)"; Shape describes the scenario's structure.
	Check, Shape string
	// Scenarios counts the scenarios that failed this way.
	Scenarios int
	// Example is one of them (the one with the smallest counterexample),
	// Message what went wrong in it, File its counterexample (the shrunk
	// one when there is one), and Replay the command that runs it again.
	Example, Message, File, Replay string
	// Known says the baseline lists it.
	Known bool
}

// Check runs a conformance run of a inside a test: the corpus, then the
// generated scenarios, each checked against every invariant a's
// observables allow and against the model, at the level that decides (see
// the Options). Each distinct failure is one t.Error naming the check,
// the shape of its scenarios, an example with its message, its
// counterexample file and the command that replays it; failures the
// baseline lists are logged, not errors. A run that checks nothing, or
// whose adapter fails, is an error too.
func Check(t testing.TB, a adapters.Adapter, opts ...Option) *Result {
	t.Helper()
	c, lvl, err := configure(defaults(), opts)
	if err != nil {
		t.Fatalf("conformance: %v", err)
	}
	if replay := os.Getenv(ReplayEnv); replay != "" {
		c.corpus, c.checks = strings.Split(replay, ","), 0
	}
	out, where := c.out, c.out
	if out == "" {
		if out, err = os.MkdirTemp("", "podconform-check-"); err != nil {
			t.Fatalf("conformance: %v", err)
		}
		where = out + " (a temporary directory, removed when the test passes)"
		t.Cleanup(func() {
			if !t.Failed() {
				os.RemoveAll(out)
			}
		})
	}
	var base *runner.Baseline
	if c.baseline != "" {
		if base, err = runner.ReadBaseline(c.baseline); err != nil {
			t.Fatalf("conformance: Baseline: %v", err)
		}
	}
	sum, err := runner.Run(context.Background(), runner.Options{
		Adapter: a, Checks: c.checks, Seed: c.seed, Corpus: c.corpus, Level: lvl, Tolerance: c.tolerance,
		Out: out, Parallel: c.parallel, ShrinkSteps: c.shrinkSteps, Timeout: c.timeout,
		Baseline: base, BaselineFile: c.baseline, Knobs: c.knobs,
	})
	if err != nil {
		t.Fatalf("conformance: %v", err)
	}
	res := &Result{Scenarios: sum.Totals.Scenarios, Passed: sum.Totals.Passed, Skipped: sum.Totals.Unsupported + sum.Totals.OverBudget, Out: out}
	byIndex := map[int]*runner.Outcome{}
	for _, f := range sum.Failures {
		byIndex[f.Index] = f
	}
	for _, g := range sum.Groups {
		f := Failure{Check: g.Check, Shape: g.Shape, Scenarios: g.Count, Known: g.Known}
		if o := byIndex[g.Representative]; o != nil {
			f.Example, f.Message = o.Name, o.Message
			if o.ShrunkMessage != "" {
				f.Message = o.ShrunkMessage
			}
			file := o.File
			if o.Shrunk != "" {
				file = o.Shrunk
			}
			if file != "" {
				f.File = filepath.Join(out, filepath.FromSlash(file))
				f.Replay = fmt.Sprintf("%s=%s go test -run '^%s$' .", ReplayEnv, f.File, t.Name())
			}
		}
		res.Failures = append(res.Failures, f)
	}
	for _, f := range res.Failures {
		msg := fmt.Sprintf("%d scenario(s) break %s; shape: %s\n  e.g. %s: %s", f.Scenarios, f.Check, f.Shape, f.Example, f.Message)
		if f.File != "" {
			msg += fmt.Sprintf("\n  counterexample: %s\n  replay: %s", f.File, f.Replay)
		}
		if f.Known {
			t.Logf("known (in the baseline): %s", msg)
			continue
		}
		t.Errorf("%s", msg)
	}
	switch {
	case sum.Totals.Scenarios == 0 && res.Skipped > 0:
		t.Errorf("conformance: nothing checked: every scenario was skipped (%d unsupported by the adapter, %d too big to check), which is no pass", sum.Totals.Unsupported, sum.Totals.OverBudget)
	case sum.Totals.Scenarios == 0:
		t.Errorf("conformance: no scenario ran")
	}
	t.Logf("conformance: %s: %d scenarios checked, %d passed at the %s level, %d distinct failures, %d skipped (unsupported or over budget); results in %s",
		sum.Adapter.Name, res.Scenarios, res.Passed, lvl, len(res.Failures), res.Skipped, where)
	return res
}
