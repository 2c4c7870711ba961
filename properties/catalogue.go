package properties

// The catalogue, in a stable order, with what each property needs a trace to
// report (Property.Needs) and whether it pins an action's time with no
// slack (Property.Exact).
//
// Reading a rule for its needs means following the tracker state it uses
// back to the actions that set it. The recurring ones:
//   - started / ready (sidecar gating, started and ready flags, the
//     conditions): postStart done (hooks) and a startup or readiness
//     success (probes).
//   - busy (the pod worker blocked, which excuses a late restart or start
//     and keeps an old plan in flight): a hook running (hooks) or a stop
//     signal waiting for its exit (actions).
//   - a kill's reason and grace (killReason, graceCandidates): a delete
//     and its grace (requests), a failed postStart (hooks), a probe's
//     failure threshold and its terminationGracePeriodSeconds (probes);
//     a kill starts at its preStop (hooks) or its stop signal.
//   - the back-off replay (bo): exits and starts (actions), refusals
//     (backoff), the snapshot a probe kill leaves (probes), the worker's
//     blocks (hooks).
//   - deleted, forced, removed: requests; terminal: the phase.
var catalogue = []Property{
	// trace hygiene

	// time-monotone holds for any part of a trace; Needs cannot be empty,
	// so it names the base observable.
	timeMonotone().needs(ObsRuns),
	// Starts and exits alone are enough to number instances; the stop
	// signals and kills, when reported, are checked too.
	exitAfterStart().needs(ObsRuns),
	// A status stripped of some parts may equal the previous one although
	// the whole statuses differed: status-changes needs every part.
	statusChanges().needs(ObsContainerStatuses | ObsPhase | ObsConditions),
	sandboxBracketsContainers().needs(ObsActions),

	// start-up order

	// Order is read from the starts and exits (runs), which an API client
	// sees in container statuses.
	initStrictOrder().needs(ObsRuns),
	appAfterInit().needs(ObsRuns),
	// started: hooks and probes; a sidecar that stopped being started while
	// the worker was busy (hooks) still counts.
	sidecarStartGating().needs(ObsActions | ObsHooks | ObsProbes),
	postStartBeforeNextStart().needs(ObsActions | ObsHooks),
	// The in-flight plan (busy: hooks); a force-deleted pod need not end
	// Failed (requests).
	neverFailsOnInitFailure().needs(ObsActions | ObsHooks | ObsRequests | ObsPhase),

	// restarts

	// The sync in progress at the delete (busy: hooks) may still start what
	// it planned.
	noRestartWhileDeleting().needs(ObsActions | ObsHooks | ObsRequests),
	neverRestartPolicy().needs(ObsRuns),
	// A restart after exit 0 is allowed when a probe kill planned it
	// (probes). Without hooks or requests a kill of a failed postStart or a
	// delete may only pass for an exempt probe kill: weaker, never wrong.
	onFailureNoRestartAfterSuccess().needs(ObsActions | ObsProbes),
	// The replayed back-off: refusals (backoff), the worker's blocks
	// (hooks), probe kills planned with their restart (probes); a deleted
	// (requests) or terminal (phase) pod is not concerned. The phase is not
	// redundant: when the back-off refuses the restart planned with a probe
	// kill and the exit code calls for none, the pod may end although the
	// tracker's podEnding still counts that container as restarting; only
	// the terminal phase then tells the rule not to expect restarts. Exact:
	// a deadline (the back-off cap after the exit) a late sync overshoots.
	restartPolicyHonoured().needs(ObsActions | ObsHooks | ObsProbes | ObsBackOff | ObsRequests | ObsPhase).exactTiming(),

	// back-off

	// Reads the BackOff action alone.
	backoffCap().needs(ObsBackOff),
	noStartDuringBackoff().needs(ObsActions | ObsBackOff),
	// "At the exit" unless the worker was blocked (hooks). Without probes a
	// probe kill is not seen as one and the restart is not checked.
	firstRestartImmediate().needs(ObsActions | ObsHooks | ObsBackOff).exactTiming(),
	// The replayed back-off (see above); "exactly then" when the worker is
	// free.
	backoffDoubling().needs(ObsActions | ObsHooks | ObsProbes | ObsBackOff).exactTiming(),
	// "Must restart at once" after a reset.
	backoffReset600s().needs(ObsActions | ObsHooks | ObsProbes | ObsBackOff).exactTiming(),

	// probes

	// Only "at least" a period apart: a late probe never breaks it.
	probePeriod().needs(ObsActions | ObsProbes),
	noProbeAfterExit().needs(ObsActions | ObsProbes),
	// The startup success is per instance (actions).
	startupGatesLivenessReadiness().needs(ObsActions | ObsProbes | ObsRequests | ObsContainerStatuses),
	// About deletion (requests); a kill seen only at its stop signal
	// (without hooks) is seen late, which is lenient.
	probesStopOnTermination().needs(ObsActions | ObsHooks | ObsProbes | ObsRequests),
	// A kill starts at its preStop (hooks) and a delete explains it
	// (requests). Exact: the kill must come in the same instant.
	livenessFailureThreshold().needs(ObsActions | ObsHooks | ObsProbes | ObsRequests).exactTiming(),
	startupFailureThreshold().needs(ObsActions | ObsHooks | ObsProbes | ObsRequests).exactTiming(),
	// ready = started (hooks, probes) and the replayed readiness (probes).
	readinessThresholds().needs(ObsActions | ObsHooks | ObsProbes | ObsRequests | ObsContainerStatuses | ObsPhase),

	// hooks

	// Exact: a hook still running when its instance exits must end in the
	// same instant.
	hookBracketing().needs(ObsActions | ObsHooks).exactTiming(),
	// Whether the kill's grace is positive: a delete's (requests: 0 for a
	// force delete). A probe's terminationGracePeriodSeconds is always
	// positive, so without probes a probe kill only takes the pod's grace,
	// which may be 0 where the probe's is not: weaker, never wrong.
	preStopBeforeStopSignal().needs(ObsActions | ObsHooks | ObsRequests),
	// The same graces. Exact: the hook must end by the kill's start (the
	// delete, or the end of the sync in progress then: hooks) + grace,
	// which a kubelet that starts the hook late misses.
	preStopWithinGrace().needs(ObsActions | ObsHooks | ObsProbes | ObsRequests).exactTiming(),

	// termination

	// Every explanation: a delete (requests), a failed postStart (hooks),
	// a probe's threshold (probes).
	noUnexplainedKill().needs(ObsActions | ObsHooks | ObsProbes | ObsRequests),
	graceOnlyShrinks().needs(ObsRequests),
	// Compares the deletes with the world's (Context.Events). Not exact:
	// the requests are the world's actions, recorded when made, not paced by
	// a sync.
	deleteRequestsHonoured().needs(ObsRequests),
	// Not exact: PodRemoved "at once" is the API server's doing, not paced
	// by a sync; the stop timeout after a force delete is the floor however
	// late the kill. Which kills the force delete's grace governs: not those
	// of the sync in progress at the delete (busy: hooks; a failed postStart:
	// hooks; a planned probe kill: probes).
	forceDeleteRemoves().needs(ObsActions | ObsHooks | ObsProbes | ObsRequests),
	stopTimeoutFloor().needs(ObsActions),
	// The kill's stages: its grace (requests, probes) and the preStop's
	// whole seconds (hooks). Exact: the timeout is the grace minus the
	// seconds since the kill began (at the delete, or when the sync in
	// progress then ended), so a late stop signal with the kubelet's full
	// grace breaks it.
	stopTimeoutExact().needs(ObsActions | ObsHooks | ObsProbes | ObsRequests).exactTiming(),
	// Exact: the exit is due at the stop signal + timeout, no later.
	stopTimeoutHonoured().needs(ObsActions).exactTiming(),
	// The kill's start (its preStop: hooks) and grace (requests, probes).
	sigkillNotBeforeGrace().needs(ObsActions | ObsHooks | ObsProbes | ObsRequests),
	// The termination begins when the sync in progress at the delete ends
	// (busy: hooks); a kill begun before keeps its own grace (its reason:
	// hooks, probes; a probe's terminationGracePeriodSeconds: probes).
	// Exact: a deadline from the kill's start, which a late kill
	// overshoots.
	sigkillByGracePlus2s().needs(ObsActions | ObsHooks | ObsProbes | ObsRequests).exactTiming(),
	// Whose turn it is: preStop running (hooks), the pod ending on its own
	// or a kill explained by a probe (probes), the delete (requests).
	// Exact: the stop signal must come in the same instant.
	sidecarReverseTermination().needs(ObsActions | ObsHooks | ObsProbes | ObsRequests).exactTiming(),
	// Runs are enough for "no container runs"; the sandbox is judged only
	// when the trace reports sandbox actions.
	podRemovedAfterTermination().needs(ObsRuns | ObsRequests),
	// The world's script and the runs; not exact: the run's slack
	// (Context.Slack) bounds how late the report may be.
	exitsReported().needs(ObsRuns),

	// phase

	// The in-flight plan (busy: hooks).
	terminalPhaseAbsorbing().needs(ObsActions | ObsHooks | ObsPhase),
	// A force-deleted pod need not end Failed (requests).
	succeededIffAllAppExitZero().needs(ObsActions | ObsRequests | ObsPhase),

	// status (these compare each status with the trace up to it, not times)

	restartCountMonotone().needs(ObsContainerStatuses),
	restartCountMatchesStarts().needs(ObsActions | ObsContainerStatuses),
	readyImpliesStarted().needs(ObsContainerStatuses),
	// The gates' conditions and Ready, both in the statuses; not exact:
	// the run's slack bounds the kubelet's reaction.
	readyNeedsGates().needs(ObsConditions),
	readyImpliesRunning().needs(ObsContainerStatuses),
	// started = running, postStart done (hooks), startup success (probes).
	startedFlag().needs(ObsActions | ObsHooks | ObsProbes | ObsRequests | ObsContainerStatuses),
	// The condition is derived from the container statuses, the phase and
	// the previous conditions; True before an app started needs the
	// sidecars started (probes; without hooks "started" is only wider), and
	// a deleted pod is not concerned (requests).
	initializedCondition().needs(ObsActions | ObsProbes | ObsRequests | ObsContainerStatuses | ObsPhase | ObsConditions),
	// The conditions are derived from the container statuses and the
	// phase; ContainersReady True needs every container ready by its
	// readiness results (probes; without hooks "ready" is only wider).
	containersReadyCondition().needs(ObsActions | ObsHooks | ObsProbes | ObsRequests | ObsContainerStatuses | ObsPhase | ObsConditions),
	// kubectl (implying every status part); Terminating once deleted
	// (requests); CrashLoopBackOff needs a BackOff (backoff) since the
	// container's last exit: without actions any earlier BackOff counts,
	// which is weaker, never wrong, and lets an API watcher that sees
	// statuses, deletes and BackOff events check it.
	kubectlStatusConsistent().needs(ObsBackOff | ObsRequests | ObsKubectl),
}

// needs sets what the property needs a trace to report.
func (p Property) needs(o Observables) Property { p.Needs = o; return p }

// exactTiming marks the property Exact.
func (p Property) exactTiming() Property { p.Exact = true; return p }

// Applicable returns the properties that apply to an implementation whose
// traces report o: those whose needs o covers (kubectl implies every part
// of a status) and, unless exact, none of the Exact ones (for an
// implementation that may act later than the earliest moment, as a real
// kubelet does by up to a sync period). They come in catalogue order; the
// slice is the caller's.
func Applicable(o Observables, exact bool) []Property {
	o = o.Normal()
	var out []Property
	for _, p := range catalogue {
		if o.Has(p.Needs) && (exact || !p.Exact) {
			out = append(out, p)
		}
	}
	return out
}
