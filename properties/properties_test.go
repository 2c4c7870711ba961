package properties_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/properties"
	"github.com/podconform/podconform/scenario"
	"github.com/podconform/podconform/trace"
)

// run drives scenario s through the model with its script world, as
// model.Run does, through the public API only, and also reports whether the
// pod finished (model.Finished) and the virtual time up to which the trace
// is known.
func run(t testing.TB, s *model.Scenario, until time.Duration) (acts []model.Action, end time.Duration, complete bool) {
	t.Helper()
	m, err := model.New(s)
	require.NoError(t, err)
	w := model.NewScript(s)
	acts = append(acts, m.Drain()...)
	w.Observe(acts)
	for steps := 0; ; steps++ {
		require.LessOrEqual(t, steps, model.MaxSteps, "runaway scenario")
		var in model.Input
		moves := m.Enabled()
		if len(moves) > 0 && moves[0].Kind == model.InProbeAnswer {
			in = w.ProbeAnswer(m.Now(), moves[0].Container, moves[0].Probe)
		} else {
			wi, wok := w.Next()
			tm, tok := m.NextTimer()
			switch {
			case !wok && !tok:
				return acts, until, m.Finished()
			case tok && (!wok || tm <= wi.At):
				if tm > until {
					return acts, until, m.Finished()
				}
				in = model.Input{Kind: model.InTick, At: tm}
			default:
				if wi.At > until {
					return acts, until, m.Finished()
				}
				w.Consume(wi)
				in = wi
			}
		}
		start := len(acts)
		out, err := m.Step(in)
		if err == model.ErrFinished {
			continue
		}
		require.NoError(t, err)
		acts = append(acts, out...)
		w.Observe(acts[start:])
	}
}

// envInt reads a test knob from the environment (for longer soak runs).
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func ctxOf(s *model.Scenario) *properties.Context {
	evs := append([]model.Event{}, s.Events...)
	sort.SliceStable(evs, func(a, b int) bool { return evs[a].At.Duration < evs[b].At.Duration })
	return &properties.Context{Pod: &s.Pod, Profile: s.Profile.WithDefaults(), Events: evs, Behaviour: &s.Behaviour}
}

// excerpt renders the actions around index i (Status actions abridged).
func excerpt(acts []model.Action, i int) string {
	var b strings.Builder
	lo, hi := i-40, i+5
	if i < 0 {
		lo, hi = len(acts)-40, len(acts)
	}
	if lo < 0 {
		lo = 0
	}
	if hi > len(acts) {
		hi = len(acts)
	}
	for k := lo; k < hi; k++ {
		line := trace.Describe(acts[k])
		if acts[k].Kind == model.ActStatus && acts[k].Status != nil {
			line = fmt.Sprintf("%-9v Status phase=%s", acts[k].At, acts[k].Status.Phase)
			for _, cs := range append(append([]v1.ContainerStatus{}, acts[k].Status.InitContainerStatuses...), acts[k].Status.ContainerStatuses...) {
				st := "?"
				switch {
				case cs.State.Waiting != nil:
					st = "W:" + cs.State.Waiting.Reason
				case cs.State.Running != nil:
					st = "R"
				case cs.State.Terminated != nil:
					st = fmt.Sprintf("T:%d", cs.State.Terminated.ExitCode)
				}
				started := cs.Started != nil && *cs.Started
				line += fmt.Sprintf(" %s[%s r=%v s=%v n=%d]", cs.Name, st, cs.Ready, started, cs.RestartCount)
			}
		}
		mark := "   "
		if k == i {
			mark = ">> "
		}
		b.WriteString(mark + fmt.Sprintf("[%d] ", k) + line + "\n")
	}
	return b.String()
}

func describe(doc *scenario.Document) string {
	y, err := doc.Marshal()
	if err != nil {
		return err.Error()
	}
	return string(y)
}

// corpusFiles lists the corpus scenarios.
func corpusFiles(t *testing.T) []string {
	var files []string
	for _, d := range []string{"examples", "upstream", "regressions"} {
		m, err := filepath.Glob(filepath.Join("..", "corpus", d, "*.yaml"))
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.NotEmpty(t, files)
	return files
}

// TestCorpusPasses: every property passes on every corpus trace, run for
// 30 minutes, and the driver agrees with model.Run.
func TestCorpusPasses(t *testing.T) {
	for _, f := range corpusFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc, err := scenario.Load(f)
			require.NoError(t, err)
			s := doc.Model()
			acts, end, complete := run(t, s, 30*time.Minute)
			ref, err := model.Run(s, 30*time.Minute)
			require.NoError(t, err)
			require.Equal(t, len(ref), len(acts), "driver and model.Run disagree")
			vs := properties.Check(ctxOf(s), acts, end, complete)
			for _, v := range vs {
				t.Errorf("%v\n%s", v.Error(), excerpt(acts, v.Index))
			}
		})
	}
}

// TestRandomScenariosPass: every property passes on the model's runs of
// many random valid scenarios.
func TestRandomScenariosPass(t *testing.T) {
	n := envInt("PROPERTIES_N", 2000)
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewPCG(20260101, uint64(envInt("PROPERTIES_SEED", 7))))
	fired := map[string]int{}
	total := 0
	for k := 0; k < n; k++ {
		doc := randomDoc(r, k)
		if !raceEnabled || k%5 == 0 {
			require.NoErrorf(t, doc.Validate(), "random scenario %d is invalid:\n%s", k, describe(doc))
		}
		s := doc.Model()
		acts, end, complete := run(t, s, 20*time.Minute)
		total += len(acts)
		ctx := ctxOf(s)
		ctx.Events = nil // the walk sends its own deletes, not the scenario's
		for _, v := range properties.Check(ctx, acts, end, complete) {
			fired[v.ID]++
			if fired[v.ID] <= 1 {
				t.Errorf("scenario %d: %v\n%s\n%s", k, v.Error(), excerpt(acts, v.Index), describe(doc))
			}
		}
	}
	t.Logf("%d scenarios, %d actions", n, total)
	if len(fired) > 0 {
		t.Errorf("properties fired: %v", fired)
	}
}

// TestRandomWalksPass: every property passes on random walks through the
// model's public interface (any interleaving of the world's moves, at
// arbitrary times).
func TestRandomWalksPass(t *testing.T) {
	n := envInt("PROPERTIES_WALKS", 500)
	if testing.Short() || raceEnabled {
		n = 150
	}
	r := rand.New(rand.NewPCG(99, uint64(envInt("PROPERTIES_SEED", 3))))
	fired := map[string]int{}
	for k := 0; k < n; k++ {
		doc := randomDoc(r, k)
		require.NoError(t, doc.Validate())
		s := doc.Model()
		acts, end, complete := walk(t, s, r, 1500)
		ctx := ctxOf(s)
		ctx.Events = nil    // the walk sends its own deletes, not the scenario's,
		ctx.Behaviour = nil // and its own exits
		for _, v := range properties.Check(ctx, acts, end, complete) {
			fired[v.ID]++
			if fired[v.ID] <= 1 {
				t.Errorf("walk %d: %v\n%s\n%s", k, v.Error(), excerpt(acts, v.Index), describe(doc))
			}
		}
	}
	if len(fired) > 0 {
		t.Errorf("properties fired: %v", fired)
	}
}

