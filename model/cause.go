package model

import (
	"strconv"
	"time"
)

// Cause says why the model took an action: the kubelet rule that produced
// it, named after the upstream function it mirrors, with the numbers that
// matter ("restart refused: back-off 20s from the exit at 13s
// (kuberuntime_manager.go doBackOff)").
//
// A Cause is small and holds no formatted text: the model runs millions
// of times in a fuzzing session, so it only records a rule and a few
// numbers, and String formats them when someone asks. It is not part of
// an Action, so it is never part of a trace and never compared: ask the
// model for the causes of the actions it just returned (Model.Causes,
// Sim.Causes, RunExplained). The zero Cause means "no cause recorded".
type Cause struct {
	rule rule
	k    uint8 // a probe slot, hook, kill reason or policy, by rule
	f    uint8 // flags, by rule
	n    int32 // a count or an exit code, by rule
	name string
	a    time.Duration
	b    time.Duration
	c    time.Duration
}

// rule names the kubelet rule behind a Cause.
type rule uint8

const (
	rNone rule = iota

	// pod sandbox
	rAdmitted        // first sync creates the sandbox
	rSandboxAgain    // computePodActions' createPodSandbox branch
	rSandboxStopKill // KillPod stops the sandbox once every container is gone
	rSandboxStopTerm // the terminated pod's sandbox is stopped

	// starts (ContainerCreated, ContainerStarted); b, c: back-off waited, ended
	rStartFirstInit     // first init container
	rStartNextInit      // name exited 0 at a
	rStartAfterSidecar  // sidecar name started (f&1: its startup probe succeeded)
	rStartInitAgain     // init container exited n at a
	rStartSidecarAgain  // sidecar exited n at a
	rStartSidecarAbsent // sidecar not started but later init containers were
	rStartApp           // pod initialized (k=1: no init containers)
	rStartAppAgain      // exited n at a; k: restart policy (policyX)
	rStartAfterKill     // restart after a probe kill (k: killReason)
	rStartNewSandbox    // the sandbox was re-created
	rStartMutant        // a mutant's rule

	// hooks
	rPostStartRun  // startContainer runs postStart
	rHookReturned  // the world's hook completion (k: hook, f&1: failed)
	rHookInvalid   // handler neither exec, httpGet nor sleep (k: hook)
	rHookGone      // the container exited during the hook (k: hook)
	rPreStopRun    // killContainer runs preStop with grace a (k: killReason, n: threshold)
	rPreStopExpire // preStop still running when grace a from b ran out

	// probes (ProbeResult): k probe slot, n run of equal answers, c threshold
	rProbeTick   // worker tick, period a, ticker from b (f&1: from a manual run)
	rProbeManual // manual readiness run at the status generation at a

	// kills
	rStop    // StopContainer timeout a: grace b minus c (k: killReason, n: threshold, f: stopFlags)
	rSIGKILL // timeout a from the stop signal at b ran out
	rExit    // the world's exit (f: exitFlags)
	rExitKilled
	rBackOff // delay a from the exit at b, until c

	// deletes
	rDelete      // API delete with grace a (f&1: the pod's own)
	rDeleteKeep  // a later delete with grace a keeps b
	rForceDelete // f&1: a delete with grace 0
	rRemovedForce
	rRemovedDone

	// statuses (a: when the sync started)
	rStatusSync
	rStatusSyncEnd
	rStatusTerminating
	rStatusTerminated
	rStatusPatch
	rStatusSandboxReady
	rStatusAdmitted
	rStatusStopped
	rStatusConditionSet // name: the condition type, f: its status (condStatusFlag)

	// timers (NextTimerCause)
	tProbePending
	tProbeTick     // k probe, name, a period
	tPreStopExpire // name, a grace
	tOrderWait     // name, a grace
	tSIGKILL       // name, a timeout
	tBackOffEnd    // name, a delay, b exit
	tResync
)

// restart policies as rStartAppAgain names them.
const (
	policyAlways uint8 = iota
	policyOnFailure
	policyRules
)

// stop flags of rStop.
const (
	stopFloor      uint8 = 1 << iota // the minimum grace period raised the timeout
	stopWaited                       // c includes the termination-order wait
	stopWaitExpire                   // the order wait ran out of grace
	stopPreStop                      // c includes a preStop hook
)

// back-off flags of the start rules (in f, above the rules' own bits).
const (
	startBackOffReset uint8 = 0x40 // the back-off was reset
	startNoBackOff    uint8 = 0x80 // no back-off entry yet
)

