package podscript

import (
	"fmt"
	"sort"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// Defaults of Options.
const (
	// DefaultImage is the image every container runs: any image with a
	// POSIX shell at /bin/sh, sleep, cat and /proc mounted does.
	DefaultImage = "docker.io/library/busybox:1.36"
	// DefaultStateDir is where the shared emptyDir is mounted.
	DefaultStateDir = "/podconform"
	// DefaultInstanceFile is where an instance records its attempt and
	// start, in its own writable layer.
	DefaultInstanceFile = "/tmp/podconform.instance"
	// StateVolume names the emptyDir volume the containers share.
	StateVolume = "podconform-state"
)

// Options say how to build the pod.
type Options struct {
	// Image replaces every container's image ("": DefaultImage). Its pull
	// policy becomes IfNotPresent.
	Image string
	// Name, Namespace and Node set the pod's name (default: the
	// scenario's pod's), namespace and spec.nodeName (none: the
	// scheduler's choice).
	Name, Namespace, Node string
	// Labels are added to the pod's.
	Labels map[string]string
	// StateDir and InstanceFile are the paths the scripts use (""
	// the defaults); tests point them at temporary files.
	StateDir, InstanceFile string
}

// UnsupportedError says a scenario asks for behaviour a shell cannot
// produce.
type UnsupportedError struct {
	// Field is the scenario's field, e.g.
	// "behaviour.containers[app].attempts[2].oomKilled".
	Field string
	Why   string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("%s: unsupported: %s", e.Field, e.Why)
}

// Pod returns the pod that plays scenario s. The scenario's pod is not
// changed.
func Pod(s *model.Scenario, opt Options) (*v1.Pod, error) {
	if opt.Image == "" {
		opt.Image = DefaultImage
	}
	if opt.StateDir == "" {
		opt.StateDir = DefaultStateDir
	}
	if opt.InstanceFile == "" {
		opt.InstanceFile = DefaultInstanceFile
	}
	if err := supported(s); err != nil {
		return nil, err
	}
	pod := s.Pod.DeepCopy()
	if opt.Name != "" {
		pod.Name = opt.Name
	}
	if opt.Namespace != "" {
		pod.Namespace = opt.Namespace
	}
	if opt.Node != "" {
		pod.Spec.NodeName = opt.Node
	}
	if len(opt.Labels) > 0 && pod.Labels == nil {
		pod.Labels = map[string]string{}
	}
	for k, v := range opt.Labels {
		pod.Labels[k] = v
	}
	pod.ResourceVersion, pod.UID, pod.Status = "", "", v1.PodStatus{}
	for _, vol := range pod.Spec.Volumes {
		if vol.Name == StateVolume {
			return nil, &UnsupportedError{Field: "pod.spec.volumes[" + StateVolume + "]", Why: "the name is podconform's own volume"}
		}
	}
	pod.Spec.Volumes = append(pod.Spec.Volumes, v1.Volume{Name: StateVolume, VolumeSource: v1.VolumeSource{EmptyDir: &v1.EmptyDirVolumeSource{}}})
	g := gen{opt: opt}
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		g.container(c, s.Behaviour.Containers[c.Name], !model.IsSidecar(c))
	}
	for i := range pod.Spec.Containers {
		c := &pod.Spec.Containers[i]
		g.container(c, s.Behaviour.Containers[c.Name], false)
	}
	return pod, nil
}

// supported refuses what a shell cannot play.
func supported(s *model.Scenario) error {
	names := make([]string, 0, len(s.Behaviour.Containers))
	for n := range s.Behaviour.Containers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for k, a := range s.Behaviour.Containers[n].Attempts {
			if a.OOMKilled {
				return &UnsupportedError{Field: fmt.Sprintf("behaviour.containers[%s].attempts[%d].oomKilled", n, k),
					Why: "a shell cannot make the kernel's OOM killer end it (reason OOMKilled)"}
			}
		}
	}
	check := func(path string, c *v1.Container) error {
		if sc := c.SecurityContext; sc != nil && sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem {
			return &UnsupportedError{Field: path + ".securityContext.readOnlyRootFilesystem",
				Why: "each instance records its attempt in its own writable layer"}
		}
		return nil
	}
	for i := range s.Pod.Spec.InitContainers {
		if err := check(fmt.Sprintf("pod.spec.initContainers[%d]", i), &s.Pod.Spec.InitContainers[i]); err != nil {
			return err
		}
	}
	for i := range s.Pod.Spec.Containers {
		if err := check(fmt.Sprintf("pod.spec.containers[%d]", i), &s.Pod.Spec.Containers[i]); err != nil {
			return err
		}
	}
	return nil
}

