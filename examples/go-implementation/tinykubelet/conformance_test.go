package tinykubelet

import (
	"testing"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/conformance"
	"github.com/podconform/podconform/gen"
)

// features is what tinykubelet implements, for podconform's generator:
// regular init containers and app containers (no sidecars, probes, hooks
// or restart rules), crash loops long enough to reach the back-off's cap
// and its reset, deletes and force deletes, and profiles with other
// back-off and grace constants.
var features = gen.Knobs{
	MaxInit: 2, MaxApps: 3, MaxAttempts: 4, MaxEvents: 2,
	VaryProfile: true, LongRuns: true,
}

// TestConformance checks tinykubelet against podconform's reference model
// and invariants on 500 generated scenarios, at the exact level: every
// action at the model's moment. A failure is reported once per distinct
// failure, with its shrunk counterexample and the command that replays it.
func TestConformance(t *testing.T) {
	res := conformance.Check(t, adapter{},
		conformance.Generate(features),
		conformance.Checks(500),
		conformance.Seed(1),
	)
	if res.Skipped > 0 {
		// The generator is shaped to what tinykubelet supports, so none
		// should be skipped: a skip would mean the two disagree.
		t.Errorf("%d scenarios skipped as unsupported", res.Skipped)
	}
}

// FuzzConformance: go test -fuzz FuzzConformance ./tinykubelet. A failing
// scenario is saved under testdata/podconform-counterexamples before the
// target fails.
func FuzzConformance(f *testing.F) {
	conformance.Fuzz(f, func() adapters.Adapter { return adapter{} }, conformance.Generate(features))
}
