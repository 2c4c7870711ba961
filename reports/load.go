package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/podconform/podconform/internal/bounded"
	"github.com/podconform/podconform/internal/runner"
	"github.com/podconform/podconform/scenario"
	"github.com/podconform/podconform/trace"
)

// File names in a run's output directory.
const (
	// ReportFile is the HTML report.
	ReportFile = "report.html"
	// SelfTestFile is a mutation self-test's score (podconform selftest
	// --out DIR writes it).
	SelfTestFile = "selftest.json"
)

// Input is everything a report is made from, as read from disk.
type Input struct {
	// Dir is the run's output directory, as the user named it (replay
	// commands are given relative to the current directory through it).
	Dir     string
	Summary *runner.Summary
	// Saved holds the files of each counterexample shown (the shrunk
	// one, when shrinking made one), by the path the summary gives
	// (relative to Dir).
	Saved map[string]*Saved
	// SelfTest is the mutation self-test's score, if one was found.
	SelfTest *SelfTest
	// Invocation is how the reader runs podconform, for the commands the
	// report shows ("": podconform; "go run ./cmd/podconform" for one
	// who runs it from a checkout without installing it).
	Invocation string
}

// Saved is one saved counterexample: its scenario file and the traces the
// runner saved beside it. A missing or unreadable part leaves its field
// empty and says why in Problems; the report shows what there is.
type Saved struct {
	Path     string
	YAML     []byte
	Doc      *scenario.Document
	Observed *trace.Document
	Expected *trace.Document
	Problems []string
}

// Load reads a run's output directory: summary.json (required), each
// counterexample it names and its traces, and selfTest if not empty (else
// DIR/selftest.json when present).
func Load(dir, selfTest string) (*Input, error) {
	if runner.Unfinished(dir) {
		return nil, fmt.Errorf("%s holds a run that did not finish: it was killed (or crashed, or the disk filled) before it wrote its summary, so there is nothing to report (%s marks it); its counterexamples are in %s", dir, runner.InProgressFile, filepath.Join(dir, runner.CounterexampleDir))
	}
	sum, err := runner.ReadSummary(filepath.Join(dir, runner.SummaryFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a podconform run's output directory: no %s (podconform run --out %s writes one)", dir, runner.SummaryFile, dir)
		}
		return nil, err
	}
	in := &Input{Dir: dir, Summary: sum, Saved: map[string]*Saved{}}
	// The shown file of each failure: the shrunk one when there is one.
	var rels []string
	for _, f := range sum.Failures {
		rel := f.Shrunk
		if rel == "" {
			rel = f.File
		}
		if rel != "" && in.Saved[rel] == nil {
			in.Saved[rel] = &Saved{}
			rels = append(rels, rel)
		}
	}
	// Decoding traces is most of the work; spread it over the cores.
	saved := make([]*Saved, len(rels))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(rels); i = int(next.Add(1)) - 1 {
				saved[i] = loadSaved(dir, rels[i])
			}
		}()
	}
	wg.Wait()
	for i, rel := range rels {
		in.Saved[rel] = saved[i]
	}
	explicit := selfTest != ""
	if !explicit {
		selfTest = filepath.Join(dir, SelfTestFile)
	}
	st, err := ReadSelfTest(selfTest)
	switch {
	case err == nil:
		in.SelfTest = st
	case explicit || !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("self-test score: %w", err)
	}
	return in, nil
}

// loadSaved reads one counterexample's files. rel is relative to dir and
// must stay inside it: a summary is data, not a licence to read anywhere.
func loadSaved(dir, rel string) *Saved {
	s := &Saved{Path: rel}
	clean := filepath.Clean(filepath.FromSlash(rel))
	if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		s.Problems = append(s.Problems, fmt.Sprintf("%s: not inside the output directory; not read", rel))
		return s
	}
	path := filepath.Join(dir, clean)
	data, err := bounded.ReadFile(path, bounded.ScenarioBytes, "a scenario file")
	if err != nil {
		s.Problems = append(s.Problems, fmt.Sprintf("scenario file: %v", err))
		return s
	}
	s.YAML = data
	if doc, err := scenario.Parse(data, path); err != nil {
		s.Problems = append(s.Problems, fmt.Sprintf("scenario file: %v", err))
	} else {
		s.Doc = doc
	}
	base := strings.TrimSuffix(path, filepath.Ext(path))
	read := func(suffix, what string) *trace.Document {
		data, err := bounded.ReadFile(base+suffix, bounded.ResultBytes, "a trace file")
		if errors.Is(err, fs.ErrNotExist) {
			s.Problems = append(s.Problems, fmt.Sprintf("no %s trace saved (%s)", what, filepath.Base(base+suffix)))
			return nil
		}
		if err != nil {
			s.Problems = append(s.Problems, fmt.Sprintf("%s trace: %v", what, err))
			return nil
		}
		d, err := trace.Decode(bytes.NewReader(data))
		if err != nil {
			s.Problems = append(s.Problems, fmt.Sprintf("%s trace %s: %v", what, filepath.Base(base+suffix), err))
			return nil
		}
		return d
	}
	s.Observed = read(runner.ObservedSuffix, "observed")
	s.Expected = read(runner.ExpectedSuffix, "expected")
	return s
}

// SelfTest is the score of a mutation self-test (podconform selftest).
type SelfTest struct {
	Kind    string   `json:"kind"`
	Seed    int      `json:"seed"`
	Budget  string   `json:"budget"`
	Killed  int      `json:"killed"`
	Total   int      `json:"total"`
	Mutants []Mutant `json:"mutants"`
}

// SelfTestKind is the kind of a self-test score document.
const SelfTestKind = "SelfTestScore"

// Mutant is one mutant's result in a self-test.
type Mutant struct {
	Name string `json:"name"`
	// Verdict is killed, survived, false-positive or error.
	Verdict string `json:"verdict"`
	// Property is the invariant that caught it.
	Property  string `json:"property,omitempty"`
	Scenarios int    `json:"scenarios"`
	// Elapsed is the search time (wall clock: the one figure that varies).
	Elapsed        string `json:"elapsed,omitempty"`
	Counterexample string `json:"counterexample,omitempty"`
	Detail         string `json:"detail,omitempty"`
}

// ReadSelfTest reads a self-test score file.
func ReadSelfTest(path string) (*SelfTest, error) {
	data, err := bounded.ReadFile(path, bounded.ResultBytes, "a self-test score")
	if err != nil {
		return nil, err
	}
	var st SelfTest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if end := dec.InputOffset(); func() bool { _, err := dec.Token(); return err != io.EOF }() {
		return nil, fmt.Errorf("%s: data after the JSON document's end (byte %d): one document per file", path, end)
	}
	if st.Kind != SelfTestKind {
		return nil, fmt.Errorf("%s: not a self-test score (kind %q, want %q)", path, st.Kind, SelfTestKind)
	}
	return &st, nil
}
