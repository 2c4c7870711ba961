package gen

import (
	"flag"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	"pgregory.net/rapid"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

// drawKnobs draws knobs over their whole useful range, the zero Knobs
// included.
func drawKnobs(t *rapid.T) Knobs {
	return Knobs{
		MaxInit:      rapid.IntRange(0, 3).Draw(t, "MaxInit"),
		MaxSidecars:  rapid.IntRange(0, 3).Draw(t, "MaxSidecars"),
		MaxApps:      rapid.IntRange(0, 3).Draw(t, "MaxApps"),
		MaxAttempts:  rapid.IntRange(0, 6).Draw(t, "MaxAttempts"),
		MaxEvents:    rapid.IntRange(0, 4).Draw(t, "MaxEvents"),
		Probes:       rapid.Bool().Draw(t, "Probes"),
		Hooks:        rapid.Bool().Draw(t, "Hooks"),
		RestartRules: rapid.Bool().Draw(t, "RestartRules"),
		VaryProfile:  rapid.Bool().Draw(t, "VaryProfile"),
		LongRuns:     rapid.Bool().Draw(t, "LongRuns"),
	}
}

// checkDoc checks that d is valid, that it survives Marshal and Parse
// unchanged, and that Marshal is stable.
func checkDoc(t interface{ Fatalf(string, ...any) }, d *scenario.Document) []byte {
	out, err := d.Marshal()
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	if err := d.Validate(); err != nil {
		t.Fatalf("invalid scenario: %v\n%s", err, out)
	}
	d2, err := scenario.Parse(out, "generated.yaml")
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(d, d2) {
		out2, _ := d2.Marshal()
		t.Fatalf("Parse(Marshal(d)) differs from d:\n%s\n--- parsed back:\n%s", out, out2)
	}
	out2, err := d2.Marshal()
	if err != nil || string(out2) != string(out) {
		t.Fatalf("Marshal is not stable (%v):\n%s\n---\n%s", err, out, out2)
	}
	return out
}

// checkRun runs d through the model.
func checkRun(t interface{ Fatalf(string, ...any) }, d *scenario.Document) []model.Action {
	trace, err := model.Run(d.Model(), Until(d))
	if err != nil {
		out, _ := d.Marshal()
		t.Fatalf("model.Run: %v\n%s", err, out)
	}
	return trace
}

func TestScenarioValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := drawKnobs(t)
		d := Scenario(k).Draw(t, "scenario")
		checkDoc(t, d)
		checkKnobs(t, k, d)
	})
}

func TestScenarioValidDefaultKnobs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		checkDoc(t, Draw(t, "scenario", DefaultKnobs()))
	})
}

// checkKnobs checks that d stays within k.
func checkKnobs(t *rapid.T, k Knobs, d *scenario.Document) {
	spec := &d.Pod.Spec
	var inits, sides int
	for i := range spec.InitContainers {
		if model.IsSidecar(&spec.InitContainers[i]) {
			sides++
		} else {
			inits++
		}
	}
	if inits > k.MaxInit || sides > k.MaxSidecars || len(spec.Containers) > max(k.MaxApps, 1) || len(spec.Containers) < 1 {
		t.Fatalf("containers %d/%d/%d beyond knobs %+v", inits, sides, len(spec.Containers), k)
	}
	if len(d.Events) > k.MaxEvents {
		t.Fatalf("%d events beyond knobs %+v", len(d.Events), k)
	}
	if !k.VaryProfile && !reflect.DeepEqual(d.Profile, model.Profile{}) {
		t.Fatalf("profile %+v without VaryProfile", d.Profile)
	}
	all := append(append([]v1.Container(nil), spec.InitContainers...), spec.Containers...)
	for _, c := range all {
		if !k.Probes && (c.StartupProbe != nil || c.LivenessProbe != nil || c.ReadinessProbe != nil) {
			t.Fatalf("container %s has a probe without Probes", c.Name)
		}
		if !k.Hooks && c.Lifecycle != nil {
			t.Fatalf("container %s has a hook without Hooks", c.Name)
		}
	}
	for _, c := range spec.Containers {
		if !k.RestartRules && (c.RestartPolicy != nil || c.RestartPolicyRules != nil) {
			t.Fatalf("container %s has a restart policy without RestartRules", c.Name)
		}
	}
	for name, cb := range d.Behaviour.Containers {
		long := len(cb.Attempts) > k.MaxAttempts
		for _, a := range cb.Attempts {
			if a.ExitAfter != nil && a.ExitAfter.Duration > 5*time.Minute {
				long = true
			}
		}
		if long && !k.LongRuns {
			t.Fatalf("container %s: %d attempts or a long run without LongRuns (%+v)", name, len(cb.Attempts), k)
		}
	}
}

