package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	modeladapter "github.com/podconform/podconform/adapters/model"
	"github.com/podconform/podconform/internal/runner"
)

// mutantRun runs a self-test mutant through the runner into a temporary
// output directory, as podconform run --out does, and returns the
// directory.
func mutantRun(t testing.TB, mutant string, checks int, corpus ...string) string {
	t.Helper()
	a, err := modeladapter.Mutant(mutant)
	require.NoError(t, err)
	dir := t.TempDir()
	sum, err := runner.Run(context.Background(), runner.Options{
		Adapter: a, AdapterSpec: "--adapter mutant:" + mutant, Checks: checks, Seed: 1,
		Out: dir, Corpus: corpus, ShrinkSteps: 20, Parallel: 2, Version: "test",
	})
	require.NoError(t, err)
	require.NotEmpty(t, sum.Failures, "the mutant must be caught for the report to show something")
	return dir
}

func TestBuildFromARun(t *testing.T) {
	dir := mutantRun(t, "app-during-init", 40)
	in, err := Load(dir, "")
	require.NoError(t, err)
	p := Build(in)

	assert.False(t, p.OK)
	assert.Equal(t, "not conformant at the exact level", p.Verdict)
	assert.Equal(t, in.Summary.Totals, p.Totals)
	require.Len(t, p.Counterexamples, len(in.Summary.Failures))

	// The matrix: one row per invariant, then refinement (at the
	// tolerance and at 0) and the adapter's health; failed counts are
	// every invariant each failure breaks, and passed counts only the
	// scenarios that exercised the check.
	require.Len(t, p.Matrix, len(in.Summary.Properties)+3)
	failed := map[string]int{}
	for _, f := range in.Summary.Failures {
		for _, b := range f.Broken {
			failed[b.ID]++
		}
		if f.Divergence != nil {
			failed["refinement"]++
		}
		if f.Divergence != nil || f.ExactDivergence != nil {
			failed["refinement-exact"]++
		}
	}
	for _, r := range p.Matrix {
		assert.Equal(t, failed[r.ID], r.Failed, r.ID)
		assert.Equal(t, r.Exercised, r.Passed+r.Failed, r.ID)
		assert.LessOrEqual(t, r.Exercised, r.Checked, r.ID)
		switch {
		case r.Failed > 0:
			assert.Equal(t, "fail", r.Status)
		case r.Exercised == 0:
			assert.Equal(t, "not-exercised", r.Status, r.ID)
		default:
			assert.Equal(t, "pass", r.Status, r.ID)
		}
		if r.Failed > 0 {
			assert.NotEmpty(t, r.First, r.ID)
		}
	}

	for _, c := range p.Counterexamples {
		assert.Empty(t, c.Problems, c.Name)
		assert.NotEmpty(t, c.Doc, "%s: the violated invariant's doc", c.Property)
		assert.NotEmpty(t, c.Cites, "%s: the semantics it cites", c.Property)
		assert.Contains(t, c.YAML, "kind: Scenario")
		assert.Contains(t, c.YAML, "counterexample:")
		require.NotNil(t, c.Timeline, c.Name)
		require.NotNil(t, c.Compare, c.Name)
		// The mutant starts an app container during initialization:
		// the model does not, so the traces differ.
		assert.False(t, c.Compare.Same, c.Name)
		// The replay command points into the output directory.
		assert.Contains(t, c.Replay, "--corpus "+filepath.ToSlash(dir)+"/counterexamples/")
		assert.Contains(t, c.Replay, "--adapter mutant:app-during-init")
		_, err := os.Stat(filepath.Join(dir, filepath.FromSlash(c.File)))
		assert.NoError(t, err)
	}
}

