package gopterharness

import (
	v1 "k8s.io/api/core/v1"

	"github.com/podconform/podconform/model"
)

// The features a sequence is classified by, read off its trace.
const (
	FeatInit          = "init-containers" // a regular init container ran
	FeatSidecar       = "sidecar"         // a sidecar ran
	FeatRestart       = "restart"         // a container was restarted
	FeatCrashLoop     = "crash-loop"      // a container was started a third time
	FeatBackOff       = "back-off"        // a start was refused with CrashLoopBackOff
	FeatLivenessKill  = "liveness-kill"   // a container was stopped after a liveness failure
	FeatStartupKill   = "startup-kill"    // a container was stopped after a startup failure
	FeatStartupProbe  = "startup-probe"   // a startup probe ran
	FeatReadinessFlap = "readiness-flap"  // a readiness probe succeeded, then failed
	FeatPostStart     = "postStart"       // a postStart hook ran
	FeatPreStop       = "preStop"         // a preStop hook ran
	FeatHookFailed    = "hook-failed"     // a hook failed
	FeatHookAbandoned = "hook-abandoned"  // the kubelet stopped waiting for a hook
	FeatDelete        = "delete"          // a graceful delete
	FeatForceDelete   = "force-delete"    // a force delete
	FeatGraceShrunk   = "grace-shrunk"    // a later delete shortened the grace period
	FeatSIGKILL       = "sigkill"         // a container outlived its stop timeout
	FeatOOM           = "oom"             // a container was OOMKilled
	FeatTerminal      = "terminal-phase"  // the pod reached Succeeded or Failed
	FeatRemoved       = "pod-removed"     // the API object went away
)

// Features lists every label Search counts, in a stable order.
func Features() []string {
	return []string{
		FeatInit, FeatSidecar, FeatRestart, FeatCrashLoop, FeatBackOff,
		FeatLivenessKill, FeatStartupKill, FeatStartupProbe, FeatReadinessFlap,
		FeatPostStart, FeatPreStop, FeatHookFailed, FeatHookAbandoned,
		FeatDelete, FeatForceDelete, FeatGraceShrunk, FeatSIGKILL, FeatOOM,
		FeatTerminal, FeatRemoved,
	}
}

// classify returns the features trace exercised, in the order of Features.
func classify(pod *v1.Pod, trace []model.Action) []string {
	kind := map[string]string{} // container -> "init", "sidecar", "app"
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		if model.IsSidecar(c) {
			kind[c.Name] = "sidecar"
		} else {
			kind[c.Name] = "init"
		}
	}
	seen := map[string]bool{}
	lastFailed := map[string]model.ProbeType{} // the current instance's last probe result, if a failure
	ready := map[string]bool{}                 // a readiness success in the current instance
	deleting := false
	var grace int64
	for i := range trace {
		a := &trace[i]
		switch a.Kind {
		case model.ActContainerStarted:
			switch kind[a.Container] {
			case "init":
				seen[FeatInit] = true
			case "sidecar":
				seen[FeatSidecar] = true
			}
			if a.Attempt >= 1 {
				seen[FeatRestart] = true
			}
			if a.Attempt >= 2 {
				seen[FeatCrashLoop] = true
			}
			delete(lastFailed, a.Container)
			delete(ready, a.Container)
		case model.ActBackOff:
			seen[FeatBackOff] = true
		case model.ActProbeResult:
			if a.Probe == model.Startup {
				seen[FeatStartupProbe] = true
			}
			ok := a.Result == model.ResultSuccess
			if a.Probe == model.Readiness {
				if ok {
					ready[a.Container] = true
				} else if ready[a.Container] {
					seen[FeatReadinessFlap] = true
				}
			}
			if ok {
				delete(lastFailed, a.Container)
			} else {
				lastFailed[a.Container] = a.Probe
			}
		case model.ActStopSignal:
			if !deleting {
				switch p, ok := lastFailed[a.Container]; {
				case ok && p == model.Liveness:
					seen[FeatLivenessKill] = true
				case ok && p == model.Startup:
					seen[FeatStartupKill] = true
				}
			}
		case model.ActHookStarted:
			if a.Hook == model.HookPostStart {
				seen[FeatPostStart] = true
			} else {
				seen[FeatPreStop] = true
			}
		case model.ActHookEnded:
			switch a.Result {
			case model.ResultFailed:
				seen[FeatHookFailed] = true
			case model.ResultAbandoned:
				seen[FeatHookAbandoned] = true
			}
		case model.ActDeleteRequested:
			if a.Force {
				seen[FeatForceDelete] = true
			} else {
				seen[FeatDelete] = true
			}
			if deleting && a.Grace < grace {
				seen[FeatGraceShrunk] = true
			}
			deleting, grace = true, a.Grace
		case model.ActSIGKILL:
			seen[FeatSIGKILL] = true
		case model.ActContainerExited:
			if a.Reason == "OOMKilled" {
				seen[FeatOOM] = true
			}
		case model.ActStatus:
			if a.Status != nil && (a.Status.Phase == v1.PodSucceeded || a.Status.Phase == v1.PodFailed) {
				seen[FeatTerminal] = true
			}
		case model.ActPodRemoved:
			seen[FeatRemoved] = true
		}
	}
	var out []string
	for _, f := range Features() {
		if seen[f] {
			out = append(out, f)
		}
	}
	return out
}