// walk picks, at each step, one of Enabled's moves or lets the clock run to
// the next timer.
func walk(t *testing.T, s *model.Scenario, r *rand.Rand, steps int) ([]model.Action, time.Duration, bool) {
	m, err := model.New(s)
	require.NoError(t, err)
	acts := append([]model.Action(nil), m.Drain()...)
	deletes := 0
	for i := 0; i < steps && !m.Finished(); i++ {
		moves := m.Enabled()
		next, hasTimer := m.NextTimer()
		now := m.Now()
		var in model.Input
		pick := len(moves) > 0 && (!hasTimer || next > now) && r.IntN(3) > 0
		if len(moves) > 0 && (!hasTimer || moves[0].Kind == model.InProbeAnswer) {
			pick = true
		}
		if pick {
			mv := moves[r.IntN(len(moves))]
			if moves[0].Kind == model.InProbeAnswer {
				mv = moves[0]
			}
			if (mv.Kind == model.InDelete || mv.Kind == model.InForceDelete) && (deletes > 2 || r.IntN(10) > 0) {
				continue
			}
			in = model.Input{Kind: mv.Kind, At: now, Container: mv.Container, Probe: mv.Probe}
			if mv.Kind != model.InProbeAnswer {
				limit := 700 * time.Second
				if hasTimer && next > now {
					limit = next - now
				}
				in.At = now + time.Duration(r.Int64N(int64(limit)+1))
				if r.IntN(3) == 0 {
					in.At = in.At.Truncate(time.Second)
					if in.At < now {
						in.At = now
					}
				}
			}
			switch mv.Kind {
			case model.InExit:
				in.ExitCode = []int32{0, 1, 137, 2}[r.IntN(4)]
				in.OOMKilled = r.IntN(10) == 0
			case model.InProbeAnswer:
				in.Success = r.IntN(3) > 0
			case model.InHookDone:
				in.HookOK = r.IntN(4) > 0
			case model.InDelete:
				in.Grace = r.Int64N(40) - 1
				deletes++
			case model.InForceDelete:
				deletes++
			case model.InSetCondition:
				in.Condition = mv.Condition
				in.CondStatus = []v1.ConditionStatus{v1.ConditionTrue, v1.ConditionFalse, v1.ConditionUnknown}[r.IntN(3)]
			}
		} else if hasTimer {
			in = model.Input{Kind: model.InTick, At: next}
		} else {
			break
		}
		out, err := m.Step(in)
		if err == model.ErrFinished {
			break
		}
		require.NoError(t, err)
		acts = append(acts, out...)
	}
	return acts, m.Now(), m.Finished()
}

// ---------------------------------------------------------------------------
// Random scenarios

func dur(d time.Duration) *metav1.Duration { return &metav1.Duration{Duration: d} }
func i64(v int64) *int64                   { return &v }

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

// randDur returns a duration in [lo, hi), on whole seconds half the time,
// milliseconds otherwise.
func randDur(r *rand.Rand, lo, hi time.Duration) time.Duration {
	d := lo + time.Duration(r.Int64N(int64(hi-lo)))
	if r.IntN(2) == 0 {
		return d.Truncate(time.Second)
	}
	return d.Truncate(time.Millisecond)
}

func randProbe(r *rand.Rand, kind string) *v1.Probe {
	p := &v1.Probe{ProbeHandler: v1.ProbeHandler{Exec: &v1.ExecAction{Command: []string{"check"}}}}
	if r.IntN(3) == 0 {
		p.ProbeHandler = v1.ProbeHandler{HTTPGet: &v1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080)}}
	}
	p.InitialDelaySeconds = pick(r, int32(0), 0, 1, 3, 5, 12)
	p.PeriodSeconds = pick(r, int32(0), 2, 3, 5, 7, 10)
	p.FailureThreshold = pick(r, int32(0), 1, 2, 3, 4)
	p.TimeoutSeconds = pick(r, int32(0), 1, 2)
	if kind == "readiness" {
		p.SuccessThreshold = pick(r, int32(0), 1, 2, 3)
	} else if r.IntN(3) == 0 {
		p.TerminationGracePeriodSeconds = i64(pick(r, int64(1), 2, 3, 5, 15, 45))
	}
	return p
}

func randHook(r *rand.Rand, grace int64) *v1.LifecycleHandler {
	if r.IntN(3) == 0 && grace > 0 {
		return &v1.LifecycleHandler{Sleep: &v1.SleepAction{Seconds: r.Int64N(grace + 1)}}
	}
	return &v1.LifecycleHandler{Exec: &v1.ExecAction{Command: []string{"hook"}}}
}

func randSteps(r *rand.Rand) []model.ProbeStep {
	var steps []model.ProbeStep
	at := time.Duration(0)
	for n := r.IntN(4); n > 0; n-- {
		at += randDur(r, time.Second, 90*time.Second)
		st := model.ProbeStep{After: metav1.Duration{Duration: at}, Result: pick(r, model.ProbeSuccess, model.ProbeFailure, model.ProbeFailure)}
		if r.IntN(8) == 0 {
			st.RespondsIn = dur(randDur(r, 0, 3*time.Second))
		}
		steps = append(steps, st)
	}
	return steps
}

func randAttempt(r *rand.Rand, init bool) model.Attempt {
	var a model.Attempt
	switch r.IntN(10) {
	case 0, 1:
		if !init {
			return a // runs until killed
		}
		a.ExitAfter = dur(randDur(r, 0, 30*time.Second))
	case 2:
		a.ExitAfter = dur(randDur(r, 590*time.Second, 620*time.Second)) // around the back-off reset
	default:
		a.ExitAfter = dur(randDur(r, 0, 40*time.Second))
	}
	switch r.IntN(10) {
	case 0:
		a.OOMKilled = true
	case 1:
		a.Signal = pick(r, int32(9), 15)
	case 2, 3, 4:
		a.ExitCode = pick(r, int32(1), 2, 42)
	default:
		if init && r.IntN(3) == 0 {
			a.ExitCode = 1
		}
	}
	return a
}

func randConduct(r *rand.Rand, c *v1.Container, grace int64) model.Conduct {
	var cd model.Conduct
	if c.StartupProbe != nil || c.LivenessProbe != nil || c.ReadinessProbe != nil {
		ps := &model.ProbeScripts{}
		if c.StartupProbe != nil && r.IntN(2) == 0 {
			ps.Startup = randSteps(r)
		}
		if c.LivenessProbe != nil && r.IntN(2) == 0 {
			ps.Liveness = randSteps(r)
		}
		if c.ReadinessProbe != nil && r.IntN(2) == 0 {
			ps.Readiness = randSteps(r)
		}
		cd.Probes = ps
	}
	if c.Lifecycle != nil && c.Lifecycle.PostStart != nil && r.IntN(2) == 0 {
		cd.PostStart = &model.HookScript{Duration: dur(randDur(r, 0, 20*time.Second)), Fail: r.IntN(6) == 0}
	}
	if c.Lifecycle != nil && c.Lifecycle.PreStop != nil && r.IntN(2) == 0 {
		// include overruns of the grace period
		hi := time.Duration(2*grace+5) * time.Second
		cd.PreStop = &model.HookScript{Duration: dur(randDur(r, 0, hi)), Fail: r.IntN(6) == 0}
	}
	switch r.IntN(5) {
	case 0:
		cd.OnStopSignal = &model.StopScript{Ignore: true}
	case 1, 2:
		cd.OnStopSignal = &model.StopScript{ExitAfter: dur(randDur(r, 0, 45*time.Second)), ExitCode: pick(r, int32(0), 0, 1, 143)}
	}
	return cd
}

