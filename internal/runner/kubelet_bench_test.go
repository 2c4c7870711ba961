package runner

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/podconform/podconform/adapters"
	execadapter "github.com/podconform/podconform/adapters/exec"
	modeladapter "github.com/podconform/podconform/adapters/model"
)

// BenchmarkKubeletVsModel runs the same scenarios (default profile,
// seed 11) through the runner on the reference model (in-process) and on
// the upstream kubelet's code (the podconform-kubelet program, "make
// kubelet"), in one go test run; divide the two scenarios/s for the ratio.
// Skipped when the program is not built.
func BenchmarkKubeletVsModel(b *testing.B) {
	bin := os.Getenv("PODCONFORM_KUBELET")
	if bin == "" {
		bin, _ = filepath.Abs("../../bin/podconform-kubelet")
	}
	if _, err := os.Stat(bin); err != nil {
		b.Skipf("no kubelet adapter at %s: run make kubelet", bin)
	}
	kubelet, err := execadapter.NewCommand([]string{bin, "serve"}, execadapter.Options{Timeout: 30 * time.Second, Name: "kubelet"})
	if err != nil {
		b.Fatal(err)
	}
	defer kubelet.Shutdown()
	for _, c := range []struct {
		name string
		a    adapters.Adapter
	}{{"model", modeladapter.New()}, {"kubelet", kubelet}} {
		b.Run(c.name, func(b *testing.B) {
			b.ResetTimer()
			_, err := Run(context.Background(), Options{Adapter: c.a, Checks: b.N, Seed: 11, FixedProfile: true})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "scenarios/s")
		})
	}
}
