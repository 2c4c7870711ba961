package model

// Pure status derivation: the pod phase, the kubelet-owned pod conditions and
// the columns `kubectl get pods` prints, each computed the way Kubernetes
// v1.36 (k8s.io/kubernetes v1.36.3) computes them, with default feature gates.
//
// These functions run in the fuzzer's hot loop: they build no maps, use no
// reflection and format with fmt only where upstream formats a message.

import (
	"strconv"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/duration"
)

// Reasons and other literal strings used by the kubelet and the pod printer.
const (
	// Condition reasons, from pkg/kubelet/status/generate.go.
	ReasonUnknownContainerStatuses = "UnknownContainerStatuses"
	ReasonPodCompleted             = "PodCompleted"
	ReasonPodFailed                = "PodFailed"
	ReasonContainersNotReady       = "ContainersNotReady"
	ReasonContainersNotInitialized = "ContainersNotInitialized"
	ReasonReadinessGatesNotReady   = "ReadinessGatesNotReady"

	// ReasonRestartingAllContainers is the termination reason the kubelet
	// gives a container it stops for a RestartAllContainers rule
	// (RestartingAllContainers in pkg/kubelet/kubelet_pods.go).
	ReasonRestartingAllContainers = "RestartingAllContainers"

	// configSourceAnnotation and apiserverSource decide whether a pod is
	// static (kubetypes.IsStaticPod in pkg/kubelet/types/pod_update.go).
	configSourceAnnotation = "kubernetes.io/config.source"
	apiserverSource        = "api"

	// nodeUnreachablePodReason is node.NodeUnreachablePodReason
	// (pkg/util/node/node.go), which printPod turns into "Unknown".
	nodeUnreachablePodReason = "NodeLost"
)

// IsSidecar reports whether c is a restartable init container ("sidecar"):
// an init container whose own restartPolicy is Always. A nil container is not
// a sidecar.
//
// Mirrors podutil.IsRestartableInitContainer (pkg/api/v1/pod/util.go).
func IsSidecar(c *v1.Container) bool {
	return c != nil && c.RestartPolicy != nil && *c.RestartPolicy == v1.ContainerRestartPolicyAlways
}

// statusIn returns the first status named name in a, else in b, else nil.
// Callers pass the two lists in the order upstream concatenates them, so the
// result matches podutil.GetContainerStatus over the concatenation even when
// a name appears twice.
func statusIn(a, b []v1.ContainerStatus, name string) *v1.ContainerStatus {
	for i := range a {
		if a[i].Name == name {
			return &a[i]
		}
	}
	for i := range b {
		if b[i].Name == name {
			return &b[i]
		}
	}
	return nil
}

// isStaticPod mirrors kubetypes.IsStaticPod (pkg/kubelet/types/pod_update.go):
// the pod carries a config-source annotation and it is not "api".
func isStaticPod(pod *v1.Pod) bool {
	src, ok := pod.Annotations[configSourceAnnotation]
	return ok && src != apiserverSource
}

// matchingRestartRule mirrors podutil.FindMatchingContainerRestartRule
// (pkg/api/v1/pod/util.go): the first rule whose exit-code requirement
// matches code. Rules without exitCodes, or with an unknown operator, never
// match.
func matchingRestartRule(c *v1.Container, code int32) (v1.ContainerRestartRuleAction, bool) {
	for i := range c.RestartPolicyRules {
		r := &c.RestartPolicyRules[i]
		if r.ExitCodes == nil {
			continue
		}
		in := false
		for _, v := range r.ExitCodes.Values {
			if v == code {
				in = true
			}
		}
		switch r.ExitCodes.Operator {
		case v1.ContainerRestartRuleOnExitCodesOpIn:
			if in {
				return r.Action, true
			}
		case v1.ContainerRestartRuleOnExitCodesOpNotIn:
			if !in {
				return r.Action, true
			}
		}
	}
	return "", false
}

