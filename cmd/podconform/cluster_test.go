package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeCluster writes, in dir, a podconform-cluster whose serve serves the
// model autonomously (exec-server) and whose cleanup records its
// arguments in dir/cleanup.
func fakeCluster(t *testing.T, dir, bin string) string {
	t.Helper()
	p := filepath.Join(dir, "podconform-cluster")
	script := fmt.Sprintf(`#!/bin/sh
case "$1" in
serve) echo "$*" >> '%[1]s/serve'; exec '%[2]s' exec-server --autonomous ;;
cleanup) echo "$*" > '%[1]s/cleanup'; exit 0 ;;
esac
exit 64
`, dir, bin)
	require.NoError(t, os.WriteFile(p, []byte(script), 0o755))
	return p
}

// TestClusterAdapterFlags: --adapter cluster needs --node, runs
// "podconform-cluster serve" with the cluster flags and a run ID, and runs
// "podconform-cluster cleanup" with the same run ID at the end; the
// cluster flags without --adapter cluster are usage errors.
func TestClusterAdapterFlags(t *testing.T) {
	bin := podconformBinary(t)
	dir := t.TempDir()
	t.Setenv("PODCONFORM_CLUSTER", fakeCluster(t, dir, bin))

	var stdout, stderr bytes.Buffer
	code := run([]string{"run", "--adapter", "cluster", "--checks", "1", "--out", t.TempDir(), "--quiet"}, &stdout, &stderr)
	require.Equal(t, 2, code)
	require.Contains(t, stderr.String(), "--adapter cluster needs --node NAME")

	stdout.Reset()
	stderr.Reset()
	code = run([]string{"run", "--kubeconfig", "x", "--checks", "1", "--quiet"}, &stdout, &stderr)
	require.Equal(t, 2, code)
	require.Contains(t, stderr.String(), "--kubeconfig needs --adapter cluster")

	code, out, sum := runSummary(t, "--adapter", "cluster", "--node", "n1", "--namespace", "ns1", "--kubeconfig", "/k", "--checks", "3", "--parallel", "1")
	require.Equal(t, 0, code, out)
	require.NotNil(t, sum, out)
	require.Equal(t, "cluster:n1", sum.Adapter.Name)
	require.Equal(t, "1m30s", sum.Config.MaxUntil, "wall-time runs are capped")
	served, err := os.ReadFile(filepath.Join(dir, "serve"))
	require.NoError(t, err)
	first := strings.Fields(strings.SplitN(string(served), "\n", 2)[0])
	require.Equal(t, []string{"serve", "--node", "n1", "--kubeconfig", "/k", "--namespace", "ns1", "--run"}, first[:8])
	cleaned, err := os.ReadFile(filepath.Join(dir, "cleanup"))
	require.NoError(t, err)
	require.Equal(t, "cleanup --kubeconfig /k --namespace ns1 --run "+first[8]+"\n", string(cleaned))
}
