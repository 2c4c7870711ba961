package check_test

import (
	"testing"

	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/scenario"
)

// BenchmarkCheckedScenario: generated scenarios run on the reference model
// with every property checked after every step (what the selftest and the
// fuzz targets do per input). Reports checked scenarios/s and actions/s.
func BenchmarkCheckedScenario(b *testing.B) {
	docs := make([]*scenario.Document, 64)
	for i := range docs {
		docs[i] = gen.Scenario(gen.DefaultKnobs()).Example(i)
	}
	var actions int
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d := docs[i%len(docs)]
		i++
		res, err := check.Run(d, check.Options{Until: gen.Until(d), KeepTrace: true})
		if err != nil {
			b.Fatal(err)
		}
		if res.Violation != nil {
			b.Fatalf("%s: %v", d.Metadata.Name, res.Violation)
		}
		actions += len(res.Trace)
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "scenarios/s")
	b.ReportMetric(float64(actions)/b.Elapsed().Seconds(), "actions/s")
}