// containerShouldRestart mirrors podutil.ContainerShouldRestart
// (pkg/api/v1/pod/util.go) with RestartAllContainersOnContainerExits on (its
// v1.36 default): a matching Restart or RestartAllContainers rule restarts;
// otherwise the container's own restartPolicy decides; otherwise the pod's,
// where an unknown or empty pod policy counts as Always.
func containerShouldRestart(c *v1.Container, spec *v1.PodSpec, code int32) bool {
	if c.RestartPolicy != nil {
		if action, ok := matchingRestartRule(c, code); ok {
			switch action {
			case v1.ContainerRestartRuleActionRestart, v1.ContainerRestartRuleActionRestartAllContainers:
				return true
			}
		}
		switch *c.RestartPolicy {
		case v1.ContainerRestartPolicyAlways:
			return true
		case v1.ContainerRestartPolicyOnFailure:
			return code != 0
		case v1.ContainerRestartPolicyNever:
			return false
		}
	}
	switch spec.RestartPolicy {
	case v1.RestartPolicyOnFailure:
		return code != 0
	case v1.RestartPolicyNever:
		return false
	default: // Always, and anything unrecognised
		return true
	}
}

// restartableAfter is the "restartable" test getPhase applies to one
// termination with ContainerRestartRules and
// RestartAllContainersOnContainerExits both on (v1.36 defaults): the
// container's restart policy would restart it, or the kubelet stopped it to
// restart all containers.
func restartableAfter(c *v1.Container, spec *v1.PodSpec, t *v1.ContainerStateTerminated) bool {
	return containerShouldRestart(c, spec, t.ExitCode) || t.Reason == ReasonRestartingAllContainers
}

// PodPhase returns the phase the kubelet derives for pod from its container
// statuses. podIsTerminal says the kubelet has decided the pod will run no
// more containers; podHasInitialized says some regular container of the
// current sandbox has been created (upstream passes
// kubecontainer.HasAnyActiveRegularContainerStarted over the runtime's view,
// which also counts exited containers).
//
// Mirrors getPhase (pkg/kubelet/kubelet_pods.go, v1.36) with its default
// feature gates (ContainerRestartRules and RestartAllContainersOnContainerExits
// both beta and on). Upstream takes one list, ContainerStatuses followed by
// InitContainerStatuses; this takes the two lists and looks every container
// up in statuses first, then in initStatuses, as the concatenation would.
// The rules, in order:
//
//   - A regular init container that terminated non-zero (now, or last time
//     while it waits to restart) and would not be restarted fails the pod.
//   - Pending while a regular init container has no status, is running, or
//     is waiting without ever having terminated; while a sidecar has no
//     state, waits without a past termination, or runs without having
//     started, unless podHasInitialized; or while any regular container waits
//     without a past termination.
//   - Running when something runs and every sidecar and regular container
//     has a status.
//   - When nothing runs and at least one regular container stopped (a waiting
//     container with a past termination counts as stopped): a terminal,
//     non-static pod is Succeeded if every stopped container exited 0, else
//     Failed; otherwise Running if any stopped container would be restarted,
//     else Succeeded or Failed the same way.
//   - Pending otherwise.
//
// Terminated sidecars, and waiting sidecars with a past termination, are
// ignored.
func PodPhase(pod *v1.Pod, initStatuses, statuses []v1.ContainerStatus, podIsTerminal, podHasInitialized bool) v1.PodPhase {
	spec := &pod.Spec
	pendingInit := 0     // regular init containers not yet done
	pendingSidecars := 0 // sidecars not yet started
	failedInitFinal := 0 // failed regular init containers that will not restart

	unknown, running, waiting, stopped, stoppedFinal, succeeded := 0, 0, 0, 0, 0, 0

	// Upstream walks the init containers twice (regular, then sidecars); the
	// counters are independent, so one pass gives the same counts.
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		st := statusIn(statuses, initStatuses, c.Name)
		if IsSidecar(c) {
			switch {
			case st == nil:
				unknown++
			case st.State.Running != nil:
				if st.Started == nil || !*st.Started {
					pendingSidecars++
				}
				running++
			case st.State.Terminated != nil:
				// ignored
			case st.State.Waiting != nil:
				if st.LastTerminationState.Terminated == nil {
					pendingSidecars++
					waiting++
				}
			default:
				pendingSidecars++
				unknown++
			}
			continue
		}
		switch {
		case st == nil, st.State.Running != nil:
			pendingInit++
		case st.State.Terminated != nil:
			if t := st.State.Terminated; t.ExitCode != 0 && !restartableAfter(c, spec, t) {
				failedInitFinal++
			}
		case st.State.Waiting != nil:
			if t := st.LastTerminationState.Terminated; t == nil {
				pendingInit++
			} else if t.ExitCode != 0 && !restartableAfter(c, spec, t) {
				failedInitFinal++
			}
		default:
			pendingInit++
		}
	}

	for i := range spec.Containers {
		c := &spec.Containers[i]
		st := statusIn(statuses, initStatuses, c.Name)
		switch {
		case st == nil:
			unknown++
		case st.State.Running != nil:
			running++
		case st.State.Terminated != nil:
			t := st.State.Terminated
			stopped++
			if !restartableAfter(c, spec, t) {
				stoppedFinal++
			}
			if t.ExitCode == 0 {
				succeeded++
			}
		case st.State.Waiting != nil:
			if t := st.LastTerminationState.Terminated; t != nil {
				// Upstream does not count a past success here.
				stopped++
				if !restartableAfter(c, spec, t) {
					stoppedFinal++
				}
			} else {
				waiting++
			}
		default:
			unknown++
		}
	}

	if failedInitFinal > 0 {
		return v1.PodFailed
	}
	switch {
	case pendingInit > 0 || (pendingSidecars > 0 && !podHasInitialized) || waiting > 0:
		return v1.PodPending
	case running > 0 && unknown == 0:
		return v1.PodRunning
	case running == 0 && stopped > 0 && unknown == 0:
		if podIsTerminal && !isStaticPod(pod) {
			if stopped == succeeded {
				return v1.PodSucceeded
			}
			return v1.PodFailed
		}
		if stopped != stoppedFinal {
			return v1.PodRunning
		}
		if stopped == succeeded {
			return v1.PodSucceeded
		}
		return v1.PodFailed
	default:
		return v1.PodPending
	}
}

