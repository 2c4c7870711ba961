package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/internal/runner"
)

// runSummary runs podconform run with args (and --out, --quiet) in
// process and returns its exit code, output and summary.
func runSummary(t *testing.T, args ...string) (int, string, *runner.Summary) {
	t.Helper()
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"run", "--out", dir, "--quiet"}, args...), &stdout, &stderr)
	out := stdout.String() + stderr.String()
	sum, err := runner.ReadSummary(filepath.Join(dir, runner.SummaryFile))
	if err != nil {
		return code, out, nil
	}
	return code, out, sum
}

// TestRunExecServerAutonomous: podconform run through `podconform
// exec-server --autonomous`, a separate process answering run requests
// with whole traces, finds the model conformant on the corpus and 100
// generated scenarios, and catches a mutant served the same way.
func TestRunExecServerAutonomous(t *testing.T) {
	bin := podconformBinary(t)
	code, out, sum := runSummary(t, "--adapter", "exec", "--adapter-cmd", bin+" exec-server --autonomous",
		"--checks", "100", "--corpus", "../../corpus", "--parallel", "2")
	require.Equal(t, 0, code, out)
	require.NotNil(t, sum, out)
	require.Equal(t, "exec:model:autonomous", sum.Adapter.Name)
	require.Equal(t, "autonomous", sum.Adapter.Mode)
	require.Greater(t, sum.Totals.Scenarios, 100)
	require.Equal(t, sum.Totals.Scenarios, sum.Totals.Passed, out)
	require.Contains(t, out, "conformant")

	code, out, sum = runSummary(t, "--adapter", "exec", "--adapter-cmd", bin+" exec-server --autonomous --mutant parallel-init",
		"--checks", "60", "--shrink-steps", "20")
	require.Equal(t, 1, code, out)
	require.NotNil(t, sum, out)
	require.Equal(t, "exec:mutant:parallel-init:autonomous", sum.Adapter.Name)
	require.Zero(t, sum.Totals.AdapterErrors, out)
	require.NotZero(t, sum.Totals.Violations+sum.Totals.Divergences, out)
}

