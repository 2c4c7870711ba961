package gen

import (
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

// Knobs bound the size of generated scenarios and switch features on and
// off. The zero Knobs is usable: it generates one app container with no
// behaviour script, no events and the default profile.
type Knobs struct {
	// MaxInit, MaxSidecars and MaxApps bound the regular init containers,
	// the sidecars (init containers with restartPolicy Always) and the app
	// containers. MaxApps below 1 counts as 1.
	MaxInit     int `json:"maxInit"`
	MaxSidecars int `json:"maxSidecars"`
	MaxApps     int `json:"maxApps"`
	// MaxAttempts bounds the scripted attempts per container (the long
	// crash loops of LongRuns excepted).
	MaxAttempts int `json:"maxAttempts"`
	// MaxEvents bounds the deletes and force deletes.
	MaxEvents int `json:"maxEvents"`
	// Probes and Hooks allow startup, liveness and readiness probes, and
	// postStart and preStop hooks, on sidecars and app containers.
	Probes bool `json:"probes"`
	Hooks  bool `json:"hooks"`
	// RestartRules allows a container-level restartPolicy and
	// restartPolicyRules on app containers (when the profile's
	// containerRestartRules gate is on).
	RestartRules bool `json:"restartRules"`
	// VaryProfile draws the profile's values (back-off initial, max and
	// reset, the grace floor, the restart-rules gate) instead of leaving
	// them to the Kubernetes 1.36 defaults.
	VaryProfile bool `json:"varyProfile"`
	// LongRuns allows attempts that run about 10 minutes (599 s, 601 s,
	// 11 m: either side of the back-off reset) and long crash loops (8 to
	// 12 quick failures, enough to reach the back-off cap, then a long
	// run). Such scenarios need Until's longer limit.
	LongRuns bool `json:"longRuns"`
	// Gates allows readiness gates on the pod and SetCondition events
	// that set their conditions.
	Gates bool `json:"gates"`
}

// DefaultKnobs returns knobs with every feature on: up to 2 regular init
// containers, 2 sidecars and 2 app containers, 4 scripted attempts per
// container and 2 events.
func DefaultKnobs() Knobs {
	return Knobs{
		MaxInit: 2, MaxSidecars: 2, MaxApps: 2,
		MaxAttempts: 4,
		MaxEvents:   2,
		Probes:      true, Hooks: true,
		RestartRules: true,
		VaryProfile:  true,
		LongRuns:     true,
		Gates:        true,
	}
}

func (k Knobs) norm() Knobs {
	k.MaxInit = max(k.MaxInit, 0)
	k.MaxSidecars = max(k.MaxSidecars, 0)
	k.MaxApps = max(k.MaxApps, 1)
	k.MaxAttempts = max(k.MaxAttempts, 0)
	k.MaxEvents = max(k.MaxEvents, 0)
	return k
}

// The names and image generated documents carry.
const (
	ScenarioName = "generated"
	PodName      = "pod"
	Image        = "busybox"
)

// Scenario generates valid scenario documents: a profile (the defaults
// unless k.VaryProfile), a pod, a behaviour script and events.
//
// Everything is drawn so that rapid's shrinker makes a failing scenario
// simple: container lists shrink to one app container, every optional part
// (probe, hook, script, event, profile value) to absent, every choice to
// its plainest value (restartPolicy Always, the default grace period, a
// 1 s run, exit code 1, a probe failing from the start). Each container is
// drawn with its own behaviour, so that removing a container removes its
// script too.
func Scenario(k Knobs) *rapid.Generator[*scenario.Document] {
	k = k.norm()
	return rapid.Custom(func(t *rapid.T) *scenario.Document {
		var prof model.Profile
		if k.VaryProfile {
			prof = drawProfile(t)
		}
		pc := drawPodCtx(t, k, *prof.WithDefaults().ContainerRestartRules)
		pod, beh := drawPod(t, pc, true)
		d := &scenario.Document{
			APIVersion: scenario.APIVersion,
			Kind:       scenario.Kind,
			Metadata:   scenario.Metadata{Name: ScenarioName},
		}
		d.Profile = prof
		d.Pod = pod
		d.Behaviour = beh
		d.Events = drawEvents(t, pc)
		if k.Gates {
			// Drawn last, so that the rest of a scenario is what it was
			// before gates were drawn at all.
			d.Pod.Spec.ReadinessGates, d.Events = drawGates(t, pc, d.Events)
		}
		return d
	})
}

// The condition types of generated readiness gates.
var gateTypes = []v1.PodConditionType{"podconform.dev/gate-a", "podconform.dev/gate-b"}

// drawGates draws, in about one scenario in six, one or two readiness
// gates and the controller's SetCondition events for them, merged into
// evs by time (a SetCondition after a delete of the same instant).
func drawGates(t *rapid.T, pc podCtx, evs []model.Event) ([]v1.PodReadinessGate, []model.Event) {
	if !chance(t, "readiness gates", 3) {
		return nil, evs
	}
	n := choose(t, "gates", w[int]{1, 3}, w[int]{2, 1})
	gates := make([]v1.PodReadinessGate, n)
	for i := range gates {
		gates[i].ConditionType = gateTypes[i]
	}
	last := w[time.Duration]{2 * time.Minute, 1}
	if pc.k.LongRuns {
		last = w[time.Duration]{11 * time.Minute, 1}
	}
	var gaps []time.Duration
	sets := listOf(t, "condition set", 4, 12, func(t *rapid.T) model.Event {
		e := model.Event{Type: model.EventSetCondition}
		e.At.Duration = choose(t, "condition set at",
			w[time.Duration]{0, 2}, w[time.Duration]{time.Second, 1}, w[time.Duration]{5 * time.Second, 3},
			w[time.Duration]{10 * time.Second, 3}, w[time.Duration]{30 * time.Second, 2}, w[time.Duration]{time.Minute, 1}, last)
		gaps = append(gaps, choose(t, "condition set gap",
			w[time.Duration]{0, 1}, w[time.Duration]{time.Second, 2}, w[time.Duration]{5 * time.Second, 3},
			w[time.Duration]{10 * time.Second, 3}, w[time.Duration]{30 * time.Second, 2}, w[time.Duration]{time.Minute, 1}))
		e.ConditionType = gates[choose(t, "condition", w[int]{0, 1}, w[int]{1, 1})%n].ConditionType
		e.Status = choose(t, "condition status",
			w[v1.ConditionStatus]{v1.ConditionTrue, 10}, w[v1.ConditionStatus]{v1.ConditionFalse, 3}, w[v1.ConditionStatus]{v1.ConditionUnknown, 1})
		return e
	})
	gaps = gaps[len(gaps)-len(sets):]
	for i := 1; i < len(sets); i++ {
		sets[i].At.Duration = sets[i-1].At.Duration + gaps[i]
	}
	out := make([]model.Event, 0, len(evs)+len(sets))
	i, j := 0, 0
	for i < len(evs) || j < len(sets) {
		if j == len(sets) || (i < len(evs) && evs[i].At.Duration <= sets[j].At.Duration) {
			out = append(out, evs[i])
			i++
		} else {
			out = append(out, sets[j])
			j++
		}
	}
	if len(out) == 0 {
		out = nil
	}
	return gates, out
}

// Pod generates valid pods (for the default profile) without behaviour,
// with readiness gates (if k.Gates) but no events to set them.
func Pod(k Knobs) *rapid.Generator[v1.Pod] {
	k = k.norm()
	return rapid.Custom(func(t *rapid.T) v1.Pod {
		pc := drawPodCtx(t, k, true)
		pod, _ := drawPod(t, pc, false)
		if k.Gates && chance(t, "readiness gates", 3) {
			pod.Spec.ReadinessGates = []v1.PodReadinessGate{{ConditionType: gateTypes[0]}}
			if chance(t, "second gate", 4) {
				pod.Spec.ReadinessGates = append(pod.Spec.ReadinessGates, v1.PodReadinessGate{ConditionType: gateTypes[1]})
			}
		}
		return pod
	})
}

// Behaviour generates behaviour scripts for pod, which need not come from
// Pod: scripts follow the probes and hooks each container's spec has.
func Behaviour(pod *v1.Pod, k Knobs) *rapid.Generator[model.Behaviour] {
	k = k.norm()
	return rapid.Custom(func(t *rapid.T) model.Behaviour {
		pc := ctxOf(pod, k)
		var b model.Behaviour
		add := func(c *v1.Container, r role) {
			cb := rapid.Custom(func(t *rapid.T) *model.ContainerBehaviour {
				if !behaviourDraws(c, r, pc) {
					placeholder(t)
				}
				return drawBehaviour(t, c, r, pc)
			}).Draw(t, c.Name)
			if cb != nil {
				if b.Containers == nil {
					b.Containers = map[string]model.ContainerBehaviour{}
				}
				b.Containers[c.Name] = *cb
			}
		}
		for i := range pod.Spec.InitContainers {
			c := &pod.Spec.InitContainers[i]
			r := roleInit
			if model.IsSidecar(c) {
				r = roleSidecar
			}
			add(c, r)
		}
		for i := range pod.Spec.Containers {
			add(&pod.Spec.Containers[i], roleApp)
		}
		if len(pod.Spec.InitContainers)+len(pod.Spec.Containers) == 0 {
			placeholder(t)
		}
		return b
	})
}

// Events generates deletes and force deletes for pod, sorted by time.
func Events(pod *v1.Pod, k Knobs) *rapid.Generator[[]model.Event] {
	k = k.norm()
	if k.MaxEvents == 0 {
		return rapid.Just[[]model.Event](nil)
	}
	return rapid.Custom(func(t *rapid.T) []model.Event {
		return drawEvents(t, ctxOf(pod, k))
	})
}

// Profile generates profiles: the zero Profile (the 1.36 defaults) unless
// k.VaryProfile.
func Profile(k Knobs) *rapid.Generator[model.Profile] {
	if !k.VaryProfile {
		return rapid.Just(model.Profile{})
	}
	return rapid.Custom(drawProfile)
}

// Draw draws a scenario from Scenario(k) and returns it. The draw is
// logged as the scenario's YAML rather than as a Go value, so that a
// failing rapid check prints its (shrunk) counterexample in the scenario
// format, ready to be saved as a corpus file.
func Draw(t *rapid.T, label string, k Knobs) *scenario.Document {
	return rapid.Map(Scenario(k), func(d *scenario.Document) yamlDoc { return yamlDoc{d} }).Draw(t, label).d
}

// yamlDoc prints as YAML in rapid's logs (which use %#v).
type yamlDoc struct{ d *scenario.Document }

func (y yamlDoc) GoString() string {
	out, err := y.d.Marshal()
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return "\n" + string(out)
}

// placeholder draws nothing of meaning. rapid requires every Custom
// generator to draw something; a container with nothing to draw uses it.
func placeholder(t *rapid.T) { rapid.Just(0).Draw(t, "") }

// role is what a container is to the lifecycle.
type role int

const (
	roleInit    role = iota // a regular init container
	roleSidecar             // an init container with restartPolicy Always
	roleApp                 // a regular (app) container
)

// podCtx is what the container and event draws need of the pod.
type podCtx struct {
	k      Knobs
	policy v1.RestartPolicy
	grace  *int64 // spec.terminationGracePeriodSeconds
	g      int64  // the effective grace period
	rules  bool   // container-level restart rules allowed
}

func ctxOf(pod *v1.Pod, k Knobs) podCtx {
	pc := podCtx{k: k, policy: pod.Spec.RestartPolicy, grace: pod.Spec.TerminationGracePeriodSeconds, g: 30, rules: k.RestartRules}
	if pc.grace != nil && *pc.grace >= 0 {
		pc.g = *pc.grace
	}
	return pc
}

func drawPodCtx(t *rapid.T, k Knobs, gate bool) podCtx {
	pc := podCtx{k: k, rules: k.RestartRules && gate}
	pc.policy = choose(t, "restartPolicy",
		w[v1.RestartPolicy]{"", 8}, // Always, the default
		w[v1.RestartPolicy]{v1.RestartPolicyOnFailure, 4},
		w[v1.RestartPolicy]{v1.RestartPolicyNever, 4})
	pc.grace = choose(t, "terminationGracePeriodSeconds",
		w[*int64]{nil, 8}, // 30 s, the default
		w[*int64]{i64(0), 1},
		w[*int64]{i64(1), 1},
		w[*int64]{i64(2), 1},
		w[*int64]{i64(3), 2},
		w[*int64]{i64(5), 1},
		w[*int64]{i64(10), 1},
		w[*int64]{i64(60), 1})
	pc.g = 30
	if pc.grace != nil {
		pc.g = *pc.grace
	}
	return pc
}

// unit is one container with its behaviour, drawn together.
type unit struct {
	c   v1.Container
	b   *model.ContainerBehaviour
	pos int // a sidecar's place: after this many regular init containers
}

// Container names: init-a, init-b, ...; side-a, ...; app-a, ...
func name(prefix string, i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('a'+(i-1)%26)) + s
	}
	return prefix + "-" + s
}

