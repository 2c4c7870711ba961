package runner

import (
	"context"
	"testing"
	"time"

	modeladapter "github.com/podconform/podconform/adapters/model"
)

// BenchmarkRunModel measures whole scenarios through the runner on the
// model adapter: generation, the driven loop, every invariant and the
// refinement check (no shrinking: the model passes). Run with -cpu 1,2.
func BenchmarkRunModel(b *testing.B) { benchRunModel(b, 0) }

// BenchmarkRunModelTolerance10s is BenchmarkRunModel with the command
// line's default tolerance: the run is recorded for a check at 10 s, which
// is replayed only where the exact check fails (never, on the model).
func BenchmarkRunModelTolerance10s(b *testing.B) { benchRunModel(b, 10*time.Second) }

func benchRunModel(b *testing.B, tol time.Duration) {
	a := modeladapter.New()
	b.ReportAllocs()
	b.ResetTimer()
	sum, err := Run(context.Background(), Options{Adapter: a, Checks: b.N, Seed: 11, Tolerance: tol})
	if err != nil {
		b.Fatal(err)
	}
	if !sum.Conformant() {
		b.Fatalf("model not conformant: %+v", sum.Failures[0])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "scenarios/s")
}
