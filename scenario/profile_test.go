package scenario_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/podconform/podconform/scenario"
)

// TestLoadProfile: a profile file is read strictly and validated as a
// scenario's profile field; errors name the file and the field.
func TestLoadProfile(t *testing.T) {
	p, err := scenario.LoadProfile("../deploy/localnode/profile.yaml")
	require.NoError(t, err)
	require.Equal(t, time.Minute, p.BackoffMax.Duration)

	dir := t.TempDir()
	write := func(name, text string) string {
		f := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(f, []byte(text), 0o644))
		return f
	}
	_, err = scenario.LoadProfile(write("bad.yaml", "backoffMax: 100ms\n"))
	require.ErrorContains(t, err, "bad.yaml")
	require.ErrorContains(t, err, "profile.backoffMax")
	_, err = scenario.LoadProfile(write("unknown.yaml", "backoffMaxx: 1m\n"))
	require.ErrorContains(t, err, "backoffMaxx")
}

// TestProfileFromKubeletConfig: a kubelet's configuration file maps onto
// the profile exactly as kubelet.go newCrashLoopBackOff reads it, and
// values the kubelet refuses are refused with the field named.
func TestProfileFromKubeletConfig(t *testing.T) {
	const head = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
	cases := []struct {
		name, cfg            string
		initial, max, resync time.Duration
		restartRules         bool
	}{
		{"defaults", "", 10 * time.Second, 300 * time.Second, time.Minute, true},
		{"max 60s", "crashLoopBackOff: {maxContainerRestartPeriod: 60s}\nsyncFrequency: 30s\n", 10 * time.Second, time.Minute, 30 * time.Second, true},
		{"max below the first delay lowers it", "crashLoopBackOff: {maxContainerRestartPeriod: 4s}\n", 4 * time.Second, 4 * time.Second, time.Minute, true},
		{"reduced decay", "featureGates: {ReduceDefaultCrashLoopBackOffDecay: true, KubeletCrashLoopBackOffMax: false}\n", time.Second, time.Minute, time.Minute, true},
		{"reduced decay and a max", "featureGates: {ReduceDefaultCrashLoopBackOffDecay: true}\ncrashLoopBackOff: {maxContainerRestartPeriod: 120s}\n", time.Second, 2 * time.Minute, time.Minute, true},
		{"gate on, no max: 300s", "featureGates: {ReduceDefaultCrashLoopBackOffDecay: true}\n", time.Second, 300 * time.Second, time.Minute, true},
		{"restart rules off", "featureGates: {ContainerRestartRules: false}\n", 10 * time.Second, 300 * time.Second, time.Minute, false},
		{"zero syncFrequency is the default", "syncFrequency: 0s\n", 10 * time.Second, 300 * time.Second, time.Minute, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := scenario.ProfileFromKubeletConfig([]byte(head + c.cfg))
			require.NoError(t, err)
			require.Equal(t, scenario.KubeletConfigProfileName, p.Name)
			require.Equal(t, c.initial, p.BackoffInitial.Duration)
			require.Equal(t, c.max, p.BackoffMax.Duration)
			require.Equal(t, 600*time.Second, p.BackoffReset.Duration)
			require.Equal(t, c.resync, p.SyncFrequency.Duration)
			require.Equal(t, c.restartRules, *p.ContainerRestartRules)
			require.Equal(t, int64(2), *p.MinimumGracePeriodSeconds)
		})
	}
	bad := []struct{ cfg, field string }{
		{"crashLoopBackOff: {maxContainerRestartPeriod: 500ms}\n", "crashLoopBackOff.maxContainerRestartPeriod"},
		{"crashLoopBackOff: {maxContainerRestartPeriod: 301s}\n", "crashLoopBackOff.maxContainerRestartPeriod"},
		{"featureGates: {KubeletCrashLoopBackOffMax: false}\ncrashLoopBackOff: {maxContainerRestartPeriod: 60s}\n", "crashLoopBackOff.maxContainerRestartPeriod"},
		{"syncFrequency: 200ms\n", "syncFrequency"},
		{"syncFrequency: abc\n", "syncFrequency"},
		{"crashLoopBackOff: {maxContainerRestartPeriod: 12}\n", "crashLoopBackOff.maxContainerRestartPeriod"},
		{"featureGates: [a]\n", "featureGates"},
	}
	for _, b := range bad {
		_, err := scenario.ProfileFromKubeletConfig([]byte(head + b.cfg))
		require.ErrorContains(t, err, b.field, b.cfg)
	}
	_, err := scenario.ProfileFromKubeletConfig([]byte("apiVersion: kubelet.config.k8s.io/v1\nkind: KubeletConfiguration\n"))
	require.ErrorContains(t, err, "apiVersion")

	// run --profile takes the file itself; errors name the file.
	dir := t.TempDir()
	f := filepath.Join(dir, "kubelet.yaml")
	require.NoError(t, os.WriteFile(f, []byte(head+"crashLoopBackOff: {maxContainerRestartPeriod: 0.5s}\n"), 0o644))
	_, err = scenario.LoadProfile(f)
	require.ErrorContains(t, err, "kubelet.yaml")
	require.ErrorContains(t, err, "crashLoopBackOff.maxContainerRestartPeriod")
}

// TestLocalNodeProfileIsItsKubeletConfig: deploy/localnode/profile.yaml
// is what the local node's KubeletConfiguration (written by
// scripts/localnode.sh) maps to, the name aside.
func TestLocalNodeProfileIsItsKubeletConfig(t *testing.T) {
	script, err := os.ReadFile("../scripts/localnode.sh")
	require.NoError(t, err)
	s := string(script)
	start := strings.Index(s, "apiVersion: kubelet.config.k8s.io/v1beta1")
	require.Positive(t, start, "the KubeletConfiguration heredoc of localnode.sh")
	end := strings.Index(s[start:], "\nKCFG")
	require.Positive(t, end)
	cfg := os.Expand(s[start:start+end], func(string) string { return "x" })
	got, err := scenario.ProfileFromKubeletConfig([]byte(cfg))
	require.NoError(t, err)
	want, err := scenario.LoadProfile("../deploy/localnode/profile.yaml")
	require.NoError(t, err)
	got.Name = want.Name
	require.Equal(t, want.WithDefaults(), got.WithDefaults())
}