// exit flags of rExit.
const (
	exitOOM      uint8 = 1 << iota
	exitStopping       // after the stop signal
)

var probeNames = [nProbes]string{"startup", "liveness", "readiness"}

var hookNames = [...]string{HookPostStart, HookPreStop}

const (
	hookPostStart uint8 = iota
	hookPreStop
)

// IsZero reports whether no cause was recorded.
func (c Cause) IsZero() bool { return c.rule == rNone }

// IsPatch reports whether c is the cause of a status that only patches the
// last generated one with probe results (the status manager's
// SetContainerReadiness or SetContainerStartup while the pod worker is
// busy): such a status shows no container start or exit since.
//
// A controller's patch of a readiness gate's condition is one too: it
// changes only that condition.
func (c Cause) IsPatch() bool { return c.rule == rStatusPatch || c.rule == rStatusConditionSet }

// IsTerminated reports whether c is the cause of a status generated after
// the pod worker finished terminating the pod (SyncTerminatedPod, and the
// status manager's TerminatePod): from then on no container of the pod
// can run, and the status manager lets a terminal phase reach the API
// server (status_manager.go mergePodStatus, couldHaveRunningContainers).
func (c Cause) IsTerminated() bool { return c.rule == rStatusTerminated }

func secs(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) + "s" }

func (c Cause) probe() string {
	if int(c.k) < len(probeNames) {
		return probeNames[c.k]
	}
	return "probe"
}

func (c Cause) hook() string {
	if int(c.k) < len(hookNames) {
		return hookNames[c.k]
	}
	return "hook"
}

// killWhy says why a kill began (k: killReason, n: the probe's failure
// threshold).
func (c Cause) killWhy() string {
	switch killReason(c.k) {
	case reasonDelete:
		return "the pod was deleted: KillPod (pod_workers.go SyncTerminatingPod)"
	case reasonKillPod:
		return "no container of the pod will run again: KillPod (computePodActions)"
	case reasonLiveness:
		return "liveness failed " + times(c.n) + ": kill (prober/worker.go, kuberuntime_manager.go computePodActions)"
	case reasonStartup:
		return "startup probe failed " + times(c.n) + ": kill (prober/worker.go, kuberuntime_manager.go computePodActions)"
	case reasonPostStart:
		return "its postStart hook failed: kill (startContainer, FailedPostStartHook)"
	}
	return "kill"
}

func times(n int32) string {
	if n == 1 {
		return "once"
	}
	return strconv.Itoa(int(n)) + " times in a row"
}

// String formats the cause as a short phrase, or "" for the zero Cause.
func (c Cause) String() string {
	s := c.phrase()
	if c.rule >= rStartFirstInit && c.rule <= rStartMutant {
		switch {
		case c.f&startNoBackOff != 0:
			s += "; its first restart: no back-off yet (doBackOff)"
		case c.f&startBackOffReset != 0:
			s += "; its back-off was reset: its last restart was longer ago than the reset period (doBackOff)"
		case c.b > 0:
			s += "; back-off " + c.b.String() + " ended at " + c.c.String() + " (doBackOff)"
		}
	}
	return s
}

