package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
	"github.com/podconform/podconform/trace"
)

// recorded is an autonomous adapter that returns a trace recorded on a
// real node (adapters/cluster, the local node of scripts/localnode.sh).
type recorded struct{ acts []model.Action }

func (r recorded) Info() adapters.Info {
	return adapters.Info{Name: "recorded", Mode: adapters.Autonomous,
		Observes: properties.ObsRuns | properties.ObsStatus | properties.ObsRequests, Lag: 2 * time.Second}
}

func (r recorded) Run(context.Context, *model.Scenario, time.Duration) ([]model.Action, error) {
	return r.acts, nil
}

func loadRecorded(t *testing.T, name string) recorded {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "realnode", name+".observed.json"))
	require.NoError(t, err)
	defer f.Close()
	d, err := trace.Decode(f)
	require.NoError(t, err)
	return recorded{acts: d.Actions}
}

// TestRealNodeTraces: traces a real kubelet (v1.36.3 with containerd)
// produced through the API server refine the model at a tolerance of
// seconds, with its unseen stop signals and hooks answered by the world
// from the model's own actions, and do not at 0.
func TestRealNodeTraces(t *testing.T) {
	for _, c := range []struct{ name, file string }{
		{"crashloop", "../../corpus/examples/crashloop.yaml"},
		{"goproxy", "../../corpus/examples/goproxy.yaml"},
		{"hook-demo", "../../corpus/examples/hook-demo.yaml"},
		{"liveness-http", "../../corpus/examples/liveness-http.yaml"},
		{"sidecar-demo", "../../corpus/examples/sidecar.yaml"},
		{"myapp-pod", "../../corpus/examples/myapp-pod.yaml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := os.ReadFile(c.file)
			require.NoError(t, err)
			doc, err := scenario.Parse(b, c.file)
			require.NoError(t, err)
			doc.Profile = localNodeProfile(t)
			s := doc.Model()
			a := loadRecorded(t, c.name)
			props, err := SelectProperties(a.Info().Observes, nil)
			require.NoError(t, err)
			until := 90 * time.Second
			if u := untilOf(doc); u < until {
				until = u
			}
			r := runAutonomous(context.Background(), a, s, checkCfg{props: props, tol: 10 * time.Second, until: until, level: LevelRefinement})
			require.Nil(t, r.adapterErr)
			require.Empty(t, r.broken)
			require.Nilf(t, r.div, "%v", r.div)
			require.NotNil(t, r.exactDiv, "a real node is not exact")
		})
	}
}

// localNodeProfile is the local node's profile (deploy/localnode/profile.yaml).
func localNodeProfile(t *testing.T) model.Profile {
	t.Helper()
	b, err := os.ReadFile("../../deploy/localnode/profile.yaml")
	require.NoError(t, err)
	var p model.Profile
	require.NoError(t, yaml.UnmarshalStrict(b, &p))
	return p
}

// unsupportedAdapter declines every scenario as an adapter that cannot
// express it (adapters.ErrKindUnsupported).
type unsupportedAdapter struct{ recorded }

func (unsupportedAdapter) Run(context.Context, *model.Scenario, time.Duration) ([]model.Action, error) {
	return nil, &adapters.Error{Kind: adapters.ErrKindUnsupported, Err: errors.New("behaviour.containers[app].attempts[0].oomKilled: unsupported")}
}

// TestUnsupportedIsSkipped: a scenario the adapter cannot express is
// counted as unsupported: not passed, not failed, no adapter error, no
// level counts it, nothing saved.
func TestUnsupportedIsSkipped(t *testing.T) {
	out := t.TempDir()
	sum, err := Run(context.Background(), Options{Adapter: unsupportedAdapter{}, Checks: 3, Seed: 1, Out: out})
	require.NoError(t, err)
	require.Equal(t, 3, sum.Totals.Unsupported)
	require.Len(t, sum.Unsupported, 3)
	require.Contains(t, sum.Unsupported[0].Message, "oomKilled")
	require.Zero(t, sum.Totals.Scenarios)
	require.Zero(t, sum.Totals.AdapterErrors)
	require.Zero(t, sum.Totals.Passed)
	entries, err := os.ReadDir(filepath.Join(out, CounterexampleDir))
	require.NoError(t, err)
	require.Empty(t, entries)
	require.Equal(t, 1, sum.ExitCode(), "nothing checked is no pass")
}

// TestRecordedTolerances measures the tolerance a real node needs: with
// PODCONFORM_RECORDED=DIR (the counterexamples directory of a run at
// --level exact, where every scenario of a real node fails and is saved
// with its observed trace), it checks every recorded trace again at
// tolerances from 0 to 30 s and prints how many refine the model at each.
// Without it the test is skipped: it needs a recorded run.
func TestRecordedTolerances(t *testing.T) {
	dir := os.Getenv("PODCONFORM_RECORDED")
	if dir == "" {
		t.Skip("PODCONFORM_RECORDED=DIR names a counterexamples directory of a real-node run")
	}
	obs, err := filepath.Glob(filepath.Join(dir, "*.observed.json"))
	require.NoError(t, err)
	require.NotEmpty(t, obs)
	tols := []time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 20 * time.Second, 30 * time.Second}
	pass := make([]int, len(tols))
	kinds := map[string]int{}
	props, err := SelectProperties(recorded{}.Info().Observes, nil)
	require.NoError(t, err)
	broken := map[string]int{}    // property -> traces that break it, at 10 s
	exercised := map[string]int{} // property -> traces that exercise it
	for _, o := range obs {
		yml := o[:len(o)-len(".observed.json")] + ".yaml"
		b, err := os.ReadFile(yml)
		require.NoError(t, err)
		doc, err := scenario.Parse(b, yml)
		require.NoError(t, err)
		f, err := os.Open(o)
		require.NoError(t, err)
		tr, err := trace.Decode(f)
		f.Close()
		require.NoError(t, err)
		a := recorded{acts: tr.Actions}
		until := 90 * time.Second
		if ce := doc.Metadata.Counterexample; ce != nil && ce.Until.Duration > 0 {
			until = ce.Until.Duration
		}
		for k, tol := range tols {
			cfg := checkCfg{tol: tol, until: until, level: LevelRefinement}
			if tol == 10*time.Second {
				cfg.props = props
			}
			r := runAutonomous(context.Background(), a, doc.Model(), cfg)
			for _, v := range r.broken {
				broken[v.ID]++
				t.Logf("%s breaks %v", filepath.Base(yml), v.Error())
			}
			for j, ex := range r.exercised {
				if ex {
					exercised[props[j].ID]++
				}
			}
			if r.div == nil && r.adapterErr == nil {
				pass[k]++
			} else if tol == 10*time.Second && r.div != nil {
				kinds[string(r.div.Kind)]++
				msg := r.div.Message
				if len(msg) > 300 && os.Getenv("PODCONFORM_FULL") == "" {
					msg = msg[:300] + "..."
				}
				t.Logf("%s at 10s: %s", filepath.Base(yml), msg)
			}
		}
	}
	for k, tol := range tols {
		t.Logf("tolerance %v: %d of %d recorded traces refine the model", tol, pass[k], len(obs))
	}
	t.Logf("divergences at 10s by kind: %v", kinds)
	for _, p := range props {
		t.Logf("invariant %-30s broken by %d of the %d traces that exercise it", p.ID, broken[p.ID], exercised[p.ID])
	}
}
