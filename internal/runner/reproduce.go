package runner

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
)

// Reproduction is what the replay of a saved counterexample found.
type Reproduction struct {
	// Recorded is the failure the file records and Found the replay's
	// first failure, each as "violation:ID", "divergence:KIND" or
	// "adapter:KIND" ("pass" when none); Reproduced says the replay shows
	// the recorded failure (first or not).
	Recorded, Found string
	Reproduced      bool
	// Message describes the recorded failure as the replay shows it when
	// reproduced, else the replay's first failure.
	Message string
	At      time.Duration
	// Broken lists every invariant the replay's trace breaks.
	Broken []properties.Violation
	// Observed is the adapter's trace, End where the run ended.
	Observed []model.Action
	End      time.Duration
}

// RecordedClass is the failure a counterexample file records, as a class
// (see Reproduction.Recorded).
func RecordedClass(ce *scenario.Counterexample) string {
	switch {
	case ce == nil:
		return ""
	case ce.Property == "refinement":
		return "divergence:" + ce.Divergence
	case ce.Property == "adapter-error":
		return "adapter:" + strings.TrimPrefix(ce.Divergence, "adapter-")
	}
	return "violation:" + ce.Property
}

// Reproduce runs a saved counterexample again on adapter a as the run that
// found it did: its time limit, and for a divergence the tolerance it was
// found at, checking every invariant the adapter's observables allow.
func Reproduce(ctx context.Context, a adapters.Adapter, doc *scenario.Document, timeout time.Duration) (*Reproduction, error) {
	ce := doc.Metadata.Counterexample
	if ce == nil {
		return nil, errors.New("the file records no counterexample (metadata.counterexample)")
	}
	props, err := SelectProperties(a.Info().Observes, nil)
	if err != nil {
		return nil, err
	}
	until := ce.Until.Duration
	if until <= 0 {
		until = gen.Until(doc)
	}
	opt := Options{Adapter: a, Timeout: timeout, Level: LevelExact}
	if ce.Tolerance != nil && ce.Tolerance.Duration > 0 {
		opt.Tolerance, opt.Level = ce.Tolerance.Duration, LevelRefinement
	}
	if timeout <= 0 {
		opt.Timeout = 60 * time.Second
	}
	r := runOnce(ctx, opt, props, doc, until)
	rep := &Reproduction{Recorded: RecordedClass(ce), Found: r.class(), Broken: r.broken, Observed: r.observed, End: r.end}
	rep.Reproduced = r.has(rep.Recorded)
	if rep.Reproduced {
		r.focus(rep.Recorded)
	}
	switch r.verdict {
	case Violation:
		rep.Message, rep.At = r.violation.Message, r.violation.At
	case Divergence:
		rep.Message, rep.At = r.divergence.Message, r.divergence.At
	case AdapterError:
		rep.Message, rep.At = r.adapterErr.Error(), r.end
	}
	return rep, nil
}