// drawPod draws the containers, and their behaviour if withBeh.
func drawPod(t *rapid.T, pc podCtx, withBeh bool) (v1.Pod, model.Behaviour) {
	k := pc.k
	var inits, sides []unit
	if k.MaxInit > 0 {
		inits = rapid.SliceOfN(rapid.Custom(func(t *rapid.T) unit {
			return drawUnit(t, roleInit, pc, 0, withBeh)
		}), 0, k.MaxInit).Draw(t, "init containers")
	}
	if k.MaxSidecars > 0 {
		n := len(inits)
		sides = rapid.SliceOfN(rapid.Custom(func(t *rapid.T) unit {
			return drawUnit(t, roleSidecar, pc, n, withBeh)
		}), 0, k.MaxSidecars).Draw(t, "sidecars")
	}
	apps := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) unit {
		return drawUnit(t, roleApp, pc, 0, withBeh)
	}), 1, k.MaxApps).Draw(t, "app containers")

	pod := v1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: PodName},
		Spec: v1.PodSpec{
			RestartPolicy:                 pc.policy,
			TerminationGracePeriodSeconds: pc.grace,
		},
	}
	var beh model.Behaviour
	put := func(u unit, n string) v1.Container {
		u.c.Name = n
		if u.b != nil {
			if beh.Containers == nil {
				beh.Containers = map[string]model.ContainerBehaviour{}
			}
			beh.Containers[n] = *u.b
		}
		return u.c
	}
	for p := 0; p <= len(inits); p++ {
		for i, s := range sides {
			if s.pos == p {
				pod.Spec.InitContainers = append(pod.Spec.InitContainers, put(s, name("side", i)))
			}
		}
		if p < len(inits) {
			pod.Spec.InitContainers = append(pod.Spec.InitContainers, put(inits[p], name("init", p)))
		}
	}
	for i, a := range apps {
		pod.Spec.Containers = append(pod.Spec.Containers, put(a, name("app", i)))
	}
	return pod, beh
}

