package properties

import (
	"github.com/podconform/podconform/model"
)

// backoffCap encodes docs/semantics.md §4.2: the back-off's initial delay
// (10 s) and cap (300 s), with the profile's values.
//
// A refusal's delay lies between the initial delay and the cap, and the wait
// it announces is positive and no longer than the delay.
func backoffCap() Property {
	return def("backoff-cap",
		"a BackOff's delay is between the initial delay and the cap, and its wait within the delay",
		`docs/semantics.md §4.2: every announced delay lies between the initial delay (10 s) and the cap (300 s) (pkg/kubelet/kubelet.go NewMainKubelet, newCrashLoopBackOff)`,
		"Every BackOff action must have min(initial, max) <= Delay <= max (the profile's backoffInitial and backoffMax, 10 s and 300 s by default) and 0 < Wait <= Delay: a start is refused only while now - finishedAt < delay, so the back-off ends within one delay of the refusal. A crash loop whose delay keeps growing past 5 minutes breaks it.",
		func(t *tracker) rule { return &backoffCapRule{t: t} })
}

type backoffCapRule struct {
	nop
	judged
	t *tracker
}

// Exercised: any BackOff.
func (r *backoffCapRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActBackOff {
		return ""
	}
	r.judge()
	pi := r.t.pi
	lo := pi.boInit
	if pi.boMax < lo {
		lo = pi.boMax
	}
	switch {
	case a.Delay > pi.boMax:
		return sprintf("BackOff of %s at %v has delay %v, above the cap %v", a.Container, a.At, a.Delay, pi.boMax)
	case a.Delay < lo:
		return sprintf("BackOff of %s at %v has delay %v, below the initial delay %v", a.Container, a.At, a.Delay, lo)
	case a.Wait <= 0 || a.Wait > a.Delay:
		return sprintf("BackOff of %s at %v announces a wait of %v with delay %v; want 0 < wait <= delay", a.Container, a.At, a.Wait, a.Delay)
	}
	return ""
}

// noStartDuringBackoff encodes docs/semantics.md §4.3: while a container's
// entry exists, has not expired and less than the current delay has passed
// since its last exit, its start is refused with `CrashLoopBackOff`.
func noStartDuringBackoff() Property {
	return def("no-start-during-backoff",
		"a container does not start before its announced back-off ends",
		`docs/semantics.md §4.3: a start is refused (a BackOff event, CrashLoopBackOff) while less than the current delay has passed since the last exit, and no container starts before the back-off it was refused for ends (pkg/kubelet/kuberuntime/kuberuntime_manager.go doBackOff)`,
		"After a BackOff of a container at time t with wait w that counts from the container's latest exit (t + w = finishedAt + delay), the container's next ContainerStarted must not come before t + w (the last BackOff counts: the kubelet re-announces the back-off when its end moves). A refusal planned together with a probe kill reads the previous exit's finishedAt; the next sync reads the new one, which may expire the entry and start the container at once, so such a stale BackOff does not bind. A start inside the back-off window means the back-off was not honoured. After a sandbox re-creation purged an init container, a later sync finds no exited instance of it and starts it without back-off.",
		func(t *tracker) rule { return &noStartBackoffRule{t: t} })
}

type noStartBackoffRule struct {
	nop
	judged
	t *tracker
}

// Exercised: a start of a container with a binding BackOff since its last
// exit.
func (r *noStartBackoffRule) before(_ int, a *model.Action) string {
	if a.Kind != model.ActContainerStarted {
		return ""
	}
	i := r.t.ci
	if i < 0 {
		return ""
	}
	c := &r.t.c[i]
	if c.purged {
		// A sandbox re-creation purged this init container: a sync that
		// no longer finds an exited instance does not back off
		// (doBackOff), whatever the re-creating sync announced.
		return ""
	}
	if c.boSeen && c.boFresh {
		r.judge()
	}
	if c.boSeen && c.boFresh && a.At < c.boEnd {
		return sprintf("%s started at %v, before its back-off ended at %v", a.Container, a.At, c.boEnd)
	}
	return ""
}