// TestExecServerAutonomousHelp: the flag is documented.
func TestExecServerAutonomousHelp(t *testing.T) {
	code, out, _ := runCLI("exec-server", "--help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "-autonomous")
	require.Contains(t, out, `"mode":"autonomous"`)
	code, out, _ = runCLI("run", "--help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "kubelet            the real kubelet's code")
	require.Contains(t, out, "PODCONFORM_KUBELET")
}

// fakeKubelet writes, in dir, a podconform-kubelet that checks it is run
// as "podconform-kubelet serve" and serves the model autonomously with
// exec-server.
func fakeKubelet(t *testing.T, dir, bin string) string {
	t.Helper()
	p := filepath.Join(dir, "podconform-kubelet")
	script := fmt.Sprintf("#!/bin/sh\n[ \"$*\" = serve ] || { echo \"fake podconform-kubelet: want serve, got: $*\" >&2; exit 64; }\nexec '%s' exec-server --autonomous\n", bin)
	require.NoError(t, os.WriteFile(p, []byte(script), 0o755))
	return p
}

// TestKubeletAdapterResolution: --adapter kubelet runs the exec adapter
// "podconform-kubelet serve", found through --adapter-cmd,
// $PODCONFORM_KUBELET, the running podconform's directory or $PATH, and is
// named "kubelet" in reports; when it is nowhere, the error says how to
// build it.
func TestKubeletAdapterResolution(t *testing.T) {
	bin := podconformBinary(t)
	empty := t.TempDir()
	t.Setenv("PODCONFORM_KUBELET", "")
	t.Setenv("PATH", empty)

	// Nowhere: not in the env, not beside the test binary, not in PATH.
	var stdout, stderr bytes.Buffer
	code := run([]string{"run", "--adapter", "kubelet", "--checks", "1", "--out", t.TempDir(), "--quiet"}, &stdout, &stderr)
	require.Equal(t, 2, code, stdout.String()+stderr.String())
	require.Equal(t, "podconform run: the kubelet adapter is not built: run \"make kubelet\" (it builds bin/podconform-kubelet from the separate module in adapters/kubelet)\n", stderr.String())
	require.Empty(t, stdout.String())

	check := func(how string, args ...string) {
		t.Helper()
		code, out, sum := runSummary(t, append([]string{"--adapter", "kubelet", "--checks", "12"}, args...)...)
		require.Equal(t, 0, code, "%s: %s", how, out)
		require.NotNil(t, sum, out)
		require.Equal(t, "kubelet", sum.Adapter.Name, how)
		require.Equal(t, "autonomous", sum.Adapter.Mode, how)
		require.Equal(t, 12, sum.Totals.Passed, "%s: %s", how, out)
		require.Contains(t, out, "adapter kubelet: meets invariants, refinement (tolerance 10s), exact;", how)
		require.Contains(t, out, "\n12 scenarios: 12 passed", how)
	}

	// $PODCONFORM_KUBELET.
	envDir := t.TempDir()
	t.Setenv("PODCONFORM_KUBELET", fakeKubelet(t, envDir, bin))
	check("PODCONFORM_KUBELET")
	// It wins over PATH.
	pathDir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(pathDir, "podconform-kubelet"), []byte("#!/bin/sh\necho wrong one >&2\nexit 1\n"), 0o755))
	t.Setenv("PATH", pathDir)
	check("PODCONFORM_KUBELET before PATH")
	// A PODCONFORM_KUBELET that names nothing is an error, not a fallback.
	t.Setenv("PODCONFORM_KUBELET", filepath.Join(empty, "podconform-kubelet"))
	stderr.Reset()
	code = run([]string{"run", "--adapter", "kubelet", "--checks", "1", "--out", t.TempDir(), "--quiet"}, io.Discard, &stderr)
	require.Equal(t, 2, code)
	require.Contains(t, stderr.String(), "PODCONFORM_KUBELET="+filepath.Join(empty, "podconform-kubelet"))

	// $PATH.
	t.Setenv("PODCONFORM_KUBELET", "")
	fakeKubelet(t, pathDir, bin)
	check("PATH")

	// --adapter-cmd, as is (no "serve" added).
	t.Setenv("PATH", empty)
	check("--adapter-cmd", "--adapter-cmd", bin+" exec-server --autonomous")

	// Beside the running podconform: a copy of it in a directory with a
	// podconform-kubelet, run with nothing in the env or PATH.
	exeDir := t.TempDir()
	exe := filepath.Join(exeDir, "podconform")
	if err := os.Link(bin, exe); err != nil {
		data, err := os.ReadFile(bin)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(exe, data, 0o755))
	}
	fakeKubelet(t, exeDir, bin)
	out := t.TempDir()
	cmd := exec.Command(exe, "run", "--adapter", "kubelet", "--checks", "12", "--out", out, "--quiet")
	cmd.Env = []string{"PATH=" + empty}
	res, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", res)
	require.True(t, strings.HasPrefix(string(res), "adapter kubelet: meets invariants"), "%s", res)
	require.Contains(t, string(res), "\n12 scenarios: 12 passed")
	// Without it there, the same binary says how to build it.
	require.NoError(t, os.Remove(filepath.Join(exeDir, "podconform-kubelet")))
	cmd = exec.Command(exe, "run", "--adapter", "kubelet", "--checks", "1", "--out", out, "--quiet")
	cmd.Env = []string{"PATH=" + empty}
	res, err = cmd.CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 2, ee.ExitCode())
	require.Contains(t, string(res), `the kubelet adapter is not built: run "make kubelet"`)
}

// TestSummaryLineHasImplVersion: the summary line names the adapter with
// the version its hello gave.
func TestSummaryLineHasImplVersion(t *testing.T) {
	var b bytes.Buffer
	printSummary(&b, &runner.Summary{Adapter: runner.AdapterInfo{Name: "kubelet", Version: "v1.36.3", Mode: "autonomous"}}, "out")
	require.True(t, strings.HasPrefix(b.String(), "adapter kubelet v1.36.3: meets no level"), b.String())
	require.NotContains(t, b.String(), "conformant", "no scenario, no verdict")
	b.Reset()
	printSummary(&b, &runner.Summary{Adapter: runner.AdapterInfo{Name: "model"}}, "out")
	require.True(t, strings.HasPrefix(b.String(), "adapter model: meets no level"), b.String())
}