func TestRenderIsDeterministicAndSelfContained(t *testing.T) {
	dir := mutantRun(t, "parallel-init", 30)
	in, err := Load(dir, "")
	require.NoError(t, err)
	var a, b bytes.Buffer
	require.NoError(t, Render(&a, Build(in)))
	in2, err := Load(dir, "")
	require.NoError(t, err)
	require.NoError(t, Render(&b, Build(in2)))
	require.Equal(t, a.String(), b.String(), "the same files must give the same bytes")

	doc := parseHTML(t, a.Bytes())
	// Nothing is fetched: no src attributes and no style sheets by link.
	for _, n := range elements(doc, "") {
		for _, at := range n.Attr {
			assert.NotEqual(t, "src", at.Key, "<%s src=%q>", n.Data, at.Val)
		}
		if n.Data == "link" {
			t.Errorf("a <link> element: %v", n.Attr)
		}
	}
	assert.Len(t, elements(doc, "script"), 1, "only the page's own script")
	assert.NotEmpty(t, elements(doc, "svg"), "timelines")
	assert.Len(t, elements(doc, "h1"), 1)
}

func TestWriteAndSelfTestScore(t *testing.T) {
	dir := mutantRun(t, "parallel-init", 20)
	st := SelfTest{Kind: SelfTestKind, Seed: 3, Budget: "10s", Killed: 1, Total: 2, Mutants: []Mutant{
		{Name: "parallel-init", Verdict: "killed", Property: "init-strict-order", Scenarios: 4},
		{Name: "grace-grows", Verdict: "survived", Scenarios: 900},
	}}
	b, err := json.Marshal(st)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, SelfTestFile), b, 0o644))

	path, err := Write(dir, "")
	require.NoError(t, err)
	page, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(page), "1/2 mutants killed")
	assert.Contains(t, string(page), "grace-grows")

	// A named score that is missing is an error; so is a directory that
	// is no run's.
	_, err = Write(dir, filepath.Join(dir, "nope.json"))
	assert.Error(t, err)
	_, err = Write(t.TempDir(), "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no summary.json")
}

func TestMissingFilesAreShownNotFatal(t *testing.T) {
	dir := mutantRun(t, "parallel-init", 20)
	in0, err := Load(dir, "")
	require.NoError(t, err)
	f := in0.Summary.Failures[0]
	shown := f.Shrunk
	if shown == "" {
		shown = f.File
	}
	base := strings.TrimSuffix(filepath.Join(dir, filepath.FromSlash(shown)), ".yaml")
	require.NoError(t, os.Remove(base+runner.ObservedSuffix))
	in, err := Load(dir, "")
	require.NoError(t, err)
	c := Build(in).Counterexamples[0]
	assert.Nil(t, c.Timeline)
	require.NotEmpty(t, c.Problems)
	assert.Contains(t, c.Problems[0], "no observed trace saved")
	var b bytes.Buffer
	require.NoError(t, Render(&b, Build(in)))
}

func parseHTML(t testing.TB, page []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	require.NoError(t, err)
	return doc
}

// elements returns the elements named tag ("": all) under n.
func elements(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (tag == "" || n.Data == tag) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// TestSkippedScenariosAreNoPass: a run whose scenarios were all skipped
// (unsupported by the adapter) is not reported conformant; one with some
// skipped says how many.
func TestSkippedScenariosAreNoPass(t *testing.T) {
	s := &runner.Summary{}
	s.Adapter.Name = "cluster:n"
	s.Totals.Unsupported = 3
	p := Build(&Input{Summary: s})
	assert.False(t, p.OK)
	assert.True(t, strings.HasPrefix(p.Verdict, "NOTHING CHECKED: "), p.Verdict)
	assert.Contains(t, p.Verdict, "3 scenarios skipped (3 unsupported by the adapter, 0 over budget)")

	s.Totals.Scenarios, s.Totals.Passed = 2, 2
	p = Build(&Input{Summary: s})
	assert.True(t, p.OK)
	assert.Equal(t, "conformant at the exact level; 3 scenarios skipped (3 unsupported by the adapter, 0 over budget), no verdict on them", p.Verdict)
}
