package properties

import (
	"time"

	"github.com/podconform/podconform/model"
)

// hookBracketing encodes docs/semantics.md §6.2 (postStart starts in the
// instant the container started and the kubelet waits for it; one hook at a
// time per instance) and §6.6 (preStop runs, synchronously, before the stop
// signal of a kill).
func hookBracketing() Property {
	return def("hook-bracketing",
		"hooks are declared, run one at a time per instance, and every HookEnded closes a HookStarted",
		`docs/semantics.md §6.2, §6.5, §6.6, §6.7: postStart starts right after the container and the kubelet waits for it; preStop runs synchronously before the stop signal, bounded by the grace period; one hook at a time per instance, ended when its container exits (pkg/kubelet/kuberuntime/kuberuntime_container.go startContainer, killContainer, executePreStopHook)`,
		"A HookStarted must be for a hook the container declares, for its running instance, with no other hook of that container running; postStart at most once per instance and right after the instance started (before any probe or kill of it); preStop at most once per instance. A HookEnded must close the running hook of that name and instance, with a result. A hook still running when its instance exits must end in the same instant (the kubelet stops waiting: a postStart fails, a preStop is abandoned). Regular init containers have no hooks.",
		func(t *tracker) rule { return &hookBracketingRule{t: t} })
}

// Exercised: a HookStarted or HookEnded of a container of the pod, or a
// hook left open at its instance's exit, checked once that instant is over.
type hookBracketingRule struct {
	nop
	judged
	t       *tracker
	pending bool // an instance exited with a hook open
	exitAt  time.Duration
}

// dangling reports a hook still open on an exited instance once the instant
// of its exit is over.
func (r *hookBracketingRule) dangling(now time.Duration) string {
	if !r.pending || now <= r.exitAt {
		return ""
	}
	r.pending = false
	r.judge()
	t := r.t
	for i := range t.c {
		c := &t.c[i]
		if !c.running && (c.psOpen || c.preOpen) {
			return sprintf("%s#%d exited at %v, but its hook (postStart=%v preStop=%v) never ended", t.pi.names[i], c.cur, c.exitAt, c.psOpen, c.preOpen)
		}
	}
	return ""
}

func (r *hookBracketingRule) end(end time.Duration, _ bool) string {
	return r.dangling(end + 1)
}

func (r *hookBracketingRule) after(_ int, a *model.Action) string {
	if a.Kind == model.ActContainerExited {
		if i := r.t.ci; i >= 0 && (r.t.c[i].psOpen || r.t.c[i].preOpen) {
			r.pending, r.exitAt = true, a.At
		}
	}
	return ""
}

func (r *hookBracketingRule) before(_ int, a *model.Action) string {
	if msg := r.dangling(a.At); msg != "" {
		return msg
	}
	t := r.t
	switch a.Kind {
	case model.ActHookStarted, model.ActHookEnded, model.ActContainerExited:
	default:
		return ""
	}
	i := t.ci
	if i < 0 {
		return ""
	}
	c := &t.c[i]
	switch a.Kind {
	case model.ActContainerExited:
		return ""
	case model.ActHookStarted:
		r.judge()
		if !c.running || a.Attempt != c.cur {
			return sprintf("%s hook of %s#%d at %v, but that instance is not running", a.Hook, a.Container, a.Attempt, a.At)
		}
		if c.psOpen || c.preOpen {
			return sprintf("%s hook of %s#%d started at %v while another hook of it is running", a.Hook, a.Container, a.Attempt, a.At)
		}
		switch a.Hook {
		case model.HookPostStart:
			if !t.pi.hasPostStart(i) {
				return sprintf("postStart hook of %s at %v, but it declares none", a.Container, a.At)
			}
			if c.psRan {
				return sprintf("second postStart hook of %s#%d at %v", a.Container, a.Attempt, a.At)
			}
			if c.probeN != [nProbes]int32{} || c.stopped || c.killing {
				return sprintf("postStart hook of %s#%d at %v, not right after its start at %v (it was already probed or being killed)", a.Container, a.Attempt, a.At, c.startedAt)
			}
		case model.HookPreStop:
			if !t.pi.hasPreStop(i) {
				return sprintf("preStop hook of %s at %v, but it declares none", a.Container, a.At)
			}
			if c.preRan {
				return sprintf("second preStop hook of %s#%d at %v", a.Container, a.Attempt, a.At)
			}
		default:
			return sprintf("unknown hook %q of %s at %v", a.Hook, a.Container, a.At)
		}
	case model.ActHookEnded:
		r.judge()
		if a.Attempt != c.cur || (!c.running && a.At != c.exitAt) {
			return sprintf("%s hook of %s#%d ended at %v, but that instance is not running", a.Hook, a.Container, a.Attempt, a.At)
		}
		open := (a.Hook == model.HookPostStart && c.psOpen) || (a.Hook == model.HookPreStop && c.preOpen)
		if !open {
			return sprintf("%s hook of %s#%d ended at %v, but it was not running", a.Hook, a.Container, a.Attempt, a.At)
		}
		switch a.Result {
		case model.ResultOK, model.ResultFailed, model.ResultAbandoned:
		default:
			return sprintf("%s hook of %s#%d ended at %v with result %q; want ok, failed or abandoned", a.Hook, a.Container, a.Attempt, a.At, a.Result)
		}
	}
	return ""
}

