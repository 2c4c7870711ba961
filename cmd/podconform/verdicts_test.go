package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/internal/runner"
)

// TestExecParallelInitNamedEverywhere: an implementation behind the exec
// protocol that starts init containers in parallel is reported as breaking
// init-strict-order in every output (console, summary.json, JUnit and the
// report), not only as a divergence from the model.
func TestExecParallelInitNamedEverywhere(t *testing.T) {
	bin := podconformBinary(t)
	dir := t.TempDir()
	code, out, _ := runCLI("run", "--out", dir, "--quiet", "--adapter", "exec",
		"--adapter-cmd", bin+" exec-server --mutant parallel-init", "--checks", "60", "--shrink-steps", "20")
	require.Equal(t, 1, code, out)
	sum, err := runner.ReadSummary(filepath.Join(dir, runner.SummaryFile))
	require.NoError(t, err)

	// summary.json: the invariant is violated, and its failures are
	// listed under it.
	var stat *runner.PropertyStat
	for i := range sum.Properties {
		if sum.Properties[i].ID == "init-strict-order" {
			stat = &sum.Properties[i]
		}
	}
	require.NotNil(t, stat)
	require.Positive(t, stat.Violated, "summary.json counts the invariant as violated")
	require.GreaterOrEqual(t, stat.Exercised, stat.Violated)
	named := 0
	for _, f := range sum.Failures {
		for _, b := range f.Broken {
			if b.ID == "init-strict-order" {
				named++
			}
		}
	}
	require.Equal(t, stat.Violated, named)
	require.NotEmpty(t, sum.Groups)
	require.Equal(t, len(sum.Groups), sum.Totals.Distinct)

	// console
	require.Contains(t, out, "init-strict-order")
	require.Contains(t, out, "distinct failure")

	// JUnit: the invariant's case fails.
	junit, err := os.ReadFile(filepath.Join(dir, runner.JUnitFile))
	require.NoError(t, err)
	j := string(junit)
	i := strings.Index(j, `name="init-strict-order"`)
	require.GreaterOrEqual(t, i, 0)
	end := strings.Index(j[i:], "</testcase>")
	require.Contains(t, j[i:i+end], "<failure", "the JUnit case of init-strict-order fails")

	// report
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err)
	h := string(html)
	k := strings.Index(h, `<tr class="st-fail"><td><code>init-strict-order</code>`)
	require.GreaterOrEqual(t, k, 0, "the report's matrix row of init-strict-order is a failure")
	row := h[k:]
	row = row[:strings.Index(row, "</tr>")]
	require.Contains(t, row, ">fail<", "the report's matrix row of init-strict-order says fail")
	require.Contains(t, h, "distinct failure")
}

// TestNotExercisedIsNoPass: an invariant that no scenario exercised is
// shown as not exercised, never as passed: in summary.json (exercised 0),
// on the console, in JUnit (skipped) and in the report.
func TestNotExercisedIsNoPass(t *testing.T) {
	dir := t.TempDir()
	// One scenario with no init containers, probes, hooks or restarts.
	code, out, _ := runCLI("run", "--out", dir, "--quiet", "--checks", "0",
		"--corpus", "../../corpus/examples/myapp-pod.yaml")
	require.Equal(t, 0, code, out)
	sum, err := runner.ReadSummary(filepath.Join(dir, runner.SummaryFile))
	require.NoError(t, err)
	var idle []string
	for _, p := range sum.Properties {
		require.LessOrEqual(t, p.Exercised, p.Checked, p.ID)
		if p.Exercised == 0 {
			idle = append(idle, p.ID)
		}
	}
	require.Contains(t, idle, "backoff-cap", "a scenario without a BackOff gives backoff-cap nothing to judge")
	require.Contains(t, out, "not exercised by any scenario")
	require.Contains(t, out, "backoff-cap")
	junit, err := os.ReadFile(filepath.Join(dir, runner.JUnitFile))
	require.NoError(t, err)
	j := string(junit)
	i := strings.Index(j, `name="backoff-cap"`)
	require.GreaterOrEqual(t, i, 0)
	end := strings.Index(j[i:], "</testcase>")
	require.Contains(t, j[i:i+end], "<skipped", "JUnit shows an unexercised invariant as skipped, not passed")
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err)
	h := string(html)
	k := strings.Index(h, `<tr class="st-not-exercised"><td><code>backoff-cap</code>`)
	require.GreaterOrEqual(t, k, 0, "the report's row of backoff-cap is styled not exercised")
	row := h[k:]
	row = row[:strings.Index(row, "</tr>")]
	require.Contains(t, row, "not exercised")
	require.NotContains(t, row, ">pass<")
}

