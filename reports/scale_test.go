package reports

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/internal/runner"
)

// BenchmarkReport1000 renders the report of a run with 1,000
// counterexamples (a mutant that about one generated scenario in three
// catches, unshrunk, so the traces are full length), from reading the files
// to the finished page, and reports the page's size.
//
//	go test -run '^$' -bench Report1000 -benchtime 3x ./reports/
func BenchmarkReport1000(b *testing.B) {
	a, err := modeladapter.Mutant("ready-at-start")
	require.NoError(b, err)
	dir := b.TempDir()
	sum, err := runner.Run(context.Background(), runner.Options{
		Adapter: a, AdapterSpec: "--adapter mutant:ready-at-start", Checks: 5000, Seed: 1,
		Out: dir, MaxFailures: 1000, Parallel: 1,
	})
	require.NoError(b, err)
	require.Len(b, sum.Failures, 1000)
	b.ResetTimer()
	var size int
	for i := 0; i < b.N; i++ {
		in, err := Load(dir, "")
		require.NoError(b, err)
		var buf bytes.Buffer
		require.NoError(b, Render(&buf, Build(in)))
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/(1<<20), "MiB/report")
	b.ReportMetric(float64(size)/1000/1024, "KiB/counterexample")
}