// TestComponents checks the separate generators: a Pod, a Behaviour and
// Events drawn for it, and a Profile, make a valid scenario.
func TestComponents(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := drawKnobs(t)
		k.RestartRules = k.RestartRules && !k.VaryProfile // Pod assumes the default gate
		d := &scenario.Document{APIVersion: scenario.APIVersion, Kind: scenario.Kind, Metadata: scenario.Metadata{Name: "parts"}}
		d.Pod = Pod(k).Draw(t, "pod")
		d.Behaviour = Behaviour(&d.Pod, k).Draw(t, "behaviour")
		d.Events = Events(&d.Pod, k).Draw(t, "events")
		d.Profile = Profile(k).Draw(t, "profile")
		checkDoc(t, d)
		checkRun(t, d)
	})
}

// TestBehaviourForCorpusPods draws behaviour for the pods of the corpus
// examples, which gen did not make.
func TestBehaviourForCorpusPods(t *testing.T) {
	files := []string{"sidecar.yaml", "hook-demo.yaml", "liveness-http.yaml", "startup-probe.yaml", "init-demo.yaml", "myapp-pod.yaml"}
	var docs []*scenario.Document
	for _, f := range files {
		d, err := scenario.Load("../corpus/examples/" + f)
		if err != nil {
			t.Logf("skipping %s: %v", f, err)
			continue
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		t.Skip("no corpus examples")
	}
	rapid.Check(t, func(t *rapid.T) {
		d := *rapid.SampledFrom(docs).Draw(t, "example")
		k := DefaultKnobs()
		d.Behaviour = Behaviour(&d.Pod, k).Draw(t, "behaviour")
		d.Events = Events(&d.Pod, k).Draw(t, "events")
		checkDoc(t, &d)
		checkRun(t, &d)
	})
}

func TestModelRuns(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := Scenario(drawKnobs(t)).Draw(t, "scenario")
		checkRun(t, d)
	})
}

func TestZeroKnobs(t *testing.T) {
	g := Scenario(Knobs{})
	for seed := 0; seed < 200; seed++ {
		d := g.Example(seed)
		checkDoc(t, d)
		if c, e := Size(d); c != 1 || e != 0 || len(d.Behaviour.Containers) != 0 {
			out, _ := d.Marshal()
			t.Fatalf("zero knobs gave size %d/%d:\n%s", c, e, out)
		}
		// Only the pod's restart policy and grace period vary.
		d.Pod.Spec.RestartPolicy, d.Pod.Spec.TerminationGracePeriodSeconds = "", nil
		if got, want := d.Pod.Spec.Containers[0], (v1.Container{Name: "app-a", Image: "busybox"}); !reflect.DeepEqual(got, want) {
			t.Fatalf("zero knobs gave container %+v", got)
		}
	}
}