func (c Cause) phrase() string {
	n := strconv.Itoa(int(c.n))
	switch c.rule {
	case rNone:
		return ""
	case rAdmitted:
		return "pod admitted: its first sync creates the sandbox (SyncPod createPodSandbox)"
	case rSandboxAgain:
		return "the pod's sandbox is gone and the pod is not done: the sync creates a new one (computePodActions createPodSandbox)"
	case rSandboxStopKill:
		return "every container has stopped: KillPod stops the sandbox (killPodWithSyncResult)"
	case rSandboxStopTerm:
		return "the pod is terminated: its sandbox is stopped (SyncTerminatingPod)"

	case rStartFirstInit:
		return "first init container, none has run yet (computeInitContainerActions)"
	case rStartNextInit:
		return "next init container after " + c.name + " exited 0 at " + c.a.String() + " (computeInitContainerActions)"
	case rStartAfterSidecar:
		if c.f&1 != 0 {
			return "next init container after sidecar " + c.name + " passed its startup probe (computeInitContainerActions)"
		}
		return "next init container after sidecar " + c.name + " started (computeInitContainerActions)"
	case rStartInitAgain:
		return "init container exited " + n + " at " + c.a.String() + ": run it again, the pod's restartPolicy is not Never (computeInitContainerActions)"
	case rStartSidecarAgain:
		return "sidecar exited " + n + " at " + c.a.String() + ": restartPolicy Always starts it again (computeInitContainerActions)"
	case rStartSidecarAbsent:
		return "sidecar not running though a later init container ran: start it (computeInitContainerActions)"
	case rStartApp:
		if c.k == 1 {
			return "no init containers: start the app container (computePodActions)"
		}
		return "the pod has initialized: start the app container (computePodActions)"
	case rStartAppAgain:
		pol := "restartPolicy Always"
		switch c.k {
		case policyOnFailure:
			pol = "restartPolicy OnFailure"
		case policyRules:
			pol = "its own restart policy"
		}
		return "exited " + n + " at " + c.a.String() + " and " + pol + " restarts it (ShouldContainerBeRestarted, computePodActions)"
	case rStartAfterKill:
		if killReason(c.k) == reasonStartup {
			return "killed for its startup probe: start it again (computePodActions)"
		}
		return "killed for its liveness probe: start it again (computePodActions)"
	case rStartNewSandbox:
		return "new sandbox: the sync starts the pod's containers from the first (computePodActions createPodSandbox)"
	case rStartMutant:
		return "next init container at once (mutant)"

	case rPostStartRun:
		return "postStart runs right after the start; the sync waits for it (startContainer)"
	case rHookReturned:
		if c.f&1 != 0 {
			return "the " + c.hook() + " hook returned an error (input)"
		}
		return "the " + c.hook() + " hook returned (input)"
	case rHookInvalid:
		return "the " + c.hook() + " handler is not exec, httpGet or sleep: it fails at once (lifecycle/handlers.go Run)"
	case rHookGone:
		return "the container exited while its " + c.hook() + " hook ran"
	case rPreStopRun:
		return "kill with grace " + secs(c.a) + " starts with the preStop hook (killContainer executePreStopHook); " + c.killWhy()
	case rPreStopExpire:
		return "preStop still running when its grace " + secs(c.a) + " from " + c.b.String() + " ran out: abandoned (executePreStopHook)"

	case rProbeTick, rProbeManual:
		var s string
		if c.rule == rProbeManual {
			s = "readiness manual run: the status generation at " + c.a.String() + " found the container started but not ready (prober_manager UpdatePodStatus)"
		} else {
			from := "admission"
			if c.f&1 != 0 {
				from = "the manual run at " + c.b.String()
			}
			s = c.probe() + " worker tick, period " + secs(c.a) + " from " + from + " (prober/worker.go)"
		}
		if c.n > 0 {
			what := "failure"
			if c.f&2 != 0 {
				what = "success"
			}
			s += "; " + what + " " + n + " in a row, threshold " + strconv.Itoa(int(c.c))
		}
		return s

	case rStop:
		var s string
		t := secs(c.a)
		switch {
		case c.f&stopWaitExpire != 0:
			s = "stop signal with timeout " + t + ": the termination-order wait used up grace " + secs(c.b)
		case c.f&stopFloor != 0 && c.c == 0:
			s = "stop signal with timeout " + t + ": the minimum grace period, the grace being " + secs(c.b)
		case c.f&stopFloor != 0:
			s = "stop signal with timeout " + t + ": the minimum grace period, grace " + secs(c.b) + " minus " + secs(c.c) + " used leaving " + secs(c.b-c.c)
		case c.c > 0 && c.f&stopPreStop != 0 && c.f&stopWaited != 0:
			s = "stop signal with timeout " + t + ": grace " + secs(c.b) + " minus " + secs(c.c) + " of preStop and termination-order wait"
		case c.c > 0 && c.f&stopWaited != 0:
			s = "stop signal with timeout " + t + ": grace " + secs(c.b) + " minus " + secs(c.c) + " waiting for the containers that stop first"
		case c.c > 0:
			s = "stop signal with timeout " + t + ": grace " + secs(c.b) + " minus " + secs(c.c) + " of preStop"
		default:
			s = "stop signal with timeout " + t + ": the whole grace period"
		}
		return s + " (killContainer); " + c.killWhy()
	case rSIGKILL:
		return "stop timeout " + secs(c.a) + " from the stop signal at " + c.b.String() + " ran out: the runtime kills it (StopContainer)"
	case rExit:
		switch {
		case c.f&exitOOM != 0:
			return "OOM-killed (input)"
		case c.f&exitStopping != 0:
			return "the container stopped after the stop signal (input)"
		}
		return "the container exited on its own (input)"
	case rExitKilled:
		return "SIGKILL ends the container: exit 137 (runtime)"
	case rBackOff:
		return "restart refused: back-off " + c.a.String() + " from the exit at " + c.b.String() + ", until " + c.c.String() + " (kuberuntime_manager.go doBackOff)"

	case rDelete:
		if c.f&1 != 0 {
			return "API delete with the pod's terminationGracePeriodSeconds " + secs(c.a) + " (input)"
		}
		return "API delete with grace " + secs(c.a) + " (input)"
	case rDeleteKeep:
		return "a later delete with grace " + secs(c.a) + " cannot lengthen the grace: it stays " + secs(c.b) + " (input; the API server keeps the shorter)"
	case rForceDelete:
		if c.f&1 != 0 {
			return "a delete with grace 0 is a force delete (input)"
		}
		return "force delete (input)"
	case rRemovedForce:
		return "a force delete removes the API object at once"
	case rRemovedDone:
		return "the deleted pod has terminated: the status manager deletes the API object (status_manager canBeDeleted)"

	case rStatusSync:
		return "status generation at the start of the sync at " + c.a.String() + " (generateAPIPodStatus, status_manager SetPodStatus)"
	case rStatusSyncEnd:
		return "status generation after the sync at " + c.a.String() + " (status_manager SetPodStatus / generateAPIPodStatus)"
	case rStatusTerminating:
		return "status generation as the pod worker starts terminating the pod at " + c.a.String() + " (SyncTerminatingPod)"
	case rStatusTerminated:
		return "the pod has terminated: what never ended is marked failed (status_manager TerminatePod)"
	case rStatusPatch:
		return "a readiness or startup result, which the status manager writes into its copy before any sync it triggers, and alone while the pod worker is busy (status_manager SetContainerReadiness / SetContainerStartup)"
	case rStatusAdmitted:
		return "the first sync's status generation, before the sandbox exists: PodReadyToStartContainers=False (kubelet.go SyncPod: generateAPIPodStatus and SetPodStatus come before the runtime's SyncPod)"
	case rStatusStopped:
		return "every container has stopped: the pod worker's last status generation as it finishes terminating the pod, before the status manager's TerminatePod (kubelet.go SyncTerminatingPod, generateAPIPodStatus with podIsTerminal)"
	case rStatusSandboxReady:
		return "the new sandbox is ready: PodReadyToStartContainers (OnPodSandboxReady)"
	case rStatusConditionSet:
		return "a controller set the readiness gate's condition " + c.name + " to " + condStatusName(c.f) + " in the API object (input; the kubelet's writes keep it: status_manager mergePodStatus)"

	case tProbePending:
		return "the " + c.probe() + " probe of " + c.name + " awaits its answer"
	case tProbeTick:
		return c.probe() + " probe of " + c.name + ", period " + secs(c.a)
	case tPreStopExpire:
		return "the preStop hook of " + c.name + " runs out of its grace " + secs(c.a)
	case tOrderWait:
		return c.name + " stops at the latest when its termination-order wait runs out of grace " + secs(c.a)
	case tSIGKILL:
		return "SIGKILL of " + c.name + " when its stop timeout " + secs(c.a) + " runs out"
	case tBackOffEnd:
		return "back-off " + c.a.String() + " of " + c.name + " from the exit at " + c.b.String() + " ends: the next sync restarts it"
	case tResync:
		return "the pod worker's periodic sync (every " + c.a.String() + ", syncFrequency), whose status generation runs readiness probes"
	}
	return "rule " + strconv.Itoa(int(c.rule))
}

