package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// simulate --why prints each action with the kubelet rule behind it: a
// refused restart of the crash loop names its back-off.
func TestSimulateWhy(t *testing.T) {
	code, out, errs := runCLI("simulate", "--why", "--until", "2m", "../../corpus/examples/crashloop.yaml")
	require.Equal(t, 0, code, errs)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.True(t, strings.HasPrefix(lines[0], "# podconform simulate --why: scenario crashloop"), lines[0])
	backOffs := 0
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		require.GreaterOrEqual(t, len(f), 3, l)
		require.Contains(t, l, "  # ", "every action has its cause: %q", l)
		require.NotContains(t, l, "no cause recorded")
		if f[1] == "BackOff" {
			backOffs++
			require.Regexp(t, `# restart refused: back-off \S+ from the exit at \S+, until \S+ \(kuberuntime_manager\.go doBackOff\)$`, l)
		}
	}
	require.GreaterOrEqual(t, backOffs, 2)
	require.Regexp(t, `(?m)^10s +BackOff app#1 wait=10s delay=10s +# restart refused: back-off 10s from the exit at 10s, until 20s \(kuberuntime_manager\.go doBackOff\)$`, out)
	require.Regexp(t, `(?m)^5s +ContainerStarted app#1 +# exited 1 at 5s and restartPolicy Always restarts it .*its first restart: no back-off yet`, out)
	require.Regexp(t, `(?m)^\S+ +Status phase=Running ready=0/1 status=CrashLoopBackOff restarts=1 [^#]*# status generation`, out)

	// Same input, same output; and --why leaves the trace formats alone.
	_, again, _ := runCLI("simulate", "--until=2m", "../../corpus/examples/crashloop.yaml", "--why", "-o", "text")
	require.Equal(t, out, again)
	code, _, errs = runCLI("simulate", "--why", "-o", "json", "../../corpus/examples/crashloop.yaml")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "--why")
}
