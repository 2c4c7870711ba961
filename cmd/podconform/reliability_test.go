package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/internal/runner"
	"github.com/podconform/podconform/scenario"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// podconformBinary builds the command once per test run.
func podconformBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "podconform-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "podconform")
		goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(goTool); err != nil {
			goTool = "go"
		}
		out, err := exec.Command(goTool, "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, binErr)
	return binPath
}

func python(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("SKIPPED: python3 is not installed; the broken-adapter tests need it (CI installs it)")
	}
	return p
}

// TestRunSurvivesBrokenAdapters runs podconform run through adapters that
// hang, exit mid-scenario, print garbage, answer slowly or lie, each only on
// scenario gen-1-3: the runner reports that scenario distinctly, runs every
// other one, and saves the counterexample.
func TestRunSurvivesBrokenAdapters(t *testing.T) {
	bin, py := podconformBinary(t), python(t)
	cases := []struct {
		mode     string
		exit     int
		verdicts []runner.Verdict
		kind     string
	}{
		{"hang", 2, []runner.Verdict{runner.AdapterError}, "timeout"},
		{"exit", 2, []runner.Verdict{runner.AdapterError}, "crash"},
		{"garbage", 2, []runner.Verdict{runner.AdapterError}, "protocol"},
		{"slow", 0, nil, ""},
		{"lie", 1, []runner.Verdict{runner.Violation, runner.Divergence}, ""},
	}
	for _, tc := range cases {
		tc := tc
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cmd := fmt.Sprintf("%s testdata/broken_adapter.py %s gen-1-3 -- %s exec-server", py, tc.mode, bin)
			// Only the hang must wait the timeout out; elsewhere it is a
			// bound a loaded machine (the race detector, parallel tests)
			// must not reach, or a healthy scenario's handshake would fail.
			timeout := "30s"
			if tc.mode == "hang" {
				timeout = "5s"
			}
			var stdout, stderr bytes.Buffer
			start := time.Now()
			code := run([]string{"run", "--adapter", "exec", "--adapter-cmd", cmd, "--checks", "8", "--parallel", "2",
				"--adapter-timeout", timeout, "--shrink-steps", "10", "--out", dir, "--quiet"}, &stdout, &stderr)
			t.Logf("%s: exit %d in %v\n%s%s", tc.mode, code, time.Since(start).Round(time.Millisecond), stdout.String(), stderr.String())
			require.Equal(t, tc.exit, code)
			sum, err := runner.ReadSummary(filepath.Join(dir, runner.SummaryFile))
			require.NoError(t, err)
			require.Equal(t, 8, sum.Totals.Scenarios, "every scenario runs")
			if tc.verdicts == nil {
				require.Empty(t, sum.Failures)
				return
			}
			require.Len(t, sum.Failures, 1, "only the broken scenario fails")
			f := sum.Failures[0]
			require.Equal(t, "gen-1-3", f.Name)
			require.Contains(t, tc.verdicts, f.Verdict)
			if tc.kind != "" {
				require.Equal(t, tc.kind, f.Kind, f.Message)
			}
			require.NotEmpty(t, f.File)
			_, err = scenario.Load(filepath.Join(dir, f.File))
			require.NoError(t, err, "the counterexample on disk parses")
		})
	}
}

// TestAdapterStart: a program slow to start (2 s to its hello) runs with a
// 1 s reply timeout, the hello being bounded by --adapter-start-timeout;
// one that never says hello ends the run with exit 2 and results that say
// so (summary.json's startError, JUnit's adapter-health error, the
// report's verdict), not with no results at all.
func TestAdapterStart(t *testing.T) {
	bin, py := podconformBinary(t), python(t)
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	slow := fmt.Sprintf("%s testdata/broken_adapter.py slow-hello - -- %s exec-server", py, bin)
	code := run([]string{"run", "--adapter", "exec", "--adapter-cmd", slow, "--checks", "4", "--parallel", "1",
		"--adapter-timeout", "1s", "--out", dir, "--quiet"}, &stdout, &stderr)
	require.Equal(t, 0, code, "%s%s", stdout.String(), stderr.String())

	// A stale result must not survive either.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "report.html"), []byte("old"), 0o644))
	stdout.Reset()
	stderr.Reset()
	hang := fmt.Sprintf("%s -c 'import time; time.sleep(600)'", py)
	code = run([]string{"run", "--adapter", "exec", "--adapter-cmd", hang, "--checks", "4",
		"--adapter-timeout", "1s", "--adapter-start-timeout", "1s", "--out", dir, "--quiet"}, &stdout, &stderr)
	require.Equal(t, 2, code)
	require.Contains(t, stderr.String(), "no reply to the hello request within 1s")
	sum, err := runner.ReadSummary(filepath.Join(dir, runner.SummaryFile))
	require.NoError(t, err)
	require.Contains(t, sum.StartError, "no reply to the hello request within 1s")
	require.Equal(t, 2, sum.ExitCode())
	require.Zero(t, sum.Totals.Scenarios)
	junit, err := os.ReadFile(filepath.Join(dir, runner.JUnitFile))
	require.NoError(t, err)
	require.Contains(t, string(junit), `type="adapter-start"`)
	report, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err)
	require.Contains(t, string(report), "NOTHING RUN: the adapter did not start")
	require.False(t, runner.Unfinished(dir))
}