// TestReplayCommandsWorkAsPrinted: the replay command a run prints runs as
// printed (from the directory the run was started in; with the command the
// user ran podconform by), reproduces the failure, and writes beside the
// run's output directory, never into it. podconform replay of the saved
// file reproduces it too, a refinement failure included.
func TestReplayCommandsWorkAsPrinted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, out, _ := runCLI("run", "--out", dir, "--quiet", "--adapter", "mutant:sidecars-first", "--checks", "200", "--shrink-steps", "30")
	require.Equal(t, 1, code, out)
	before, err := os.ReadFile(filepath.Join(dir, runner.SummaryFile))
	require.NoError(t, err)
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if _, cmd, ok := strings.Cut(l, "replay: "); ok {
			lines = append(lines, cmd)
		}
	}
	require.NotEmpty(t, lines, out)
	sawRefinement := false
	for _, cmd := range lines {
		// The test binary is run by go test, as go run would: the printed
		// command starts with how the user ran podconform.
		require.True(t, strings.HasPrefix(cmd, invocation()+" run "), cmd)
		args := strings.Fields(strings.TrimPrefix(cmd, invocation()+" "))
		require.Contains(t, cmd, "--out "+dir+"-replay")
		rc, rout, rerr := runCLI(append(args, "--quiet")...)
		require.Equal(t, 1, rc, "%s\n%s%s", cmd, rout, rerr)
		after, err := os.ReadFile(filepath.Join(dir, runner.SummaryFile))
		require.NoError(t, err)
		require.Equal(t, string(before), string(after), "a replay must not write into the run's output directory")
		_, err = os.Stat(filepath.Join(dir+"-replay", runner.SummaryFile))
		require.NoError(t, err)

		file := args[indexOf(args, "--corpus")+1]
		pc, pout, perr := runCLI("replay", "-o", "none", file)
		require.Equal(t, 1, pc, "%s%s", pout, perr)
		require.Contains(t, pout, "REPRODUCED on adapter mutant:sidecars-first", "%s%s", pout, perr)
		sawRefinement = sawRefinement || strings.Contains(pout, "refinement (")
	}
	require.True(t, sawRefinement, "a refinement counterexample replays as such")
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// TestInterruptIsNobodysFault: SIGINT to a run in progress through the
// exec protocol ends it with exit status 130, a summary marked incomplete,
// the scenarios cut counted as interrupted and none as an adapter error,
// and a JUnit file whose adapter-health case does not fail.
func TestInterruptIsNobodysFault(t *testing.T) {
	bin := podconformBinary(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "run", "--adapter", "exec", "--adapter-cmd", bin+" exec-server",
		"--checks", "1000000", "--parallel", "2", "--shrink-steps", "0", "--quiet", "--out", dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	time.Sleep(2 * time.Second) // let scenarios be in flight
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("the run did not end after SIGINT:\n%s", out.String())
	}
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, out.String())
	require.Equal(t, 130, ee.ExitCode(), out.String())
	sum, rerr := runner.ReadSummary(filepath.Join(dir, runner.SummaryFile))
	require.NoError(t, rerr, out.String())
	require.True(t, sum.Incomplete, "the summary is marked incomplete")
	require.Zero(t, sum.Totals.AdapterErrors, "an interruption blames no adapter: %s", out.String())
	require.Positive(t, sum.Totals.Scenarios)
	require.Positive(t, sum.Totals.NotRun)
	require.Contains(t, out.String(), "INCOMPLETE")
	junit, rerr := os.ReadFile(filepath.Join(dir, runner.JUnitFile))
	require.NoError(t, rerr)
	i := strings.Index(string(junit), `name="adapter-health"`)
	require.GreaterOrEqual(t, i, 0)
	rest := string(junit)[i:]
	require.NotContains(t, rest[:strings.Index(rest, "</testcase>")], "<error")
	ents, _ := os.ReadDir(filepath.Join(dir, runner.CounterexampleDir))
	require.Empty(t, ents, "nothing is saved as a counterexample of the interruption")
}