// drawUnit draws a container of role r (without its name) and, if
// withBeh, its behaviour. nInit is the number of regular init containers,
// among which a sidecar takes its place.
func drawUnit(t *rapid.T, r role, pc podCtx, nInit int, withBeh bool) unit {
	k := pc.k
	u := unit{c: v1.Container{Image: Image}}
	drew := false
	switch r {
	case roleSidecar:
		u.c.RestartPolicy = ptr(v1.ContainerRestartPolicyAlways)
		if k.MaxInit > 0 {
			// 0: before every regular init container, as sidecars usually
			// are. The draw depends on the knobs only, not on how many
			// regular init containers there are, so that removing one
			// while shrinking leaves the draws after it in place.
			weights := make([]int, k.MaxInit+1)
			for i := range weights {
				weights[i] = 1
			}
			weights[0] = k.MaxInit + 1
			u.pos = min(pick(t, "sidecar position", weights...), nInit)
			drew = true
		}
		if k.Probes {
			drawProbes(t, &u.c, 6, 4, 5)
			drew = true
		}
		if k.Hooks {
			u.c.Lifecycle = drawLifecycle(t, pc, 4, 6)
			drew = true
		}
	case roleApp:
		if k.Probes {
			drawProbes(t, &u.c, 4, 6, 6)
			drew = true
		}
		if k.Hooks {
			u.c.Lifecycle = drawLifecycle(t, pc, 5, 7)
			drew = true
		}
		if k.RestartRules {
			// Drawn even when the profile's gate is off (and then
			// dropped), so that the gate does not move later draws.
			drawRestartRules(t, &u.c)
			if !pc.rules {
				u.c.RestartPolicy, u.c.RestartPolicyRules = nil, nil
			}
			drew = true
		}
	}
	if withBeh {
		u.b = drawBehaviour(t, &u.c, r, pc)
		drew = drew || behaviourDraws(&u.c, r, pc)
	}
	if !drew {
		placeholder(t)
	}
	return u
}

