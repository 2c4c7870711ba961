package ci

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

type workflow struct {
	Env  map[string]string `json:"env"`
	Jobs map[string]struct {
		Steps []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			Uses string `json:"uses"`
			Run  string `json:"run"`
		} `json:"steps"`
	} `json:"jobs"`
}

// TestWorkflowRunsLocally runs podconform.yml's run steps in a temporary
// checkout, as GitHub Actions would, with two substitutions: the install
// step builds podconform from this repository (the module is not fetched
// from the proxy here), and the build step makes bin/my-kubelet a wrapper
// of the exec example (adapters/exec/example/simple_kubelet.py), a
// deliberately imperfect implementation. With a baseline written from its
// run, as the workflow's header says, the conformance step passes (exit
// 0) and leaves the report; with an empty baseline it fails (exit 1) on
// the same failures, now new. Not checked here: the uses steps
// (actions/checkout, setup-go, upload-artifact) and GitHub's runner
// image.
func TestWorkflowRunsLocally(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("SKIPPED: python3 is not installed; the exec example needs it (CI installs it)")
	}
	data, err := os.ReadFile("podconform.yml")
	require.NoError(t, err)
	var wf workflow
	require.NoError(t, yaml.Unmarshal(data, &wf))
	job, ok := wf.Jobs["conformance"]
	require.True(t, ok, "the workflow has a conformance job")

	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	work, gobin := t.TempDir(), t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(work, "bin"), 0o755))
	env := append(os.Environ(), "PATH="+gobin+string(os.PathListSeparator)+os.Getenv("PATH"), "CHECKS=60")
	for k, v := range wf.Env {
		if k != "CHECKS" {
			env = append(env, k+"="+v)
		}
	}
	steps := map[string]string{}
	for _, s := range job.Steps {
		if s.Uses != "" {
			continue
		}
		require.NotEmpty(t, s.ID, "every run step has an id: %s", s.Name)
		steps[s.ID] = s.Run
	}
	require.Contains(t, steps, "install")
	require.Contains(t, steps, "build")
	require.Contains(t, steps, "conformance")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	steps["install"] = "cd " + root + " && " + goTool + " build -o " + filepath.Join(gobin, "podconform") + " ./cmd/podconform"
	steps["build"] = "printf '#!/bin/sh\\nexec " + py + " " + filepath.Join(root, "adapters/exec/example/simple_kubelet.py") + "\\n' > bin/my-kubelet && chmod +x bin/my-kubelet"
	sh := func(script string) (int, string) {
		cmd := exec.Command("bash", "-eo", "pipefail", "-c", script)
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(out)
		}
		require.NoError(t, err)
		return 0, string(out)
	}
	for _, id := range []string{"install", "build"} {
		code, out := sh(steps[id])
		require.Zero(t, code, "%s: %s", id, out)
	}

	// The header's way to the first baseline.
	code, out := sh(`podconform run --adapter exec --adapter-cmd "$IMPL_CMD" --checks "$CHECKS" --seed "$SEED" --out first --quiet || true
podconform baseline --out podconform-baseline.json first`)
	require.Zero(t, code, out)

	code, out = sh(steps["conformance"])
	require.Zero(t, code, "every failure is in the baseline: %s", out)
	require.Contains(t, out, "0 new distinct failures")
	require.FileExists(t, filepath.Join(work, "podconform-results", "report.html"))

	require.NoError(t, os.WriteFile(filepath.Join(work, "podconform-baseline.json"),
		[]byte(`{"apiVersion":"podconform.dev/v1alpha1","kind":"Baseline","failures":[]}`), 0o644))
	code, out = sh(steps["conformance"])
	require.Equal(t, 1, code, "with an empty baseline the same failures are new: %s", out)
	require.True(t, strings.Contains(out, "x NEW "), out)
}
