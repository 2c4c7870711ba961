package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/podconform/podconform/scenario"
)

// CheckScenario runs one scenario on opt.Adapter as Run runs each of its
// scenarios: its time limit (a counterexample's own, else the generator's
// for its size, capped by opt.MaxUntil), the budget, every invariant the
// adapter's observables allow, refinement against the model, at the level
// opt.Level. A failure is saved to opt.Out's counterexamples directory,
// atomically, before it is shrunk (opt.ShrinkSteps) and again once shrunk.
// The outcome's Verdict is Pass for a scenario that meets the level.
// Counterexamples, Outcome.File and Outcome.Shrunk are relative to opt.Out;
// with no opt.Out nothing is saved.
func CheckScenario(ctx context.Context, opt Options, doc *scenario.Document) (*Outcome, error) {
	if opt.Adapter == nil {
		return nil, errors.New("no adapter")
	}
	if _, _, err := kindOf(opt.Adapter); err != nil {
		return nil, err
	}
	if err := doc.Validate(); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", doc.Metadata.Name, err)
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 60 * time.Second
	}
	if opt.Level == "" {
		opt.Level = levelFor(opt.Tolerance)
	}
	if _, err := ParseLevel(string(opt.Level)); err != nil {
		return nil, err
	}
	props, err := SelectProperties(opt.Adapter.Info().Observes, opt.Properties)
	if err != nil {
		return nil, err
	}
	var cedir string
	if opt.Out != "" {
		cedir = filepath.Join(opt.Out, CounterexampleDir)
		if err := os.MkdirAll(cedir, 0o755); err != nil {
			return nil, fmt.Errorf("output directory: %w", err)
		}
	}
	until := untilOf(doc)
	if opt.MaxUntil > 0 && until > opt.MaxUntil {
		until = opt.MaxUntil
	}
	it := &item{name: doc.Metadata.Name, source: "check", doc: doc, until: until}
	return runItem(ctx, opt, props, cedir, it)
}
