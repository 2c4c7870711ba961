package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/yaml"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
	"github.com/podconform/podconform/trace"
)

// recorded is an autonomous adapter that returns a trace recorded on a
// real node (adapters/cluster, the local node of scripts/localnode.sh).
// It declares what the cluster adapter declares: among the rest, that
// every probe ran as an exec handler.
type recorded struct{ acts []model.Action }

func (r recorded) Info() adapters.Info {
	return adapters.Info{Name: "recorded", Mode: adapters.Autonomous,
		Observes: properties.ObsRuns | properties.ObsStatus | properties.ObsRequests | properties.ObsEvents, Lag: 2 * time.Second, ExecProbes: true}
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

// loadFinding reads a recorded counterexample of testdata/realnode: its
// scenario and its observed trace.
func loadFinding(t *testing.T, name string) (*scenario.Document, recorded) {
	t.Helper()
	file := filepath.Join("testdata", "realnode", name+".yaml")
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	doc, err := scenario.Parse(b, file)
	require.NoError(t, err)
	return doc, loadRecorded(t, name)
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

// TestRealNodeFindings: recorded real-node traces of the classes fixed in
// docs/upstream-differences.md, sections 2.12 and 3 (each a scenario of a
// 300-scenario run, with its profile) refine the model at 10 s and meet the invariants that
// apply; at 0 they do not refine it.
func TestRealNodeFindings(t *testing.T) {
	for _, name := range []string{
		"never-init-failed-phase-held",       // §3.7: a terminal phase held back (mergePodStatus)
		"never-app-failed-phase-held",        // §3.7: the same, after the last app container failed
		"poststart-kill-holds-worker",        // §3.7: runs are seen with the next generated status
		"deleted-during-init-stopped-status", // §3.5: SyncTerminatingPod's last status
		"readiness-patch-before-sync",        // §3.6: a readiness result's patch
		"startup-patch-before-sync",          // §3.6: a startup result's patch
		"sidecar-startup-after-delete",       // section 3.11: no probe worker sees the deletion; 3.12: exec probes error after it
		"force-delete-races-own-removal",     // section 2.12: a force delete in the instant the kubelet removes the pod itself
		"events-backoff-mid-back-off",        // section 3.10: a BackOff event at any moment of a back-off
		"events-killing-after-force-delete",  // section 3.10: Killing after the object's removal
		"force-delete-during-back-off",       // section 2.12: the API still showed the exit a back-off refused to restart
		"readiness-result-old-gates",         // section 2.35: a readiness result patches Ready with the old gates, then the sync
		"readiness-gates-e2e",                // section 2.35: pods.go's readiness-gates test; a sync after a gate's change generates again
	} {
		t.Run(name, func(t *testing.T) {
			doc, a := loadFinding(t, name)
			props, err := SelectProperties(a.Info().Observes, nil)
			require.NoError(t, err)
			until := doc.Metadata.Counterexample.Until.Duration
			r := runAutonomous(context.Background(), a, doc.Model(), checkCfg{props: props, tol: 10 * time.Second, until: until, level: LevelRefinement})
			require.Nil(t, r.adapterErr)
			require.Empty(t, r.broken)
			require.Nilf(t, r.div, "%v", r.div)
			require.NotNil(t, r.exactDiv, "a real node is not exact")
		})
	}
}

// TestRealNodeEvents: real-node traces with the events the kubelet
// recorded (docs/upstream-differences.md, section 3.10) refine the model at 10 s,
// every judged event explained: a Killing before a preStop hook, the kill
// and preStop run after a failed postStart hook, a liveness probe's
// Unhealthy and Killing, repeated BackOffs. The same events 15 s later are
// rejected with the kind "event".
func TestRealNodeEvents(t *testing.T) {
	for _, name := range []string{"events-prestop-kill", "events-poststart-kill", "events-liveness-kill"} {
		t.Run(name, func(t *testing.T) {
			doc, a := loadFinding(t, name)
			reasons := map[string]int{}
			for _, x := range a.acts {
				if x.Kind == model.ActEvent {
					reasons[x.Reason]++
				}
			}
			require.GreaterOrEqual(t, len(reasons), 4, "%v", reasons)
			props, err := SelectProperties(a.Info().Observes, nil)
			require.NoError(t, err)
			until := doc.Metadata.Counterexample.Until.Duration
			cfg := checkCfg{props: props, tol: 10 * time.Second, until: until, level: LevelRefinement}
			r := runAutonomous(context.Background(), a, doc.Model(), cfg)
			require.Nil(t, r.adapterErr)
			require.Empty(t, r.broken)
			require.Nilf(t, r.div, "%v", r.div)
			t.Logf("events %v: all explained", reasons)

			late := recorded{acts: moveEvents(a.acts, 15*time.Second, until)}
			r = runAutonomous(context.Background(), late, doc.Model(), cfg)
			require.NotNil(t, r.div)
			require.Equal(t, "event", string(r.div.Kind), r.div.Message)
			t.Log(r.div.Message)
		})
	}
}

// moveEvents returns acts with every Event action d later (those after
// until left out), the trace still in time order.
func moveEvents(acts []model.Action, d, until time.Duration) []model.Action {
	var rest, evs []model.Action
	for _, x := range acts {
		if x.Kind != model.ActEvent {
			rest = append(rest, x)
		} else if x.At+d <= until {
			x.At += d
			evs = append(evs, x)
		}
	}
	return mergeEvents(rest, evs)
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
	events := map[string]int{}    // event reason -> Event actions recorded
	withEvents, noEvents := 0, 0  // traces with events; of them, those that refine at 10 s without them
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
		var stripped []model.Action
		for _, x := range tr.Actions {
			if x.Kind == model.ActEvent {
				events[x.Reason]++
				continue
			}
			stripped = append(stripped, x)
		}
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
			if tol == 10*time.Second && len(stripped) < len(tr.Actions) {
				withEvents++
				if r2 := runAutonomous(context.Background(), recorded{acts: stripped}, doc.Model(), checkCfg{tol: tol, until: until, level: LevelRefinement}); r2.div == nil && r2.adapterErr == nil {
					noEvents++
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
	t.Logf("events recorded, by reason: %v; %d traces have events, and at 10s %d of them refine the model with their events left out", events, withEvents, noEvents)
	for _, p := range props {
		t.Logf("invariant %-30s broken by %d of the %d traces that exercise it", p.ID, broken[p.ID], exercised[p.ID])
	}
}

// apiTrace is what an API client reads of the model's trace of s: the
// statuses as the API server shows them (edit changes them), and the runs
// and requests.
func apiTrace(t *testing.T, s *model.Scenario, until time.Duration, edit func(acts []model.Action) []model.Action) []model.Action {
	t.Helper()
	acts, err := model.Run(s, until)
	require.NoError(t, err)
	acts = properties.Restrict(acts, recorded{}.Info().Observes)
	return edit(acts)
}

func apiScenario(t *testing.T, src string) *model.Scenario {
	t.Helper()
	src = "apiVersion: podconform.dev/v1alpha1\nkind: Scenario\nmetadata: {name: api}" + src
	doc, err := scenario.Parse([]byte(src), "api.yaml")
	require.NoError(t, err)
	return doc.Model()
}

// TestAPIStatusParts: a status read through the API server refines the
// model when each of its parts was the model's within the tolerance; one
// with a part the model never had does not, and the divergence names it.
func TestAPIStatusParts(t *testing.T) {
	s := apiScenario(t, `
pod:
  apiVersion: v1
  kind: Pod
  metadata: {name: api}
  spec:
    restartPolicy: Never
    containers:
    - {name: app, image: busybox}
    - {name: other, image: busybox}
behaviour:
  containers:
    app: {attempts: [{exitAfter: 2s, exitCode: 1}]}
    other: {attempts: [{exitAfter: 3s}]}`)
	run := func(acts []model.Action) *result {
		return runAutonomous(context.Background(), recorded{acts: acts}, s, checkCfg{tol: 2 * time.Second, until: time.Minute, level: LevelRefinement})
	}
	// At 3s, a status that shows other's exit (3s) but app still running
	// (its exit at 2s reached the status later): the model never held it
	// whole, but each part within the tolerance.
	merged := apiTrace(t, s, time.Minute, func(acts []model.Action) []model.Action {
		var appRunning *v1.ContainerStatus
		for _, a := range acts {
			if a.Status != nil && appRunning == nil {
				for i := range a.Status.ContainerStatuses {
					if cs := &a.Status.ContainerStatuses[i]; cs.Name == "app" && cs.State.Running != nil {
						appRunning = cs.DeepCopy()
					}
				}
			}
		}
		require.NotNil(t, appRunning)
		var out []model.Action
		done := false
		for _, a := range acts {
			if !done && a.Status != nil && a.At == 3*time.Second {
				st := a.Status.DeepCopy()
				for i := range st.ContainerStatuses {
					if st.ContainerStatuses[i].Name == "app" {
						st.ContainerStatuses[i] = *appRunning
					}
				}
				whole := false
				for _, b := range acts {
					if b.Status != nil && equality.Semantic.DeepEqual(b.Status, st) {
						whole = true
					}
				}
				require.False(t, whole, "the mixed status is none of the model's")
				out = append(out, model.Action{At: a.At, Kind: model.ActStatus, Status: st})
				done = true
			}
			out = append(out, a)
		}
		require.True(t, done)
		return out
	})
	r := run(merged)
	require.Nilf(t, r.div, "%v", r.div)

	wrong := apiTrace(t, s, time.Minute, func(acts []model.Action) []model.Action {
		for i := range acts {
			if st := acts[i].Status; st != nil && st.Phase == v1.PodFailed {
				cp := st.DeepCopy()
				cp.Phase = v1.PodSucceeded
				acts[i].Status = cp
			}
		}
		return acts
	})
	r = run(wrong)
	require.NotNil(t, r.div, "Succeeded is no phase of the model's")
	require.Equal(t, "status", string(r.div.Kind))
	require.Contains(t, r.div.Message, "its phase=Succeeded/ was no status's of the model")
}

// TestAPIViewRunsWithGeneration: a container that exits while the pod
// worker waits for another one's postStart hook is shown exited only by
// the status generated after the hook: an API client that reads it then
// refines the model; one that reads it later than the tolerance after
// that status does not.
func TestAPIViewRunsWithGeneration(t *testing.T) {
	s := apiScenario(t, `
pod:
  apiVersion: v1
  kind: Pod
  metadata: {name: api}
  spec:
    restartPolicy: Never
    containers:
    - {name: b, image: busybox}
    - name: a
      image: busybox
      lifecycle:
        postStart:
          exec: {command: [/hooks/post-start]}
behaviour:
  containers:
    b: {attempts: [{exitAfter: 1s}]}
    a: {postStart: {duration: 20s}}`)
	run := func(acts []model.Action) *result {
		return runAutonomous(context.Background(), recorded{acts: acts}, s, checkCfg{tol: time.Second, until: time.Minute, level: LevelRefinement})
	}
	// The model's trace has b's exit at 1s; an API client sees it with the
	// status generated after the hook, at 20s.
	seen := func(at time.Duration) []model.Action {
		return apiTrace(t, s, time.Minute, func(acts []model.Action) []model.Action {
			var out []model.Action
			var exit model.Action
			for _, a := range acts {
				if a.Kind == model.ActContainerExited && a.Container == "b" {
					require.Equal(t, time.Second, a.At)
					exit = a
					continue
				}
				if exit.Container != "" && a.At >= at {
					e := exit
					e.At = at
					out = append(out, e)
					exit.Container = ""
				}
				out = append(out, a)
			}
			if exit.Container != "" {
				exit.At = at
				out = append(out, exit)
			}
			return out
		})
	}
	r := run(seen(20*time.Second + 500*time.Millisecond))
	require.Nilf(t, r.div, "%v", r.div)
	r = run(seen(22 * time.Second))
	require.NotNil(t, r.div, "2 s after the status that shows it, with a tolerance of 1 s")
}

// TestAPIViewBackOffRefusal: after a back-off refusal the model shows
// CrashLoopBackOff at once, but the kubelet writes it only with the pod
// worker's next sync, at the back-off's end, which the worker's requeue
// jitters by up to half the time left (5s here): until then the API server
// may still show the exited instance. Not after.
func TestAPIViewBackOffRefusal(t *testing.T) {
	b, err := os.ReadFile("../../corpus/examples/crashloop.yaml")
	require.NoError(t, err)
	doc, err := scenario.Parse(b, "crashloop.yaml")
	require.NoError(t, err)
	s := doc.Model()
	run := func(acts []model.Action) *result {
		return runAutonomous(context.Background(), recorded{acts: acts}, s, checkCfg{tol: time.Second, until: 30 * time.Second, level: LevelRefinement})
	}
	clbo := func(st *v1.PodStatus) bool {
		w := st.ContainerStatuses[0].State.Waiting
		return w != nil && w.Reason == "CrashLoopBackOff"
	}
	// The exit at 10s is refused a restart until 20s; the API shows the
	// exited instance again at `at` (a status the watch delivers once more).
	shown := func(at time.Duration) []model.Action {
		return apiTrace(t, s, 30*time.Second, func(acts []model.Action) []model.Action {
			var out []model.Action
			var exited *v1.PodStatus
			for _, a := range acts {
				if a.Status != nil && clbo(a.Status) {
					continue
				}
				if a.Status != nil && a.At == 10*time.Second && a.Status.ContainerStatuses[0].State.Terminated != nil {
					exited = a.Status
				}
				if exited != nil && a.At > at {
					out = append(out, model.Action{At: at, Kind: model.ActStatus, Status: exited})
					exited = nil
				}
				out = append(out, a)
			}
			if exited != nil && len(out) > 0 && out[len(out)-1].At <= at {
				out = append(out, model.Action{At: at, Kind: model.ActStatus, Status: exited})
				exited = nil
			}
			require.Nil(t, exited, "the trace goes on after %v", at)
			return out
		})
	}
	r := run(shown(15 * time.Second))
	require.Nilf(t, r.div, "%v", r.div)
	r = run(shown(19 * time.Second))
	require.Nilf(t, r.div, "%v", r.div)
	r = run(shown(24500 * time.Millisecond))
	require.Nilf(t, r.div, "%v", r.div)
	r = run(shown(26500 * time.Millisecond))
	require.NotNil(t, r.div, "the back-off ended at 20s, its jittered wake by 25s, and the tolerance is 1s")
	require.Equal(t, "status", string(r.div.Kind))
}
