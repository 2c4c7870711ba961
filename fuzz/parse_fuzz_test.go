package fuzz

// The byte-level fuzz targets (FuzzScenarioParse, FuzzTraceDecode) and what
// they need. This file builds on its own, apart from the other test files:
// ClusterFuzzLite's build of a native Go fuzz target compiles the target's
// file alone, with its own testing package in place of the standard one
// (.clusterfuzzlite/build.sh). The rapid-driven targets (fuzz_test.go)
// cannot be built that way and stay with go test -fuzz.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podconform/podconform/gen"
	"github.com/podconform/podconform/internal/budget"
	"github.com/podconform/podconform/internal/check"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
	"github.com/podconform/podconform/trace"
)

// counterexampleDir is where violations are saved, relative to this
// package; replayDir is the same from the module root.
const (
	counterexampleDir = "testdata/counterexamples"
	replayDir         = "fuzz/" + counterexampleDir
)

// modelError stands for an error from the model in a counterexample file:
// the model must run every valid scenario.
const modelError = "model-error"

// save writes the counterexample doc breaks on the reference model (until
// is the run's limit) to testdata/counterexamples, atomically, replays it,
// and returns a message with the command that replays it.
func save(doc *scenario.Document, v *properties.Violation, until time.Duration) string {
	msg := v.Error()
	ce, err := check.Counterexample(doc, v, 0, until)
	if err != nil {
		return msg + fmt.Sprintf("\n(the counterexample could not be saved: %v)", err)
	}
	if err := ce.Validate(); err != nil {
		return msg + fmt.Sprintf("\n(the counterexample is not a valid scenario: %v)", err)
	}
	path, err := check.Save(counterexampleDir, ce)
	if err != nil {
		return msg + fmt.Sprintf("\n(the counterexample could not be saved: %v)", err)
	}
	msg += "\nreplay: go run ./cmd/podconform replay " + replayDir + "/" + filepath.Base(path)
	if v.ID != modelError {
		if _, same, err := check.Replay(ce); err != nil || !same {
			msg += fmt.Sprintf("\n(warning: replaying the saved file does not reproduce the violation: same=%v err=%v)", same, err)
		}
	}
	return msg
}

// ---------------------------------------------------------------------------
// FuzzScenarioParse

// exampleFiles returns the corpus examples by name. It reads them once
// per process: a libFuzzer build calls the target once per input.
func exampleFiles(f *testing.F) map[string][]byte {
	files, err := readExamples()
	if err != nil {
		f.Fatalf("%v", err)
	}
	return files
}

var readExamples = sync.OnceValues(func() (map[string][]byte, error) {
	files, err := filepath.Glob(filepath.Join("..", "corpus", "examples", "*.yaml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no corpus examples: %v", err)
	}
	out := map[string][]byte{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(filepath.Base(file), ".yaml")] = data
	}
	return out, nil
})

