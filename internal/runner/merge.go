package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"

	"github.com/podconform/podconform/internal/bounded"
	"github.com/podconform/podconform/internal/check"
)

// Merge combines the summaries of the shards of one run into the summary
// the unsharded run gives. Every shard i/n of the same run must be there,
// once.
func Merge(shards []*Summary) (*Summary, error) {
	if len(shards) == 0 {
		return nil, fmt.Errorf("nothing to merge")
	}
	first := shards[0]
	n := 0
	seen := map[int]bool{}
	for i, s := range shards {
		sh := Shard{0, 1}
		if s.Config.Shard != "" {
			var err error
			if sh, err = ParseShard(s.Config.Shard); err != nil {
				return nil, fmt.Errorf("summary %d: %v", i+1, err)
			}
		}
		if i == 0 {
			n = sh.Count
		}
		if sh.Count != n {
			return nil, fmt.Errorf("summary %d is shard %s, but summary 1 is one of %d shards", i+1, s.Config.Shard, n)
		}
		if seen[sh.Index] {
			return nil, fmt.Errorf("shard %s appears twice", s.Config.Shard)
		}
		seen[sh.Index] = true
		if s.Adapter.Name != first.Adapter.Name || s.Adapter.Spec != first.Adapter.Spec || s.Version != first.Version {
			return nil, fmt.Errorf("summary %d is of adapter %s (%s), summary 1 of %s (%s)", i+1, s.Adapter.Name, s.Version, first.Adapter.Name, first.Version)
		}
		c, f := s.Config, first.Config
		c.Shard, f.Shard = "", ""
		if !reflect.DeepEqual(c, f) {
			return nil, fmt.Errorf("summary %d was run with other settings (%+v) than summary 1 (%+v)", i+1, c, f)
		}
		if len(s.Properties) != len(first.Properties) {
			return nil, fmt.Errorf("summary %d checked other properties than summary 1", i+1)
		}
		for k := range s.Properties {
			if s.Properties[k].ID != first.Properties[k].ID {
				return nil, fmt.Errorf("summary %d checked other properties than summary 1", i+1)
			}
		}
	}
	if len(seen) != n {
		var missing []int
		for i := 0; i < n; i++ {
			if !seen[i] {
				missing = append(missing, i)
			}
		}
		return nil, fmt.Errorf("shards missing: %v of %d", missing, n)
	}
	out := *first
	out.Config.Shard = ""
	out.Properties = make([]PropertyStat, len(first.Properties))
	out.Totals = Totals{}
	out.Refinement = PropertyStat{ID: first.Refinement.ID, Title: first.Refinement.Title, Exact: first.Refinement.Exact}
	out.RefinementExact = PropertyStat{ID: first.RefinementExact.ID, Title: first.RefinementExact.Title, Exact: first.RefinementExact.Exact}
	out.Failures = []*Outcome{}
	out.OverBudget, out.Unsupported = nil, nil
	for k := range out.Properties {
		p := first.Properties[k]
		out.Properties[k] = PropertyStat{ID: p.ID, Title: p.Title, Exact: p.Exact}
	}
	out.Levels = make([]LevelStat, len(first.Levels))
	for k, l := range first.Levels {
		out.Levels[k] = LevelStat{Level: l.Level, Tolerance: l.Tolerance, Decides: l.Decides}
	}
	for _, s := range shards {
		t := &out.Totals
		t.Scenarios += s.Totals.Scenarios
		t.Passed += s.Totals.Passed
		t.Violations += s.Totals.Violations
		t.Divergences += s.Totals.Divergences
		t.AdapterErrors += s.Totals.AdapterErrors
		t.NotRun += s.Totals.NotRun
		t.Interrupted += s.Totals.Interrupted
		t.OverBudget += s.Totals.OverBudget
		out.OverBudget = append(out.OverBudget, s.OverBudget...)
		t.Unsupported += s.Totals.Unsupported
		out.Unsupported = append(out.Unsupported, s.Unsupported...)
		out.Incomplete = out.Incomplete || s.Incomplete
		if out.StartError == "" {
			out.StartError = s.StartError
		}
		t.OtherKillOrder += s.Totals.OtherKillOrder
		for k := range s.Properties {
			out.Properties[k].Checked += s.Properties[k].Checked
			out.Properties[k].Exercised += s.Properties[k].Exercised
			out.Properties[k].Violated += s.Properties[k].Violated
		}
		if len(s.Levels) != len(out.Levels) {
			return nil, fmt.Errorf("summary of shard %s counts other levels than summary 1", s.Config.Shard)
		}
		for k := range s.Levels {
			out.Levels[k].Passed += s.Levels[k].Passed
			out.Levels[k].Failed += s.Levels[k].Failed
		}
		for _, r := range []struct{ to, from *PropertyStat }{{&out.Refinement, &s.Refinement}, {&out.RefinementExact, &s.RefinementExact}} {
			r.to.Checked += r.from.Checked
			r.to.Exercised += r.from.Exercised
			r.to.Violated += r.from.Violated
		}
		out.Failures = append(out.Failures, s.Failures...)
	}
	sort.SliceStable(out.Failures, func(a, b int) bool { return out.Failures[a].Index < out.Failures[b].Index })
	sort.SliceStable(out.OverBudget, func(a, b int) bool { return out.OverBudget[a].Index < out.OverBudget[b].Index })
	sort.SliceStable(out.Unsupported, func(a, b int) bool { return out.Unsupported[a].Index < out.Unsupported[b].Index })
	for k := range out.Levels {
		out.Levels[k].Met = out.Levels[k].Failed == 0 && out.Levels[k].Passed > 0
	}
	out.Groups = groupFailures(out.Failures)
	out.Totals.Distinct = len(out.Groups)
	out.Baseline = nil
	mergeBaselines(&out, shards)
	return &out, nil
}

// MergeDirs merges the output directories of a run's shards into out: the
// summary, the JUnit XML and every counterexample file.
func MergeDirs(out string, dirs []string) (*Summary, error) {
	var sums []*Summary
	for _, d := range dirs {
		if Unfinished(d) {
			return nil, fmt.Errorf("%s holds a run that did not finish (killed before it wrote its summary: %s)", d, InProgressFile)
		}
		s, err := ReadSummary(filepath.Join(d, SummaryFile))
		if err != nil {
			return nil, err
		}
		sums = append(sums, s)
	}
	m, err := Merge(sums)
	if err != nil {
		return nil, err
	}
	dst := filepath.Join(out, CounterexampleDir)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, err
	}
	for _, d := range dirs {
		ents, err := os.ReadDir(filepath.Join(d, CounterexampleDir))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			if e.IsDir() || e.Name()[0] == '.' {
				continue
			}
			data, err := bounded.ReadFile(filepath.Join(d, CounterexampleDir, e.Name()), bounded.ResultBytes, "a saved counterexample file")
			if err != nil {
				return nil, err
			}
			if err := check.WriteFileAtomic(filepath.Join(dst, e.Name()), data); err != nil {
				return nil, err
			}
		}
	}
	return m, m.WriteFiles(out)
}
