package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/reports"
	"github.com/podconform/podconform/scenario"
)

const selftestHelp = `Usage: podconform selftest [flags]

Proves the invariants' power. For each mutant model (a copy of the
reference model that breaks exactly one rule of the Pod lifecycle),
generates scenarios from the seed and runs them with every invariant
checked after every step, until one is violated or the time budget runs
out. A counterexample is saved, atomically, as a scenario file before it is
shrunk, and again once shrunk; 'podconform replay FILE' reproduces it.

Each kill is cross-checked on the reference model: a scenario that also
fails there is reported as a FALSE POSITIVE, not a kill.

One line per mutant: killed or SURVIVED, the invariant that caught it, the
time to the first counterexample, and the shrunk counterexample's size
(containers, environment events). The last line is 'mutants killed: K/N'.
The score is also written to OUT/selftest.json, which 'podconform report
--selftest' shows.
Exit status 0 when every mutant is killed, 1 otherwise, 2 on usage errors.

Flags:
`

func selftest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("selftest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Int("seed", 1, "seed of the generated scenarios")
	budget := fs.Duration("budget", 10*time.Second, "search time per mutant")
	out := fs.String("out", "selftest-counterexamples", "directory for counterexample scenario files")
	only := fs.String("mutant", "", "run only the mutants whose names contain this")
	shrinkBudget := fs.Int("shrink-steps", 2000, "most candidate scenarios the shrinker may run per counterexample")
	list := fs.Bool("list", false, "print the mutants' names, one per line, and exit")
	fs.Usage = func() { fmt.Fprint(fs.Output(), selftestHelp); fs.PrintDefaults() }
	if code, done := parseArgs(fs, args, stdout); done {
		return code
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "podconform selftest: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *list {
		for _, mi := range model.Mutations() {
			fmt.Fprintln(stdout, mi.Name)
		}
		return 0
	}
	if *budget <= 0 {
		fmt.Fprintln(stderr, "podconform selftest: --budget must be positive")
		return 2
	}
	var mutants []model.MutationInfo
	for _, mi := range model.Mutations() {
		if strings.Contains(mi.Name, *only) {
			mutants = append(mutants, mi)
		}
	}
	if len(mutants) == 0 {
		fmt.Fprintf(stderr, "podconform selftest: no mutant matches %q\n", *only)
		return 2
	}
	fmt.Fprintf(stdout, "selftest: %d mutants, seed %d, budget %v each; counterexamples in %s/\n", len(mutants), *seed, *budget, *out)
	killed := 0
	var times []time.Duration
	score := reports.SelfTest{Kind: reports.SelfTestKind, Seed: *seed, Budget: budget.String(), Total: len(mutants)}
	for _, mi := range mutants {
		r := hunt(mi, *seed, *budget, *out, *shrinkBudget)
		m := reports.Mutant{Name: mi.Name, Property: r.property, Scenarios: r.tried,
			Elapsed: r.elapsed.Round(time.Millisecond).String(), Counterexample: filepath.Base(r.path)}
		if r.path == "" {
			m.Counterexample = ""
		}
		switch {
		case r.err != nil:
			m.Verdict, m.Detail = "error", r.err.Error()
			fmt.Fprintf(stdout, "%-26s ERROR: %v\n", mi.Name, r.err)
		case r.falsePositive != "":
			m.Verdict, m.Detail = "false-positive", "also fails on the reference model: "+r.falsePositive
			fmt.Fprintf(stdout, "%-26s FALSE POSITIVE: %s also fails on the reference model (%s)\n", mi.Name, r.property, r.falsePositive)
		case r.property == "":
			m.Verdict = "survived"
			fmt.Fprintf(stdout, "%-26s SURVIVED %d scenarios in %v\n", mi.Name, r.tried, r.elapsed.Round(time.Millisecond))
		default:
			m.Verdict = "killed"
			killed++
			times = append(times, r.elapsed)
			fmt.Fprintf(stdout, "%-26s killed by %-34s in %7v (%4d scenarios); shrunk to %d containers, %d events: %s\n",
				mi.Name, r.property, r.elapsed.Round(time.Millisecond), r.tried, r.containers, r.events, r.path)
		}
		score.Mutants = append(score.Mutants, m)
	}
	score.Killed = killed
	if err := writeScore(*out, &score); err != nil {
		fmt.Fprintf(stderr, "podconform selftest: %v\n", err)
		return 2
	}
	if len(times) > 0 {
		sort.Slice(times, func(a, b int) bool { return times[a] < times[b] })
		fmt.Fprintf(stdout, "time to kill: median %v, max %v\n", times[len(times)/2].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
	}
	fmt.Fprintf(stdout, "mutants killed: %d/%d\n", killed, len(mutants))
	if killed != len(mutants) {
		return 1
	}
	return 0
}

// writeScore saves the score as OUT/selftest.json, for podconform report.
func writeScore(out string, score *reports.SelfTest) error {
	b, err := json.MarshalIndent(score, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	return check.WriteFileAtomic(filepath.Join(out, reports.SelfTestFile), append(b, '\n'))
}

type huntResult struct {
	property      string
	elapsed       time.Duration
	tried         int
	containers    int
	events        int
	path          string
	falsePositive string
	err           error
}

// selftestKnobs vary the generated scenarios so that every rule is reached
// early: small ones first, then long runs (back-off cap and reset).
var selftestKnobs = func() []gen.Knobs {
	small := gen.DefaultKnobs()
	small.LongRuns = false
	long := gen.DefaultKnobs()
	long.LongRuns = true
	return []gen.Knobs{small, long}
}()

// hunt searches for a counterexample on mutant mi.
func hunt(mi model.MutationInfo, seed int, budget time.Duration, out string, shrinkBudget int) huntResult {
	start := time.Now()
	var r huntResult
	for i := 0; time.Since(start) < budget; i++ {
		k := selftestKnobs[i%len(selftestKnobs)]
		doc := gen.Scenario(k).Example(seed*1_000_003 + i)
		until := gen.Until(doc)
		r.tried++
		opt := check.Options{Mutation: mi.Mutation, Until: until}
		res, err := check.Run(doc, opt)
		if err != nil {
			r.err = fmt.Errorf("scenario %d: %w", i, err)
			return r
		}
		if res.Violation == nil {
			continue
		}
		r.elapsed = time.Since(start)
		r.property = res.Violation.ID
		// Save before doing anything else with it.
		ce, err := check.Counterexample(doc, res.Violation, mi.Mutation, until)
		if err == nil {
			r.path, err = check.Save(out, ce)
		}
		if err != nil {
			r.err = fmt.Errorf("saving counterexample: %w", err)
			return r
		}
		if ref, err := check.Run(doc, check.Options{Until: until}); err == nil && ref.Violation != nil {
			r.falsePositive = ref.Violation.ID + ": " + ref.Violation.Message
			return r
		}
		shrunk := check.Shrink(doc, func(d *scenario.Document) bool {
			if !check.FailsWith(r.property, opt)(d) {
				return false
			}
			ref, err := check.Run(d, check.Options{Until: until})
			return err == nil && ref.Violation == nil
		}, shrinkBudget)
		sres, err := check.Run(shrunk, opt)
		if err == nil && sres.Violation != nil {
			if sce, err := check.Counterexample(shrunk, sres.Violation, mi.Mutation, until); err == nil {
				if p, err := check.Save(out, sce); err == nil {
					r.path = p
				}
			}
		}
		r.containers, r.events = gen.Size(shrunk)
		return r
	}
	r.elapsed = time.Since(start)
	return r
}