// FuzzScenarioParse: any bytes are rejected with an error or give a
// document; a valid document round-trips, and runs on the model as
// podconform run would run it: within its time limit and a run's budget
// (package budget), stopping there or at the pod's end, never at an error,
// and breaking no invariant. So the fuzzer reaches whatever the parser
// accepts, not only what the generators make. The seeds are the corpus
// examples and the hostile-input corpus's scenario files.
func FuzzScenarioParse(f *testing.F) {
	for _, data := range exampleFiles(f) {
		f.Add(data)
	}
	hostile, _ := filepath.Glob(filepath.Join("..", "internal", "runner", "testdata", "hostile", "scenario", "*"))
	for _, file := range hostile {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("apiVersion: podconform.dev/v1alpha1\nkind: Scenario\nmetadata: {name: s}\npod:\n  apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n  spec:\n    containers: [{name: a, image: b}]\nevents: [{at: 1s, type: ForceDelete}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := scenario.Parse(data, "fuzz.yaml")
		if err != nil {
			if d != nil {
				t.Fatalf("Parse returned a document and an error: %v", err)
			}
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("Parse: %v", err)
			}
			return
		}
		if d == nil {
			t.Fatal("Parse returned neither a document nor an error")
		}
		if d.Validate() != nil {
			return
		}
		out, err := d.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a valid document: %v", err)
		}
		d2, err := scenario.Parse(out, "marshalled.yaml")
		if err != nil {
			t.Fatalf("Parse(Marshal(d)): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(d, d2) {
			out2, _ := d2.Marshal()
			t.Fatalf("Parse(Marshal(d)) != d\nmarshalled:\n%s\nre-marshalled:\n%s", out, out2)
		}
		if out2, err := d2.Marshal(); err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("Marshal is not canonical (%v)\nfirst:\n%s\nsecond:\n%s", err, out, out2)
		}
		// The run podconform run gives it: its time limit, the budget,
		// every invariant.
		until := gen.Until(d)
		if ce := d.Metadata.Counterexample; ce != nil && ce.Until.Duration > 0 {
			until = ce.Until.Duration
		}
		res, err := check.Run(d, check.Options{Until: until})
		var over *budget.Exceeded
		switch {
		case errors.As(err, &over):
			// Too big to check: podconform run's verdict over-budget.
		case err != nil:
			v := &properties.Violation{ID: modelError, Index: -1, Message: err.Error()}
			t.Fatalf("the model cannot run a valid scenario: %s", save(d, v, until))
		case res.Violation != nil:
			t.Fatalf("%s", save(d, res.Violation, until))
		}
	})
}

// ---------------------------------------------------------------------------
// FuzzTraceDecode

// exampleTraces returns traces of the corpus examples on the model (for 3
// minutes of virtual time): each cut to its first 6 actions, and whole when
// it is short. (Small seeds keep the fuzzer fast: decoding a PodStatus is
// slow under coverage instrumentation.)
func exampleTraces(f *testing.F) []*trace.Document {
	docs, err := makeTraces()
	if err != nil {
		f.Fatalf("%v", err)
	}
	return docs
}

var makeTraces = sync.OnceValues(func() ([]*trace.Document, error) {
	files, err := readExamples()
	if err != nil {
		return nil, err
	}
	var docs []*trace.Document
	for _, name := range []string{"crashloop", "hook-demo", "sidecar", "startup-probe"} {
		data, ok := files[name]
		if !ok {
			continue
		}
		d, err := scenario.Parse(data, name+".yaml")
		if err != nil {
			return nil, err
		}
		acts, err := model.Run(d.Model(), 3*time.Minute)
		if err != nil {
			return nil, err
		}
		prof := d.Profile.WithDefaults().Name
		docs = append(docs, trace.New(d.Metadata.Name, prof, d.Pod.Name, acts[:min(len(acts), 6)]))
		if len(acts) <= 16 {
			docs = append(docs, trace.New(d.Metadata.Name, prof, d.Pod.Name, acts))
		}
	}
	return docs, nil
})

// FuzzTraceDecode: any bytes are rejected with a *trace.Error or give a
// document that re-encodes to itself.
func FuzzTraceDecode(f *testing.F) {
	for _, d := range exampleTraces(f) {
		var b bytes.Buffer
		if err := trace.Encode(&b, d); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	f.Add([]byte(`{"apiVersion":"podconform.dev/v1alpha1","kind":"Trace","actions":[]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := trace.Decode(bytes.NewReader(data))
		if err != nil {
			if d != nil {
				t.Fatal("Decode returned a document and an error")
			}
			var te *trace.Error
			if !errors.As(err, &te) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		var enc bytes.Buffer
		if err := trace.Encode(&enc, d); err != nil {
			t.Fatalf("a decoded document does not encode: %v", err)
		}
		d2, err := trace.Decode(bytes.NewReader(enc.Bytes()))
		if err != nil {
			t.Fatalf("the encoding does not decode: %v\n%s", err, enc.Bytes())
		}
		if !trace.Equal(d, d2) {
			t.Fatalf("the round trip changed the document:\n%s", enc.Bytes())
		}
		var enc2 bytes.Buffer
		if err := trace.Encode(&enc2, d2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc.Bytes(), enc2.Bytes()) {
			t.Fatalf("re-encoding differs:\n%s\n%s", enc.Bytes(), enc2.Bytes())
		}
	})
}
