package conformance

import (
	"context"
	"testing"

	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/internal/runner"
)

// BenchmarkCheck and BenchmarkRun check b.N generated scenarios on the
// model, one at a time, through Check and through the runner podconform
// run uses: their ratio is Check's overhead per scenario.
func BenchmarkCheck(b *testing.B) {
	a := modeladapter.New()
	for b.Loop() {
		Check(b, a, Checks(100), ShrinkSteps(0))
	}
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "scenarios/s")
}

func BenchmarkRun(b *testing.B) {
	a := modeladapter.New()
	for b.Loop() {
		dir := b.TempDir()
		if _, err := runner.Run(context.Background(), runner.Options{Adapter: a, Checks: 100, Seed: 1, Parallel: 1, Level: runner.LevelExact, Out: dir}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "scenarios/s")
}