// isRegularContainer reports whether spec lists a regular container named
// name.
func isRegularContainer(spec *v1.PodSpec, name string) bool {
	for i := range spec.Containers {
		if spec.Containers[i].Name == name {
			return true
		}
	}
	return false
}

// HasAnyRegularContainerStarted reports whether any status in statuses that
// names a regular container of spec is running or terminated. A waiting
// container does not count, even if it terminated before.
//
// Mirrors kubecontainer.HasAnyRegularContainerStarted
// (pkg/kubelet/container/helpers.go), which GeneratePodInitializedCondition
// uses. (getPhase's podHasInitialized comes instead from
// HasAnyActiveRegularContainerStarted, over the runtime's view.)
func HasAnyRegularContainerStarted(spec *v1.PodSpec, statuses []v1.ContainerStatus) bool {
	for i := range statuses {
		st := &statuses[i]
		if (st.State.Running != nil || st.State.Terminated != nil) && isRegularContainer(spec, st.Name) {
			return true
		}
	}
	return false
}

// statusesNil reports whether upstream's
// append(InitContainerStatuses, ContainerStatuses...) is nil: the first list
// is nil and the second adds nothing.
func statusesNil(initStatuses, statuses []v1.ContainerStatus) bool {
	return initStatuses == nil && len(statuses) == 0
}

// appendNameList appends "prefix[a b c]" to sb, the way fmt's %s prints a
// []string.
func appendNameList(sb *strings.Builder, prefix string, names []string) {
	sb.WriteString(prefix)
	sb.WriteByte('[')
	for i, n := range names {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(n)
	}
	sb.WriteByte(']')
}

// notReadyMessage builds upstream's "containers with unknown status: [..],
// containers with <what> status: [..]" message; either part is left out when
// its list is empty.
func notReadyMessage(unknown []string, what string, bad []string) string {
	var sb strings.Builder
	if len(unknown) > 0 {
		appendNameList(&sb, "containers with unknown status: ", unknown)
	}
	if len(bad) > 0 {
		if sb.Len() > 0 {
			sb.WriteString(", ")
		}
		appendNameList(&sb, "containers with "+what+" status: ", bad)
	}
	return sb.String()
}

