package gen

import (
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

// Size describes a scenario for reports: its number of containers (init
// containers, sidecars included, and app containers) and of environment
// events: scripted exits (attempts with exitAfter), probe-failure windows
// (a run of failing answers: result failure, or respondsIn of timeoutSeconds
// or more), hook scripts, stop-signal scripts, and deletes. Defaults count
// for nothing, so a scenario of one app container with no script has size
// (1, 0).
func Size(d *scenario.Document) (containers, events int) {
	if d == nil {
		return 0, 0
	}
	spec := &d.Pod.Spec
	containers = len(spec.InitContainers) + len(spec.Containers)
	events = len(d.Events)
	byName := map[string]*v1.Container{}
	for i := range spec.InitContainers {
		byName[spec.InitContainers[i].Name] = &spec.InitContainers[i]
	}
	for i := range spec.Containers {
		byName[spec.Containers[i].Name] = &spec.Containers[i]
	}
	for name, cb := range d.Behaviour.Containers {
		c := byName[name]
		events += conductSize(cb.Conduct, c)
		for _, a := range cb.Attempts {
			if a.ExitAfter != nil {
				events++
			}
			events += conductSize(a.Conduct, c)
		}
	}
	return containers, events
}

func conductSize(cd model.Conduct, c *v1.Container) int {
	n := 0
	if ps := cd.Probes; ps != nil && c != nil {
		n += failureWindows(ps.Startup, c.StartupProbe)
		n += failureWindows(ps.Liveness, c.LivenessProbe)
		n += failureWindows(ps.Readiness, c.ReadinessProbe)
	}
	for _, set := range []bool{cd.PostStart != nil, cd.PreStop != nil, cd.OnStopSignal != nil} {
		if set {
			n++
		}
	}
	return n
}

func failureWindows(steps []model.ProbeStep, p *v1.Probe) int {
	if p == nil {
		return 0
	}
	timeout := time.Duration(model.ProbeTimeoutSeconds(p)) * time.Second
	n, failing := 0, false
	for _, st := range steps {
		fails := st.Result == model.ProbeFailure || (st.RespondsIn != nil && st.RespondsIn.Duration >= timeout)
		if fails && !failing {
			n++
		}
		failing = fails
	}
	return n
}

// Until suggests how long to run d: long enough for everything it scripts
// to happen. It is 15 minutes (a quick crash loop reaches the back-off cap
// in about 10), or 45 minutes when d has a run of about ten minutes or
// more (exitAfter of 590 s or more) or a long crash loop (8 attempts or
// more); and in any case at least 5 minutes past the last event, and past
// the time each container needs to play all its scripted attempts: their
// run times plus the crash-loop back-off before each restart (none before
// the first, then backoffInitial doubling up to backoffMax, the reset
// ignored). It is rounded up to a whole minute, and at most 2 hours.
func Until(d *scenario.Document) time.Duration {
	const (
		base    = 15 * time.Minute
		long    = 45 * time.Minute
		settle  = 5 * time.Minute
		longRun = 590 * time.Second
		ceiling = 2 * time.Hour
	)
	if d == nil {
		return base
	}
	prof := d.Profile.WithDefaults()
	initial, capDelay := prof.BackoffInitial.Duration, prof.BackoffMax.Duration
	u := time.Duration(base)
	var need time.Duration
	for _, cb := range d.Behaviour.Containers {
		if len(cb.Attempts) >= 8 {
			u = long
		}
		var total, delay time.Duration
		for i, a := range cb.Attempts {
			switch {
			case i == 1:
				delay = 0 // the first restart is immediate
			case i == 2:
				delay = min(initial, capDelay)
			case i > 2:
				delay = min(2*delay, capDelay)
			}
			total += delay
			if a.ExitAfter != nil {
				total += a.ExitAfter.Duration
				if a.ExitAfter.Duration >= longRun {
					u = long
				}
			}
		}
		need = max(need, total)
	}
	for _, e := range d.Events {
		need = max(need, e.At.Duration)
	}
	u = max(u, need+settle)
	if r := u % time.Minute; r != 0 {
		u += time.Minute - r
	}
	return min(u, ceiling)
}