// firstRestartImmediate encodes docs/semantics.md §4.5: the first restart is
// immediate.
//
// The back-off entry does not exist before the first restart decision, so
// doBackOff never refuses it: no BackOff while only instance 0 has run, and
// the restart comes at the exit unless the pod worker was blocked (a hook or
// a kill in progress) or the start was gated by a sidecar.
func firstRestartImmediate() Property {
	return def("first-restart-immediate",
		"a container's first restart is not backed off",
		`docs/semantics.md §4.5: with no back-off entry before the first restart, nothing is refused, so the waits before successive restarts are 0, 10, 20, 40, 80, 160, 300, 300, … s (pkg/kubelet/kuberuntime/kuberuntime_manager.go doBackOff; kubernetes#133472)`,
		"No BackOff may be announced for a container whose only run so far is instance 0, and its restart (attempt 1), when it happens, must come at the exit of instance 0, unless the trace shows the pod worker blocked since (a postStart or preStop hook running, or a container waiting for SIGKILL) or the app containers gated by a sidecar that has not started. The docs' \"10s, 20s, 40s\" is wrong for the first restart (kubernetes#133472).",
		func(t *tracker) rule { return &firstRestartRule{t: t} })
}

type firstRestartRule struct {
	nop
	judged
	t *tracker
}

// Exercised: any BackOff (it must not refuse a first restart), and a
// container's first restart after its exit.
func (r *firstRestartRule) before(_ int, a *model.Action) string {
	t := r.t
	i := t.ci
	if i < 0 {
		return ""
	}
	c := &t.c[i]
	switch a.Kind {
	case model.ActBackOff:
		r.judge()
		if c.starts == 1 && !c.running {
			return sprintf("BackOff of %s at %v (delay %v) refuses its first restart; instance 0 exited at %v", a.Container, a.At, a.Delay, c.exitAt)
		}
	case model.ActContainerStarted:
		if c.starts == 1 && c.bo.pend {
			r.judge()
		}
		if c.starts == 1 && c.bo.pend && !c.bo.late && a.At > c.bo.ft {
			return sprintf("first restart of %s at %v, %v after instance 0 exited at %v; want it at once", a.Container, a.At, a.At-c.bo.ft, c.bo.ft)
		}
	}
	return ""
}

// backoffDoubling encodes docs/semantics.md §4.4: a start that is not refused
// first updates the entry (a missing or expired one gets the initial delay,
// an existing one doubles, up to the max) and sets `lastUpdate` to now.
//
// The checker rebuilds the back-off entry from the trace: each restart that
// consulted doBackOff sets lastUpdate and the delay, each exit's finishedAt
// is the snapshot the next decision reads. Where the trace cannot tell the
// snapshot (a probe kill planned while the worker was blocked), the entry is
// unknown until the expiry rule makes it known again.
func backoffDoubling() Property {
	return def("backoff-doubling",
		"restart delays follow initial·2^k capped at the max, measured from the exit",
		`docs/semantics.md §4.4, §4.3, §4.8: before a start that is not refused, a missing or expired entry gets the initial delay and an existing one doubles, capped at the max; lastUpdate becomes now (staging/src/k8s.io/client-go/util/flowcontrol/backoff.go Next; pkg/kubelet/kuberuntime/kuberuntime_manager.go doBackOff)`,
		"The checker replays client-go's Backoff from the trace: a restart with a snapshot (the finishedAt doBackOff reads: the exit's, or for a restart planned with a liveness/startup kill, the previous exit's) sets the delay to the initial delay if there was no entry or it expired, else doubles it up to the max, and sets lastUpdate. Every BackOff must be a refusal the entry calls for, with Delay = the current delay and Wait = snapshot + delay − now; every restart must come no earlier than snapshot + delay and, when the trace shows the worker free and the start not gated, exactly then (or at the exit when no back-off applies). Delays of 10, 20, 40 … after a first immediate restart pass; 20, 40 … (doubling too early), 10, 10 … (no doubling) or restarts before the delay fail.",
		func(t *tracker) rule { return &backoffDoublingRule{t: t} })
}

type backoffDoublingRule struct {
	nop
	judged
	t *tracker
}