// randomDoc builds a random scenario that passes validation: 0-2 regular
// init containers and 0-2 sidecars in random order, 1-3 app containers,
// random probes, hooks, policies, grace periods and profile, behaviour
// attempts with random exit times and codes (some of 590-620 s, around the
// back-off reset), probe failure windows, hook durations (some overrunning
// the grace period), and 0-3 deletes, some forced.
func randomDoc(r *rand.Rand, k int) *scenario.Document {
	doc := &scenario.Document{APIVersion: scenario.APIVersion, Kind: scenario.Kind, Metadata: scenario.Metadata{Name: fmt.Sprintf("random-%d", k)}}
	s := &doc.Scenario
	rules := true
	switch r.IntN(6) {
	case 0:
		s.Profile.BackoffInitial = dur(pick(r, time.Second, 2*time.Second, 5*time.Second))
		s.Profile.BackoffMax = dur(pick(r, 20*time.Second, 60*time.Second, 100*time.Second))
		s.Profile.BackoffReset = dur(pick(r, 60*time.Second, 120*time.Second, 600*time.Second))
	case 1:
		s.Profile.MinimumGracePeriodSeconds = i64(pick(r, int64(0), 1, 3))
	case 2:
		s.Profile.ContainerRestartRules = new(bool)
		rules = false
	}
	p := &s.Pod
	p.Name = fmt.Sprintf("pod-%d", k)
	p.Spec.RestartPolicy = pick(r, v1.RestartPolicy(""), v1.RestartPolicyAlways, v1.RestartPolicyOnFailure, v1.RestartPolicyNever)
	grace := int64(30)
	if r.IntN(3) > 0 {
		grace = pick(r, int64(0), 1, 2, 3, 5, 10, 30, 60)
		p.Spec.TerminationGracePeriodSeconds = i64(grace)
	}
	nInit, nSide, nApp := r.IntN(3), r.IntN(3), 1+r.IntN(3)
	kinds := make([]bool, 0, nInit+nSide) // true: sidecar
	for i := 0; i < nInit; i++ {
		kinds = append(kinds, false)
	}
	for i := 0; i < nSide; i++ {
		kinds = append(kinds, true)
	}
	r.Shuffle(len(kinds), func(a, b int) { kinds[a], kinds[b] = kinds[b], kinds[a] })
	always := v1.ContainerRestartPolicyAlways
	decorate := func(c *v1.Container) {
		if r.IntN(3) == 0 {
			c.StartupProbe = randProbe(r, "startup")
		}
		if r.IntN(3) == 0 {
			c.LivenessProbe = randProbe(r, "liveness")
		}
		if r.IntN(3) == 0 {
			c.ReadinessProbe = randProbe(r, "readiness")
		}
		if r.IntN(3) == 0 {
			c.Lifecycle = &v1.Lifecycle{}
			if r.IntN(2) == 0 {
				c.Lifecycle.PostStart = randHook(r, grace)
			}
			if r.IntN(2) == 0 || c.Lifecycle.PostStart == nil {
				c.Lifecycle.PreStop = randHook(r, grace)
			}
		}
	}
	for i, side := range kinds {
		c := v1.Container{Name: fmt.Sprintf("init-%d", i), Image: "busybox"}
		if side {
			c.Name = fmt.Sprintf("side-%d", i)
			c.RestartPolicy = &always
			decorate(&c)
		}
		p.Spec.InitContainers = append(p.Spec.InitContainers, c)
	}
	for i := 0; i < nApp; i++ {
		c := v1.Container{Name: fmt.Sprintf("app-%d", i), Image: "busybox"}
		decorate(&c)
		if rules && r.IntN(5) == 0 {
			pol := pick(r, v1.ContainerRestartPolicyAlways, v1.ContainerRestartPolicyOnFailure, v1.ContainerRestartPolicyNever)
			c.RestartPolicy = &pol
			if r.IntN(2) == 0 {
				c.RestartPolicyRules = []v1.ContainerRestartRule{{
					Action:    v1.ContainerRestartRuleActionRestart,
					ExitCodes: &v1.ContainerRestartRuleOnExitCodes{Operator: pick(r, v1.ContainerRestartRuleOnExitCodesOpIn, v1.ContainerRestartRuleOnExitCodesOpNotIn), Values: []int32{pick(r, int32(0), 1, 42, 137)}},
				}}
			}
		}
		p.Spec.Containers = append(p.Spec.Containers, c)
	}
	s.Behaviour.Containers = map[string]model.ContainerBehaviour{}
	all := append(append([]v1.Container{}, p.Spec.InitContainers...), p.Spec.Containers...)
	for i := range all {
		c := &all[i]
		init := i < len(p.Spec.InitContainers) && c.RestartPolicy == nil
		if r.IntN(5) == 0 {
			continue // default behaviour
		}
		var b model.ContainerBehaviour
		for n := 1 + r.IntN(4); n > 0; n-- {
			a := randAttempt(r, init)
			if !init && r.IntN(4) == 0 {
				a.Conduct = randConduct(r, c, grace)
			}
			b.Attempts = append(b.Attempts, a)
		}
		if init {
			// mostly succeed in the end
			if r.IntN(3) > 0 {
				b.Attempts[len(b.Attempts)-1].ExitCode = 0
				b.Attempts[len(b.Attempts)-1].Signal = 0
				b.Attempts[len(b.Attempts)-1].OOMKilled = false
			}
		} else {
			b.Conduct = randConduct(r, c, grace)
		}
		s.Behaviour.Containers[c.Name] = b
	}
	var at time.Duration
	for n := r.IntN(4); n > 0; n-- {
		at += randDur(r, 0, 400*time.Second)
		ev := model.Event{At: metav1.Duration{Duration: at}, Type: model.EventDelete}
		switch r.IntN(6) {
		case 0:
			ev.Type = model.EventForceDelete
		case 1, 2:
		default:
			ev.GracePeriodSeconds = i64(pick(r, int64(0), 1, 2, 3, 5, 10, 20, 45))
		}
		s.Events = append(s.Events, ev)
	}
	return doc
}

// ---------------------------------------------------------------------------
// Catalogue hygiene

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestCatalogue(t *testing.T) {
	all := properties.All()
	require.GreaterOrEqual(t, len(all), 28)
	seen := map[string]bool{}
	for _, p := range all {
		require.Truef(t, kebab.MatchString(p.ID), "ID %q is not kebab-case", p.ID)
		require.Falsef(t, seen[p.ID], "duplicate ID %q", p.ID)
		seen[p.ID] = true
		require.NotEmptyf(t, p.Title, "%s: no title", p.ID)
		require.NotContainsf(t, p.Title, "\n", "%s: title is not one line", p.ID)
		require.NotEmptyf(t, p.Doc, "%s: no doc", p.ID)
		require.NotNilf(t, p.New, "%s: no constructor", p.ID)
		ok := strings.HasPrefix(p.Source, "docs/semantics.md §") || strings.HasPrefix(p.Source, "pkg/")
		require.Truef(t, ok, "%s: source %q must start with docs/semantics.md § or an upstream path", p.ID, p.Source)
		got, found := properties.ByID(p.ID)
		require.True(t, found)
		require.Equal(t, p.ID, got.ID)
	}
	_, found := properties.ByID("no-such-property")
	require.False(t, found)
	for _, id := range requiredIDs {
		require.Truef(t, seen[id], "required property %s missing", id)
	}
	ids := make([]string, 0, len(all))
	for _, p := range all {
		ids = append(ids, p.ID)
	}
	again := properties.All()
	for i := range again {
		require.Equal(t, ids[i], again[i].ID, "All is not stable")
	}
	again[0].ID = "changed"
	require.Equal(t, ids[0], properties.All()[0].ID, "All returns the caller's copy")
}