// NextTimerCause says what the timer NextTimer reports is for ("readiness
// probe of app, period 10s"); the zero Cause if the model has no timer.
// It formats nothing and is meant for messages, not for the hot path.
func (m *Model) NextTimerCause() Cause {
	var why Cause
	best, ok := time.Duration(0), false
	consider := func(t time.Duration, c Cause) {
		if !ok || t < best {
			best, ok, why = t, true, c
		}
	}
	for i := range m.ctrs {
		c := &m.ctrs[i]
		for p := 0; p < nProbes; p++ {
			ps := &c.probes[p]
			if ps.pending {
				consider(m.now, Cause{rule: tProbePending, k: uint8(p), name: c.name})
			} else if ps.alive {
				consider(ps.nextTick, Cause{rule: tProbeTick, k: uint8(p), name: c.name, a: time.Duration(probePeriod(ps.spec)) * time.Second})
			}
		}
		if c.running && c.kill.stage != stNone {
			k := &c.kill
			var w Cause
			switch k.stage {
			case stPreStop:
				w = Cause{rule: tPreStopExpire, name: c.name, a: time.Duration(k.grace) * time.Second}
			case stWait:
				w = Cause{rule: tOrderWait, name: c.name, a: time.Duration(k.grace) * time.Second}
			default:
				w = Cause{rule: tSIGKILL, name: c.name, a: k.deadline - k.stageStart}
			}
			consider(k.deadline, w)
		}
		if c.boTimer && !m.deleting && m.terminalPhase == "" {
			consider(c.boUntil, Cause{rule: tBackOffEnd, name: c.name, a: c.boDelay, b: c.cur.finishedAt})
		}
	}
	if m.resyncDue() {
		consider(m.resyncAt, Cause{rule: tResync, a: m.resync})
	}
	return why
}

