package conformance

import (
	"fmt"
	"time"

	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/internal/runner"
)

// An Option changes a check's configuration.
type Option func(*config)

type config struct {
	checks      int
	seed        int64
	corpus      []string
	level       string
	tolerance   time.Duration
	out         string
	baseline    string
	parallel    int
	shrinkSteps int
	timeout     time.Duration
	knobs       *gen.Knobs
}

func defaults() config {
	return config{checks: 100, seed: 1, level: "exact", parallel: 1, shrinkSteps: 100, timeout: time.Minute}
}

// configure applies opts to base and returns the result with its level
// parsed (the refinement level's tolerance is 10s unless set).
func configure(base config, opts []Option) (config, runner.Level, error) {
	c := base
	for _, o := range opts {
		o(&c)
	}
	lvl, err := runner.ParseLevel(c.level)
	if err != nil {
		return c, "", fmt.Errorf("Level: %w", err)
	}
	if lvl == runner.LevelRefinement && c.tolerance == 0 {
		c.tolerance = 10 * time.Second
	}
	return c, lvl, nil
}

// Checks sets the number of generated scenarios (100 by default), run
// after the corpus.
func Checks(n int) Option { return func(c *config) { c.checks = n } }

// Seed sets the seed of the generated scenarios (1 by default): the same
// seed gives the same scenarios.
func Seed(s int64) Option { return func(c *config) { c.seed = s } }

// Corpus adds scenario files or directories (podconform scenarios, bare Pod
// manifests, saved counterexamples), run before the generated scenarios.
func Corpus(paths ...string) Option {
	return func(c *config) { c.corpus = append(c.corpus, paths...) }
}

// Level sets the conformance level that decides the verdict: "invariants",
// "refinement" or "exact" (the default).
func Level(name string) Option { return func(c *config) { c.level = name } }

// Tolerance sets how much later than the model the implementation may act
// at the refinement level (10s by default with Level("refinement")).
func Tolerance(d time.Duration) Option { return func(c *config) { c.tolerance = d } }

// Out sets the directory of the results (summary.json, junit.xml,
// report.html, counterexamples/). By default Check uses a new temporary
// directory, removed when the test passes and kept, with its path in the
// test's log, when it fails; Fuzz uses testdata/podconform-counterexamples.
func Out(dir string) Option { return func(c *config) { c.out = dir } }

// Baseline names a baseline file (podconform baseline writes one): the
// failures it lists are logged as known, not reported as errors.
func Baseline(file string) Option { return func(c *config) { c.baseline = file } }

// Parallel sets how many scenarios run at once (1 by default, so that an
// implementation need not be safe for concurrent sessions).
func Parallel(n int) Option { return func(c *config) { c.parallel = n } }

// ShrinkSteps bounds the smaller scenarios tried when shrinking a
// counterexample (100 by default; 0: no shrinking).
func ShrinkSteps(n int) Option { return func(c *config) { c.shrinkSteps = n } }

// Timeout bounds one scenario's wall time (a minute by default).
func Timeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// Generate shapes the generated scenarios to what the implementation
// supports: how many init containers, sidecars and app containers, and
// whether probes, hooks, restart rules, varied profiles and long runs
// appear (see gen.Knobs; gen.DefaultKnobs has every feature on). By
// default Check generates podconform run's own mix and Fuzz draws with
// gen.DefaultKnobs. A scenario the implementation still cannot run is
// counted as unsupported when its adapter says so
// (adapters.ErrKindUnsupported).
func Generate(k gen.Knobs) Option { return func(c *config) { c.knobs = &k } }