type gen struct{ opt Options }

// container rewrites c to play behaviour b. regularInit says c is a
// regular init container (it exits 0 after model.DefaultInitRunTime when
// not scripted).
func (g gen) container(c *v1.Container, b model.ContainerBehaviour, regularInit bool) {
	c.Image = g.opt.Image
	c.ImagePullPolicy = v1.PullIfNotPresent
	c.Command = []string{"/bin/sh", "-c", g.mainScript(c.Name, b, regularInit)}
	c.Args = nil
	c.VolumeMounts = append(c.VolumeMounts, v1.VolumeMount{Name: StateVolume, MountPath: g.opt.StateDir})
	for _, p := range []struct {
		probe *v1.Probe
		kind  model.ProbeType
	}{{c.StartupProbe, model.Startup}, {c.LivenessProbe, model.Liveness}, {c.ReadinessProbe, model.Readiness}} {
		if p.probe == nil {
			continue
		}
		p.probe.ProbeHandler = v1.ProbeHandler{Exec: &v1.ExecAction{Command: []string{"/bin/sh", "-c", g.probeScript(p.kind, b)}}}
	}
	if lc := c.Lifecycle; lc != nil {
		if h := lc.PostStart; h != nil && !failsAtOnce(h) {
			lc.PostStart = g.hookHandler(h, b, model.HookPostStart)
		}
		if h := lc.PreStop; h != nil && !failsAtOnce(h) {
			lc.PreStop = g.hookHandler(h, b, model.HookPreStop)
		}
	}
}

// failsAtOnce: a handler the kubelet cannot run (tcpSocket) fails as it
// starts; it is left as it is, as the model does (model.Script).
func failsAtOnce(h *v1.LifecycleHandler) bool {
	return h.Exec == nil && h.HTTPGet == nil && h.Sleep == nil
}

// attempts lists the behaviour's attempts, at least one (the defaults).
func attempts(b model.ContainerBehaviour) []model.Attempt {
	if len(b.Attempts) == 0 {
		return []model.Attempt{{}}
	}
	return b.Attempts
}

// cs is a duration in centiseconds, rounded up: the shell's clock
// (/proc/uptime) counts centiseconds.
func cs(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + 10*time.Millisecond - 1) / (10 * time.Millisecond))
}

// prelude defines the helpers every script uses: now (the uptime in
// centiseconds), secs (centiseconds as seconds for sleep) and until (sleep
// until an uptime, waiting so that a trapped signal interrupts it).
const prelude = `now() { read u _ < /proc/uptime; u=${u%.*}${u#*.}; u=${u#"${u%%[!0]*}"}; echo ${u:-0}; }
secs() { printf '%d.%02d' $(($1/100)) $(($1%100)); }
until_cs() { while :; do r=$(($1-$(now))); [ $r -le 0 ] && return; sleep $(secs $r) & wait $!; done; }
`

// caseOf renders a shell case over the attempt number $n: attempt k's
// body for k < len-1, the last one's for the rest (instances past the end
// repeat the last attempt).
func caseOf(bodies []string) string {
	var b strings.Builder
	b.WriteString("case $n in\n")
	for k, body := range bodies {
		if k == len(bodies)-1 {
			fmt.Fprintf(&b, "*) %s ;;\n", body)
		} else {
			fmt.Fprintf(&b, "%d) %s ;;\n", k, body)
		}
	}
	b.WriteString("esac\n")
	return b.String()
}