var requiredIDs = []string{
	"init-strict-order", "app-after-init", "never-fails-on-init-failure", "backoff-cap", "backoff-reset-600s",
	"first-restart-immediate", "backoff-doubling", "no-start-during-backoff", "sigkill-not-before-grace",
	"sigkill-by-grace-plus-2s", "stop-timeout-floor", "prestop-before-stop-signal", "prestop-within-grace",
	"grace-only-shrinks", "force-delete-removes", "terminal-phase-absorbing", "restart-count-monotone",
	"restart-count-matches-starts", "ready-implies-started", "ready-implies-running",
	"startup-gates-liveness-readiness", "liveness-failure-threshold", "readiness-thresholds",
	"poststart-before-next-start", "sidecar-start-gating", "sidecar-reverse-termination",
	"succeeded-iff-all-app-exit-zero", "initialized-condition", "kubectl-status-consistent",
	"no-restart-while-deleting", "never-restart-policy", "onfailure-no-restart-after-success",
	"hook-bracketing", "probe-period", "no-probe-after-exit", "time-monotone", "status-changes", "exit-after-start",
}

// ---------------------------------------------------------------------------
// Each property catches what it names: a real trace, edited to break it.

// builders are small scenarios for the mutation table.
var builders = map[string]string{
	"sidecar-startup": `
pod:
  spec:
    initContainers:
    - name: proxy
      image: busybox
      restartPolicy: Always
      startupProbe: {exec: {command: [check]}, initialDelaySeconds: 5, periodSeconds: 5}
    containers:
    - {name: app, image: busybox}`,
	"poststart-two": `
pod:
  spec:
    containers:
    - name: a
      image: busybox
      lifecycle: {postStart: {exec: {command: [hook]}}}
    - {name: b, image: busybox}
behaviour:
  containers:
    a: {postStart: {duration: 5s}}`,
	"delete-in-backoff": `
pod:
  spec:
    containers:
    - {name: app, image: busybox}
behaviour:
  containers:
    app: {attempts: [{exitAfter: 5s, exitCode: 1}]}
events:
- {at: 60s, type: Delete, gracePeriodSeconds: 10}`,
	"sidecar-kill-then-end": `
pod:
  spec:
    restartPolicy: Never
    initContainers:
    - name: side
      image: busybox
      restartPolicy: Always
      livenessProbe: {exec: {command: [check]}, periodSeconds: 1, failureThreshold: 1}
      lifecycle: {preStop: {exec: {command: [hook]}}}
    containers:
    - {name: app, image: busybox}
behaviour:
  containers:
    app: {attempts: [{exitAfter: 1s, exitCode: 1}]}
    side:
      probes: {liveness: [{after: 0s, result: failure}, {after: 30s, result: success}]}
      preStop: {duration: 61s}
events:
- {at: 1s, type: Delete, gracePeriodSeconds: 60}`,
	"never-exit-1": `
pod:
  spec:
    restartPolicy: Never
    containers:
    - {name: app, image: busybox}
behaviour:
  containers:
    app: {attempts: [{exitAfter: 5s, exitCode: 1}]}`,
	"onfailure-exit-0": `
pod:
  spec:
    restartPolicy: OnFailure
    containers:
    - {name: app, image: busybox}
    - {name: other, image: busybox}
behaviour:
  containers:
    app: {attempts: [{exitAfter: 5s, exitCode: 0}]}`,
	"reset": `
pod:
  spec:
    containers:
    - {name: app, image: busybox}
behaviour:
  containers:
    app:
      attempts:
      - {exitAfter: 5s, exitCode: 1}
      - {exitAfter: 5s, exitCode: 1}
      - {exitAfter: 5s, exitCode: 1}
      - {exitAfter: 605s, exitCode: 1}
      - {exitAfter: 5s, exitCode: 1}`,
	"liveness-delete": `
pod:
  spec:
    containers:
    - name: app
      image: busybox
      livenessProbe: {exec: {command: [check]}, periodSeconds: 2}
behaviour:
  containers:
    app: {onStopSignal: {ignore: true}}
events:
- {at: 30s, type: Delete, gracePeriodSeconds: 20}`,
	"startup-fail": `
pod:
  spec:
    containers:
    - name: app
      image: busybox
      startupProbe: {exec: {command: [check]}, periodSeconds: 5, failureThreshold: 3}
behaviour:
  containers:
    app: {probes: {startup: [{after: 0s, result: failure}]}}`,
	"force": `
pod:
  spec:
    containers:
    - {name: app, image: busybox}
behaviour:
  containers:
    app: {onStopSignal: {ignore: true}}
events:
- {at: 10s, type: ForceDelete}`,
	"sidecar-term": `
pod:
  spec:
    initContainers:
    - {name: proxy, image: busybox, restartPolicy: Always}
    containers:
    - {name: app, image: busybox}
behaviour:
  containers:
    app: {onStopSignal: {ignore: true}}
events:
- {at: 20s, type: Delete, gracePeriodSeconds: 10}`,
}

// loadCase returns a corpus scenario (a path under ../corpus) or a builder.
func loadCase(t *testing.T, name string) *model.Scenario {
	t.Helper()
	if y, ok := builders[name]; ok {
		head := "apiVersion: podconform.dev/v1alpha1\nkind: Scenario\nmetadata: {name: " + name + "}\n"
		y = strings.Replace(y, "pod:\n  spec:", "pod:\n  metadata: {name: p}\n  spec:", 1)
		doc, err := scenario.Parse([]byte(head+strings.TrimPrefix(y, "\n")), name)
		require.NoError(t, err)
		require.NoError(t, doc.Validate())
		return doc.Model()
	}
	doc, err := scenario.Load(filepath.Join("..", "corpus", name))
	require.NoError(t, err)
	return doc.Model()
}

// is matches an action by kind and container ("" for any).
func is(k model.ActionKind, c string) func(*model.Action) bool {
	return func(a *model.Action) bool { return a.Kind == k && (c == "" || a.Container == c) }
}

// nth returns the index of the n-th (0-based) action matching f.
func nth(t *testing.T, acts []model.Action, n int, f func(*model.Action) bool) int {
	for i := range acts {
		if f(&acts[i]) {
			if n == 0 {
				return i
			}
			n--
		}
	}
	t.Fatalf("no such action")
	return -1
}

func lastOf(t *testing.T, acts []model.Action, f func(*model.Action) bool) int {
	for i := len(acts) - 1; i >= 0; i-- {
		if f(&acts[i]) {
			return i
		}
	}
	t.Fatalf("no such action")
	return -1
}

func remove(acts []model.Action, i int) []model.Action {
	return append(acts[:i:i], acts[i+1:]...)
}

func insert(acts []model.Action, i int, a ...model.Action) []model.Action {
	out := append(append(acts[:i:i], a...), acts[i:]...)
	return out
}

// move moves action from to just before index to (to < from).
func move(acts []model.Action, from, to int) []model.Action {
	a := acts[from]
	acts = remove(acts, from)
	return insert(acts, to, a)
}

// shift adds d to the time of every action from i on.
func shift(acts []model.Action, i int, d time.Duration) []model.Action {
	for k := i; k < len(acts); k++ {
		acts[k].At += d
	}
	return acts
}

// editStatus replaces the status of action i by an edited deep copy.
func editStatus(acts []model.Action, i int, f func(st *v1.PodStatus)) []model.Action {
	st := acts[i].Status.DeepCopy()
	f(st)
	acts[i].Status = st
	return acts
}

func statusOf(st *v1.PodStatus, name string) *v1.ContainerStatus {
	for k := range st.InitContainerStatuses {
		if st.InitContainerStatuses[k].Name == name {
			return &st.InitContainerStatuses[k]
		}
	}
	for k := range st.ContainerStatuses {
		if st.ContainerStatuses[k].Name == name {
			return &st.ContainerStatuses[k]
		}
	}
	return nil
}