func drawProbes(t *rapid.T, c *v1.Container, startup, liveness, readiness int) {
	if chance(t, "has startupProbe", startup) {
		c.StartupProbe = drawProbe(t, "startupProbe", false)
	}
	if chance(t, "has livenessProbe", liveness) {
		c.LivenessProbe = drawProbe(t, "livenessProbe", false)
	}
	if chance(t, "has readinessProbe", readiness) {
		c.ReadinessProbe = drawProbe(t, "readinessProbe", true)
	}
}

func drawProbe(t *rapid.T, label string, readiness bool) *v1.Probe {
	p := &v1.Probe{}
	switch pick(t, label+" handler", 10, 2, 2, 2) {
	case 0:
		p.Exec = &v1.ExecAction{Command: []string{"cat", "/tmp/healthy"}}
	case 1:
		p.HTTPGet = &v1.HTTPGetAction{Path: "/healthz", Port: intOrStr(8080)}
	case 2:
		p.TCPSocket = &v1.TCPSocketAction{Port: intOrStr(8080)}
	case 3:
		p.GRPC = &v1.GRPCAction{Port: 9090}
	}
	p.InitialDelaySeconds = choose(t, label+" initialDelaySeconds",
		w[int32]{0, 8}, w[int32]{1, 2}, w[int32]{5, 3}, w[int32]{10, 2}, w[int32]{30, 1})
	p.PeriodSeconds = choose(t, label+" periodSeconds",
		w[int32]{0, 8}, w[int32]{1, 3}, w[int32]{2, 2}, w[int32]{5, 2}, w[int32]{30, 1})
	p.TimeoutSeconds = choose(t, label+" timeoutSeconds",
		w[int32]{0, 10}, w[int32]{2, 3}, w[int32]{5, 3})
	if readiness {
		p.SuccessThreshold = choose(t, label+" successThreshold",
			w[int32]{0, 12}, w[int32]{2, 3}, w[int32]{3, 1})
	}
	p.FailureThreshold = choose(t, label+" failureThreshold",
		w[int32]{0, 8}, w[int32]{1, 4}, w[int32]{2, 2}, w[int32]{5, 1}, w[int32]{10, 1})
	if !readiness {
		p.TerminationGracePeriodSeconds = choose(t, label+" terminationGracePeriodSeconds",
			w[*int64]{nil, 12}, w[*int64]{i64(1), 2}, w[*int64]{i64(5), 1}, w[*int64]{i64(60), 1})
	}
	return p
}

func drawLifecycle(t *rapid.T, pc podCtx, postStart, preStop int) *v1.Lifecycle {
	var lc v1.Lifecycle
	if chance(t, "has postStart", postStart) {
		lc.PostStart = drawHandler(t, pc, "post-start")
	}
	if chance(t, "has preStop", preStop) {
		lc.PreStop = drawHandler(t, pc, "pre-stop")
	}
	if lc.PostStart == nil && lc.PreStop == nil {
		return nil
	}
	return &lc
}