// mainScript is the container's command: count the attempt, record the
// instance, answer the stop signal as scripted, exit as scripted.
func (g gen) mainScript(name string, b model.ContainerBehaviour, regularInit bool) string {
	var s strings.Builder
	s.WriteString(prelude)
	counter := shq(g.opt.StateDir + "/" + name + ".attempts")
	fmt.Fprintf(&s, "S=$(now); n=0; [ -f %[1]s ] && read n < %[1]s\n", counter)
	var bodies []string
	as := attempts(b)
	for k := range as {
		a := &as[k]
		// E: the exit's time after the start (-1: runs until killed);
		// C: its code; X, Y: the exit after the stop signal (X -1:
		// ignored).
		e, code := int64(-1), int32(0)
		switch {
		case a.ExitAfter != nil:
			e, code = cs(a.ExitAfter.Duration), a.ExitCode
			if a.Signal != 0 {
				code = 128 + a.Signal
			}
		case len(b.Attempts) == 0 && regularInit:
			e = cs(model.DefaultInitRunTime)
		}
		x, y := int64(0), int32(0)
		if st := b.ConductOf(a).OnStopSignal; st != nil {
			switch {
			case st.Ignore:
				x = -1
			default:
				y = st.ExitCode
				if st.ExitAfter != nil {
					x = cs(st.ExitAfter.Duration)
				}
			}
		}
		bodies = append(bodies, fmt.Sprintf("E=%d C=%d X=%d Y=%d", e, code, x, y))
	}
	s.WriteString(caseOf(bodies))
	// The stop signal: exit Y after X, unless the instance's own exit
	// comes first (model.Script keeps both scheduled).
	s.WriteString(`if [ $X -lt 0 ]; then trap '' TERM; else
on_term() { t=$(($(now)+X)); if [ $E -ge 0 ] && [ $((S+E)) -lt $t ]; then until_cs $((S+E)); exit $C; fi; until_cs $t; exit $Y; }
trap on_term TERM; fi
`)
	// The answer to the stop signal is in place before the instance says
	// it runs.
	fmt.Fprintf(&s, "echo $((n+1)) > %s; echo \"$n $S\" > %s\n", counter, shq(g.opt.InstanceFile))
	s.WriteString(`if [ $E -lt 0 ]; then while :; do sleep 3600 & wait $!; done; fi
until_cs $((S+E)); exit $C
`)
	return s.String()
}

// readInstance waits (at most 2 s) for the instance's record, which its
// command writes first thing (a postStart hook may start before), and
// reads n (the attempt) and S (its start).
func (g gen) readInstance() string {
	return fmt.Sprintf("i=0; while [ ! -s %[1]s ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i+1)); done\nn=0; S=$(now); [ -s %[1]s ] && read n S < %[1]s\n", shq(g.opt.InstanceFile))
}

// probeScript answers a probe of kind k as the script of the instance it
// runs in says: the steps reached by the instance's age decide, an answer
// that takes RespondsIn is given after sleeping that long (the kubelet
// times out one that takes timeoutSeconds or more).
func (g gen) probeScript(k model.ProbeType, b model.ContainerBehaviour) string {
	var s strings.Builder
	s.WriteString(prelude)
	s.WriteString(g.readInstance())
	s.WriteString("A=$(($(now)-S)); R=0; W=0\n")
	var bodies []string
	as := attempts(b)
	for i := range as {
		cd := b.ConductOf(&as[i])
		var steps []model.ProbeStep
		if cd.Probes != nil {
			switch k {
			case model.Startup:
				steps = cd.Probes.Startup
			case model.Liveness:
				steps = cd.Probes.Liveness
			case model.Readiness:
				steps = cd.Probes.Readiness
			}
		}
		var body []string
		for _, st := range steps {
			r := 0
			if st.Result == model.ProbeFailure {
				r = 1
			}
			w := int64(0)
			if st.RespondsIn != nil {
				w = cs(st.RespondsIn.Duration)
			}
			body = append(body, fmt.Sprintf("[ $A -ge %d ] && R=%d W=%d", cs(st.After.Duration), r, w))
		}
		if len(body) == 0 {
			body = append(body, ":")
		}
		bodies = append(bodies, strings.Join(body, "; "))
	}
	s.WriteString(caseOf(bodies))
	s.WriteString("[ $W -gt 0 ] && sleep $(secs $W)\nexit $R\n")
	return s.String()
}

// hookHandler is the exec handler of a hook: it takes the scripted time
// (by default a sleep hook's seconds, else none) and fails if scripted to.
func (g gen) hookHandler(h *v1.LifecycleHandler, b model.ContainerBehaviour, hook string) *v1.LifecycleHandler {
	var s strings.Builder
	s.WriteString(prelude)
	s.WriteString(g.readInstance())
	var bodies []string
	as := attempts(b)
	for i := range as {
		cd := b.ConductOf(&as[i])
		hs := cd.PostStart
		if hook == model.HookPreStop {
			hs = cd.PreStop
		}
		d, fail := time.Duration(0), 0
		if h.Sleep != nil {
			d = time.Duration(h.Sleep.Seconds) * time.Second
		}
		if hs != nil {
			if hs.Fail {
				fail = 1
			}
			if hs.Duration != nil {
				d = hs.Duration.Duration
			}
		}
		bodies = append(bodies, fmt.Sprintf("D=%d F=%d", cs(d), fail))
	}
	s.WriteString(caseOf(bodies))
	s.WriteString("[ $D -gt 0 ] && sleep $(secs $D)\nexit $F\n")
	return &v1.LifecycleHandler{Exec: &v1.ExecAction{Command: []string{"/bin/sh", "-c", s.String()}}}
}

// shq quotes a path for the shell.
func shq(p string) string { return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'" }