func cond(st *v1.PodStatus, ty v1.PodConditionType) *v1.PodCondition {
	for k := range st.Conditions {
		if st.Conditions[k].Type == ty {
			return &st.Conditions[k]
		}
	}
	return nil
}

// firstStatusWhere returns the first Status action whose status satisfies f.
func firstStatusWhere(t *testing.T, acts []model.Action, f func(st *v1.PodStatus) bool) int {
	t.Helper()
	return nth(t, acts, 0, func(a *model.Action) bool { return a.Kind == model.ActStatus && f(a.Status) })
}

func bptr(b bool) *bool { return &b }

type mutation struct {
	id     string
	sc     string // corpus path under ../corpus, or a builder name
	until  time.Duration
	mutate func(t *testing.T, acts []model.Action) []model.Action
}

var mutations = []mutation{
	{"time-monotone", "examples/crashloop.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 1, is(model.ActContainerExited, "app"))
		acts[i].At = acts[i-1].At - time.Second
		return acts
	}},
	{"exit-after-start", "examples/crashloop.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 2, is(model.ActContainerStarted, "app"))
		acts[i].Attempt = 3 // skips attempt 2
		return acts
	}},
	{"status-changes", "examples/crashloop.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 3, is(model.ActStatus, ""))
		return insert(acts, i+1, acts[i])
	}},
	{"sandbox-brackets-containers", "examples/init-demo.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 0, is(model.ActContainerCreated, "web"))
		return insert(acts, i, model.Action{At: acts[i].At, Kind: model.ActSandboxStopped})
	}},
	{"init-strict-order", "examples/myapp-pod-scenario.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// init-mydb starts while init-myservice still runs
		e := nth(t, acts, 0, is(model.ActContainerExited, "init-myservice"))
		s := nth(t, acts, 0, is(model.ActContainerStarted, "init-mydb"))
		acts = move(acts, s, e)
		return move(acts, s, e) // ContainerCreated too
	}},
	{"app-after-init", "examples/init-demo.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		e := nth(t, acts, 0, is(model.ActContainerExited, "install"))
		s := nth(t, acts, 0, is(model.ActContainerStarted, "web"))
		acts = move(acts, s, e)
		return move(acts, s, e)
	}},
	{"sidecar-start-gating", "sidecar-startup", time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		p := nth(t, acts, 0, is(model.ActProbeResult, "proxy"))
		s := nth(t, acts, 0, is(model.ActContainerStarted, "app"))
		acts = move(acts, s, p)
		return move(acts, s, p)
	}},
	{"poststart-before-next-start", "poststart-two", time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		h := nth(t, acts, 0, is(model.ActHookEnded, "a"))
		s := nth(t, acts, 0, is(model.ActContainerStarted, "b"))
		acts = move(acts, s, h)
		acts = move(acts, s, h)
		acts[h].At, acts[h+1].At = acts[h-1].At, acts[h-1].At
		return acts
	}},
	{"never-fails-on-init-failure", "upstream/init-container-fails-restartnever.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 1, is(model.ActContainerExited, ""))
		at := acts[i].At
		return insert(acts, i+1, model.Action{At: at, Kind: model.ActContainerCreated, Container: "run1"}, model.Action{At: at, Kind: model.ActContainerStarted, Container: "run1"})
	}},
	{"no-restart-while-deleting", "delete-in-backoff", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 0, is(model.ActDeleteRequested, ""))
		at := acts[i].At
		return insert(acts, i+1, model.Action{At: at, Kind: model.ActContainerCreated, Container: "app", Attempt: 4}, model.Action{At: at, Kind: model.ActContainerStarted, Container: "app", Attempt: 4})
	}},
	{"no-restart-while-deleting", "sidecar-kill-then-end", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// The sidecar's liveness kill (planned with its restart) blocked
		// before the pod ended may restart it after the delete; a kill
		// that begins once the pod ended is the pod's own KillPod, which
		// restarts nothing: move the app's exit before the probe result.
		e := nth(t, acts, 0, is(model.ActContainerExited, "app"))
		p := nth(t, acts, 0, func(a *model.Action) bool {
			return a.Kind == model.ActProbeResult && a.Container == "side" && a.Result == model.ResultFailure
		})
		require.Equal(t, acts[e].At, acts[p].At)
		require.Less(t, p, e)
		nth(t, acts, 1, is(model.ActContainerStarted, "side")) // the restart after the delete
		return move(acts, e, p)
	}},
	{"never-restart-policy", "never-exit-1", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 0, is(model.ActContainerExited, "app"))
		at := acts[i].At
		return insert(acts, i+1, model.Action{At: at, Kind: model.ActContainerCreated, Container: "app", Attempt: 1}, model.Action{At: at, Kind: model.ActContainerStarted, Container: "app", Attempt: 1})
	}},
	{"onfailure-no-restart-after-success", "onfailure-exit-0", time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 0, is(model.ActContainerExited, "app"))
		at := acts[i].At + time.Second
		return insert(acts, i+1, model.Action{At: at, Kind: model.ActContainerCreated, Container: "app", Attempt: 1}, model.Action{At: at, Kind: model.ActContainerStarted, Container: "app", Attempt: 1})
	}},
	{"restart-policy-honoured", "examples/crashloop.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// a crash-looping container left for good after its fourth crash
		i := nth(t, acts, 3, is(model.ActBackOff, "app"))
		return acts[:i+1]
	}},
	{"backoff-cap", "examples/crashloop.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := lastOf(t, acts, is(model.ActBackOff, "app"))
		acts[i].Delay = 10 * time.Minute
		return acts
	}},
	{"no-start-during-backoff", "examples/crashloop.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// the third restart 5 s early
		i := nth(t, acts, 3, is(model.ActContainerCreated, "app"))
		acts[i].At -= 5 * time.Second
		acts[i+1].At -= 5 * time.Second
		return acts
	}},
	{"first-restart-immediate", "upstream/first-crash-restarts-immediately.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// the docs' version: 10 s before the first restart
		i := nth(t, acts, 1, is(model.ActContainerCreated, "app"))
		return shift(acts, i, 10*time.Second)
	}},
	{"backoff-doubling", "examples/crashloop.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// no doubling: the second refusal keeps 10 s
		i := nth(t, acts, 1, is(model.ActBackOff, "app"))
		acts[i].Delay, acts[i].Wait = 10*time.Second, 10*time.Second
		s := nth(t, acts, 3, is(model.ActContainerCreated, "app"))
		return shift(acts, s, -10*time.Second)
	}},
	{"backoff-doubling", "examples/crashloop.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// no BackOff announced, and the third restart 10 s after the crash
		// instead of 20 s
		acts = remove(acts, nth(t, acts, 1, is(model.ActBackOff, "app")))
		s := nth(t, acts, 3, is(model.ActContainerCreated, "app"))
		return shift(acts, s, -10*time.Second)
	}},
	{"backoff-doubling", "examples/crashloop.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// the second restart 10 s late
		s := nth(t, acts, 2, is(model.ActContainerCreated, "app"))
		return shift(acts, s, 10*time.Second)
	}},
	{"first-restart-immediate", "upstream/first-crash-restarts-immediately.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// the first restart refused
		i := nth(t, acts, 0, is(model.ActContainerExited, "app"))
		b := model.Action{At: acts[i].At, Kind: model.ActBackOff, Container: "app", Wait: 10 * time.Second, Delay: 10 * time.Second}
		acts = insert(acts, i+1, b)
		return shift(acts, i+2, 10*time.Second)
	}},
	{"backoff-reset-600s", "reset", 15 * time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		// the exit 10m05s after the last restart decision is backed off
		i := nth(t, acts, 3, is(model.ActContainerExited, "app"))
		b := model.Action{At: acts[i].At, Kind: model.ActBackOff, Container: "app", Attempt: 3, Wait: 40 * time.Second, Delay: 40 * time.Second}
		acts = insert(acts, i+1, b)
		return shift(acts, i+2, 40*time.Second)
	}},
	{"liveness-failure-threshold", "examples/liveness-exec.yaml", 3 * time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		// three failures and no kill
		i := nth(t, acts, 0, is(model.ActStopSignal, "liveness"))
		return acts[:i]
	}},
	{"backoff-reset-600s", "reset", 15 * time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		// the run of 10m05s did not reset the delay: the next refusal says 80 s
		i := nth(t, acts, 2, is(model.ActBackOff, "app"))
		acts[i].Delay, acts[i].Wait = 80*time.Second, 80*time.Second
		return acts
	}},
	{"probe-period", "examples/goproxy.yaml", 2 * time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 1, is(model.ActProbeResult, "goproxy"))
		for acts[i].Probe != model.Liveness {
			i++
		}
		i = nth(t, acts, 1, func(a *model.Action) bool { return a.Kind == model.ActProbeResult && a.Probe == model.Liveness })
		acts[i].At -= 5 * time.Second // 5 s after the previous one, period 10 s
		return acts
	}},
	{"no-probe-after-exit", "examples/liveness-exec.yaml", 3 * time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 0, is(model.ActContainerExited, "liveness"))
		return insert(acts, i+1, model.Action{At: acts[i].At, Kind: model.ActProbeResult, Container: "liveness", Probe: model.Liveness, Result: model.ResultFailure})
	}},
	{"startup-gates-liveness-readiness", "examples/startup-probe.yaml", 3 * time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 3, is(model.ActProbeResult, "app"))
		return insert(acts, i+1, model.Action{At: acts[i].At, Kind: model.ActProbeResult, Container: "app", Probe: model.Liveness, Result: model.ResultSuccess})
	}},
	{"probes-stop-on-termination", "liveness-delete", time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 0, is(model.ActStopSignal, "app"))
		return insert(acts, i+1, model.Action{At: acts[i].At + 2*time.Second, Kind: model.ActProbeResult, Container: "app", Probe: model.Liveness, Result: model.ResultSuccess})
	}},
	{"liveness-failure-threshold", "examples/liveness-exec.yaml", 3 * time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		// killed after two failures
		i := nth(t, acts, 0, is(model.ActStopSignal, "liveness"))
		return remove(acts, i-1)
	}},
	{"startup-failure-threshold", "startup-fail", time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		// three failures, no kill: the prober keeps probing
		i := nth(t, acts, 0, is(model.ActStopSignal, "app"))
		return acts[:i]
	}},
	{"readiness-thresholds", "upstream/readiness-during-termination.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := firstStatusWhere(t, acts, func(st *v1.PodStatus) bool { return statusOf(st, "bash").Ready })
		return editStatus(acts, i, func(st *v1.PodStatus) {
			statusOf(st, "bash").Ready = false
			cond(st, v1.ContainersReady).Status = v1.ConditionFalse
			cond(st, v1.ContainersReady).Reason = model.ReasonContainersNotReady
			cond(st, v1.ContainersReady).Message = "containers with unready status: [bash]"
			cond(st, v1.PodReady).Status = v1.ConditionFalse
			cond(st, v1.PodReady).Reason = model.ReasonContainersNotReady
			cond(st, v1.PodReady).Message = "containers with unready status: [bash]"
		})
	}},
	{"hook-bracketing", "examples/hook-demo.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		return remove(acts, nth(t, acts, 0, is(model.ActHookStarted, "")))
	}},
	{"prestop-before-stop-signal", "examples/hook-demo.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// the stop signal without the preStop hook
		i := nth(t, acts, 1, is(model.ActHookStarted, ""))
		acts = remove(acts, i)
		return remove(acts, nth(t, acts, 1, is(model.ActHookEnded, "")))
	}},
	{"prestop-within-grace", "upstream/prestop-no-second-grace-period.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// kubernetes#115817: a second full grace period after the hook
		i := nth(t, acts, 0, is(model.ActStopSignal, ""))
		acts[i].Timeout = 60
		return shift(acts, i+1, 58*time.Second)
	}},
	{"no-unexplained-kill", "examples/goproxy.yaml", 2 * time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 10, is(model.ActProbeResult, "goproxy"))
		return insert(acts, i+1, model.Action{At: acts[i].At, Kind: model.ActStopSignal, Container: "goproxy", Timeout: 30})
	}},
	{"grace-only-shrinks", "examples/hook-demo.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 0, is(model.ActDeleteRequested, ""))
		return insert(acts, i+1, model.Action{At: acts[i].At, Kind: model.ActDeleteRequested, Grace: 60})
	}},
	{"force-delete-removes", "force", 0, func(t *testing.T, acts []model.Action) []model.Action {
		return remove(acts, nth(t, acts, 0, is(model.ActPodRemoved, "")))
	}},
	{"stop-timeout-floor", "upstream/liveness-probe-grace-override.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 0, is(model.ActStopSignal, "app"))
		acts[i].Timeout = 1
		return acts
	}},
	{"stop-timeout-exact", "examples/hook-demo.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// the preStop hook's 5 s not subtracted
		i := nth(t, acts, 0, is(model.ActStopSignal, ""))
		acts[i].Timeout = 30
		return acts
	}},
	{"stop-timeout-honoured", "examples/liveness-exec.yaml", 3 * time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		// SIGKILL 5 s late
		i := nth(t, acts, 0, is(model.ActSIGKILL, "liveness"))
		return shift(acts, i, 5*time.Second)
	}},
	{"sigkill-not-before-grace", "liveness-delete", time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 0, is(model.ActSIGKILL, "app"))
		acts[i].At -= 10 * time.Second
		return acts
	}},
	{"sigkill-not-before-grace", "liveness-delete", time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		// a short stop timeout honoured, but the delete's 20 s grace cut short
		i := nth(t, acts, 0, is(model.ActStopSignal, "app"))
		acts[i].Timeout = 10
		acts[nth(t, acts, 0, is(model.ActSIGKILL, "app"))].At -= 10 * time.Second
		return acts
	}},
	{"sigkill-by-grace-plus-2s", "upstream/prestop-no-second-grace-period.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// termination takes 2 × grace (kubernetes#115817)
		i := nth(t, acts, 0, is(model.ActStopSignal, ""))
		acts[i].Timeout = 60
		return shift(acts, i+1, 58*time.Second)
	}},
	{"sigkill-by-grace-plus-2s", "upstream/delete-waits-for-poststart.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// the termination begins when the postStart sync ends (60s) with
		// 10s: helper must be gone by 72s, not 10s later
		i := nth(t, acts, 0, is(model.ActSIGKILL, "helper"))
		return shift(acts, i, 10*time.Second)
	}},
	{"sigkill-by-grace-plus-2s", "upstream/shorter-grace-keeps-kill-in-progress.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// the kill keeps its 30s (gone by 42s), but not more
		i := nth(t, acts, 0, is(model.ActHookEnded, "nginx"))
		return shift(acts, i, 5*time.Second)
	}},
	{"prestop-within-grace", "upstream/shorter-grace-keeps-kill-in-progress.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// the hook runs past the 30s the kill started with
		i := nth(t, acts, 0, is(model.ActHookEnded, "nginx"))
		return shift(acts, i, 5*time.Second)
	}},
	{"stop-timeout-exact", "upstream/shorter-grace-keeps-kill-in-progress.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// a second stop signal: the kill is not restarted by a later delete
		i := nth(t, acts, 0, is(model.ActStopSignal, "nginx"))
		a := acts[i]
		return insert(acts, i+1, a)
	}},
	{"no-restart-while-deleting", "upstream/delete-waits-for-poststart.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// a restart once the termination has begun (the sync's own starts
		// at 60s are allowed)
		i := nth(t, acts, 0, is(model.ActContainerExited, "reproducer"))
		a := acts[i]
		return insert(acts, i+1,
			model.Action{At: a.At, Kind: model.ActContainerCreated, Container: "reproducer", Attempt: 1},
			model.Action{At: a.At, Kind: model.ActContainerStarted, Container: "reproducer", Attempt: 1})
	}},
	{"sidecar-reverse-termination", "sidecar-term", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// the sidecar stopped together with the app, with the full grace
		i := nth(t, acts, 0, is(model.ActStopSignal, "proxy"))
		acts[i].Timeout = 10
		acts[i].At = acts[i-1].At
		return move(acts, i, nth(t, acts, 0, is(model.ActStopSignal, "app"))+1)
	}},
	{"delete-requests-honoured", "examples/hook-demo.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// The world asked for a graceful delete; the trace claims a force delete.
		i := nth(t, acts, 0, is(model.ActDeleteRequested, ""))
		acts[i].Force, acts[i].Grace = true, 0
		return acts
	}},
	{"pod-removed-after-termination", "examples/hook-demo.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 0, is(model.ActPodRemoved, ""))
		acts[i].At = acts[nth(t, acts, 0, is(model.ActDeleteRequested, ""))].At
		return move(acts, i, nth(t, acts, 0, is(model.ActDeleteRequested, ""))+1)
	}},
	{"pod-removed-after-termination", "examples/hook-demo.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// What KWOK does: the graceful delete removes the object while the
		// containers still run, with no termination shown (docs/kwok.md).
		d := nth(t, acts, 0, is(model.ActDeleteRequested, ""))
		return append(acts[:d+1:d+1], model.Action{At: acts[d].At + 50*time.Millisecond, Kind: model.ActPodRemoved})
	}},
	{"exits-reported", "examples/crashloop.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// The program exits, and the trace never shows it: it ends with
		// the container running, as on a node that does not run the
		// program (KWOK).
		return acts[:nth(t, acts, 0, is(model.ActContainerExited, "app"))]
	}},
	{"terminal-phase-absorbing", "upstream/init-container-restartnever.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := lastOf(t, acts, is(model.ActStatus, ""))
		a := acts[i]
		acts = append(acts, a)
		return editStatus(acts, len(acts)-1, func(st *v1.PodStatus) { st.Phase = v1.PodRunning })
	}},
	{"succeeded-iff-all-app-exit-zero", "upstream/init-container-restartnever.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := nth(t, acts, 0, is(model.ActContainerExited, "run1"))
		acts[i].ExitCode, acts[i].Reason = 1, "Error"
		return acts
	}},
	{"restart-count-monotone", "examples/crashloop.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := lastOf(t, acts, is(model.ActStatus, ""))
		return editStatus(acts, i, func(st *v1.PodStatus) { statusOf(st, "app").RestartCount = 1 })
	}},
	{"restart-count-matches-starts", "examples/crashloop.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := firstStatusWhere(t, acts, func(st *v1.PodStatus) bool { return statusOf(st, "app").RestartCount == 2 })
		return editStatus(acts, i, func(st *v1.PodStatus) { statusOf(st, "app").RestartCount = 3 })
	}},
	{"ready-implies-started", "examples/goproxy.yaml", 2 * time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		i := firstStatusWhere(t, acts, func(st *v1.PodStatus) bool { return statusOf(st, "goproxy").Ready })
		return editStatus(acts, i, func(st *v1.PodStatus) { statusOf(st, "goproxy").Started = bptr(false) })
	}},
	{"ready-implies-running", "examples/crashloop.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := firstStatusWhere(t, acts, func(st *v1.PodStatus) bool {
			return statusOf(st, "app").State.Waiting != nil && statusOf(st, "app").State.Waiting.Reason == model.ReasonCrashLoopBackOff
		})
		return editStatus(acts, i, func(st *v1.PodStatus) { statusOf(st, "app").Ready = true })
	}},
	{"started-flag", "examples/startup-probe.yaml", 3 * time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		i := firstStatusWhere(t, acts, func(st *v1.PodStatus) bool { return statusOf(st, "app").State.Running != nil })
		return editStatus(acts, i, func(st *v1.PodStatus) { statusOf(st, "app").Started = bptr(true) })
	}},
	{"initialized-condition", "examples/myapp-pod-scenario.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		i := firstStatusWhere(t, acts, func(st *v1.PodStatus) bool { return true })
		return editStatus(acts, i, func(st *v1.PodStatus) {
			c := cond(st, v1.PodInitialized)
			c.Status, c.Reason, c.Message = v1.ConditionTrue, "", ""
		})
	}},
	{"containers-ready-condition", "examples/goproxy.yaml", 2 * time.Minute, func(t *testing.T, acts []model.Action) []model.Action {
		i := firstStatusWhere(t, acts, func(st *v1.PodStatus) bool { return statusOf(st, "goproxy").State.Running != nil })
		return editStatus(acts, i, func(st *v1.PodStatus) {
			c := cond(st, v1.ContainersReady)
			c.Status, c.Reason, c.Message = v1.ConditionTrue, "", ""
		})
	}},
	{"ready-needs-gates", "upstream/readiness-gates.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// The kubelet's sync after the controller turned a gate False
		// keeps the pod Ready.
		i := lastOf(t, acts, is(model.ActStatus, ""))
		return editStatus(acts, i, func(st *v1.PodStatus) {
			c := cond(st, v1.PodReady)
			c.Status, c.Reason, c.Message = v1.ConditionTrue, "", ""
		})
	}},
	{"kubectl-status-consistent", "examples/crashloop.yaml", 0, func(t *testing.T, acts []model.Action) []model.Action {
		// CrashLoopBackOff shown for the first crash, which is not backed off
		i := firstStatusWhere(t, acts, func(st *v1.PodStatus) bool { return statusOf(st, "app").State.Terminated != nil })
		return editStatus(acts, i, func(st *v1.PodStatus) {
			cs := statusOf(st, "app")
			cs.LastTerminationState, cs.State = cs.State, v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: model.ReasonCrashLoopBackOff}}
		})
	}},
}

