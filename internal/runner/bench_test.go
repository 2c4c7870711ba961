package runner

import (
	"context"
	"testing"

	modeladapter "github.com/podconform/podconform/adapters/model"
)

// BenchmarkRunModel measures whole scenarios through the runner on the
// model adapter: generation, the driven loop, every invariant and the
// refinement check (no shrinking: the model passes). Run with -cpu 1,2.
func BenchmarkRunModel(b *testing.B) {
	a := modeladapter.New()
	b.ReportAllocs()
	b.ResetTimer()
	sum, err := Run(context.Background(), Options{Adapter: a, Checks: b.N, Seed: 11})
	if err != nil {
		b.Fatal(err)
	}
	if !sum.Conformant() {
		b.Fatalf("model not conformant: %+v", sum.Failures[0])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "scenarios/s")
}