// preStopBeforeStopSignal encodes docs/semantics.md §7.3 and §6.6: a kill
// runs the preStop hook, bounded by the grace period, before
// `StopContainer(timeout)` (killContainer runs preStop when grace > 0).
func preStopBeforeStopSignal() Property {
	return def("prestop-before-stop-signal",
		"a container with a preStop hook runs it, to its end, before its stop signal when the kill has grace",
		`docs/semantics.md §7.3, §6.6, §7.2: a kill with a grace period above 0 runs the container's preStop hook to its end or to the grace deadline, and only then sends the stop signal (pkg/kubelet/kuberuntime/kuberuntime_container.go killContainer, executePreStopHook)`,
		"When the first StopSignal of an instance comes, no preStop hook of that instance may still be running; and if the container declares a preStop hook and the kill's grace period is surely positive (a delete's grace, or every grace the kill could use: the probe's terminationGracePeriodSeconds or, for SyncPod's own KillPod, the pod's with no 1 s floor), a preStop hook must have run for that instance before. A force delete (grace 0, where the kubelet still allows 1 s) does not require the hook. This catches stop signals sent without or during preStop (kubernetes#92432 and its relatives).",
		func(t *tracker) rule { return &preStopFirstRule{t: t} })
}

type preStopFirstRule struct {
	nop
	judged
	t *tracker
}

// Exercised: the first stop signal to a running instance of a container
// with a preStop hook.
func (r *preStopFirstRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActStopSignal {
		return ""
	}
	t := r.t
	i := t.ci
	if i < 0 || !t.pi.hasPreStop(i) {
		return ""
	}
	c := &t.c[i]
	if c.stopped || !c.running {
		return ""
	}
	r.judge()
	if c.preOpen {
		return sprintf("stop signal to %s#%d at %v while its preStop hook (started %v) still runs", a.Container, a.Attempt, a.At, c.preAt)
	}
	if c.preRan {
		return ""
	}
	pos := false
	if c.killing {
		pos, _ = t.graceSurelyPositive(i)
	} else {
		g, n := t.graceCandidates(i, t.killReason(i))
		pos = true
		for k := 0; k < n; k++ {
			if g[k] <= 0 {
				pos = false
			}
		}
	}
	if pos {
		return sprintf("stop signal to %s#%d at %v without its preStop hook, though the kill has a positive grace period", a.Container, a.Attempt, a.At)
	}
	return ""
}

// preStopWithinGrace encodes docs/semantics.md §6.7 and §7.3: the preStop
// hook and the stop timeout share one grace period; a preStop hook never gets
// a second, full one (the regression of kubernetes#115817, #117373). The
// grace period is the one the kill started with: a later, shorter delete
// does not shorten a kill in progress (§7.7, kubernetes#127339).
func preStopWithinGrace() Property {
	return def("prestop-within-grace",
		"preStop plus the stop timeout fit in the grace period (+ the 2 s floor)",
		`docs/semantics.md §6.7, §7.3: preStop runs for at most the grace period, and the stop signal gets only what is left (floored at 2 s), never a second full grace period (kubernetes#115817, #117373) (pkg/kubelet/kuberuntime/kuberuntime_container.go killContainer, executePreStopHook). The grace is the one the kill started with (§7.7): pkg/kubelet/kubelet.go SyncTerminatingPod runs KillPod on context.TODO() (TODO(#113606)), so a later, shorter delete does not reach a preStop hook in progress (kubernetes#127339)`,
		"For a kill with a preStop hook, with the grace period g it started with (for the pod's termination the delete's in force when the termination began, at least 1 s; the probe's or the pod's for a probe kill or a failed postStart): the hook must end (or be abandoned) by its start + g, and the hook's end plus the first StopSignal's timeout must not exceed that deadline + max(minimumGracePeriodSeconds, 1 s) (the floor, or the sub-second the kubelet's truncation leaves). A later, shorter delete does not move the deadline: upstream's pod worker cannot cancel the kill in progress (kubernetes#127339), and a kubelet that did would only end earlier. A stop timeout of a second full grace period after the hook used the first one breaks it.",
		func(t *tracker) rule { return &preStopGraceRule{t: t} })
}

type preStopGraceRule struct {
	nop
	judged
	t *tracker
}

// Exercised: the end of a preStop hook whose grace the trace knows, and the
// first stop signal after a preStop hook ended.
func (r *preStopGraceRule) before(_ int, a *model.Action) string {
	t := r.t
	switch a.Kind {
	case model.ActHookEnded, model.ActStopSignal:
	default:
		return ""
	}
	i := t.ci
	if i < 0 {
		return ""
	}
	c := &t.c[i]
	ks := &c.ks
	if ks.unsure || !c.running {
		return ""
	}
	switch a.Kind {
	case model.ActHookEnded:
		if a.Hook != model.HookPreStop || ks.stage != ksPre {
			return ""
		}
		r.judge()
		g := ks.g[0]
		if ks.ng > 1 && ks.g[1] > g {
			g = ks.g[1]
		}
		if dl := ks.ss + sec(g); a.At > dl {
			return sprintf("preStop hook of %s#%d (started %v) ended at %v, after its grace deadline %v (%ds from %v)", a.Container, a.Attempt, c.preAt, a.At, dl, g, ks.ss)
		}
	case model.ActStopSignal:
		if c.stopped || !c.preRan || c.preOpen {
			return ""
		}
		r.judge()
		slack := sec(max64(t.pi.minGrace, 1))
		if end := c.preEnd + sec(a.Timeout); end > ks.preDl+slack {
			return sprintf("%s#%d: preStop ran %v..%v and the stop timeout is %ds, so SIGKILL would come at %v, past the grace deadline %v + %v", a.Container, a.Attempt, c.preAt, c.preEnd, a.Timeout, end, ks.preDl, slack)
		}
	}
	return ""
}
