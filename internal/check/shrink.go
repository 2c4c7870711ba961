package check

import (
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

// Shrink simplifies a failing scenario while fails keeps reporting true:
// it drops events, containers, attempts, scripts, probes, hooks and
// policies, and shortens durations, one step at a time, greedily, until no
// step helps. Every candidate it tries is valid (Validate accepts it), so
// the result is a scenario a user could have written. budget bounds the
// number of candidates run (0: no bound).
func Shrink(doc *scenario.Document, fails func(*scenario.Document) bool, budget int) *scenario.Document {
	best := clone(doc)
	tried := 0
	for progress := true; progress; {
		progress = false
		for _, cand := range candidates(best) {
			if budget > 0 && tried >= budget {
				return best
			}
			if cand.Validate() != nil {
				continue
			}
			tried++
			if fails(cand) {
				best, progress = cand, true
				break
			}
		}
	}
	return best
}

// FailsWith returns a predicate for Shrink: the scenario, run with opt,
// breaks the property id.
func FailsWith(id string, opt Options) func(*scenario.Document) bool {
	return func(d *scenario.Document) bool {
		res, err := Run(d, opt)
		return err == nil && res.Violation != nil && res.Violation.ID == id
	}
}

// clone deep-copies a document.
func clone(d *scenario.Document) *scenario.Document {
	c := *d
	c.Pod = *d.Pod.DeepCopy()
	c.Events = append([]model.Event(nil), d.Events...)
	if d.Behaviour.Containers != nil {
		c.Behaviour.Containers = make(map[string]model.ContainerBehaviour, len(d.Behaviour.Containers))
		for k, v := range d.Behaviour.Containers {
			v.Attempts = append([]model.Attempt(nil), v.Attempts...)
			c.Behaviour.Containers[k] = v
		}
	}
	if d.Metadata.Counterexample != nil {
		ce := *d.Metadata.Counterexample
		c.Metadata.Counterexample = &ce
	}
	return &c
}

// candidates lists one-step simplifications of d, biggest first.
func candidates(d *scenario.Document) []*scenario.Document {
	var out []*scenario.Document
	add := func(f func(c *scenario.Document) bool) {
		c := clone(d)
		if f(c) {
			out = append(out, c)
		}
	}
	// Whole events.
	for i := range d.Events {
		add(func(c *scenario.Document) bool {
			c.Events = append(c.Events[:i], c.Events[i+1:]...)
			return true
		})
	}
	// Whole containers, with their scripts.
	for i := range d.Pod.Spec.InitContainers {
		add(func(c *scenario.Document) bool {
			name := c.Pod.Spec.InitContainers[i].Name
			c.Pod.Spec.InitContainers = append(c.Pod.Spec.InitContainers[:i], c.Pod.Spec.InitContainers[i+1:]...)
			delete(c.Behaviour.Containers, name)
			return true
		})
	}
	if len(d.Pod.Spec.Containers) > 1 {
		for i := range d.Pod.Spec.Containers {
			add(func(c *scenario.Document) bool {
				name := c.Pod.Spec.Containers[i].Name
				c.Pod.Spec.Containers = append(c.Pod.Spec.Containers[:i], c.Pod.Spec.Containers[i+1:]...)
				delete(c.Behaviour.Containers, name)
				return true
			})
		}
	}
	// Scripts: whole container scripts, attempts, conduct.
	for _, name := range sortedKeys(d.Behaviour.Containers) {
		add(func(c *scenario.Document) bool {
			delete(c.Behaviour.Containers, name)
			return true
		})
		b := d.Behaviour.Containers[name]
		for i := range b.Attempts {
			add(func(c *scenario.Document) bool {
				cb := c.Behaviour.Containers[name]
				cb.Attempts = append(cb.Attempts[:i], cb.Attempts[i+1:]...)
				c.Behaviour.Containers[name] = cb
				return true
			})
		}
		for i := range b.Attempts {
			for _, f := range conductSimplifications() {
				add(func(c *scenario.Document) bool {
					cb := c.Behaviour.Containers[name]
					a := cb.Attempts[i]
					ok := f(&a.Conduct)
					cb.Attempts[i] = a
					c.Behaviour.Containers[name] = cb
					return ok
				})
			}
			for _, f := range attemptSimplifications() {
				add(func(c *scenario.Document) bool {
					cb := c.Behaviour.Containers[name]
					a := cb.Attempts[i]
					ok := f(&a)
					cb.Attempts[i] = a
					c.Behaviour.Containers[name] = cb
					return ok
				})
			}
		}
		for _, f := range conductSimplifications() {
			add(func(c *scenario.Document) bool {
				cb := c.Behaviour.Containers[name]
				ok := f(&cb.Conduct)
				c.Behaviour.Containers[name] = cb
				return ok
			})
		}
	}
	// Container specs: probes, hooks, policies.
	forEachContainer := func(f func(*v1.Container) bool) {
		n := len(d.Pod.Spec.InitContainers) + len(d.Pod.Spec.Containers)
		for i := 0; i < n; i++ {
			add(func(c *scenario.Document) bool {
				if i < len(c.Pod.Spec.InitContainers) {
					return f(&c.Pod.Spec.InitContainers[i])
				}
				return f(&c.Pod.Spec.Containers[i-len(c.Pod.Spec.InitContainers)])
			})
		}
	}
	forEachContainer(func(c *v1.Container) bool { ok := c.StartupProbe != nil; c.StartupProbe = nil; return ok })
	forEachContainer(func(c *v1.Container) bool { ok := c.LivenessProbe != nil; c.LivenessProbe = nil; return ok })
	forEachContainer(func(c *v1.Container) bool { ok := c.ReadinessProbe != nil; c.ReadinessProbe = nil; return ok })
	forEachContainer(func(c *v1.Container) bool {
		ok := c.Lifecycle != nil && c.Lifecycle.PostStart != nil
		if ok {
			c.Lifecycle.PostStart = nil
			dropEmptyLifecycle(c)
		}
		return ok
	})
	forEachContainer(func(c *v1.Container) bool {
		ok := c.Lifecycle != nil && c.Lifecycle.PreStop != nil
		if ok {
			c.Lifecycle.PreStop = nil
			dropEmptyLifecycle(c)
		}
		return ok
	})
	forEachContainer(func(c *v1.Container) bool { ok := len(c.RestartPolicyRules) > 0; c.RestartPolicyRules = nil; return ok })
	forEachContainer(func(c *v1.Container) bool {
		ok := c.RestartPolicy != nil && len(c.RestartPolicyRules) == 0
		c.RestartPolicy = nil
		return ok
	})
	// Pod-level settings back to their defaults.
	add(func(c *scenario.Document) bool {
		ok := c.Pod.Spec.RestartPolicy != "" && c.Pod.Spec.RestartPolicy != v1.RestartPolicyAlways
		c.Pod.Spec.RestartPolicy = ""
		return ok
	})
	add(func(c *scenario.Document) bool {
		ok := c.Pod.Spec.TerminationGracePeriodSeconds != nil
		c.Pod.Spec.TerminationGracePeriodSeconds = nil
		return ok
	})
	add(func(c *scenario.Document) bool {
		ok := c.Profile != (model.Profile{})
		c.Profile = model.Profile{}
		return ok
	})
	// Event times earlier.
	for i := range d.Events {
		add(func(c *scenario.Document) bool {
			t := c.Events[i].At.Duration
			if t == 0 {
				return false
			}
			c.Events[i].At = metav1.Duration{Duration: shorter(t)}
			return true
		})
	}
	return out
}

func attemptSimplifications() []func(*model.Attempt) bool {
	return []func(*model.Attempt) bool{
		func(a *model.Attempt) bool { ok := a.OOMKilled; a.OOMKilled = false; return ok },
		func(a *model.Attempt) bool { ok := a.Signal != 0; a.Signal = 0; return ok },
		func(a *model.Attempt) bool { ok := a.ExitCode > 1; a.ExitCode = 1; return ok },
		func(a *model.Attempt) bool {
			if a.ExitAfter == nil || a.ExitAfter.Duration <= time.Second {
				return false
			}
			a.ExitAfter = &metav1.Duration{Duration: shorter(a.ExitAfter.Duration)}
			return true
		},
	}
}

func conductSimplifications() []func(*model.Conduct) bool {
	return []func(*model.Conduct) bool{
		func(c *model.Conduct) bool { ok := c.Probes != nil; c.Probes = nil; return ok },
		func(c *model.Conduct) bool { ok := c.PostStart != nil; c.PostStart = nil; return ok },
		func(c *model.Conduct) bool { ok := c.PreStop != nil; c.PreStop = nil; return ok },
		func(c *model.Conduct) bool { ok := c.OnStopSignal != nil; c.OnStopSignal = nil; return ok },
	}
}

// shorter proposes a smaller duration: half, rounded to whole seconds, at
// least one second.
func shorter(d time.Duration) time.Duration {
	h := (d / 2).Truncate(time.Second)
	if h < time.Second {
		h = time.Second
	}
	if h >= d {
		return d - time.Second
	}
	return h
}

func sortedKeys(m map[string]model.ContainerBehaviour) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

func dropEmptyLifecycle(c *v1.Container) {
	if l := c.Lifecycle; l != nil && l.PostStart == nil && l.PreStop == nil && l.StopSignal == nil {
		c.Lifecycle = nil
	}
}