// features are what the coverage test counts, with the least fraction of
// draws (DefaultKnobs) that must show each.
var features = []struct {
	name string
	min  float64
	has  func(d *scenario.Document, trace []model.Action) bool
}{
	// The document.
	{"regular init container", 0.30, func(d *scenario.Document, _ []model.Action) bool { return count(d, roleInit) > 0 }},
	{"init container fails (scripted)", 0.10, func(d *scenario.Document, _ []model.Action) bool { return anyAttempt(d, roleInit, failing) }},
	{"sidecar", 0.30, func(d *scenario.Document, _ []model.Action) bool { return count(d, roleSidecar) > 0 }},
	{"sidecar before a regular init container", 0.05, sidecarFirst},
	{"sidecar with startupProbe", 0.10, func(d *scenario.Document, _ []model.Action) bool {
		return anyContainer(d, roleSidecar, func(c *v1.Container) bool { return c.StartupProbe != nil })
	}},
	{"sidecar exits (scripted)", 0.10, func(d *scenario.Document, _ []model.Action) bool {
		return anyAttempt(d, roleSidecar, func(a model.Attempt) bool { return a.ExitAfter != nil })
	}},
	{"two app containers", 0.20, func(d *scenario.Document, _ []model.Action) bool { return count(d, roleApp) >= 2 }},
	{"pod restartPolicy OnFailure", 0.15, func(d *scenario.Document, _ []model.Action) bool {
		return d.Pod.Spec.RestartPolicy == v1.RestartPolicyOnFailure
	}},
	{"pod restartPolicy Never", 0.15, func(d *scenario.Document, _ []model.Action) bool {
		return d.Pod.Spec.RestartPolicy == v1.RestartPolicyNever
	}},
	{"terminationGracePeriodSeconds set", 0.30, func(d *scenario.Document, _ []model.Action) bool {
		return d.Pod.Spec.TerminationGracePeriodSeconds != nil
	}},
	{"terminationGracePeriodSeconds 0", 0.03, func(d *scenario.Document, _ []model.Action) bool {
		g := d.Pod.Spec.TerminationGracePeriodSeconds
		return g != nil && *g == 0
	}},
	{"startupProbe", 0.25, probeKind(func(c *v1.Container) *v1.Probe { return c.StartupProbe })},
	{"livenessProbe", 0.25, probeKind(func(c *v1.Container) *v1.Probe { return c.LivenessProbe })},
	{"readinessProbe", 0.25, probeKind(func(c *v1.Container) *v1.Probe { return c.ReadinessProbe })},
	{"readiness successThreshold > 1", 0.03, anyProbe(func(c *v1.Container) *v1.Probe { return c.ReadinessProbe }, func(p *v1.Probe) bool { return p.SuccessThreshold > 1 })},
	{"probe terminationGracePeriodSeconds", 0.05, func(d *scenario.Document, _ []model.Action) bool {
		return anyContainer(d, -1, func(c *v1.Container) bool {
			return (c.LivenessProbe != nil && c.LivenessProbe.TerminationGracePeriodSeconds != nil) ||
				(c.StartupProbe != nil && c.StartupProbe.TerminationGracePeriodSeconds != nil)
		})
	}},
	{"probe failure window", 0.25, func(d *scenario.Document, _ []model.Action) bool {
		return anyConduct(d, func(cd model.Conduct, c *v1.Container) bool {
			return conductSize(model.Conduct{Probes: cd.Probes}, c) > 0
		})
	}},
	{"probe answers at or past its timeout", 0.05, func(d *scenario.Document, _ []model.Action) bool {
		return anyConduct(d, func(cd model.Conduct, _ *v1.Container) bool {
			if cd.Probes == nil {
				return false
			}
			for _, steps := range [][]model.ProbeStep{cd.Probes.Startup, cd.Probes.Liveness, cd.Probes.Readiness} {
				for _, s := range steps {
					if s.RespondsIn != nil {
						return true
					}
				}
			}
			return false
		})
	}},
	{"postStart hook", 0.20, hookKind(func(l *v1.Lifecycle) *v1.LifecycleHandler { return l.PostStart }, nil)},
	{"preStop hook", 0.30, hookKind(func(l *v1.Lifecycle) *v1.LifecycleHandler { return l.PreStop }, nil)},
	{"exec hook", 0.20, hookKind(nil, func(h *v1.LifecycleHandler) bool { return h.Exec != nil })},
	{"sleep hook", 0.15, hookKind(nil, func(h *v1.LifecycleHandler) bool { return h.Sleep != nil })},
	{"httpGet or tcpSocket hook", 0.02, hookKind(nil, func(h *v1.LifecycleHandler) bool { return h.HTTPGet != nil || h.TCPSocket != nil })},
	{"preStop script overruns the grace period", 0.05, preStopOverrun},
	{"hook fails (scripted)", 0.05, func(d *scenario.Document, _ []model.Action) bool {
		return anyConduct(d, func(cd model.Conduct, _ *v1.Container) bool {
			return (cd.PostStart != nil && cd.PostStart.Fail) || (cd.PreStop != nil && cd.PreStop.Fail)
		})
	}},
	{"onStopSignal exitAfter", 0.15, stopScript(func(s *model.StopScript) bool { return s.ExitAfter != nil })},
	{"onStopSignal ignore", 0.10, stopScript(func(s *model.StopScript) bool { return s.Ignore })},
	{"attempt with its own conduct", 0.03, func(d *scenario.Document, _ []model.Action) bool {
		return anyAttempt(d, -1, func(a model.Attempt) bool { return a.Conduct != (model.Conduct{}) })
	}},
	{"container restartPolicy", 0.10, func(d *scenario.Document, _ []model.Action) bool {
		return anyContainer(d, roleApp, func(c *v1.Container) bool { return c.RestartPolicy != nil })
	}},
	{"restartPolicyRules", 0.05, func(d *scenario.Document, _ []model.Action) bool {
		return anyContainer(d, roleApp, func(c *v1.Container) bool { return len(c.RestartPolicyRules) > 0 })
	}},
	{"exit code 1", 0.30, anyAttemptDoc(func(a model.Attempt) bool { return a.ExitCode == 1 })},
	{"OOMKilled", 0.10, anyAttemptDoc(func(a model.Attempt) bool { return a.OOMKilled })},
	{"signal", 0.05, anyAttemptDoc(func(a model.Attempt) bool { return a.Signal != 0 })},
	{"scripted crash loop (last attempt fails within 30s)", 0.25, crashLoop},
	{"LongRuns attempt (exitAfter >= 599s)", 0.05, anyAttemptDoc(func(a model.Attempt) bool {
		return a.ExitAfter != nil && a.ExitAfter.Duration >= 599*time.Second
	})},
	{"long crash loop (8+ attempts)", 0.03, func(d *scenario.Document, _ []model.Action) bool {
		for _, cb := range d.Behaviour.Containers {
			if len(cb.Attempts) >= 8 {
				return true
			}
		}
		return false
	}},
	{"Delete", 0.35, eventKind(model.EventDelete, 1)},
	{"Delete with gracePeriodSeconds", 0.15, func(d *scenario.Document, _ []model.Action) bool {
		for _, e := range d.Events {
			if e.GracePeriodSeconds != nil {
				return true
			}
		}
		return false
	}},
	{"ForceDelete", 0.15, eventKind(model.EventForceDelete, 1)},
	{"two deletes", 0.15, func(d *scenario.Document, _ []model.Action) bool { return len(d.Events) >= 2 }},
	{"second delete shortens the grace period", 0.02, secondDelete(func(first, second int64) bool { return second < first })},
	{"second delete asks for a longer grace period", 0.02, secondDelete(func(first, second int64) bool { return second > first })},
	{"profile varied", 0.30, func(d *scenario.Document, _ []model.Action) bool {
		return !reflect.DeepEqual(d.Profile, model.Profile{})
	}},
	{"restart-rules gate off", 0.10, func(d *scenario.Document, _ []model.Action) bool {
		return d.Profile.ContainerRestartRules != nil && !*d.Profile.ContainerRestartRules
	}},

	// What the model did with it.
	{"trace: CrashLoopBackOff", 0.25, traceHas(func(a model.Action) bool { return a.Kind == model.ActBackOff })},
	{"readiness gates", 0.10, func(d *scenario.Document, _ []model.Action) bool { return len(d.Pod.Spec.ReadinessGates) > 0 }},
	{"two readiness gates", 0.02, func(d *scenario.Document, _ []model.Action) bool { return len(d.Pod.Spec.ReadinessGates) == 2 }},
	{"readiness gates with a sidecar", 0.03, func(d *scenario.Document, _ []model.Action) bool {
		return len(d.Pod.Spec.ReadinessGates) > 0 && count(d, roleSidecar) > 0
	}},
	{"trace: Ready True with readiness gates", 0.02, func(d *scenario.Document, trace []model.Action) bool {
		return len(d.Pod.Spec.ReadinessGates) > 0 && traceHas(func(a model.Action) bool { return a.Kind == model.ActStatus && podReady(a.Status) })(d, trace)
	}},
	{"trace: Ready True, then False by a gate", 0.005, gateTurnsReadyOff},
	{"trace: back-off at its cap", 0.05, backoffCap},
	{"trace: back-off reset after the cap", 0.005, backoffReset},
	{"trace: a liveness or startup probe failed", 0.10, traceHas(func(a model.Action) bool {
		return a.Kind == model.ActProbeResult && a.Probe != model.Readiness && a.Result == model.ResultFailure
	})},
	{"trace: a hook failed", 0.03, traceHas(func(a model.Action) bool { return a.Kind == model.ActHookEnded && a.Result == model.ResultFailed })},
	{"trace: a preStop hook abandoned", 0.02, traceHas(func(a model.Action) bool { return a.Kind == model.ActHookEnded && a.Result == model.ResultAbandoned })},
	{"trace: delete while a preStop hook runs", 0.02, deleteDuringPreStop},
	{"trace: SIGKILL", 0.05, traceHas(func(a model.Action) bool { return a.Kind == model.ActSIGKILL })},
	{"trace: pod removed", 0.30, traceHas(func(a model.Action) bool { return a.Kind == model.ActPodRemoved })},
	{"trace: pod Succeeded", 0.02, finalPhase(v1.PodSucceeded)},
	{"trace: pod Failed", 0.05, finalPhase(v1.PodFailed)},
}