// TestMutationsCaught: each property rejects a real trace edited to break
// it, with its own ID, and the unedited trace passes.
func TestMutationsCaught(t *testing.T) {
	covered := map[string]bool{}
	for k, m := range mutations {
		t.Run(fmt.Sprintf("%s/%d", m.id, k), func(t *testing.T) {
			covered[m.id] = true
			_, ok := properties.ByID(m.id)
			require.Truef(t, ok, "no property %s", m.id)
			s := loadCase(t, m.sc)
			until := m.until
			if until == 0 {
				until = 30 * time.Minute
			}
			acts, end, complete := run(t, s, until)
			require.Empty(t, properties.Check(ctxOf(s), acts, end, complete), "the unedited trace must pass")
			bad := m.mutate(t, append([]model.Action(nil), acts...))
			vs := properties.Check(ctxOf(s), bad, end, complete)
			var ids []string
			for _, v := range vs {
				ids = append(ids, v.ID)
				if v.ID == m.id {
					t.Logf("%s", v.Error())
				}
			}
			require.Containsf(t, ids, m.id, "the edited trace must break %s; got %v", m.id, vs)
			// The same verdict through a single checker and through a suite.
			p, _ := properties.ByID(m.id)
			c := p.New(ctxOf(s))
			var got *properties.Violation
			for i := range bad {
				if got = c.Observe(i, &bad[i]); got != nil {
					break
				}
			}
			if got == nil {
				got = c.End(end, complete)
			}
			require.NotNil(t, got)
			require.Equal(t, m.id, got.ID)
			su := properties.NewSuite(ctxOf(s), p)
			var sv *properties.Violation
			for i := range bad {
				if sv = su.Observe(i, &bad[i]); sv != nil {
					break
				}
			}
			if sv == nil {
				sv = su.End(end, complete)
			}
			require.Equal(t, got, sv)
		})
	}
	for _, p := range properties.All() {
		require.Truef(t, covered[p.ID], "property %s has no mutation test", p.ID)
	}
}

