package reports

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/model"
)

// TestCompareMarksTheActionOfTheFailure: with the index of the observed
// action the failure was found at, ▶ sits on that action's row, not on an
// earlier row that differs (an extra status a few rows above, say).
func TestCompareMarksTheActionOfTheFailure(t *testing.T) {
	s := time.Second
	exp := []model.Action{act(0, model.ActContainerCreated, "a", 0), act(0, model.ActContainerStarted, "a", 0), act(s, model.ActContainerExited, "a", 0)}
	obs := []model.Action{
		act(0, model.ActContainerCreated, "a", 0), act(0, model.ActContainerCreated, "b", 0),
		act(0, model.ActContainerStarted, "a", 0), act(0, model.ActContainerStarted, "b", 0),
		act(s, model.ActContainerExited, "a", 0),
	}
	// The failure was found at the start of b (index 3), two rows below
	// the first difference (b's creation).
	c := Compare(exp, obs, CompareOptions{Mark: 0, HasMark: true, Action: 3, HasAction: true})
	marked := 0
	for _, r := range c.Rows {
		if r.First {
			marked++
			assert.Equal(t, "ContainerStarted b#0", r.Observed)
		}
	}
	assert.Equal(t, 1, marked)
	// Without it, the first difference is marked (as before).
	c = Compare(exp, obs, CompareOptions{Mark: 0, HasMark: true})
	for _, r := range c.Rows {
		if r.First {
			assert.Equal(t, "ContainerCreated b#0", r.Observed)
		}
	}
}

// TestReportGroupsAndMarksTheFailure: on a mutant run, the view-model leads
// with the distinct failures (as many as the summary's groups, their
// counts adding up to the failures, every failure in exactly one group, one
// click from the group's row), and each counterexample's ▶ sits on the row
// of the observed action at which its failure was found.
func TestReportGroupsAndMarksTheFailure(t *testing.T) {
	dir := mutantRun(t, "parallel-init", 200)
	in, err := Load(dir, "")
	require.NoError(t, err)
	p := Build(in)
	s := in.Summary
	require.Len(t, p.Groups, len(s.Groups))
	require.Less(t, len(p.Groups), len(s.Failures), "failures fall into fewer groups than there are failures")
	assert.Contains(t, p.Headline, "distinct failure")
	seen := map[int]bool{}
	total := 0
	anchors := map[string]bool{}
	for _, c := range p.Counterexamples {
		anchors[c.Anchor] = true
	}
	for _, g := range p.Groups {
		total += g.Count
		require.Equal(t, g.Count, 1+len(g.Others))
		for _, m := range append([]MemberView{g.Rep}, g.Others...) {
			require.False(t, seen[m.Index], "scenario %d in two groups", m.Index)
			seen[m.Index] = true
			require.True(t, anchors[m.Anchor], "group member %d links to its counterexample", m.Index)
		}
	}
	require.Equal(t, len(s.Failures), total)
	// The levels lead the page.
	require.Len(t, p.Levels, 3)
	for _, l := range p.Levels {
		assert.False(t, l.Met)
	}
	// ▶: on the row of the action the failure was found at.
	checked := 0
	for _, c := range p.Counterexamples {
		sv := in.Saved[c.File]
		if c.Compare == nil || sv == nil || sv.Doc == nil || sv.Doc.Metadata.Counterexample.Action == nil {
			continue
		}
		i := *sv.Doc.Metadata.Counterexample.Action
		want := actionText(&sv.Observed.Actions[i])
		var first []Row
		for _, r := range c.Compare.Rows {
			if r.First {
				first = append(first, r)
			}
		}
		require.Len(t, first, 1, c.Name)
		require.Equal(t, want, first[0].Observed, c.Name)
		require.Equal(t, sv.Observed.Actions[i].At.String(), first[0].At, c.Name)
		checked++
	}
	require.Positive(t, checked)
}

// TestObservedTimelineEndsWithItsTrace: the observed timeline draws
// nothing past the observed trace's last moment, even beside a longer
// expected trace on the same axis.
func TestObservedTimelineEndsWithItsTrace(t *testing.T) {
	s := time.Second
	short := []model.Action{act(0, model.ActContainerCreated, "a", 0), act(0, model.ActContainerStarted, "a", 0), act(2*s, model.ActContainerExited, "a", 0),
		act(3*s, model.ActContainerStarted, "a", 1)}
	tl := BuildTimeline(short, TimelineOptions{End: 10 * s, DataEnd: 3 * s})
	// (a span is drawn at least a few px wide, so that a short one shows)
	limit := tl.PlotX + int(float64(tl.PlotW)*0.3) + 8
	for _, l := range tl.Lanes {
		for _, sp := range l.Segments {
			require.LessOrEqual(t, sp.X+sp.W, limit, "a span of %s runs past the trace's end: %+v", l.Name, sp)
		}
	}
	full := BuildTimeline(short, TimelineOptions{End: 10 * s})
	longer := false
	for _, l := range full.Lanes {
		for _, sp := range l.Segments {
			longer = longer || sp.X+sp.W > limit+50
		}
	}
	require.True(t, longer, "without DataEnd the running instance is drawn to the axis's end (the test can fail)")
}