func drawHandler(t *rapid.T, pc podCtx, hook string) *v1.LifecycleHandler {
	h := &v1.LifecycleHandler{}
	switch pick(t, hook+" handler", 8, 6, 1, 1) {
	case 0:
		h.Exec = &v1.ExecAction{Command: []string{"/hooks/" + hook}}
	case 1:
		// sleep.seconds may not exceed the pod's grace period. (The table
		// is the same whatever the grace period, so that the draws after
		// this one do not move when the shrinker changes it.)
		secs := choose(t, hook+" sleep seconds", w[int64]{1, 4}, w[int64]{0, 1}, w[int64]{2, 3}, w[int64]{5, 3}, w[int64]{10, 2}, w[int64]{30, 3})
		h.Sleep = &v1.SleepAction{Seconds: min(secs, pc.g)}
	case 2:
		h.HTTPGet = &v1.HTTPGetAction{Path: "/" + hook, Port: intOrStr(8080)}
	case 3:
		h.TCPSocket = &v1.TCPSocketAction{Port: intOrStr(8080)}
	}
	return h
}

// restartCodes are the exit codes restart rules match and scripts use.
var restartCodes = []w[int32]{{1, 5}, {42, 4}, {137, 3}, {0, 2}, {2, 2}}

func drawRestartRules(t *rapid.T, c *v1.Container) {
	if !chance(t, "has container restartPolicy", 5) {
		return
	}
	c.RestartPolicy = ptr(choose(t, "container restartPolicy",
		w[v1.ContainerRestartPolicy]{v1.ContainerRestartPolicyNever, 6},
		w[v1.ContainerRestartPolicy]{v1.ContainerRestartPolicyOnFailure, 5},
		w[v1.ContainerRestartPolicy]{v1.ContainerRestartPolicyAlways, 5}))
	rules := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) v1.ContainerRestartRule {
		op := choose(t, "rule operator",
			w[v1.ContainerRestartRuleOnExitCodesOperator]{v1.ContainerRestartRuleOnExitCodesOpIn, 12},
			w[v1.ContainerRestartRuleOnExitCodesOperator]{v1.ContainerRestartRuleOnExitCodesOpNotIn, 4})
		first := pick(t, "rule exit code", weightsOf(restartCodes)...)
		vals := []int32{restartCodes[first].v}
		if chance(t, "rule second exit code", 5) {
			var rest []w[int32]
			for i, o := range restartCodes {
				if i != first {
					rest = append(rest, w[int32]{o.v, 1})
				}
			}
			vals = append(vals, choose(t, "rule exit code", rest...))
		}
		return v1.ContainerRestartRule{
			Action:    v1.ContainerRestartRuleActionRestart,
			ExitCodes: &v1.ContainerRestartRuleOnExitCodes{Operator: op, Values: vals},
		}
	}), 0, 2).Draw(t, "restartPolicyRules")
	if len(rules) > 0 {
		c.RestartPolicyRules = rules
	}
}

func intOrStr(port int32) intstr.IntOrString { return intstr.FromInt32(port) }

func weightsOf[V any](opts []w[V]) []int {
	ws := make([]int, len(opts))
	for i, o := range opts {
		ws[i] = o.weight
	}
	return ws
}

// drawBehaviour draws the script of container c, or nil for none (the
// defaults).
func drawBehaviour(t *rapid.T, c *v1.Container, r role, pc podCtx) *model.ContainerBehaviour {
	var b model.ContainerBehaviour
	b.Attempts = drawAttempts(t, c, r, pc)
	b.Conduct = drawConduct(t, c, r, pc)
	if len(b.Attempts) == 0 && b.Conduct == (model.Conduct{}) {
		return nil
	}
	return &b
}

// behaviourDraws tells whether drawBehaviour draws anything.
func behaviourDraws(c *v1.Container, r role, pc podCtx) bool {
	k := pc.k
	switch {
	case k.MaxAttempts > 0 || k.LongRuns:
		return true // the attempts' shape
	case stopMatters(r, pc):
		return true // onStopSignal
	case r == roleInit:
		return false
	}
	return c.StartupProbe != nil || c.LivenessProbe != nil || c.ReadinessProbe != nil ||
		(c.Lifecycle != nil && (c.Lifecycle.PostStart != nil || c.Lifecycle.PreStop != nil))
}

// stopMatters tells whether a container of role r may be stopped in a
// scenario drawn with pc: by a delete, a probe or hook failure, or, for a
// sidecar, the end of the app containers. Only then is onStopSignal drawn.
func stopMatters(r role, pc podCtx) bool {
	k := pc.k
	return k.MaxEvents > 0 || k.Probes || k.Hooks || r == roleSidecar
}

// Attempt scripts, by shape.
const (
	shapeNone      = iota // no attempts: the defaults
	shapeCrashLoop        // one quick failure, repeated for ever
	shapeList             // 1..MaxAttempts attempts of any kind
	shapeLong             // LongRuns: 8-12 quick failures, then a ~10 min run
)

func drawAttempts(t *rapid.T, c *v1.Container, r role, pc podCtx) []model.Attempt {
	k := pc.k
	if k.MaxAttempts == 0 && !k.LongRuns {
		return nil
	}
	weights := []int{6, 4, 5, 1}
	if c.Lifecycle != nil && c.Lifecycle.PreStop != nil {
		// A preStop hook only runs in a container that is running when it
		// is killed: run until killed more often.
		weights = []int{9, 2, 4, 1}
	}
	if k.MaxAttempts == 0 {
		weights[shapeCrashLoop], weights[shapeList] = 0, 0
	}
	if !k.LongRuns {
		weights[shapeNone], weights[shapeLong] = 7, 0
	}
	switch pick(t, "attempts", weights...) {
	case shapeCrashLoop:
		return []model.Attempt{drawCrash(t, k)}
	case shapeList:
		return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) model.Attempt {
			return drawAttempt(t, c, r, pc)
		}), 1, k.MaxAttempts).Draw(t, "attempt list")
	case shapeLong:
		return drawLongCrashLoop(t)
	}
	return nil
}