// Exercised: a BackOff or a restart while the replayed back-off entry is
// known.
func (r *backoffDoublingRule) before(_ int, a *model.Action) string {
	t := r.t
	i := t.ci
	if i < 0 {
		return ""
	}
	c := &t.c[i]
	switch a.Kind {
	case model.ActBackOff:
		e := t.boExpectAt(i, a.At)
		if !e.ok || c.running {
			return ""
		}
		r.judge()
		switch {
		case !e.snapHas:
			return sprintf("BackOff of %s at %v, but the restart planned with its probe kill has no earlier exit to back off from", a.Container, a.At)
		case !e.has:
			return sprintf("BackOff of %s at %v, but no restart has set a back-off entry yet (the first restart decision is never refused)", a.Container, a.At)
		case e.reset:
			return sprintf("BackOff of %s at %v, but the entry expired (exit at %v, last restart decision at %v)", a.Container, a.At, e.snap, c.bo.lu)
		case !e.inBackoff:
			return sprintf("BackOff of %s at %v, but the back-off of %v since %v ended at %v", a.Container, a.At, e.d, e.snap, e.until)
		case a.Delay != e.d:
			return sprintf("BackOff of %s at %v has delay %v; the replayed back-off says %v", a.Container, a.At, a.Delay, e.d)
		case a.Wait != e.until-a.At:
			return sprintf("BackOff of %s at %v has wait %v; want %v (until %v = %v + %v)", a.Container, a.At, a.Wait, e.until-a.At, e.until, e.snap, e.d)
		}
	case model.ActContainerStarted:
		if c.starts == 0 {
			return ""
		}
		e := t.boExpectAt(i, a.At)
		if !e.ok {
			return ""
		}
		r.judge()
		if e.inBackoff {
			return sprintf("%s restarted at %v, inside its back-off: delay %v from %v ends at %v", a.Container, a.At, e.d, e.snap, e.until)
		}
		if !c.bo.late && a.At > e.earliest {
			return sprintf("%s restarted at %v, %v after it was due at %v (exit at %v, delay %v, worker free)", a.Container, a.At, a.At-e.earliest, e.earliest, c.bo.ft, e.d)
		}
	}
	return ""
}

// backoffReset600s encodes docs/semantics.md §4.6: an entry expires when the
// exit comes more than 600 s after its last update, judged lazily at the
// next restart decision; the restart is then immediate and the delay starts
// again from the initial value.
func backoffReset600s() Property {
	return def("backoff-reset-600s",
		"an exit more than 600 s after the last restart decision resets the back-off; 599 s does not",
		`docs/semantics.md §4.6: an exit more than 600 s (strictly) after the entry's last update finds it expired: the restart is immediate and the delay is the initial one again (pkg/kubelet/kubelet.go NewMainKubelet, crashLoopBackOff.HasExpiredFunc)`,
		"With the back-off entry replayed from the trace (see backoff-doubling): when the snapshot exit came more than backoffReset (600 s) after the last restart decision, the restart must not be refused and must come at the exit (worker free), and the next BackOff must carry the initial delay; when it came no more than 600 s after, the old delay still applies and a restart before snapshot + delay is a violation. A run of 9m59s keeps the 300 s delay; 10m01s resets it. The docs' \"after 10 minutes of running without problems\" describes neither the laziness nor the flat rule.",
		func(t *tracker) rule { return &backoffResetRule{t: t} })
}

type backoffResetRule struct {
	nop
	judged
	t *tracker
}

// Exercised: a BackOff or a restart where the replayed entry exists, so
// that whether it expired matters (or a BackOff right after a reset).
func (r *backoffResetRule) before(_ int, a *model.Action) string {
	t := r.t
	i := t.ci
	if i < 0 {
		return ""
	}
	c := &t.c[i]
	switch a.Kind {
	case model.ActBackOff:
		if c.bo.reset && c.bo.known {
			r.judge()
		}
		if c.bo.reset && c.bo.known && a.Delay != t.pi.boInit {
			return sprintf("BackOff of %s at %v has delay %v, but the last restart reset the back-off: want %v", a.Container, a.At, a.Delay, t.pi.boInit)
		}
		e := t.boExpectAt(i, a.At)
		if e.ok && e.snapHas && e.has {
			r.judge()
		}
		if e.ok && e.snapHas && e.has && e.reset {
			return sprintf("BackOff of %s at %v: the exit at %v came %v after the last restart decision at %v (> %v), so the back-off must have reset", a.Container, a.At, e.snap, e.snap-c.bo.lu, c.bo.lu, t.pi.boReset)
		}
	case model.ActContainerStarted:
		if c.starts == 0 {
			return ""
		}
		e := t.boExpectAt(i, a.At)
		if !e.ok || !e.snapHas || !e.has {
			return ""
		}
		r.judge()
		if e.reset {
			if !c.bo.late && a.At > c.bo.ft {
				return sprintf("%s restarted at %v, but the exit at %v came %v after the last restart decision (> %v): it must restart at once", a.Container, a.At, c.bo.ft, e.snap-c.bo.lu, t.pi.boReset)
			}
			return ""
		}
		if e.inBackoff {
			return sprintf("%s restarted at %v, but the exit at %v came only %v after the last restart decision at %v (<= %v): the delay %v still applies until %v", a.Container, a.At, e.snap, e.snap-c.bo.lu, c.bo.lu, t.pi.boReset, e.d, e.until)
		}
	}
	return ""
}
