//go:build unix

package exec

import (
	"context"
	"fmt"
	osexec "os/exec"
	"testing"
	"time"

	"github.com/podconform/podconform/adapters"
	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/scenario"
)

// benchScenarios cycles through generated scenarios and reports
// scenarios/s and the time per request (open, inputs and close).
func benchScenarios(b *testing.B, a adapters.DrivenAdapter) {
	docs := make([]*scenario.Document, 64)
	for i := range docs {
		docs[i] = gen.Scenario(gen.DefaultKnobs()).Example(i)
	}
	requests := 0
	b.ResetTimer()
	begin := time.Now()
	for i := 0; i < b.N; i++ {
		n, _, err := runScenario(context.Background(), a, docs[i%len(docs)])
		if err != nil {
			b.Fatal(err)
		}
		requests += n
	}
	el := time.Since(begin)
	b.ReportMetric(float64(b.N)/el.Seconds(), "scenarios/s")
	b.ReportMetric(float64(el.Nanoseconds())/float64(requests), "ns/request")
	b.ReportMetric(float64(requests)/float64(b.N), "requests/scenario")
}

// BenchmarkInProcessModel is the baseline: the model adapter, no protocol.
func BenchmarkInProcessModel(b *testing.B) {
	benchScenarios(b, modeladapter.New())
}

// BenchmarkPipeModel: the model through Serve and a Conn over in-process
// pipes (the protocol's encoding cost, without a process).
func BenchmarkPipeModel(b *testing.B) {
	c, stop := pipeConn(b, modeladapter.New(), Options{})
	defer stop()
	benchScenarios(b, c)
}

// BenchmarkExecModel: the model through the real `podconform exec-server`
// process.
func BenchmarkExecModel(b *testing.B) {
	a, err := New(fmt.Sprintf("%q exec-server", podconformBinary(b)), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Shutdown()
	benchScenarios(b, a)
}

// BenchmarkExecPython: the Python example.
func BenchmarkExecPython(b *testing.B) {
	py, err := osexec.LookPath("python3")
	if err != nil {
		b.Skip("python3 not on PATH")
	}
	a, err := New(fmt.Sprintf("%q example/simple_kubelet.py", py), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Shutdown()
	benchScenarios(b, a)
}