// shortRuns are how long an attempt runs before it exits on its own.
var shortRuns = []w[time.Duration]{
	{time.Second, 5}, {0, 2}, {5 * time.Second, 4}, {30 * time.Second, 3}, {2 * time.Minute, 2},
}

// longRuns, with LongRuns, straddle the back-off reset (600 s).
var longRuns = []w[time.Duration]{
	{time.Second, 9}, {0, 2}, {5 * time.Second, 7}, {30 * time.Second, 5}, {2 * time.Minute, 5},
	{599 * time.Second, 1}, {601 * time.Second, 2}, {11 * time.Minute, 1},
}

func drawRun(t *rapid.T, k Knobs) *metav1.Duration {
	if k.LongRuns {
		return dur(choose(t, "exitAfter", longRuns...))
	}
	return dur(choose(t, "exitAfter", shortRuns...))
}

// drawCrash draws a quick failure: the attempt of a crash loop.
func drawCrash(t *rapid.T, k Knobs) model.Attempt {
	a := model.Attempt{ExitAfter: dur(choose(t, "crash exitAfter",
		w[time.Duration]{time.Second, 8}, w[time.Duration]{0, 2},
		w[time.Duration]{5 * time.Second, 4}, w[time.Duration]{30 * time.Second, 2}))}
	switch pick(t, "crash", 8, 3, 2, 2, 1) {
	case 0:
		a.ExitCode = 1
	case 1:
		a.OOMKilled = true
	case 2:
		a.Signal = 9
	case 3:
		a.ExitCode = 42
	case 4:
		a.ExitCode = 2
	}
	return a
}

// drawLongCrashLoop draws 8 to 12 quick failures, enough to reach the
// back-off cap, then a run of about 10 minutes that fails, and maybe quick
// failures again: the cap, then the reset (or not, at 599 s).
func drawLongCrashLoop(t *rapid.T) []model.Attempt {
	n := choose(t, "crashes before the long run", w[int]{8, 1}, w[int]{9, 1}, w[int]{10, 1}, w[int]{12, 1})
	crash := model.Attempt{ExitAfter: dur(choose(t, "crash exitAfter",
		w[time.Duration]{time.Second, 3}, w[time.Duration]{5 * time.Second, 1})), ExitCode: 1}
	as := make([]model.Attempt, 0, n+2)
	for range n {
		as = append(as, model.Attempt{ExitAfter: dur(crash.ExitAfter.Duration), ExitCode: 1})
	}
	as = append(as, model.Attempt{ExitAfter: dur(choose(t, "long run",
		w[time.Duration]{601 * time.Second, 2}, w[time.Duration]{599 * time.Second, 1},
		w[time.Duration]{11 * time.Minute, 1})), ExitCode: 1})
	if chance(t, "crash loop again", 13) {
		as = append(as, model.Attempt{ExitAfter: dur(crash.ExitAfter.Duration), ExitCode: 1})
	}
	return as
}

// drawAttempt draws one attempt of an attempt list.
func drawAttempt(t *rapid.T, c *v1.Container, r role, pc podCtx) model.Attempt {
	var a model.Attempt
	const (
		runsOn = iota
		exit0
		exit1
		exitOther
		signal
		oom
	)
	var outcome int
	if r == roleInit {
		outcome = []int{exit0, exit1, exitOther, signal, oom, runsOn}[pick(t, "outcome", 6, 4, 2, 1, 1, 2)]
	} else {
		outcome = []int{runsOn, exit0, exit1, exitOther, signal, oom}[pick(t, "outcome", 4, 3, 4, 2, 1, 2)]
	}
	if outcome != runsOn {
		a.ExitAfter = drawRun(t, pc.k)
	}
	switch outcome {
	case exit1:
		a.ExitCode = 1
	case exitOther:
		a.ExitCode = choose(t, "exitCode", w[int32]{42, 1}, w[int32]{2, 1}, w[int32]{137, 1}, w[int32]{255, 1})
	case signal:
		a.Signal = choose(t, "signal", w[int32]{9, 1}, w[int32]{15, 1}, w[int32]{6, 1}, w[int32]{11, 1})
	case oom:
		a.OOMKilled = true
	}
	if chance(t, "attempt's own conduct", 2) {
		a.Conduct = drawConduct(t, c, r, pc)
	}
	return a
}