const coverageDraws = 2000

// TestCoverage draws coverageDraws scenarios with DefaultKnobs (seeds 0 to
// 1999, so the census is the same on every run), checks each one as
// TestScenarioValid does, runs it through the model, and checks that every
// feature shows up often enough.
func TestCoverage(t *testing.T) {
	g := Scenario(DefaultKnobs())
	counts := make([]int, len(features))
	var sizes, events int
	untils := map[time.Duration]int{}
	for seed := 0; seed < coverageDraws; seed++ {
		d := g.Example(seed)
		checkDoc(t, d)
		trace := checkRun(t, d)
		for i, f := range features {
			if f.has(d, trace) {
				counts[i]++
			}
		}
		c, e := Size(d)
		sizes += c
		events += e
		untils[Until(d).Truncate(15*time.Minute)]++
	}
	var report strings.Builder
	for i, f := range features {
		frac := float64(counts[i]) / coverageDraws
		mark := ""
		if frac < f.min {
			mark = "  <-- below " + fmt.Sprint(f.min)
			t.Errorf("feature %q in %.3f of draws, want at least %.2f", f.name, frac, f.min)
		}
		fmt.Fprintf(&report, "%-55s %.3f%s\n", f.name, frac, mark)
	}
	var us []time.Duration
	for u := range untils {
		us = append(us, u)
	}
	sort.Slice(us, func(i, j int) bool { return us[i] < us[j] })
	fmt.Fprintf(&report, "mean size: %.2f containers, %.2f events; until (15m buckets):", float64(sizes)/coverageDraws, float64(events)/coverageDraws)
	for _, u := range us {
		fmt.Fprintf(&report, " %v:%d", u, untils[u])
	}
	t.Logf("coverage over %d draws (DefaultKnobs):\n%s", coverageDraws, report.String())
}

