package exec

// FuzzDecodeReply is in a file of its own, which builds apart from the
// other test files, as ClusterFuzzLite's build of a native Go fuzz target
// needs (.clusterfuzzlite/build.sh).

import "testing"

// FuzzDecodeReply: no reply line makes the runner's decoder panic, and a
// step it accepts encodes and decodes again to the same actions.
func FuzzDecodeReply(f *testing.F) {
	for _, s := range []string{
		`{"type":"step","actions":[{"atMs":0,"kind":"SandboxCreated"},{"atMs":5,"kind":"BackOff","container":"a","attempt":1,"waitMs":10,"delayMs":10}],"nextMs":7,"probes":[{"container":"a","probe":"liveness"}]}`,
		`{"type":"step","actions":[{"atMs":1000,"kind":"Status","status":{"phase":"Running","startTime":"2026-01-01T00:00:00Z","conditions":[{"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-01-01T00:00:01Z"}]}}]}`,
		`{"type":"hello","protocol":"podconform-exec","version":1,"name":"x","implVersion":"1","observes":["all"]}`,
		`{"type":"refuse","message":"no"}`,
		`{"type":"closed"}`,
		`{"type":"step","actions":[{"atMs":0,"kind":"DeleteRequested","grace":30,"force":true}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		r, fe := decodeReply(line)
		if fe != nil || r.typ != TypeStep {
			return
		}
		b, err := AppendStep(nil, r.step)
		if err != nil {
			t.Fatalf("decoded step does not encode: %v", err)
		}
		r2, fe := decodeReply(b[:len(b)-1])
		if fe != nil {
			t.Fatalf("re-encoded step does not decode: %v\n%s", fe, b)
		}
		if len(r2.step.Actions) != len(r.step.Actions) || r2.step.HasNext != r.step.HasNext || len(r2.step.Probes) != len(r.step.Probes) {
			t.Fatalf("round trip changed the step:\n%s", b)
		}
	})
}