// TestKilledRunIsDetected: a run killed with SIGKILL leaves its output
// directory marked unfinished; the previous run's summary, JUnit and
// report are gone rather than passing for this one's; podconform report
// refuses the directory, naming why; and the next run into it cleans the
// stray temporary files and finishes normally.
func TestKilledRunIsDetected(t *testing.T) {
	bin := podconformBinary(t)
	dir := t.TempDir()
	code, out, _ := runCLI("run", "--out", dir, "--quiet", "--checks", "5")
	require.Equal(t, 0, code, out)
	_, err := os.Stat(filepath.Join(dir, runner.SummaryFile))
	require.NoError(t, err)
	require.False(t, runner.Unfinished(dir))

	cmd := exec.Command(bin, "run", "--adapter", "exec", "--adapter-cmd", bin+" exec-server",
		"--checks", "1000000", "--parallel", "2", "--quiet", "--out", dir)
	require.NoError(t, cmd.Start())
	for i := 0; i < 200 && !runner.Unfinished(dir); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second)
	require.NoError(t, cmd.Process.Kill())
	cmd.Wait()

	require.True(t, runner.Unfinished(dir), "the killed run's directory is marked unfinished")
	for _, f := range []string{runner.SummaryFile, runner.JUnitFile, "report.html"} {
		_, err := os.Stat(filepath.Join(dir, f))
		require.True(t, os.IsNotExist(err), "the previous run's %s is gone", f)
	}
	rc, rout, rerr := runCLI("report", dir)
	require.Equal(t, 2, rc, rout)
	require.Contains(t, rerr, "did not finish")

	stray := filepath.Join(dir, runner.CounterexampleDir, ".x-123.tmp")
	require.NoError(t, os.WriteFile(stray, []byte("half"), 0o644))
	code, out, _ = runCLI("run", "--out", dir, "--quiet", "--checks", "5")
	require.Equal(t, 0, code, out)
	require.False(t, runner.Unfinished(dir))
	_, err = os.Stat(stray)
	require.True(t, os.IsNotExist(err), "stray temporary files are cleaned")
	rc, rout, rerr = runCLI("report", dir)
	require.Equal(t, 0, rc, rout+rerr)
}

// TestNoTerminalEscapesFromAdapters: an adapter's name and messages reach
// the console with their control characters escaped.
func TestNoTerminalEscapesFromAdapters(t *testing.T) {
	var b bytes.Buffer
	printSummary(&b, &runner.Summary{
		Adapter: runner.AdapterInfo{Name: "evil\x1b]0;owned\x07", Version: "\x1b[31mred"},
		Totals:  runner.Totals{Scenarios: 1, AdapterErrors: 1},
		Failures: []*runner.Outcome{{Index: 0, Name: "gen-1-0", Verdict: runner.AdapterError, Property: "adapter-error",
			Kind: "crash", Message: "boom \x1b[2J\x9b1m\u009b1m\r\nforged line", Group: "adapter-error (crash) | Always; app"}},
		Groups: []*runner.Group{{Signature: "adapter-error (crash) | Always; app", Check: "adapter-error (crash)", Shape: "Always; app", Count: 1, Members: []int{0}}},
	}, "out")
	out := b.String()
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRuneInString(out[i:])
		i += size
		if r == '\n' {
			continue
		}
		require.False(t, r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r == utf8.RuneError && size == 1), "a control character %q reached the console:\n%q", r, out)
	}
	require.Contains(t, out, `evil\x1b]0;owned\x07`)
	require.Contains(t, out, `boom \x1b[2J\x9b1m\u009b1m\x0d\nforged line`)
}

// TestBaselineWorkflow: the documented workflow. A run finds failures;
// podconform baseline accepts them; the same run with --baseline exits 0
// and marks each failure KNOWN; another implementation's failures are NEW
// and fail it; the report says so; a broken baseline is a usage error.
func TestBaselineWorkflow(t *testing.T) {
	dir, base := t.TempDir(), filepath.Join(t.TempDir(), "known.json")
	var stdout, stderr bytes.Buffer
	args := func(mutant, out string, more ...string) []string {
		return append([]string{"run", "--adapter", "mutant:" + mutant, "--checks", "40", "--shrink-steps", "20", "--out", out, "--quiet"}, more...)
	}
	require.Equal(t, 1, run(args("backoff-cap-320", dir), &stdout, &stderr), stderr.String())
	require.Equal(t, 0, run([]string{"baseline", "--out", base, dir}, &stdout, &stderr), stderr.String())
	require.Contains(t, stdout.String(), "accepted failures of mutant:backoff-cap-320")

	stdout.Reset()
	again := t.TempDir()
	require.Equal(t, 0, run(args("backoff-cap-320", again, "--baseline", base), &stdout, &stderr), stdout.String())
	require.Contains(t, stdout.String(), "0 new distinct failures")
	require.Contains(t, stdout.String(), "x KNOWN ")
	require.NotContains(t, stdout.String(), "x NEW ")

	stdout.Reset()
	other := t.TempDir()
	require.Equal(t, 1, run(args("parallel-init", other, "--baseline", base), &stdout, &stderr), stdout.String())
	require.Contains(t, stdout.String(), "x NEW ")
	require.Contains(t, stdout.String(), "not seen in this run")
	page, err := os.ReadFile(filepath.Join(other, "report.html"))
	require.NoError(t, err)
	require.Contains(t, string(page), "<strong>new</strong>")
	require.Contains(t, string(page), "against the baseline")

	require.NoError(t, os.WriteFile(base, []byte(`{"kind":"Baseline","failures":[{"signature":""}]}`), 0o644))
	stderr.Reset()
	require.Equal(t, 2, run(args("parallel-init", t.TempDir(), "--baseline", base), &stdout, &stderr))
	require.Contains(t, stderr.String(), "--baseline: "+base+": failures[0].signature: required")
}
