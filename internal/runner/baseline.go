package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/podconform/podconform/internal/bounded"
	"github.com/podconform/podconform/scenario"
)

// BaselineKind is the kind of a baseline document.
const BaselineKind = "Baseline"

// Baseline lists an implementation's known, accepted failures by signature
// (Group.Signature: the broken check and the shape of the shrunk
// counterexample, without names, times or scenario indexes), so that it
// survives changes in generation. A run given a baseline fails only on
// failures it does not list (Summary.ExitCode).
type Baseline struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Adapter names the implementation the baseline was written for
	// (informational).
	Adapter  string          `json:"adapter,omitempty"`
	Failures []BaselineEntry `json:"failures"`
}

// BaselineEntry is one accepted failure.
type BaselineEntry struct {
	Signature string `json:"signature"`
	// Check and Shape repeat the signature's parts, and Count how many
	// scenarios had it when the baseline was written: for the reader.
	Check string `json:"check,omitempty"`
	Shape string `json:"shape,omitempty"`
	Count int    `json:"count,omitempty"`
	// Note says why the failure is accepted (for the reader; podconform
	// baseline keeps it when it rewrites the file and the signature stays).
	Note string `json:"note,omitempty"`
}

// BaselineUse is what a run found against its baseline.
type BaselineUse struct {
	// File is the baseline as given on the command line.
	File string `json:"file"`
	// Known and New count the distinct failures (groups) the baseline
	// lists and does not list.
	Known int `json:"known"`
	New   int `json:"new"`
	// Gone lists the baseline's signatures the run did not see (fixed, or
	// not reached by this run's scenarios), sorted.
	Gone []string `json:"gone,omitempty"`
}

// BaselineOf is the baseline that accepts every distinct failure of s.
func BaselineOf(s *Summary) *Baseline {
	b := &Baseline{APIVersion: scenario.APIVersion, Kind: BaselineKind, Adapter: s.Adapter.Name, Failures: []BaselineEntry{}}
	for _, g := range s.Groups {
		b.Failures = append(b.Failures, BaselineEntry{Signature: g.Signature, Check: g.Check, Shape: g.Shape, Count: g.Count})
	}
	sort.Slice(b.Failures, func(i, j int) bool { return b.Failures[i].Signature < b.Failures[j].Signature })
	return b
}

// JSON returns the baseline's canonical JSON.
func (b *Baseline) JSON() ([]byte, error) {
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// ReadBaseline reads a baseline file strictly: unknown fields, data after
// the document, another kind, and an empty or repeated signature are
// errors naming the file (and the entry).
func ReadBaseline(path string) (*Baseline, error) {
	data, err := bounded.ReadFile(path, bounded.ResultBytes, "a baseline")
	if err != nil {
		return nil, err
	}
	var b Baseline
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if end := dec.InputOffset(); func() bool { _, err := dec.Token(); return err != io.EOF }() {
		return nil, fmt.Errorf("%s: data after the JSON document's end (byte %d): one document per file", path, end)
	}
	if b.Kind != BaselineKind {
		return nil, fmt.Errorf("%s: not a baseline (kind %q; `podconform baseline` writes one from a run)", path, b.Kind)
	}
	seen := map[string]bool{}
	for i, f := range b.Failures {
		switch {
		case f.Signature == "":
			return nil, fmt.Errorf("%s: failures[%d].signature: required", path, i)
		case seen[f.Signature]:
			return nil, fmt.Errorf("%s: failures[%d].signature: %q is listed twice", path, i, f.Signature)
		}
		seen[f.Signature] = true
	}
	return &b, nil
}

// ApplyBaseline marks each of s's groups known or new against b (read
// from file), and records the outcome in s.Baseline.
func (s *Summary) ApplyBaseline(b *Baseline, file string) {
	listed := map[string]bool{}
	for _, f := range b.Failures {
		listed[f.Signature] = true
	}
	use := &BaselineUse{File: file}
	seen := map[string]bool{}
	for _, g := range s.Groups {
		g.Known = listed[g.Signature]
		seen[g.Signature] = true
		if g.Known {
			use.Known++
		} else {
			use.New++
		}
	}
	for _, f := range b.Failures {
		if !seen[f.Signature] {
			use.Gone = append(use.Gone, f.Signature)
		}
	}
	sort.Strings(use.Gone)
	s.Baseline = use
}

// mergeBaselines sets out.Baseline from the shards': a signature is
// listed if a shard knew its group or saw it gone; it is gone if no shard
// saw it. Applying those listed signatures to the merged groups gives what
// the unsharded run would have found.
func mergeBaselines(out *Summary, shards []*Summary) {
	if len(shards) == 0 {
		return
	}
	listed := map[string]bool{}
	gone := map[string]int{}
	for _, s := range shards {
		if s.Baseline == nil {
			return
		}
		for _, g := range s.Groups {
			if g.Known {
				listed[g.Signature] = true
			}
		}
		for _, sig := range s.Baseline.Gone {
			gone[sig]++
		}
	}
	b := &Baseline{}
	for sig := range listed {
		b.Failures = append(b.Failures, BaselineEntry{Signature: sig})
	}
	for sig, n := range gone {
		if n == len(shards) {
			b.Failures = append(b.Failures, BaselineEntry{Signature: sig})
		}
	}
	out.ApplyBaseline(b, shards[0].Baseline.File)
}