// DescribeContainer says in a few words what the model holds of container
// name now, for messages ("init-a is running (attempt 0, started at 3s)";
// "app-a has not started: it waits for init container init-a, running
// since 3s"). It formats text: keep it off the hot path.
func (m *Model) DescribeContainer(name string) string {
	i, err := m.find(name)
	if err != nil {
		return "the pod has no container " + strconv.Quote(name)
	}
	c := &m.ctrs[i]
	var s string
	switch {
	case c.running && c.kill.stage != stNone:
		k := &c.kill
		switch k.stage {
		case stPreStop:
			s = name + " is being killed: its preStop hook runs since " + k.stageStart.String() + " with grace " + secs(time.Duration(k.grace)*time.Second)
		case stWait:
			s = name + " is being killed: it waits since " + k.stageStart.String() + " for the containers that stop before it"
		default:
			s = name + " is being killed: stop signal at " + k.stageStart.String() + ", SIGKILL at " + k.deadline.String()
		}
	case c.running && c.inPostStart:
		s = name + " is running its postStart hook (attempt " + strconv.Itoa(c.attempt) + ", started at " + c.startedAt.String() + "), and the sync waits for it"
	case c.running:
		s = name + " is running (attempt " + strconv.Itoa(c.attempt) + ", started at " + c.startedAt.String() + ")"
	case c.instances == 0 || c.purged:
		s = name + " has not started"
		switch {
		case m.block == blockPostStart:
			s += ": the sync waits for the postStart hook of " + m.ctrs[m.blockC].name
		case m.block == blockKill:
			s += ": the sync waits for the kill of " + m.ctrs[m.blockC].name
		case m.block == blockKillPod:
			s += ": the pod worker is killing the pod"
		default:
			if w := m.waitingFor(i); w != "" {
				s += ": " + w
			}
		}
	default:
		s = name + " exited " + strconv.Itoa(int(c.cur.exitCode)) + " at " + c.cur.finishedAt.String() + " (attempt " + strconv.Itoa(c.attempt) + ")"
		switch {
		case c.boTimer:
			s += "; back-off " + c.boDelay.String() + " until " + c.boUntil.String()
		case m.deleting:
			s += "; the pod is being deleted, so nothing restarts"
		case m.terminalPhase != "":
			s += "; the pod is " + string(m.terminalPhase)
		case c.kind != kindSidecar && !m.shouldRestart(c):
			s += "; its restart policy does not restart it"
		}
	}
	if m.deleting && c.instances == 0 {
		s += "; the pod is being deleted, so nothing starts"
	}
	return s
}

// waitingFor says what a container that has not started waits for: the
// init container before it that has not completed.
func (m *Model) waitingFor(i int) string {
	last := i
	if i >= m.nInit {
		last = m.nInit
	}
	for j := 0; j < last; j++ {
		c := &m.ctrs[j]
		switch {
		case c.kind == kindSidecar && (c.instances == 0 || c.purged):
			return "sidecar " + c.name + " has not started yet"
		case c.kind == kindSidecar && c.running && !c.started():
			return "it waits for sidecar " + c.name + " to start (startup probe), so SyncPod starts nothing after it"
		case c.kind == kindSidecar:
		case c.running:
			return "init container " + c.name + " is still running (started at " + c.startedAt.String() + "), so SyncPod starts nothing after it"
		case c.instances == 0 || c.purged:
			return "init container " + c.name + " has not run yet"
		case c.cur.exitCode != 0:
			return "init container " + c.name + " exited " + strconv.Itoa(int(c.cur.exitCode)) + " at " + c.cur.finishedAt.String() + " and must run again first"
		}
	}
	return ""
}