// InitializedCondition returns the pod's Initialized condition.
//
// Mirrors GeneratePodInitializedCondition (pkg/kubelet/status/generate.go,
// v1.36). Upstream also takes the previous pod status: with
// RestartAllContainersOnContainerExits on (its v1.36 default) a pod whose
// previous Initialized condition was True stays initialized, so this needs
// the extra parameter oldConditions (the previous status's conditions; nil
// when there are none). The rules, in order:
//
//   - No statuses at all (upstream's combined list is nil) and some init
//     containers: False, UnknownContainerStatuses.
//   - Phase Succeeded and every init container has a status: True,
//     PodCompleted.
//   - Some regular container is running or terminated
//     (HasAnyRegularContainerStarted): True.
//   - Some init container has no status, a regular init container is not
//     ready, or a sidecar has not started: True if oldConditions holds a True
//     Initialized condition, else False, ContainersNotInitialized, "containers
//     with unknown status: [a], containers with incomplete status: [b c]".
//   - Otherwise True.
//
// Init statuses are looked up before regular ones, as upstream concatenates
// them. ObservedGeneration and the timestamps are left zero.
func InitializedCondition(pod *v1.Pod, initStatuses, statuses []v1.ContainerStatus, phase v1.PodPhase, oldConditions []v1.PodCondition) v1.PodCondition {
	cond := v1.PodCondition{Type: v1.PodInitialized, Status: v1.ConditionTrue}
	inits := pod.Spec.InitContainers
	if statusesNil(initStatuses, statuses) && len(inits) > 0 {
		cond.Status = v1.ConditionFalse
		cond.Reason = ReasonUnknownContainerStatuses
		return cond
	}

	nUnknown, nIncomplete := 0, 0
	for i := range inits {
		c := &inits[i]
		st := statusIn(initStatuses, statuses, c.Name)
		switch {
		case st == nil:
			nUnknown++
		case !initContainerDone(c, st):
			nIncomplete++
		}
	}

	if phase == v1.PodSucceeded && nUnknown == 0 {
		cond.Reason = ReasonPodCompleted
		return cond
	}
	if HasAnyRegularContainerStarted(&pod.Spec, initStatuses) || HasAnyRegularContainerStarted(&pod.Spec, statuses) {
		return cond
	}
	if nUnknown == 0 && nIncomplete == 0 {
		return cond
	}
	for i := range oldConditions {
		if oldConditions[i].Type == v1.PodInitialized && oldConditions[i].Status == v1.ConditionTrue {
			return cond
		}
	}

	// Slow path: name the containers.
	unknown := make([]string, 0, nUnknown)
	incomplete := make([]string, 0, nIncomplete)
	for i := range inits {
		c := &inits[i]
		st := statusIn(initStatuses, statuses, c.Name)
		switch {
		case st == nil:
			unknown = append(unknown, c.Name)
		case !initContainerDone(c, st):
			incomplete = append(incomplete, c.Name)
		}
	}
	cond.Status = v1.ConditionFalse
	cond.Reason = ReasonContainersNotInitialized
	cond.Message = notReadyMessage(unknown, "incomplete", incomplete)
	return cond
}

// initContainerDone mirrors isInitContainerInitialized
// (pkg/kubelet/status/generate.go): a sidecar counts once it has started, a
// regular init container once it is ready (the kubelet marks a regular init
// container ready when it exits 0).
func initContainerDone(c *v1.Container, st *v1.ContainerStatus) bool {
	if IsSidecar(c) {
		return st.Started != nil && *st.Started
	}
	return st.Ready
}