// TestSuiteStopsAtFirst: a suite of all properties reports the earliest
// violation Check finds, and nothing on a clean trace.
func TestSuiteStopsAtFirst(t *testing.T) {
	for k, m := range mutations {
		s := loadCase(t, m.sc)
		until := m.until
		if until == 0 {
			until = 30 * time.Minute
		}
		acts, end, complete := run(t, s, until)
		su := properties.NewSuite(ctxOf(s))
		for i := range acts {
			require.Nil(t, su.Observe(i, &acts[i]))
		}
		require.Nil(t, su.End(end, complete))

		bad := m.mutate(t, append([]model.Action(nil), acts...))
		all := properties.Check(ctxOf(s), bad, end, complete)
		require.NotEmpty(t, all)
		first := all[0]
		for _, v := range all {
			if v.Index >= 0 && (first.Index < 0 || v.Index < first.Index) {
				first = v
			}
		}
		su = properties.NewSuite(ctxOf(s))
		var got *properties.Violation
		for i := range bad {
			if got = su.Observe(i, &bad[i]); got != nil {
				break
			}
		}
		if got == nil {
			got = su.End(end, complete)
		}
		require.NotNilf(t, got, "mutation %d (%s)", k, m.id)
		require.Equalf(t, first.Index, got.Index, "mutation %d (%s): suite stopped at %v, Check's first is %v", k, m.id, got, first)
		again := su.Observe(len(bad), &bad[len(bad)-1])
		require.Equal(t, got, again, "a suite stays stopped")
	}
}

