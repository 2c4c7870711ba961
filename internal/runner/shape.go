package runner

import (
	"fmt"
	"strings"

	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
	"github.com/podconform/podconform/scenario"
)

// shapeOf describes a scenario's structure without its names, times and
// numbers, so that failures found on different scenarios of one structure
// fall into one group: the restart policy, each container's kind (init,
// sidecar, app) with its probes, hooks and scripted conduct (exits with
// code 0 or not, stop signal ignored), and the external events. For
// example "Always; init[exit0] app[L,preStop,exit!0]; Delete".
func shapeOf(doc *scenario.Document) string {
	if doc == nil {
		return ""
	}
	spec := &doc.Pod.Spec
	var parts []string
	one := func(kind string, c *v1.Container) string {
		var f []string
		if c.StartupProbe != nil {
			f = append(f, "S")
		}
		if c.LivenessProbe != nil {
			f = append(f, "L")
		}
		if c.ReadinessProbe != nil {
			f = append(f, "R")
		}
		if c.Lifecycle != nil && c.Lifecycle.PostStart != nil {
			f = append(f, "postStart")
		}
		if c.Lifecycle != nil && c.Lifecycle.PreStop != nil {
			f = append(f, "preStop")
		}
		if kind == "app" && c.RestartPolicy != nil {
			f = append(f, "restart="+string(*c.RestartPolicy))
		}
		f = append(f, conduct(doc.Behaviour.Containers[c.Name])...)
		if len(f) == 0 {
			return kind
		}
		return kind + "[" + strings.Join(f, ",") + "]"
	}
	var cs []string
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		kind := "init"
		if model.IsSidecar(c) {
			kind = "sidecar"
		}
		cs = append(cs, one(kind, c))
	}
	for i := range spec.Containers {
		cs = append(cs, one("app", &spec.Containers[i]))
	}
	policy := string(spec.RestartPolicy)
	if policy == "" {
		policy = string(v1.RestartPolicyAlways)
	}
	parts = append(parts, policy, strings.Join(cs, " "))
	var evs []string
	for _, e := range doc.Events {
		evs = append(evs, string(e.Type))
	}
	if len(evs) > 0 {
		parts = append(parts, strings.Join(evs, ","))
	}
	return strings.Join(parts, "; ")
}

// conduct describes a container's script: how its instances end, and
// whether hooks or probes are scripted to fail.
func conduct(b model.ContainerBehaviour) []string {
	var f []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			f = append(f, s)
		}
	}
	look := func(c model.Conduct) {
		if c.PostStart != nil && c.PostStart.Fail {
			add("postStart-fails")
		}
		if c.PreStop != nil && c.PreStop.Fail {
			add("preStop-fails")
		}
		if c.OnStopSignal != nil && c.OnStopSignal.Ignore {
			add("ignores-stop")
		}
		if c.Probes != nil {
			for _, ps := range [][]model.ProbeStep{c.Probes.Startup, c.Probes.Liveness, c.Probes.Readiness} {
				for _, p := range ps {
					if p.Result == model.ProbeFailure {
						add("probe-fails")
					}
				}
			}
		}
	}
	look(b.Conduct)
	for _, a := range b.Attempts {
		switch {
		case a.OOMKilled:
			add("oom")
		case a.ExitAfter == nil:
			add("runs")
		case a.ExitCode == 0 && a.Signal == 0:
			add("exit0")
		default:
			add("exit!0")
		}
		look(a.Conduct)
	}
	if len(b.Attempts) > 1 {
		add(fmt.Sprintf("%d-attempts", min(len(b.Attempts), 3)))
	}
	return f
}

// sizeOf is a scenario's size for picking a group's representative:
// containers plus events plus scripted attempts.
func sizeOf(doc *scenario.Document) int {
	if doc == nil {
		return 0
	}
	n := len(doc.Pod.Spec.InitContainers) + len(doc.Pod.Spec.Containers) + len(doc.Events)
	for _, b := range doc.Behaviour.Containers {
		n += len(b.Attempts)
	}
	return n
}

// checkOf names the check a failure broke, for its group.
func checkOf(o *Outcome) string {
	if o.Kind != "" {
		return o.Property + " (" + o.Kind + ")"
	}
	return o.Property
}