// ContainersReadyCondition returns the pod's ContainersReady condition.
//
// Mirrors GenerateContainersReadyCondition (pkg/kubelet/status/generate.go,
// v1.36). The rules, in order:
//
//   - No statuses at all (upstream's combined list is nil): False,
//     UnknownContainerStatuses.
//   - Phase Succeeded and every sidecar and regular container has a status:
//     False, PodCompleted.
//   - Phase Failed: False, PodFailed.
//   - Some sidecar or regular container has no status or is not ready:
//     False, ContainersNotReady, "containers with unknown status: [a],
//     containers with unready status: [b c]" (sidecars first, in spec order).
//   - Otherwise True.
//
// Regular init containers are not considered. Init statuses are looked up
// before regular ones, as upstream concatenates them. ObservedGeneration and
// the timestamps are left zero.
func ContainersReadyCondition(pod *v1.Pod, initStatuses, statuses []v1.ContainerStatus, phase v1.PodPhase) v1.PodCondition {
	cond := v1.PodCondition{Type: v1.ContainersReady, Status: v1.ConditionFalse}
	if statusesNil(initStatuses, statuses) {
		cond.Reason = ReasonUnknownContainerStatuses
		return cond
	}
	spec := &pod.Spec

	nUnknown, nUnready := 0, 0
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		if !IsSidecar(c) {
			continue
		}
		if st := statusIn(initStatuses, statuses, c.Name); st == nil {
			nUnknown++
		} else if !st.Ready {
			nUnready++
		}
	}
	for i := range spec.Containers {
		if st := statusIn(initStatuses, statuses, spec.Containers[i].Name); st == nil {
			nUnknown++
		} else if !st.Ready {
			nUnready++
		}
	}

	if phase == v1.PodSucceeded && nUnknown == 0 {
		cond.Reason = ReasonPodCompleted
		return cond
	}
	if phase == v1.PodFailed {
		cond.Reason = ReasonPodFailed
		return cond
	}
	if nUnknown == 0 && nUnready == 0 {
		cond.Status = v1.ConditionTrue
		return cond
	}

	// Slow path: name the containers.
	unknown := make([]string, 0, nUnknown)
	unready := make([]string, 0, nUnready)
	note := func(name string) {
		if st := statusIn(initStatuses, statuses, name); st == nil {
			unknown = append(unknown, name)
		} else if !st.Ready {
			unready = append(unready, name)
		}
	}
	for i := range spec.InitContainers {
		if IsSidecar(&spec.InitContainers[i]) {
			note(spec.InitContainers[i].Name)
		}
	}
	for i := range spec.Containers {
		note(spec.Containers[i].Name)
	}
	cond.Reason = ReasonContainersNotReady
	cond.Message = notReadyMessage(unknown, "unready", unready)
	return cond
}

// ReadyCondition returns the pod's Ready condition, given its ContainersReady
// condition (as ContainersReadyCondition computes it) and the pod's other
// conditions, in which readiness gates are looked up by type (first match).
//
// Mirrors GeneratePodReadyCondition (pkg/kubelet/status/generate.go, v1.36),
// which recomputes ContainersReady from the same inputs. The rules, in order:
//
//   - ContainersReady not True: Ready copies its status, reason and message.
//   - Some readiness gate's condition is missing or not True: False,
//     ReadinessGatesNotReady, with one message per failing gate, in gate
//     order, joined by ", ": `corresponding condition of pod readiness gate
//     "x" does not exist.` or `the status of pod readiness gate "x" is not
//     "True", but False`.
//   - Otherwise True.
//
// ObservedGeneration and the timestamps are left zero.
func ReadyCondition(pod *v1.Pod, containersReady v1.PodCondition, conditions []v1.PodCondition) v1.PodCondition {
	cond := v1.PodCondition{Type: v1.PodReady, Status: v1.ConditionTrue}
	if containersReady.Status != v1.ConditionTrue {
		cond.Status = containersReady.Status
		cond.Reason = containersReady.Reason
		cond.Message = containersReady.Message
		return cond
	}
	var sb strings.Builder
	for _, rg := range pod.Spec.ReadinessGates {
		c := findCondition(conditions, rg.ConditionType)
		if c != nil && c.Status == v1.ConditionTrue {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteString(", ")
		}
		// %q in upstream's fmt.Sprintf is strconv.Quote for a string.
		if c == nil {
			sb.WriteString("corresponding condition of pod readiness gate ")
			sb.WriteString(strconv.Quote(string(rg.ConditionType)))
			sb.WriteString(" does not exist.")
		} else {
			sb.WriteString("the status of pod readiness gate ")
			sb.WriteString(strconv.Quote(string(rg.ConditionType)))
			sb.WriteString(` is not "True", but `)
			sb.WriteString(string(c.Status))
		}
	}
	if sb.Len() > 0 {
		cond.Status = v1.ConditionFalse
		cond.Reason = ReasonReadinessGatesNotReady
		cond.Message = sb.String()
	}
	return cond
}

