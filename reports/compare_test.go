package reports

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/model"
)

func act(at time.Duration, kind model.ActionKind, c string, attempt int) model.Action {
	return model.Action{At: at, Kind: kind, Container: c, Attempt: attempt}
}

func TestCompareAlignsByInstantAndMarksTheFirstDivergence(t *testing.T) {
	s := time.Second
	expected := []model.Action{
		{At: 0, Kind: model.ActSandboxCreated},
		act(0, model.ActContainerCreated, "init", 0),
		act(0, model.ActContainerStarted, "init", 0),
		act(s, model.ActContainerCreated, "app", 0),
		act(s, model.ActContainerStarted, "app", 0),
	}
	// The implementation starts app before init is done, and in the same
	// instant: the extra actions at 0 s are one-sided rows, and the common
	// ones stay side by side.
	observed := []model.Action{
		{At: 0, Kind: model.ActSandboxCreated},
		act(0, model.ActContainerCreated, "init", 0),
		act(0, model.ActContainerCreated, "app", 0),
		act(0, model.ActContainerStarted, "init", 0),
		act(s, model.ActContainerStarted, "app", 0),
	}
	c := Compare(expected, observed, CompareOptions{HasMark: true})
	require.False(t, c.Same)
	assert.Equal(t, "0s", c.FirstAt)
	var firsts, diffs int
	for _, r := range c.Rows {
		if r.First {
			firsts++
			assert.Equal(t, "", r.Expected)
			assert.Equal(t, "ContainerCreated app#0", r.Observed)
		}
		if r.Differs {
			diffs++
		}
		assert.Equal(t, r.At == "0s", r.AtMark, "row %+v", r)
	}
	assert.Equal(t, 1, firsts)
	// At 0 s: SandboxCreated, ContainerCreated init and ContainerStarted
	// init match; ContainerCreated app is extra. At 1 s: ContainerCreated
	// app is missing, ContainerStarted app matches.
	assert.Equal(t, 2, diffs)
	assert.Len(t, c.Rows, 6)
}

func TestCompareSameTraces(t *testing.T) {
	tr := []model.Action{{At: 0, Kind: model.ActSandboxCreated}, act(0, model.ActContainerCreated, "a", 0)}
	c := Compare(tr, tr, CompareOptions{})
	assert.True(t, c.Same)
	assert.Empty(t, c.FirstAt)
	for _, r := range c.Rows {
		assert.False(t, r.Differs)
	}
}

func TestCompareDifferentStatusesShareARow(t *testing.T) {
	exp := []model.Action{{At: 0, Kind: model.ActStatus, Status: statusOf("Pending")}}
	obs := []model.Action{{At: 0, Kind: model.ActStatus, Status: statusOf("Running")}}
	c := Compare(exp, obs, CompareOptions{})
	require.Len(t, c.Rows, 1)
	assert.True(t, c.Rows[0].First)
	assert.Equal(t, "Status Pending", c.Rows[0].Expected)
	assert.Equal(t, "Status Running", c.Rows[0].Observed)
}

func TestCompareWindowsLongTraces(t *testing.T) {
	var exp, obs []model.Action
	for i := 0; i < 500; i++ {
		a := act(time.Duration(i)*time.Second, model.ActContainerStarted, "app", i)
		exp = append(exp, a)
		if i == 300 {
			a.Attempt = 999
		}
		obs = append(obs, a)
	}
	c := Compare(exp, obs, CompareOptions{})
	require.Len(t, c.Rows, windowRows)
	assert.Equal(t, 300-windowBefore, c.HiddenBefore)
	assert.Equal(t, 500-(300-windowBefore)-windowRows, c.HiddenAfter, "the two sides of instant 300 s share a row")
	assert.True(t, c.Rows[windowBefore].First)
	assert.Equal(t, "5m0s", c.FirstAt)
}

func TestCompareStatusesAreLevels(t *testing.T) {
	// The model published two statuses at 0 s; the adapter only the
	// second: not a divergence.
	exp := []model.Action{
		{At: 0, Kind: model.ActStatus, Status: statusOf("Pending")},
		{At: 0, Kind: model.ActStatus, Status: statusOf("Running")},
	}
	obs := []model.Action{{At: 0, Kind: model.ActStatus, Status: statusOf("Running")}}
	c := Compare(exp, obs, CompareOptions{})
	require.Len(t, c.Rows, 2)
	assert.True(t, c.Rows[0].Unpublished)
	assert.False(t, c.Rows[0].Differs)
	assert.Empty(t, c.FirstAt, "no divergence")
	assert.False(t, c.Same)
}

func TestCompareFocusesOnTheRefinementDivergence(t *testing.T) {
	s := time.Second
	// An extra action at 0 s that the refinement check tolerated (say,
	// within a tolerance), and the one it stopped at, at 2 s.
	exp := []model.Action{act(0, model.ActContainerCreated, "a", 0), act(2*s, model.ActContainerStarted, "a", 0)}
	obs := []model.Action{
		act(0, model.ActContainerCreated, "a", 0), act(0, model.ActContainerCreated, "b", 0),
		act(2*s, model.ActContainerStarted, "a", 0), act(2*s, model.ActSIGKILL, "a", 0),
	}
	c := Compare(exp, obs, CompareOptions{Mark: 2 * s, HasMark: true, Refinement: true, Focus: "SIGKILL a#0"})
	assert.Equal(t, "2s", c.FirstAt)
	for _, r := range c.Rows {
		assert.Equal(t, r.Observed == "SIGKILL a#0", r.First, "%+v", r)
	}
	// Without the refinement's word, the first difference is first.
	c = Compare(exp, obs, CompareOptions{Mark: 2 * s, HasMark: true})
	assert.Equal(t, "0s", c.FirstAt)
}

func TestCompareRefinementFailureAfterTheLastAction(t *testing.T) {
	tr := []model.Action{act(0, model.ActContainerCreated, "a", 0)}
	c := Compare(tr, tr, CompareOptions{Mark: time.Minute, HasMark: true, Refinement: true})
	assert.True(t, c.AtEnd)
	assert.Equal(t, "1m0s", c.MarkAt)
	assert.Empty(t, c.FirstAt)

	// A long trace is shown by its end.
	var long []model.Action
	for i := 0; i < 100; i++ {
		long = append(long, act(time.Duration(i)*time.Second, model.ActContainerStarted, "a", i))
	}
	c = Compare(long, long, CompareOptions{Mark: time.Hour, HasMark: true, Refinement: true})
	assert.Equal(t, 100-windowRows, c.HiddenBefore)
	assert.Zero(t, c.HiddenAfter)
}