// drawConduct draws how a container (or one of its attempts) answers its
// probes, runs its hooks and takes the stop signal.
func drawConduct(t *rapid.T, c *v1.Container, r role, pc podCtx) model.Conduct {
	var cd model.Conduct
	if r != roleInit {
		var ps model.ProbeScripts
		if c.StartupProbe != nil && chance(t, "startup script", 8) {
			ps.Startup = drawSteps(t, c.StartupProbe)
		}
		if c.LivenessProbe != nil && chance(t, "liveness script", 8) {
			ps.Liveness = drawSteps(t, c.LivenessProbe)
		}
		if c.ReadinessProbe != nil && chance(t, "readiness script", 8) {
			ps.Readiness = drawSteps(t, c.ReadinessProbe)
		}
		if ps.Startup != nil || ps.Liveness != nil || ps.Readiness != nil {
			cd.Probes = &ps
		}
		if lc := c.Lifecycle; lc != nil {
			if lc.PostStart != nil && chance(t, "postStart script", 8) {
				cd.PostStart = drawPostStart(t)
			}
			if lc.PreStop != nil && chance(t, "preStop script", 12) {
				cd.PreStop = drawPreStop(t, pc)
			}
		}
	}
	if stopMatters(r, pc) {
		cd.OnStopSignal = drawStop(t)
	}
	return cd
}

// drawSteps draws a probe's answers as failure windows: from some time
// after the start, the probe fails (or answers too late) for a while, then
// succeeds again; the last window may last for ever.
func drawSteps(t *rapid.T, p *v1.Probe) []model.ProbeStep {
	timeout := time.Duration(model.ProbeTimeoutSeconds(p)) * time.Second
	type window struct {
		gap, length time.Duration // length 0: for ever
		mode        int
	}
	wins := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) window {
		var wd window
		wd.gap = choose(t, "window start",
			w[time.Duration]{0, 6}, w[time.Duration]{5 * time.Second, 2}, w[time.Duration]{10 * time.Second, 2},
			w[time.Duration]{30 * time.Second, 3}, w[time.Duration]{time.Minute, 2}, w[time.Duration]{5 * time.Minute, 1})
		wd.length = choose(t, "window length",
			w[time.Duration]{0, 6}, w[time.Duration]{5 * time.Second, 2}, w[time.Duration]{10 * time.Second, 2},
			w[time.Duration]{30 * time.Second, 3}, w[time.Duration]{time.Minute, 2}, w[time.Duration]{3 * time.Minute, 1})
		// failure, timed out (respondsIn = timeout), late, slow but in time
		wd.mode = pick(t, "window answer", 10, 3, 1, 2)
		return wd
	}), 1, 2).Draw(t, "failure windows")
	var steps []model.ProbeStep
	var at time.Duration
	for _, wd := range wins {
		start := at + wd.gap
		if n := len(steps); n > 0 && steps[n-1].After.Duration == start {
			steps = steps[:n-1] // back to back: no recovery in between
		}
		st := model.ProbeStep{After: metav1.Duration{Duration: start}, Result: model.ProbeSuccess}
		switch wd.mode {
		case 0:
			st.Result = model.ProbeFailure
		case 1:
			st.RespondsIn = dur(timeout)
		case 2:
			st.RespondsIn = dur(timeout + 1500*time.Millisecond)
		case 3:
			st.RespondsIn = dur(timeout - 500*time.Millisecond)
		}
		steps = append(steps, st)
		if wd.length == 0 {
			break
		}
		at = start + wd.length
		steps = append(steps, model.ProbeStep{After: metav1.Duration{Duration: at}, Result: model.ProbeSuccess})
	}
	return steps
}

func drawPostStart(t *rapid.T) *model.HookScript {
	hs := &model.HookScript{}
	hs.Duration = choose(t, "postStart duration",
		w[*metav1.Duration]{nil, 4}, w[*metav1.Duration]{dur(time.Second), 3}, w[*metav1.Duration]{dur(3 * time.Second), 3},
		w[*metav1.Duration]{dur(10 * time.Second), 3}, w[*metav1.Duration]{dur(45 * time.Second), 3})
	hs.Fail = chance(t, "postStart fails", 5)
	if hs.Duration == nil && !hs.Fail {
		return nil
	}
	return hs
}

// drawPreStop draws a preStop script, overrunning the grace period in
// about a third of the cases.
func drawPreStop(t *rapid.T, pc podCtx) *model.HookScript {
	g := time.Duration(pc.g) * time.Second
	hs := &model.HookScript{}
	hs.Duration = choose(t, "preStop duration",
		w[*metav1.Duration]{nil, 2}, w[*metav1.Duration]{dur(time.Second), 1}, w[*metav1.Duration]{dur(2500 * time.Millisecond), 2},
		w[*metav1.Duration]{dur(5 * time.Second), 3}, w[*metav1.Duration]{dur(g + time.Second), 3},
		w[*metav1.Duration]{dur(2*g + 5*time.Second), 2}, w[*metav1.Duration]{dur(2 * time.Minute), 3})
	hs.Fail = chance(t, "preStop fails", 3)
	if hs.Duration == nil && !hs.Fail {
		return nil
	}
	return hs
}

func drawStop(t *rapid.T) *model.StopScript {
	switch pick(t, "onStopSignal", 8, 4, 2, 2) {
	case 1:
		return &model.StopScript{
			ExitAfter: dur(choose(t, "onStopSignal exitAfter",
				w[time.Duration]{time.Second, 4}, w[time.Duration]{2500 * time.Millisecond, 3}, w[time.Duration]{5 * time.Second, 4},
				w[time.Duration]{10 * time.Second, 2}, w[time.Duration]{45 * time.Second, 3})),
			ExitCode: choose(t, "onStopSignal exitCode", w[int32]{0, 8}, w[int32]{1, 4}, w[int32]{143, 4}),
		}
	case 2:
		return &model.StopScript{Ignore: true}
	case 3:
		return &model.StopScript{ExitCode: choose(t, "onStopSignal exitCode", w[int32]{143, 8}, w[int32]{1, 4}, w[int32]{137, 4})}
	}
	return nil
}

