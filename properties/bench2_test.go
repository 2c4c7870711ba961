package properties_test

import (
	"testing"
	"time"

	"github.com/podconform/podconform/properties"
)

func BenchmarkNewSuite(b *testing.B) {
	t := &testing.T{}
	s := loadCase(t, "typical")
	ctx := ctxOf(s)
	b.ReportAllocs()
	for b.Loop() {
		properties.NewSuite(ctx)
	}
}

func BenchmarkObserveOnly(b *testing.B) {
	t := &testing.T{}
	s := loadCase(t, "typical")
	acts, _, _ := run(t, s, time.Hour)
	ctx := ctxOf(s)
	b.ReportAllocs()
	sus := make([]*properties.Suite, 0, 1)
	for b.Loop() {
		b.StopTimer()
		su := properties.NewSuite(ctx)
		sus = append(sus[:0], su)
		b.StartTimer()
		for i := range acts {
			su.Observe(i, &acts[i])
		}
	}
}