// findCondition mirrors podutil.GetPodConditionFromList: the first condition
// of type t, or nil.
func findCondition(conditions []v1.PodCondition, t v1.PodConditionType) *v1.PodCondition {
	for i := range conditions {
		if conditions[i].Type == t {
			return &conditions[i]
		}
	}
	return nil
}

// KubectlRow holds the NAME, READY, STATUS and RESTARTS columns of
// `kubectl get pods` (AGE is the caller's).
type KubectlRow struct {
	Name, Ready, Status, Restarts string
}

// lastInitContainer returns the last init container of spec named name, or
// nil; printPod indexes init containers through a map, so a repeated name
// resolves to the last one.
func lastInitContainer(spec *v1.PodSpec, name string) *v1.Container {
	for i := len(spec.InitContainers) - 1; i >= 0; i-- {
		if spec.InitContainers[i].Name == name {
			return &spec.InitContainers[i]
		}
	}
	return nil
}

// Kubectl returns the NAME, READY, STATUS and RESTARTS columns `kubectl get
// pods` shows for pod with status status (pod.Status is ignored unless
// status is nil), at time now. pod supplies the name, the spec and the
// deletion timestamp.
//
// Mirrors printPod (pkg/printers/internalversion/printers.go, v1.36), which
// the API server runs to build the table kubectl prints:
//
//   - STATUS starts as status.Reason, else the phase; "SchedulingGated" if a
//     PodScheduled condition has that reason.
//   - Init statuses are walked in order, summing restarts and the latest
//     last-termination finishedAt. Init containers that exited 0 are passed
//     over, as are started sidecars (counting towards READY when ready). The
//     first other one ends the walk and sets STATUS to "Init:<terminated
//     reason>", "Init:Signal:N" or "Init:ExitCode:N" (terminated without
//     reason), "Init:<waiting reason>" (unless the reason is empty or
//     PodInitializing), or "Init:i/N" with i its index among the init
//     statuses and N the number of init containers in the spec.
//   - Unless the walk stopped early while the Initialized condition is not
//     True, RESTARTS restarts from the sidecars seen and the regular statuses
//     are walked from last to first: a waiting reason or a terminated
//     reason ("Signal:N"/"ExitCode:N" when empty) replaces STATUS, and a
//     ready running container counts towards READY. A final "Completed"
//     becomes "Running" if some container is ready and running and the pod is
//     Ready, else the last non-zero exit's reason, else "NotReady" if some
//     container is ready and running.
//   - A deleted pod shows "Unknown" if its reason is NodeLost, else
//     "Terminating" unless its phase is Succeeded or Failed.
//   - READY is ready/(regular containers + sidecars in the spec); RESTARTS
//     gets " (<age> ago)" when non-zero and some counted last termination has
//     a finishedAt, with the age as duration.HumanDuration(now - finishedAt).
func Kubectl(pod *v1.Pod, status *v1.PodStatus, now time.Time) KubectlRow {
	if status == nil {
		status = &pod.Status
	}
	spec := &pod.Spec

	total := len(spec.Containers)
	for i := range spec.InitContainers {
		if IsSidecar(&spec.InitContainers[i]) {
			total++
		}
	}
	ready := 0
	restarts, sidecarRestarts := 0, 0
	var lastRestart, lastSidecarRestart time.Time

	reason := string(status.Phase)
	if status.Reason != "" {
		reason = status.Reason
	}
	for i := range status.Conditions {
		if status.Conditions[i].Type == v1.PodScheduled && status.Conditions[i].Reason == v1.PodReasonSchedulingGated {
			reason = v1.PodReasonSchedulingGated
		}
	}

	initializing := false
	for i := range status.InitContainerStatuses {
		st := &status.InitContainerStatuses[i]
		restarts += int(st.RestartCount)
		lt := st.LastTerminationState.Terminated
		if lt != nil && lastRestart.Before(lt.FinishedAt.Time) {
			lastRestart = lt.FinishedAt.Time
		}
		sidecar := IsSidecar(lastInitContainer(spec, st.Name))
		if sidecar {
			sidecarRestarts += int(st.RestartCount)
			if lt != nil && lastSidecarRestart.Before(lt.FinishedAt.Time) {
				lastSidecarRestart = lt.FinishedAt.Time
			}
		}
		t, w := st.State.Terminated, st.State.Waiting
		if t != nil && t.ExitCode == 0 {
			continue
		}
		if sidecar && st.Started != nil && *st.Started {
			if st.Ready {
				ready++
			}
			continue
		}
		switch {
		case t != nil:
			switch {
			case t.Reason != "":
				reason = "Init:" + t.Reason
			case t.Signal != 0:
				reason = "Init:Signal:" + strconv.Itoa(int(t.Signal))
			default:
				reason = "Init:ExitCode:" + strconv.Itoa(int(t.ExitCode))
			}
		case w != nil && w.Reason != "" && w.Reason != "PodInitializing":
			reason = "Init:" + w.Reason
		default:
			reason = "Init:" + strconv.Itoa(i) + "/" + strconv.Itoa(len(spec.InitContainers))
		}
		initializing = true
		break
	}

	if !initializing || initializedTrue(status.Conditions) {
		restarts = sidecarRestarts
		lastRestart = lastSidecarRestart
		hasRunning := false
		errorReason := ""
		for i := len(status.ContainerStatuses) - 1; i >= 0; i-- {
			st := &status.ContainerStatuses[i]
			restarts += int(st.RestartCount)
			if lt := st.LastTerminationState.Terminated; lt != nil && lastRestart.Before(lt.FinishedAt.Time) {
				lastRestart = lt.FinishedAt.Time
			}
			switch t := st.State.Terminated; {
			case st.State.Waiting != nil && st.State.Waiting.Reason != "":
				reason = st.State.Waiting.Reason
			case t != nil:
				switch {
				case t.Reason != "":
					reason = t.Reason
				case t.Signal != 0:
					reason = "Signal:" + strconv.Itoa(int(t.Signal))
				default:
					reason = "ExitCode:" + strconv.Itoa(int(t.ExitCode))
				}
				if t.ExitCode != 0 {
					errorReason = reason
				}
			case st.Ready && st.State.Running != nil:
				hasRunning = true
				ready++
			}
		}
		if reason == "Completed" {
			switch {
			case hasRunning && readyTrue(status.Conditions):
				reason = "Running"
			case errorReason != "":
				reason = errorReason
			case hasRunning:
				reason = "NotReady"
			}
		}
	}

	if pod.DeletionTimestamp != nil {
		if status.Reason == nodeUnreachablePodReason {
			reason = "Unknown"
		} else if status.Phase != v1.PodSucceeded && status.Phase != v1.PodFailed {
			reason = "Terminating"
		}
	}

	restartsStr := strconv.Itoa(restarts)
	if restarts != 0 && !lastRestart.IsZero() {
		restartsStr += " (" + duration.HumanDuration(now.Sub(lastRestart)) + " ago)"
	}
	return KubectlRow{
		Name:     pod.Name,
		Ready:    strconv.Itoa(ready) + "/" + strconv.Itoa(total),
		Status:   reason,
		Restarts: restartsStr,
	}
}

// initializedTrue mirrors printers' isPodInitializedConditionTrue: the first
// Initialized condition decides.
func initializedTrue(conditions []v1.PodCondition) bool {
	for i := range conditions {
		if conditions[i].Type == v1.PodInitialized {
			return conditions[i].Status == v1.ConditionTrue
		}
	}
	return false
}

// readyTrue mirrors printers' hasPodReadyCondition: any Ready condition that
// is True.
func readyTrue(conditions []v1.PodCondition) bool {
	for i := range conditions {
		if conditions[i].Type == v1.PodReady && conditions[i].Status == v1.ConditionTrue {
			return true
		}
	}
	return false
}