// typical is the benchmark's typical scenario (as model's): 2 init
// containers, 1 sidecar, 2 app containers with probes, one crash loop and
// one delete.
const typical = `
pod:
  spec:
    terminationGracePeriodSeconds: 10
    initContainers:
    - {name: init-a, image: busybox}
    - {name: init-b, image: busybox}
    - name: proxy
      image: busybox
      restartPolicy: Always
      startupProbe: {exec: {command: ["true"]}, periodSeconds: 5}
    containers:
    - name: web
      image: busybox
      readinessProbe: {exec: {command: ["true"]}, initialDelaySeconds: 2, periodSeconds: 5}
      livenessProbe: {exec: {command: ["true"]}, initialDelaySeconds: 5, periodSeconds: 5}
      lifecycle: {preStop: {sleep: {seconds: 1}}}
    - name: worker
      image: busybox
      livenessProbe: {exec: {command: ["true"]}, periodSeconds: 5}
behaviour:
  containers:
    init-a: {attempts: [{exitAfter: 2s}]}
    init-b: {attempts: [{exitAfter: 3s}]}
    worker: {attempts: [{exitAfter: 4s, exitCode: 1}]}
events:
- {at: 90s, type: Delete}`

func init() { builders["typical"] = typical }

// BenchmarkSuite runs the typical trace through a suite of every property;
// it reports ns per action.
func BenchmarkSuite(b *testing.B) {
	t := &testing.T{}
	s := loadCase(t, "typical")
	acts, end, complete := run(t, s, time.Hour)
	ctx := ctxOf(s)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		su := properties.NewSuite(ctx)
		for i := range acts {
			if v := su.Observe(i, &acts[i]); v != nil {
				b.Fatal(v)
			}
		}
		if v := su.End(end, complete); v != nil {
			b.Fatal(v)
		}
		n += len(acts)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/action")
	b.ReportMetric(float64(len(acts)), "actions/trace")
}

// TestMasksAreSound: randomly damaged traces get the same verdicts whether
// the rules see every action or only the kinds they declare.
func TestMasksAreSound(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	n := 400
	if testing.Short() || raceEnabled {
		n = 100
	}
	for k := 0; k < n; k++ {
		doc := randomDoc(r, k)
		s := doc.Model()
		acts, end, complete := run(t, s, 20*time.Minute)
		if len(acts) < 3 {
			continue
		}
		bad := damage(r, acts)
		ctx := ctxOf(s)
		require.Equalf(t, properties.CheckUnmasked(ctx, bad, end, complete), properties.Check(ctx, bad, end, complete), "scenario %d", k)
	}
}

// TestArbitraryTracesDoNotPanic: checkers read any trace, however wrong,
// without panicking (adapters will feed them real-world traces).
func TestArbitraryTracesDoNotPanic(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	kinds := []model.ActionKind{model.ActSandboxCreated, model.ActContainerCreated, model.ActContainerStarted, model.ActHookStarted,
		model.ActHookEnded, model.ActProbeResult, model.ActStopSignal, model.ActSIGKILL, model.ActContainerExited, model.ActBackOff,
		model.ActDeleteRequested, model.ActSandboxStopped, model.ActPodRemoved, model.ActStatus, "Bogus"}
	s := loadCase(t, "typical")
	names := []string{"init-a", "init-b", "proxy", "web", "worker", "ghost", ""}
	n := 300
	if raceEnabled {
		n = 100
	}
	for k := 0; k < n; k++ {
		var acts []model.Action
		at := time.Duration(0)
		for n := r.IntN(200); n > 0; n-- {
			at += time.Duration(r.IntN(20000)-2000) * time.Millisecond
			a := model.Action{At: at, Kind: kinds[r.IntN(len(kinds))], Container: names[r.IntN(len(names))], Attempt: r.IntN(4) - 1,
				Hook: pick(r, model.HookPostStart, model.HookPreStop, "x"), Probe: pick(r, model.Startup, model.Liveness, model.Readiness, "x"),
				Result:  pick(r, model.ResultOK, model.ResultFailed, model.ResultSuccess, model.ResultFailure, ""),
				Timeout: int64(r.IntN(40) - 5), Grace: int64(r.IntN(40) - 5), Force: r.IntN(5) == 0, ExitCode: int32(r.IntN(3)),
				Wait: time.Duration(r.IntN(40)) * time.Second, Delay: time.Duration(r.IntN(400)) * time.Second}
			if a.Kind == model.ActStatus && r.IntN(4) > 0 {
				a.Status = &v1.PodStatus{Phase: pick(r, v1.PodPending, v1.PodRunning, v1.PodSucceeded, v1.PodFailed),
					ContainerStatuses: []v1.ContainerStatus{{Name: pick(r, names...), Ready: r.IntN(2) == 0, Started: bptr(r.IntN(2) == 0),
						State: v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: model.ReasonCrashLoopBackOff}}}}}
			}
			acts = append(acts, a)
		}
		ctx := ctxOf(s)
		properties.Check(ctx, acts, at, r.IntN(2) == 0)
		su := properties.NewSuite(ctx)
		for i := range acts {
			su.Observe(i, &acts[i])
		}
		su.End(at, true)
		for _, p := range properties.All() {
			c := p.New(ctx)
			for i := range acts {
				c.Observe(i, &acts[i])
			}
			c.End(at, false)
		}
	}
	// a nil pod is an empty pod
	properties.Check(&properties.Context{}, []model.Action{{Kind: model.ActContainerStarted, Container: "x"}}, 0, true)
}