// TestRunKeepsEveryCounterexampleAcrossAdapterFailures mixes real
// conformance failures (a mutant behind the exec protocol) with an adapter
// that hangs on one scenario: nothing is lost.
func TestRunKeepsEveryCounterexampleAcrossAdapterFailures(t *testing.T) {
	bin, py := podconformBinary(t), python(t)
	dir := t.TempDir()
	cmd := fmt.Sprintf("%s testdata/broken_adapter.py hang gen-1-2 -- %s exec-server --mutant app-during-init", py, bin)
	var stdout, stderr bytes.Buffer
	// 5 s: long enough that only the hanging scenario reaches it.
	code := run([]string{"run", "--adapter", "exec", "--adapter-cmd", cmd, "--checks", "12", "--adapter-timeout", "5s",
		"--shrink-steps", "0", "--out", dir, "--quiet"}, &stdout, &stderr)
	require.Equal(t, 2, code, stdout.String()+stderr.String())
	sum, err := runner.ReadSummary(filepath.Join(dir, runner.SummaryFile))
	require.NoError(t, err)
	require.Equal(t, 12, sum.Totals.Scenarios)
	require.Equal(t, 1, sum.Totals.AdapterErrors)
	require.Greater(t, sum.Totals.Divergences+sum.Totals.Violations, 1, "the mutant is caught elsewhere")
	for _, f := range sum.Failures {
		require.NotEmpty(t, f.File, f.Name)
		_, err := os.Stat(filepath.Join(dir, f.File))
		require.NoError(t, err, f.Name)
	}
}

// TestKilledRunLeavesNoAdapter: a run killed with SIGKILL cannot end its
// adapters itself; the kernel does (the parent-death signal): an adapter
// that hangs, ignoring the end of its input, is not left running.
func TestKilledRunLeavesNoAdapter(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the parent-death signal is Linux's")
	}
	bin, py := podconformBinary(t), python(t)
	var stderr syncBuffer
	cmd := exec.Command(bin, "run", "--adapter", "exec", "--adapter-cmd",
		fmt.Sprintf("%s testdata/broken_adapter.py hang gen-1-0 -- %s exec-server", py, bin),
		"--checks", "1", "--parallel", "1", "--out", t.TempDir(), "--quiet")
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	re := regexp.MustCompile(`broken_adapter: pid (\d+) hanging`)
	var pid int
	for deadline := time.Now().Add(time.Minute); pid == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			pid, _ = strconv.Atoi(m[1])
		}
	}
	require.NotZero(t, pid, "the adapter hangs: %s", stderr.String())
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	gone := false
	for deadline := time.Now().Add(time.Minute); !gone && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		gone = syscall.Kill(pid, 0) == syscall.ESRCH || zombie(pid)
	}
	if !gone {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	require.True(t, gone, "the hanging adapter (pid %d) outlived the killed run", pid)
}

// zombie reports whether pid has exited but is not reaped yet.
func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	return len(f) > 0 && f[0] == "Z"
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRunKilledMidRunLeavesReplayableCounterexamples SIGKILLs a long run
// once it has saved a few counterexamples, then replays each from disk.
func TestRunKilledMidRunLeavesReplayableCounterexamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it for a few seconds")
	}
	bin := podconformBinary(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "run", "--adapter", "mutant:app-during-init", "--checks", "1000000", "--parallel", "2",
		"--shrink-steps", "100000", "--out", dir, "--quiet")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start())
	cedir := filepath.Join(dir, runner.CounterexampleDir)
	deadline := time.Now().Add(60 * time.Second)
	var saved []string
	for time.Now().Before(deadline) {
		saved, _ = filepath.Glob(filepath.Join(cedir, "*.yaml"))
		if len(saved) >= 3 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL))
	_ = cmd.Wait()
	require.GreaterOrEqual(t, len(saved), 3, "counterexamples saved within a minute")
	_, err := os.Stat(filepath.Join(dir, runner.SummaryFile))
	require.True(t, os.IsNotExist(err), "killed before the summary")
	saved, _ = filepath.Glob(filepath.Join(cedir, "*.yaml"))
	for _, p := range saved {
		doc, err := scenario.Load(p)
		require.NoError(t, err, "%s parses", p)
		ce := doc.Metadata.Counterexample
		require.NotNil(t, ce, p)
		var stdout, stderr bytes.Buffer
		code := run([]string{"run", "--adapter", "mutant:app-during-init", "--corpus", p, "--checks", "0",
			"--shrink-steps", "0", "--out", t.TempDir(), "--quiet"}, &stdout, &stderr)
		require.Equal(t, 1, code, "%s replays as a failure: %s%s", p, stdout.String(), stderr.String())
		require.True(t, strings.Contains(stdout.String(), ce.Property), "%s replays with %s: %s", p, ce.Property, stdout.String())
	}
	t.Logf("%d counterexamples on disk after SIGKILL, all replayable", len(saved))
}