func roleOf(d *scenario.Document, c *v1.Container) role {
	for i := range d.Pod.Spec.Containers {
		if &d.Pod.Spec.Containers[i] == c {
			return roleApp
		}
	}
	if model.IsSidecar(c) {
		return roleSidecar
	}
	return roleInit
}

// containers lists d's containers of role r (-1: all).
func containers(d *scenario.Document, r role) []*v1.Container {
	var out []*v1.Container
	spec := &d.Pod.Spec
	for i := range spec.InitContainers {
		if c := &spec.InitContainers[i]; r < 0 || roleOf(d, c) == r {
			out = append(out, c)
		}
	}
	if r < 0 || r == roleApp {
		for i := range spec.Containers {
			out = append(out, &spec.Containers[i])
		}
	}
	return out
}

func count(d *scenario.Document, r role) int { return len(containers(d, r)) }

func anyContainer(d *scenario.Document, r role, f func(*v1.Container) bool) bool {
	for _, c := range containers(d, r) {
		if f(c) {
			return true
		}
	}
	return false
}

func anyAttempt(d *scenario.Document, r role, f func(model.Attempt) bool) bool {
	for _, c := range containers(d, r) {
		for _, a := range d.Behaviour.Containers[c.Name].Attempts {
			if f(a) {
				return true
			}
		}
	}
	return false
}

func anyAttemptDoc(f func(model.Attempt) bool) func(*scenario.Document, []model.Action) bool {
	return func(d *scenario.Document, _ []model.Action) bool { return anyAttempt(d, -1, f) }
}

func anyConduct(d *scenario.Document, f func(model.Conduct, *v1.Container) bool) bool {
	for _, c := range containers(d, -1) {
		cb := d.Behaviour.Containers[c.Name]
		if f(cb.Conduct, c) {
			return true
		}
		for _, a := range cb.Attempts {
			if f(a.Conduct, c) {
				return true
			}
		}
	}
	return false
}

func failing(a model.Attempt) bool {
	return a.ExitAfter != nil && (a.ExitCode != 0 || a.Signal != 0 || a.OOMKilled)
}

func sidecarFirst(d *scenario.Document, _ []model.Action) bool {
	seenSide := false
	for i := range d.Pod.Spec.InitContainers {
		if model.IsSidecar(&d.Pod.Spec.InitContainers[i]) {
			seenSide = true
		} else if seenSide {
			return true
		}
	}
	return false
}

func probeKind(get func(*v1.Container) *v1.Probe) func(*scenario.Document, []model.Action) bool {
	return anyProbe(get, func(*v1.Probe) bool { return true })
}

