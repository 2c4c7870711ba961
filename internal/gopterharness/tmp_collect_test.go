package gopterharness

import (
	"testing"

	"github.com/podconform/podconform/internal/check"
)

func TestTmpCollect(t *testing.T) {
	seen := map[string]int{}
	for seed := int64(1); seed <= 40; seed++ {
		r := Search(0, seed, 300)
		if r.Passed {
			continue
		}
		seen[r.Violation]++
		if seen[r.Violation] > 1 {
			continue
		}
		ce := r.Counterexample
		res, same, err := check.Replay(ce)
		_ = res
		t.Logf("seed %d: %s same=%v err=%v\n%s\n%s", seed, r.Violation, same, err, r.Report, saveCounterexample(t, r))
	}
	t.Log(seen)
}
