package conformance_test

import (
	"testing"

	"github.com/podconform/podconform/adapters"
	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/conformance"
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