func anyProbe(get func(*v1.Container) *v1.Probe, f func(*v1.Probe) bool) func(*scenario.Document, []model.Action) bool {
	return func(d *scenario.Document, _ []model.Action) bool {
		return anyContainer(d, -1, func(c *v1.Container) bool { p := get(c); return p != nil && f(p) })
	}
}

func hookKind(get func(*v1.Lifecycle) *v1.LifecycleHandler, f func(*v1.LifecycleHandler) bool) func(*scenario.Document, []model.Action) bool {
	return func(d *scenario.Document, _ []model.Action) bool {
		return anyContainer(d, -1, func(c *v1.Container) bool {
			if c.Lifecycle == nil {
				return false
			}
			hs := []*v1.LifecycleHandler{c.Lifecycle.PostStart, c.Lifecycle.PreStop}
			if get != nil {
				hs = []*v1.LifecycleHandler{get(c.Lifecycle)}
			}
			for _, h := range hs {
				if h != nil && (f == nil || f(h)) {
					return true
				}
			}
			return false
		})
	}
}

func preStopOverrun(d *scenario.Document, _ []model.Action) bool {
	g := int64(30)
	if p := d.Pod.Spec.TerminationGracePeriodSeconds; p != nil {
		g = *p
	}
	return anyConduct(d, func(cd model.Conduct, _ *v1.Container) bool {
		return cd.PreStop != nil && cd.PreStop.Duration != nil && cd.PreStop.Duration.Duration > time.Duration(g)*time.Second
	})
}

func stopScript(f func(*model.StopScript) bool) func(*scenario.Document, []model.Action) bool {
	return func(d *scenario.Document, _ []model.Action) bool {
		return anyConduct(d, func(cd model.Conduct, _ *v1.Container) bool { return cd.OnStopSignal != nil && f(cd.OnStopSignal) })
	}
}

func crashLoop(d *scenario.Document, _ []model.Action) bool {
	for _, cb := range d.Behaviour.Containers {
		if n := len(cb.Attempts); n > 0 {
			last := cb.Attempts[n-1]
			if failing(last) && last.ExitAfter.Duration <= 30*time.Second {
				return true
			}
		}
	}
	return false
}

func eventKind(typ model.EventType, n int) func(*scenario.Document, []model.Action) bool {
	return func(d *scenario.Document, _ []model.Action) bool {
		k := 0
		for _, e := range d.Events {
			if e.Type == typ {
				k++
			}
		}
		return k >= n
	}
}

func secondDelete(f func(first, second int64) bool) func(*scenario.Document, []model.Action) bool {
	return func(d *scenario.Document, _ []model.Action) bool {
		if len(d.Events) < 2 || d.Events[0].Type != model.EventDelete || d.Events[1].Type != model.EventDelete {
			return false
		}
		g := func(e model.Event) int64 {
			if e.GracePeriodSeconds != nil {
				return *e.GracePeriodSeconds
			}
			if p := d.Pod.Spec.TerminationGracePeriodSeconds; p != nil {
				return *p
			}
			return 30
		}
		return f(g(d.Events[0]), g(d.Events[1]))
	}
}

func traceHas(f func(model.Action) bool) func(*scenario.Document, []model.Action) bool {
	return func(_ *scenario.Document, trace []model.Action) bool {
		for _, a := range trace {
			if f(a) {
				return true
			}
		}
		return false
	}
}

func backoffCap(d *scenario.Document, trace []model.Action) bool {
	capDelay := d.Profile.WithDefaults().BackoffMax.Duration
	return traceHas(func(a model.Action) bool { return a.Kind == model.ActBackOff && a.Delay == capDelay })(d, trace)
}

// backoffReset: a container's back-off reached the cap and later fell
// back to the initial delay.
func backoffReset(d *scenario.Document, trace []model.Action) bool {
	prof := d.Profile.WithDefaults()
	initial, capDelay := prof.BackoffInitial.Duration, prof.BackoffMax.Duration
	if initial >= capDelay {
		return false
	}
	capped := map[string]bool{}
	for _, a := range trace {
		if a.Kind != model.ActBackOff {
			continue
		}
		switch {
		case a.Delay == capDelay:
			capped[a.Container] = true
		case a.Delay == initial && capped[a.Container]:
			return true
		}
	}
	return false
}

func deleteDuringPreStop(_ *scenario.Document, trace []model.Action) bool {
	running := map[string]bool{}
	for _, a := range trace {
		switch {
		case a.Kind == model.ActHookStarted && a.Hook == model.HookPreStop:
			running[a.Container] = true
		case a.Kind == model.ActHookEnded && a.Hook == model.HookPreStop:
			delete(running, a.Container)
		case a.Kind == model.ActDeleteRequested && len(running) > 0:
			return true
		}
	}
	return false
}

