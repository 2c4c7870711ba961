package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/trace"
)

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// The acceptance check: simulate on the seed notes' myapp-pod, with
// behaviours where the init containers finish, shows Init:0/2, Init:1/2,
// PodInitializing, Running.
func TestSimulateMyappPod(t *testing.T) {
	code, out, errs := runCLI("simulate", "../../corpus/examples/myapp-pod-scenario.yaml")
	require.Equal(t, 0, code, errs)
	var statuses []string
	for i, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if i == 0 {
			require.Equal(t, []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"}, f)
			continue
		}
		require.Equal(t, "myapp-pod", f[0])
		statuses = append(statuses, f[2])
	}
	require.Equal(t, []string{"Init:0/2", "Init:1/2", "PodInitializing", "Running"}, statuses)
}

func TestSimulateJSONIsATraceDocument(t *testing.T) {
	code, out, errs := runCLI("simulate", "../../corpus/examples/crashloop.yaml", "-o", "json", "--until", "3m")
	require.Equal(t, 0, code, errs)
	doc, err := trace.Decode(strings.NewReader(out))
	require.NoError(t, err)
	require.NotEmpty(t, doc.Actions)
	// Same input, same bytes.
	_, again, _ := runCLI("simulate", "--until=3m", "-o", "json", "../../corpus/examples/crashloop.yaml")
	require.Equal(t, out, again)
	require.LessOrEqual(t, doc.Actions[len(doc.Actions)-1].At.Minutes(), 3.0)
}

func TestSimulateText(t *testing.T) {
	code, out, errs := runCLI("simulate", "-o", "text", "../../corpus/examples/init-demo.yaml")
	require.Equal(t, 0, code, errs)
	doc, err := trace.DecodeText(strings.NewReader(out))
	require.NoError(t, err)
	require.NotEmpty(t, doc.Actions)
}

func TestSimulateErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no file", []string{"simulate"}, 2, "expected exactly one FILE"},
		{"missing file", []string{"simulate", filepath.Join(dir, "nope.yaml")}, 1, "no such file"},
		{"bad format", []string{"simulate", "-o", "xml", "x.yaml"}, 2, `unknown output format "xml"`},
		{"bad until", []string{"simulate", "--until", "-1s", "x.yaml"}, 2, "--until must be positive"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"malformed yaml", []string{"simulate", write("m.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: x\n")}, 1, "line"},
		{"unknown field", []string{"simulate", write("u.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - {name: a, image: b, imagee: c}\n")}, 1, `pod.spec.containers[0].imagee`},
		{"invalid spec", []string{"simulate", write("d.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - {name: a, image: b}\n  - {name: a, image: b}\n")}, 1, "pod.spec.containers[1].name: Duplicate value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(tc.args...)
			require.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, errs)
			require.Contains(t, errs, tc.want)
		})
	}
}

func TestHelp(t *testing.T) {
	code, out, _ := runCLI("simulate", "--help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "Usage: podconform simulate")
	require.Contains(t, out, "-until")
	code, out, _ = runCLI("help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "simulate")
}

func TestPropertiesCommand(t *testing.T) {
	code, out, errs := runCLI("properties", "--short")
	require.Equal(t, 0, code, errs)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.GreaterOrEqual(t, len(lines), 25)
	require.Len(t, lines, len(properties.All()), "--short: one line per property")
	require.NotContains(t, out, "needs:")
	code, out, _ = runCLI("properties", "backoff-cap")
	require.Equal(t, 0, code)
	require.Contains(t, out, "source: docs/semantics.md §4.2")
	require.Contains(t, out, "\n  needs: backoff; timing: tolerant\n")
	code, out, _ = runCLI("properties", "backoff-doubling", "started-flag")
	require.Equal(t, 0, code)
	require.Contains(t, out, "\n  needs: actions, hooks, probes, backoff; timing: exact\n")
	require.Contains(t, out, "\n  needs: actions, hooks, probes, requests, containerStatuses; timing: tolerant\n")
	code, out, _ = runCLI("properties")
	require.Equal(t, 0, code)
	require.Equal(t, len(properties.All()), strings.Count(out, "\n  needs: "), "a needs line for every property")
	code, _, errs = runCLI("properties", "no-such-property")
	require.Equal(t, 2, code)
	require.Contains(t, errs, `no property "no-such-property"`)
}

// The selftest kills a mutant, saves the counterexample, and replay
// reproduces it; the same scenario passes on the reference model.
func TestSelftestAndReplay(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI("selftest", "--mutant", "app-during-init", "--budget", "5s", "--out", dir)
	require.Equal(t, 0, code, "%s\n%s", out, errs)
	require.Contains(t, out, "mutants killed: 1/1")
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	code, out, errs = runCLI("replay", "-o", "none", files[0])
	require.Equal(t, 1, code, "%s\n%s", out, errs)
	require.Contains(t, out, "REPRODUCED on mutant app-during-init")
	code, out, _ = runCLI("replay", "-o", "none", "../../corpus/examples/crashloop.yaml")
	require.Equal(t, 0, code)
	require.Contains(t, out, "ok: no property is violated")
}
