package model

// Mutation deliberately breaks one rule of the lifecycle. Mutations exist
// for podconform's mutation self-test only: a property suite proves its
// power by rejecting every mutant. A zero Mutation is the faithful model.
type Mutation uint32

// The mutants. Each breaks exactly one rule of docs/semantics.md; the §
// numbers are its rules.
const (
	// MutAppDuringInit starts app containers while the last regular init
	// container still runs (§2.5).
	MutAppDuringInit Mutation = 1 << iota
	// MutParallelInit starts the next regular init container as soon as the
	// previous one runs, not when it has exited 0 (§2.2).
	MutParallelInit
	// MutBackoffCap320 caps the crash-loop back-off at 320 s, not the
	// profile's maximum (§4.2).
	MutBackoffCap320
	// MutNoBackoffReset never resets the back-off (§4.6).
	MutNoBackoffReset
	// MutFirstRestartDelayed delays the first restart by the initial
	// back-off instead of restarting at once (§4.5).
	MutFirstRestartDelayed
	// MutNoGraceFloor drops the 2 s floor on StopContainer timeouts (§7.4).
	MutNoGraceFloor
	// MutPreStopSecondGrace gives the stop signal a full grace period after
	// preStop instead of what is left (§7.3, §6.7, #115817).
	MutPreStopSecondGrace
	// MutReadinessBeforeStartup runs readiness probes before the startup
	// probe has succeeded (§5.7).
	MutReadinessBeforeStartup
	// MutNeverRestartsInit restarts a failed regular init container under
	// restartPolicy Never (§3.2).
	MutNeverRestartsInit
	// MutSidecarsFirst stops sidecars before app containers at termination
	// (§7.10).
	MutSidecarsFirst
	// MutSucceededNonZero reports Succeeded where the phase is Failed (§8.5).
	MutSucceededNonZero
	// MutGraceGrows lets a later delete lengthen the grace period (§7.7).
	MutGraceGrows
	// MutLivenessEarly kills after failureThreshold-1 liveness failures
	// (§5.9).
	MutLivenessEarly
	// MutRestartCountStuck stops counting restarts at 5 (§1.5).
	MutRestartCountStuck
	// MutPostStartNonBlocking starts the next container without waiting for
	// a postStart hook (§2.6, §6.2).
	MutPostStartNonBlocking
	// MutNoSidecarGating starts the next container before a sidecar's
	// startup probe succeeded (§2.3).
	MutNoSidecarGating
	// MutReadyAtStart reports a container with a readiness probe ready
	// before any probe succeeded (§5.5).
	MutReadyAtStart
	// MutForceDeleteGraceful treats a force delete as a graceful one (§7.8).
	MutForceDeleteGraceful
	// MutGatesIgnored makes Ready follow ContainersReady alone, ignoring
	// the pod's readiness gates (§9.8).
	MutGatesIgnored

	mutEnd
)

// MutationInfo names a mutation and the rule it breaks.
type MutationInfo struct {
	Mutation Mutation
	Name     string
	Breaks   string
}

// Mutations lists every mutation, in a stable order.
func Mutations() []MutationInfo {
	return []MutationInfo{
		{MutAppDuringInit, "app-during-init", "app containers start only after every regular init container has completed (docs/semantics.md §2.5)"},
		{MutParallelInit, "parallel-init", "regular init containers run one at a time, each exiting 0 before the next is created (docs/semantics.md §2.2)"},
		{MutBackoffCap320, "backoff-cap-320", "the back-off is capped at the profile's maximum, 300 s (docs/semantics.md §4.2)"},
		{MutNoBackoffReset, "no-backoff-reset", "an exit more than 600 s after the last restart decision resets the back-off (docs/semantics.md §4.6)"},
		{MutFirstRestartDelayed, "first-restart-delayed", "the first restart is immediate (docs/semantics.md §4.5)"},
		{MutNoGraceFloor, "no-grace-floor", "StopContainer's timeout is floored at 2 s (docs/semantics.md §7.4)"},
		{MutPreStopSecondGrace, "prestop-second-grace", "preStop runs inside the grace period; the stop signal gets what is left (docs/semantics.md §7.3, §6.7; #115817)"},
		{MutReadinessBeforeStartup, "readiness-before-startup", "liveness and readiness do not run until the startup probe succeeds (docs/semantics.md §5.7)"},
		{MutNeverRestartsInit, "never-restarts-init", "with pod Never, a failed regular init container fails the pod and nothing more starts (docs/semantics.md §3.2)"},
		{MutSidecarsFirst, "sidecars-first", "at termination app containers stop first, then sidecars in reverse order (docs/semantics.md §7.10)"},
		{MutSucceededNonZero, "succeeded-nonzero", "Succeeded only if every app container exited 0 (docs/semantics.md §8.5)"},
		{MutGraceGrows, "grace-grows", "a later delete can only shorten the grace period (docs/semantics.md §7.7)"},
		{MutLivenessEarly, "liveness-early", "failureThreshold consecutive liveness failures kill the container (docs/semantics.md §5.9)"},
		{MutRestartCountStuck, "restart-count-stuck", "restartCount counts every restart (docs/semantics.md §1.5)"},
		{MutPostStartNonBlocking, "poststart-nonblocking", "the next container is not started until postStart returns (docs/semantics.md §2.6, §6.2)"},
		{MutNoSidecarGating, "no-sidecar-gating", "the next container starts once the sidecar's startup probe succeeded (docs/semantics.md §2.3)"},
		{MutReadyAtStart, "ready-at-start", "before the first result, readiness is false (docs/semantics.md §5.5)"},
		{MutForceDeleteGraceful, "force-delete-graceful", "a force delete stops containers with the 2 s floor and no preStop (docs/semantics.md §7.8)"},
		{MutGatesIgnored, "gates-ignored", "Ready is True only when every readiness gate's condition is True (docs/semantics.md §9.8)"},
	}
}

// MutationByName returns the mutation with the given name.
func MutationByName(name string) (Mutation, bool) {
	for _, mi := range Mutations() {
		if mi.Name == name {
			return mi.Mutation, true
		}
	}
	return 0, false
}

func (m *Model) mut(x Mutation) bool { return m.mutation&x != 0 }