func finalPhase(p v1.PodPhase) func(*scenario.Document, []model.Action) bool {
	return func(_ *scenario.Document, trace []model.Action) bool {
		for i := len(trace) - 1; i >= 0; i-- {
			if trace[i].Kind == model.ActStatus && trace[i].Status != nil {
				return trace[i].Status.Phase == p
			}
		}
		return false
	}
}

// recorder is a rapid.TB that records instead of failing, so that a test
// can run rapid.Check on a property that fails and look at the shrunk
// counterexample.
type recorder struct {
	name   string
	failed bool
	log    strings.Builder
}

func (r *recorder) Helper()                     {}
func (r *recorder) Name() string                { return r.name }
func (r *recorder) Logf(f string, args ...any)  { fmt.Fprintf(&r.log, f+"\n", args...) }
func (r *recorder) Log(args ...any)             { fmt.Fprintln(&r.log, args...) }
func (r *recorder) Skipf(f string, args ...any) { r.Logf(f, args...) }
func (r *recorder) Skip(args ...any)            { r.Log(args...) }
func (r *recorder) SkipNow()                    {}
func (r *recorder) Errorf(f string, args ...any) {
	r.failed = true
	r.Logf(f, args...)
}
func (r *recorder) Error(args ...any) { r.failed = true; r.Log(args...) }
func (r *recorder) Fatalf(f string, args ...any) {
	r.failed = true
	r.Logf(f, args...)
}
func (r *recorder) Fatal(args ...any) { r.failed = true; r.Log(args...) }
func (r *recorder) FailNow()          { r.failed = true }
func (r *recorder) Fail()             { r.failed = true }
func (r *recorder) Failed() bool      { return r.failed }

// shrunk runs rapid.Check on the property "no drawn scenario satisfies
// bad" and returns the counterexample rapid shrinks it to, and rapid's
// log. rapid's last run of the property, after shrinking, replays the
// minimal case; the property keeps the last scenario it drew. Fail files
// are off, so nothing is written under testdata.
func shrunk(t *testing.T, k Knobs, bad func(*scenario.Document) bool) (*scenario.Document, string) {
	t.Helper()
	if f := flag.Lookup("rapid.nofailfile"); f != nil {
		old := f.Value.String()
		if err := flag.Set("rapid.nofailfile", "true"); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = flag.Set("rapid.nofailfile", old) }()
	}
	for try := 0; try < 5; try++ {
		var last *scenario.Document
		r := &recorder{name: "gen-shrink"}
		rapid.Check(r, func(t *rapid.T) {
			last = Draw(t, "scenario", k)
			if bad(last) {
				t.Fatalf("found one")
			}
		})
		if r.failed && last != nil && bad(last) {
			return last, r.log.String()
		}
	}
	t.Fatalf("rapid found no counterexample in 5 checks")
	return nil, ""
}