// drawEvents draws deletes and force deletes, sorted by time.
func drawEvents(t *rapid.T, pc podCtx) []model.Event {
	k := pc.k
	if k.MaxEvents == 0 {
		return nil
	}
	last := w[time.Duration]{2 * time.Minute, 1}
	if k.LongRuns {
		last = w[time.Duration]{11 * time.Minute, 1}
	}
	var gaps []time.Duration
	evs := listOf(t, "event", k.MaxEvents, 10, func(t *rapid.T) model.Event {
		var e model.Event
		// Each event draws both a time for a first event and a (mostly
		// short) gap for a later one, and uses the one that applies (see
		// below), so that its draws are the same wherever it is in the
		// list.
		e.At.Duration = choose(t, "event at",
			w[time.Duration]{0, 1}, w[time.Duration]{time.Second, 1}, w[time.Duration]{2 * time.Second, 1},
			w[time.Duration]{5 * time.Second, 3}, w[time.Duration]{10 * time.Second, 3}, w[time.Duration]{30 * time.Second, 3},
			w[time.Duration]{time.Minute, 2}, w[time.Duration]{5 * time.Minute, 1}, last)
		gap := choose(t, "event gap",
			w[time.Duration]{0, 2}, w[time.Duration]{time.Second, 5}, w[time.Duration]{2 * time.Second, 3},
			w[time.Duration]{5 * time.Second, 3}, w[time.Duration]{10 * time.Second, 1}, w[time.Duration]{30 * time.Second, 1},
			w[time.Duration]{time.Minute, 1})
		gaps = append(gaps, gap)
		e.Type = choose(t, "event type", w[model.EventType]{model.EventDelete, 11}, w[model.EventType]{model.EventForceDelete, 5})
		if e.Type == model.EventDelete {
			e.GracePeriodSeconds = choose(t, "gracePeriodSeconds",
				w[*int64]{nil, 6}, w[*int64]{i64(0), 2}, w[*int64]{i64(1), 2}, w[*int64]{i64(2), 1},
				w[*int64]{i64(5), 2}, w[*int64]{i64(10), 1}, w[*int64]{i64(30), 1}, w[*int64]{i64(60), 1})
		}
		return e
	})
	if len(evs) == 0 {
		return nil
	}
	// The first event at its own time, each later one a gap after the one
	// before: the list is sorted whatever the shrinker removes.
	gaps = gaps[len(gaps)-len(evs):]
	for i := 1; i < len(evs); i++ {
		evs[i].At.Duration = evs[i-1].At.Duration + gaps[i]
	}
	return evs
}

// drawProfile draws a profile that differs from the defaults in about 60%
// of the draws.
func drawProfile(t *rapid.T) model.Profile {
	varied := chance(t, "profile varied", 10)
	var p model.Profile
	p.BackoffInitial = choose(t, "backoffInitial",
		w[*metav1.Duration]{nil, 8}, w[*metav1.Duration]{dur(time.Second), 3}, w[*metav1.Duration]{dur(5 * time.Second), 2},
		w[*metav1.Duration]{dur(10 * time.Second), 1}, w[*metav1.Duration]{dur(30 * time.Second), 2})
	p.BackoffMax = choose(t, "backoffMax",
		w[*metav1.Duration]{nil, 8}, w[*metav1.Duration]{dur(5 * time.Second), 2}, w[*metav1.Duration]{dur(60 * time.Second), 3},
		w[*metav1.Duration]{dur(120 * time.Second), 2}, w[*metav1.Duration]{dur(300 * time.Second), 1})
	if eff := p.WithDefaults(); eff.BackoffInitial.Duration > eff.BackoffMax.Duration {
		// As the kubelet does with a maximum below the initial delay.
		p.BackoffInitial = dur(eff.BackoffMax.Duration)
	}
	p.BackoffReset = choose(t, "backoffReset",
		w[*metav1.Duration]{nil, 10}, w[*metav1.Duration]{dur(30 * time.Second), 2}, w[*metav1.Duration]{dur(120 * time.Second), 2},
		w[*metav1.Duration]{dur(600 * time.Second), 1}, w[*metav1.Duration]{dur(time.Hour), 1})
	p.MinimumGracePeriodSeconds = choose(t, "minimumGracePeriodSeconds",
		w[*int64]{nil, 10}, w[*int64]{i64(0), 3}, w[*int64]{i64(1), 1}, w[*int64]{i64(5), 2})
	p.ContainerRestartRules = choose(t, "containerRestartRules", w[*bool]{nil, 12}, w[*bool]{ptr(false), 4})
	if !varied {
		// The values are drawn all the same, so that the shrinker can
		// turn the profile off without moving the draws after it.
		return model.Profile{}
	}
	return p
}
