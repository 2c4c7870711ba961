package conformance_test

import (
	"testing"

	"github.com/podconform/podconform/adapters"
	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/conformance"
	"github.com/podconform/podconform/gen"
)

// A conformance check in an implementer's own tests. Here the
// implementation is podconform's reference model; yours is any
// adapters.DrivenAdapter (in the same process), an exec adapter
// (adapters/exec.New with your program's command line), or an
// adapters.AutonomousAdapter that returns its whole trace.
func ExampleCheck() {
	// In a file my_kubelet_test.go:
	_ = func(t *testing.T) { // func TestConformance(t *testing.T)
		conformance.Check(t, modeladapter.New(), conformance.Checks(200), conformance.Seed(7))
	}
}

// A fuzz target: go test -fuzz FuzzConformance. A failure is saved under
// testdata/podconform-counterexamples before the target fails.
func ExampleFuzz() {
	_ = func(f *testing.F) { // func FuzzConformance(f *testing.F)
		conformance.Fuzz(f, func() adapters.Adapter { return modeladapter.New() })
	}
}

// A check shaped to what the implementation supports: here regular init
// containers and app containers only, with no sidecars, probes, hooks or
// restart rules (examples/go-implementation does this for its tinykubelet).
// A scenario the adapter still cannot run is counted as unsupported when it
// says so (adapters.ErrKindUnsupported), never as a pass.
func ExampleGenerate() {
	_ = func(t *testing.T) { // func TestConformance(t *testing.T)
		features := gen.Knobs{MaxInit: 2, MaxApps: 3, MaxAttempts: 4, MaxEvents: 2, VaryProfile: true}
		conformance.Check(t, modeladapter.New(), conformance.Generate(features), conformance.Checks(500))
	}
}