func yamlOf(t *testing.T, d *scenario.Document) string {
	out, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestShrinkSidecarForceDelete pins the counterexample rapid's shrinker
// finds for "no scenario has a sidecar and a force delete": one sidecar,
// one app container, one force delete at 0s, and nothing else (no
// profile, no probes, hooks or scripts, the pod's defaults).
func TestShrinkSidecarForceDelete(t *testing.T) {
	d, log := shrunk(t, DefaultKnobs(), func(d *scenario.Document) bool {
		return count(d, roleSidecar) > 0 && eventKind(model.EventForceDelete, 1)(d, nil)
	})
	got := yamlOf(t, d)
	t.Logf("shrunk counterexample:\n%s", got)
	want := `apiVersion: podconform.dev/v1alpha1
kind: Scenario
metadata:
  name: generated
pod:
  apiVersion: v1
  kind: Pod
  metadata:
    name: pod
  spec:
    initContainers:
    - name: side-a
      image: busybox
      restartPolicy: Always
    containers:
    - name: app-a
      image: busybox
events:
- at: 0s
  type: ForceDelete
`
	if got != want {
		t.Errorf("shrunk to\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(log, "side-a") || !strings.Contains(log, "ForceDelete") {
		t.Errorf("rapid's log does not show the counterexample as YAML:\n%s", log)
	}
	if c, e := Size(d); c != 2 || e != 1 {
		t.Errorf("Size = %d, %d; want 2, 1", c, e)
	}
}

// TestShrinkInitFailure: "no regular init container fails" shrinks to one
// init container that exits 1 after 1s, repeated, and one app container.
func TestShrinkInitFailure(t *testing.T) {
	d, _ := shrunk(t, DefaultKnobs(), func(d *scenario.Document) bool { return anyAttempt(d, roleInit, failing) })
	got := yamlOf(t, d)
	t.Logf("shrunk counterexample:\n%s", got)
	want := `apiVersion: podconform.dev/v1alpha1
kind: Scenario
metadata:
  name: generated
pod:
  apiVersion: v1
  kind: Pod
  metadata:
    name: pod
  spec:
    initContainers:
    - name: init-a
      image: busybox
    containers:
    - name: app-a
      image: busybox
behaviour:
  containers:
    init-a:
      attempts:
      - exitAfter: 1s
        exitCode: 1
`
	if got != want {
		t.Errorf("shrunk to\n%s\nwant\n%s", got, want)
	}
}

// TestShrinkThroughModel shrinks on what the model does, not on the
// document: "no container is restarted 3 times" gives the plainest crash
// loop.
func TestShrinkThroughModel(t *testing.T) {
	d, _ := shrunk(t, DefaultKnobs(), func(d *scenario.Document) bool {
		trace, err := model.Run(d.Model(), Until(d))
		if err != nil {
			return false
		}
		for _, a := range trace {
			if a.Kind == model.ActContainerStarted && a.Attempt >= 3 {
				return true
			}
		}
		return false
	})
	got := yamlOf(t, d)
	t.Logf("shrunk counterexample:\n%s", got)
	if c, e := Size(d); c != 1 || e != 1 {
		t.Errorf("Size = %d, %d; want 1 container and 1 scripted exit", c, e)
	}
	cb := d.Behaviour.Containers["app-a"]
	if len(cb.Attempts) != 1 || cb.Attempts[0].ExitAfter == nil || cb.Attempts[0].ExitAfter.Duration != time.Second {
		t.Errorf("want one attempt that exits after 1s, got\n%s", got)
	}
}

func TestSizeAndUntil(t *testing.T) {
	d := Scenario(Knobs{}).Example(1)
	if c, e := Size(d); c != 1 || e != 0 {
		t.Errorf("Size(minimal) = %d, %d", c, e)
	}
	if u := Until(d); u != 15*time.Minute {
		t.Errorf("Until(minimal) = %v", u)
	}
	doc := func(y string) *scenario.Document {
		d, err := scenario.Parse([]byte(y), "t.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Validate(); err != nil {
			t.Fatal(err)
		}
		return d
	}
	d = doc(`apiVersion: podconform.dev/v1alpha1
kind: Scenario
metadata: {name: t}
pod:
  metadata: {name: p}
  spec:
    containers:
    - name: app
      image: busybox
      livenessProbe: {exec: {command: [x]}}
      lifecycle: {preStop: {exec: {command: [x]}}}
behaviour:
  containers:
    app:
      attempts:
      - exitAfter: 601s
        exitCode: 1
      - {}
      probes:
        liveness:
        - {after: 1s, result: failure}
        - {after: 2s, result: failure}
        - {after: 3s, result: success, respondsIn: 1s}
        - {after: 4s, result: success}
        - {after: 5s, result: success, respondsIn: 2s}
      preStop: {duration: 1s}
events:
- {at: 50m, type: Delete}
`)
	// exit 1, windows 2 (1s-3s.., 5s..), preStop 1, the delete 1.
	if c, e := Size(d); c != 1 || e != 5 {
		t.Errorf("Size = %d, %d; want 1, 5", c, e)
	}
	if u := Until(d); u != 55*time.Minute {
		t.Errorf("Until = %v; want 55m", u)
	}
}

// podReady reports whether st's Ready condition is True.
func podReady(st *v1.PodStatus) bool {
	for _, c := range st.Conditions {
		if c.Type == v1.PodReady {
			return c.Status == v1.ConditionTrue
		}
	}
	return false
}

// gateTurnsReadyOff: Ready was True, then a later status has it False
// with the reason ReadinessGatesNotReady.
func gateTurnsReadyOff(_ *scenario.Document, trace []model.Action) bool {
	was := false
	for _, a := range trace {
		if a.Kind != model.ActStatus {
			continue
		}
		if podReady(a.Status) {
			was = true
			continue
		}
		for _, c := range a.Status.Conditions {
			if was && c.Type == v1.PodReady && c.Reason == model.ReasonReadinessGatesNotReady {
				return true
			}
		}
	}
	return false
}
