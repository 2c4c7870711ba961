package model

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ---- builders -------------------------------------------------------------

func psCtr(name string) v1.Container { return v1.Container{Name: name} }

func psSidecar(name string) v1.Container {
	p := v1.ContainerRestartPolicyAlways
	return v1.Container{Name: name, RestartPolicy: &p}
}

func psWithPolicy(c v1.Container, p v1.ContainerRestartPolicy, rules ...v1.ContainerRestartRule) v1.Container {
	c.RestartPolicy = &p
	c.RestartPolicyRules = rules
	return c
}

func psMkPod(rp v1.RestartPolicy, inits []v1.Container, ctrs ...v1.Container) *v1.Pod {
	return &v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p"},
		Spec:       v1.PodSpec{RestartPolicy: rp, InitContainers: inits, Containers: ctrs},
	}
}

func psBptr(b bool) *bool { return &b }

func psRunning(name string) v1.ContainerStatus {
	return v1.ContainerStatus{Name: name, State: v1.ContainerState{Running: &v1.ContainerStateRunning{}}}
}

func psRunningReady(name string) v1.ContainerStatus {
	s := psRunning(name)
	s.Ready = true
	s.Started = psBptr(true)
	return s
}

func psStarted(s v1.ContainerStatus, b bool) v1.ContainerStatus { s.Started = psBptr(b); return s }
func psReady(s v1.ContainerStatus) v1.ContainerStatus           { s.Ready = true; return s }

func psTerminated(name string, code int32, reason string) v1.ContainerStatus {
	return v1.ContainerStatus{Name: name, State: v1.ContainerState{
		Terminated: &v1.ContainerStateTerminated{ExitCode: code, Reason: reason}}}
}

func psSignalled(name string, code, sig int32) v1.ContainerStatus {
	return v1.ContainerStatus{Name: name, State: v1.ContainerState{
		Terminated: &v1.ContainerStateTerminated{ExitCode: code, Signal: sig}}}
}

func psWaiting(name, reason string) v1.ContainerStatus {
	return v1.ContainerStatus{Name: name, State: v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: reason}}}
}

// after gives s a last termination with the given exit code.
func psAfter(s v1.ContainerStatus, code int32) v1.ContainerStatus {
	s.LastTerminationState = v1.ContainerState{Terminated: &v1.ContainerStateTerminated{ExitCode: code}}
	return s
}

func psSts(s ...v1.ContainerStatus) []v1.ContainerStatus { return s }

// ---- getPhase ---------------------------------------------------------------

func TestPodPhase(t *testing.T) {
	static := psMkPod(v1.RestartPolicyAlways, nil, psCtr("a"))
	static.Annotations = map[string]string{"kubernetes.io/config.source": "file"}
	fromAPI := psMkPod(v1.RestartPolicyAlways, nil, psCtr("a"))
	fromAPI.Annotations = map[string]string{"kubernetes.io/config.source": "api"}

	tests := []struct {
		source      string // the getPhase rule checked
		pod         *v1.Pod
		init, regs  []v1.ContainerStatus
		terminal    bool
		initialized bool
		want        v1.PodPhase
	}{
		// 1. failed regular init container that will not restart
		{source: "failed init + Never -> Failed",
			pod:  psMkPod(v1.RestartPolicyNever, []v1.Container{psCtr("i")}, psCtr("a")),
			init: psSts(psTerminated("i", 1, "Error")), want: v1.PodFailed},
		{source: "failed init (waiting, last termination non-zero) + Never -> Failed",
			pod:  psMkPod(v1.RestartPolicyNever, []v1.Container{psCtr("i")}, psCtr("a")),
			init: psSts(psAfter(psWaiting("i", "CrashLoopBackOff"), 2)), want: v1.PodFailed},
		{source: "failed init + Never -> Failed even when app containers run",
			pod:  psMkPod(v1.RestartPolicyNever, []v1.Container{psCtr("i")}, psCtr("a")),
			init: psSts(psTerminated("i", 1, "")), regs: psSts(psRunning("a")), want: v1.PodFailed},
		{source: "failed init + OnFailure restarts -> Pending (regular containers unknown)",
			pod:  psMkPod(v1.RestartPolicyOnFailure, []v1.Container{psCtr("i")}, psCtr("a")),
			init: psSts(psTerminated("i", 1, "Error")), want: v1.PodPending},
		{source: "failed init + Always restarts -> Pending",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psCtr("i")}, psCtr("a")),
			init: psSts(psAfter(psWaiting("i", "CrashLoopBackOff"), 1)), want: v1.PodPending},
		{source: "failed init + Never but reason RestartingAllContainers is restartable",
			pod:  psMkPod(v1.RestartPolicyNever, []v1.Container{psCtr("i")}, psCtr("a")),
			init: psSts(psTerminated("i", 137, ReasonRestartingAllContainers)), want: v1.PodPending},
		{source: "failed init: the failure rule precedes the pending rule",
			pod:  psMkPod(v1.RestartPolicyNever, []v1.Container{psCtr("i1"), psCtr("i2")}, psCtr("a")),
			init: psSts(psTerminated("i1", 1, "Error"), psWaiting("i2", "PodInitializing")), want: v1.PodFailed},

		// 2. regular init containers pending
		{source: "init container without status -> Pending",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psCtr("i")}, psCtr("a")),
			regs: psSts(psRunning("a")), want: v1.PodPending},
		{source: "init container running -> Pending",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psCtr("i")}, psCtr("a")),
			init: psSts(psRunning("i")), regs: psSts(psWaiting("a", "PodInitializing")), want: v1.PodPending},
		{source: "init container waiting, never terminated -> Pending",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psCtr("i")}, psCtr("a")),
			init: psSts(psWaiting("i", "ErrImagePull")), want: v1.PodPending},
		{source: "init container with empty state -> Pending",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psCtr("i")}, psCtr("a")),
			init: psSts(v1.ContainerStatus{Name: "i"}), regs: psSts(psRunning("a")), want: v1.PodPending},
		{source: "init container pending -> Pending even if podHasInitialized",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psCtr("i")}, psCtr("a")),
			init: psSts(psRunning("i")), regs: psSts(psRunning("a")), initialized: true, want: v1.PodPending},
		{source: "init container waiting after a success counts as done",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psCtr("i")}, psCtr("a")),
			init: psSts(psAfter(psWaiting("i", ""), 0)), regs: psSts(psRunning("a")), want: v1.PodRunning},

		// 3. regular containers waiting
		{source: "app waiting, never run -> Pending",
			pod:  psMkPod(v1.RestartPolicyAlways, nil, psCtr("a"), psCtr("b")),
			regs: psSts(psRunning("a"), psWaiting("b", "ContainerCreating")), want: v1.PodPending},
		{source: "app waiting with last termination counts stopped (Always -> Running)",
			pod:  psMkPod(v1.RestartPolicyAlways, nil, psCtr("a")),
			regs: psSts(psAfter(psWaiting("a", "CrashLoopBackOff"), 1)), want: v1.PodRunning},
		{source: "app waiting with last termination counts stopped (Never, exit 1 -> Failed)",
			pod:  psMkPod(v1.RestartPolicyNever, nil, psCtr("a")),
			regs: psSts(psAfter(psWaiting("a", ""), 1)), want: v1.PodFailed},
		{source: "app waiting after exit 0 is stopped but not succeeded (terminal -> Failed)",
			pod:  psMkPod(v1.RestartPolicyAlways, nil, psCtr("a")),
			regs: psSts(psAfter(psWaiting("a", "CrashLoopBackOff"), 0)), terminal: true, want: v1.PodFailed},

		// 4. running
		{source: "one running, all known -> Running",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psCtr("i")}, psCtr("a"), psCtr("b")),
			init: psSts(psTerminated("i", 0, "Completed")), regs: psSts(psRunning("a"), psTerminated("b", 1, "Error")),
			want: v1.PodRunning},
		{source: "running but a container has no status -> Pending (default case)",
			pod:  psMkPod(v1.RestartPolicyAlways, nil, psCtr("a"), psCtr("b")),
			regs: psSts(psRunning("a")), want: v1.PodPending},
		{source: "running but a container has empty state -> Pending",
			pod:  psMkPod(v1.RestartPolicyAlways, nil, psCtr("a"), psCtr("b")),
			regs: psSts(psRunning("a"), v1.ContainerStatus{Name: "b"}), want: v1.PodPending},
		{source: "running even when podIsTerminal",
			pod:  psMkPod(v1.RestartPolicyNever, nil, psCtr("a")),
			regs: psSts(psRunning("a")), terminal: true, want: v1.PodRunning},

		// 5. all stopped, pod terminal
		{source: "all stopped + terminal, all exit 0 -> Succeeded (even Always)",
			pod:  psMkPod(v1.RestartPolicyAlways, nil, psCtr("a"), psCtr("b")),
			regs: psSts(psTerminated("a", 0, "Completed"), psTerminated("b", 0, "Completed")), terminal: true,
			want: v1.PodSucceeded},
		{source: "all stopped + terminal, one failure -> Failed (even Always)",
			pod:  psMkPod(v1.RestartPolicyAlways, nil, psCtr("a"), psCtr("b")),
			regs: psSts(psTerminated("a", 0, "Completed"), psTerminated("b", 137, "Error")), terminal: true,
			want: v1.PodFailed},
		{source: "all stopped + terminal but static pod -> restart policy decides (Always -> Running)",
			pod:  static,
			regs: psSts(psTerminated("a", 0, "Completed")), terminal: true, want: v1.PodRunning},
		{source: "config.source=api is not static -> terminal rule applies",
			pod:  fromAPI,
			regs: psSts(psTerminated("a", 0, "Completed")), terminal: true, want: v1.PodSucceeded},

		// 6. all stopped, restart-policy fallbacks
		{source: "all stopped, Always -> Running",
			pod:  psMkPod(v1.RestartPolicyAlways, nil, psCtr("a")),
			regs: psSts(psTerminated("a", 0, "Completed")), want: v1.PodRunning},
		{source: "all stopped, empty pod restartPolicy counts as Always -> Running",
			pod:  psMkPod("", nil, psCtr("a")),
			regs: psSts(psTerminated("a", 0, "Completed")), want: v1.PodRunning},
		{source: "all stopped, OnFailure all exit 0 -> Succeeded",
			pod:  psMkPod(v1.RestartPolicyOnFailure, nil, psCtr("a"), psCtr("b")),
			regs: psSts(psTerminated("a", 0, ""), psTerminated("b", 0, "")), want: v1.PodSucceeded},
		{source: "all stopped, OnFailure one failure -> Running (restarting)",
			pod:  psMkPod(v1.RestartPolicyOnFailure, nil, psCtr("a"), psCtr("b")),
			regs: psSts(psTerminated("a", 0, ""), psTerminated("b", 1, "")), want: v1.PodRunning},
		{source: "all stopped, Never all exit 0 -> Succeeded",
			pod:  psMkPod(v1.RestartPolicyNever, nil, psCtr("a")),
			regs: psSts(psTerminated("a", 0, "Completed")), want: v1.PodSucceeded},
		{source: "all stopped, Never one failure -> Failed",
			pod:  psMkPod(v1.RestartPolicyNever, nil, psCtr("a"), psCtr("b")),
			regs: psSts(psTerminated("a", 0, ""), psTerminated("b", 2, "Error")), want: v1.PodFailed},
		{source: "ContainerRestartRules: container restartPolicy Never overrides pod Always -> Failed",
			pod:  psMkPod(v1.RestartPolicyAlways, nil, psWithPolicy(psCtr("a"), v1.ContainerRestartPolicyNever)),
			regs: psSts(psTerminated("a", 1, "Error")), want: v1.PodFailed},
		{source: "ContainerRestartRules: Restart rule matching the exit code -> Running",
			pod: psMkPod(v1.RestartPolicyNever, nil, psWithPolicy(psCtr("a"), v1.ContainerRestartPolicyNever,
				v1.ContainerRestartRule{Action: v1.ContainerRestartRuleActionRestart,
					ExitCodes: &v1.ContainerRestartRuleOnExitCodes{Operator: v1.ContainerRestartRuleOnExitCodesOpIn, Values: []int32{42}}})),
			regs: psSts(psTerminated("a", 42, "Error")), want: v1.PodRunning},
		{source: "ContainerRestartRules: NotIn rule not matching -> container policy (Never) -> Failed",
			pod: psMkPod(v1.RestartPolicyAlways, nil, psWithPolicy(psCtr("a"), v1.ContainerRestartPolicyNever,
				v1.ContainerRestartRule{Action: v1.ContainerRestartRuleActionRestart,
					ExitCodes: &v1.ContainerRestartRuleOnExitCodes{Operator: v1.ContainerRestartRuleOnExitCodesOpNotIn, Values: []int32{3}}})),
			regs: psSts(psTerminated("a", 3, "Error")), want: v1.PodFailed},
		{source: "RestartAllContainersOnContainerExits: reason RestartingAllContainers is restartable -> Running",
			pod:  psMkPod(v1.RestartPolicyNever, nil, psCtr("a")),
			regs: psSts(psTerminated("a", 137, ReasonRestartingAllContainers)), want: v1.PodRunning},

		// 7. sidecars
		{source: "sidecar running, not started, !podHasInitialized -> Pending",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psSidecar("s")}, psCtr("a")),
			init: psSts(psStarted(psRunning("s"), false)), regs: psSts(psRunning("a")), want: v1.PodPending},
		{source: "sidecar running, Started nil, !podHasInitialized -> Pending",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psSidecar("s")}, psCtr("a")),
			init: psSts(psRunning("s")), regs: psSts(psRunning("a")), want: v1.PodPending},
		{source: "sidecar running, not started, podHasInitialized -> Running",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psSidecar("s")}, psCtr("a")),
			init: psSts(psStarted(psRunning("s"), false)), regs: psSts(psRunning("a")), initialized: true, want: v1.PodRunning},
		{source: "sidecar started and running, app waiting -> Pending (waiting rule)",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psSidecar("s")}, psCtr("a")),
			init: psSts(psStarted(psRunning("s"), true)), regs: psSts(psWaiting("a", "ContainerCreating")), want: v1.PodPending},
		{source: "sidecar running alone (apps stopped) keeps the pod Running",
			pod:  psMkPod(v1.RestartPolicyNever, []v1.Container{psSidecar("s")}, psCtr("a")),
			init: psSts(psStarted(psRunning("s"), true)), regs: psSts(psTerminated("a", 0, "Completed")), want: v1.PodRunning},
		{source: "sidecar waiting, never terminated -> Pending even if podHasInitialized",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psSidecar("s")}, psCtr("a")),
			init: psSts(psWaiting("s", "ContainerCreating")), regs: psSts(psRunning("a")), initialized: true, want: v1.PodPending},
		{source: "sidecar without status is unknown -> Pending",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psSidecar("s")}, psCtr("a")),
			regs: psSts(psRunning("a")), initialized: true, want: v1.PodPending},
		{source: "terminated sidecar ignored -> apps decide (Never, exit 0 -> Succeeded)",
			pod:  psMkPod(v1.RestartPolicyNever, []v1.Container{psSidecar("s")}, psCtr("a")),
			init: psSts(psTerminated("s", 137, "Error")), regs: psSts(psTerminated("a", 0, "Completed")), want: v1.PodSucceeded},
		{source: "sidecar waiting after a termination ignored -> Running",
			pod:  psMkPod(v1.RestartPolicyAlways, []v1.Container{psSidecar("s")}, psCtr("a")),
			init: psSts(psAfter(psWaiting("s", "CrashLoopBackOff"), 1)), regs: psSts(psRunning("a")), want: v1.PodRunning},
		{source: "failed sidecar never fails the pod even with Never",
			pod:  psMkPod(v1.RestartPolicyNever, []v1.Container{psSidecar("s"), psCtr("i")}, psCtr("a")),
			init: psSts(psTerminated("s", 1, "Error"), psWaiting("i", "")), want: v1.PodPending},

		// 8. nothing known
		{source: "no statuses -> Pending (default)",
			pod: psMkPod(v1.RestartPolicyAlways, nil, psCtr("a")), want: v1.PodPending},
		{source: "lookup crosses lists: a regular container's status in the init list is found",
			pod:  psMkPod(v1.RestartPolicyAlways, nil, psCtr("a")),
			init: psSts(psRunning("a")), want: v1.PodRunning},
	}
	for _, tc := range tests {
		t.Run(tc.source, func(t *testing.T) {
			got := PodPhase(tc.pod, tc.init, tc.regs, tc.terminal, tc.initialized)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestHasAnyRegularContainerStarted(t *testing.T) {
	spec := &psMkPod(v1.RestartPolicyAlways, []v1.Container{psCtr("i")}, psCtr("a")).Spec
	// kubecontainer.HasAnyRegularContainerStarted: running or terminated regular container.
	require.False(t, HasAnyRegularContainerStarted(spec, nil))
	require.False(t, HasAnyRegularContainerStarted(spec, psSts(psRunning("i"))), "init containers do not count")
	require.False(t, HasAnyRegularContainerStarted(spec, psSts(psAfter(psWaiting("a", "CrashLoopBackOff"), 1))), "waiting does not count")
	require.True(t, HasAnyRegularContainerStarted(spec, psSts(psRunning("a"))))
	require.True(t, HasAnyRegularContainerStarted(spec, psSts(psTerminated("a", 1, ""))))
}

// ---- conditions -------------------------------------------------------------

func psCond(t v1.PodConditionType, s v1.ConditionStatus, reason, msg string) v1.PodCondition {
	return v1.PodCondition{Type: t, Status: s, Reason: reason, Message: msg}
}

func TestInitializedCondition(t *testing.T) {
	two := psMkPod(v1.RestartPolicyAlways, []v1.Container{psCtr("i1"), psSidecar("s"), psCtr("i2")}, psCtr("a"))
	none := psMkPod(v1.RestartPolicyAlways, nil, psCtr("a"))
	T, F := v1.ConditionTrue, v1.ConditionFalse
	wasInit := []v1.PodCondition{psCond(v1.PodInitialized, T, "", "")}

	tests := []struct {
		source     string // GeneratePodInitializedCondition rule
		pod        *v1.Pod
		init, regs []v1.ContainerStatus
		phase      v1.PodPhase
		old        []v1.PodCondition
		want       v1.PodCondition
	}{
		{source: "nil statuses with init containers -> UnknownContainerStatuses",
			pod: two, phase: v1.PodPending, want: psCond(v1.PodInitialized, F, ReasonUnknownContainerStatuses, "")},
		{source: "nil statuses with init containers -> UnknownContainerStatuses even if previously initialized",
			pod: two, phase: v1.PodPending, old: wasInit, want: psCond(v1.PodInitialized, F, ReasonUnknownContainerStatuses, "")},
		{source: "nil statuses without init containers -> True",
			pod: none, phase: v1.PodPending, want: psCond(v1.PodInitialized, T, "", "")},
		{source: "empty non-nil init list is not 'nil': init containers unknown",
			pod: two, init: []v1.ContainerStatus{}, phase: v1.PodPending,
			want: psCond(v1.PodInitialized, F, ReasonContainersNotInitialized, "containers with unknown status: [i1 s i2]")},
		{source: "Succeeded and all init containers known -> True PodCompleted",
			pod:  two,
			init: psSts(psTerminated("i1", 0, "Completed"), psTerminated("s", 137, "Error"), psTerminated("i2", 0, "Completed")),
			regs: psSts(psTerminated("a", 0, "Completed")), phase: v1.PodSucceeded,
			want: psCond(v1.PodInitialized, T, ReasonPodCompleted, "")},
		{source: "Succeeded with an unknown init container -> regular started -> True without reason",
			pod:  two,
			init: psSts(psReady(psTerminated("i1", 0, "Completed"))), regs: psSts(psTerminated("a", 0, "Completed")),
			phase: v1.PodSucceeded, want: psCond(v1.PodInitialized, T, "", "")},
		{source: "regular container running -> True even while a sidecar restarts",
			pod:  two,
			init: psSts(psReady(psTerminated("i1", 0, "Completed")), psStarted(psRunning("s"), false), psReady(psTerminated("i2", 0, "Completed"))),
			regs: psSts(psRunning("a")), phase: v1.PodRunning, want: psCond(v1.PodInitialized, T, "", "")},
		{source: "regular container waiting after a crash does not count as started",
			pod:  two,
			init: psSts(psReady(psTerminated("i1", 0, "Completed")), psAfter(psWaiting("s", "CrashLoopBackOff"), 1), psReady(psTerminated("i2", 0, "Completed"))),
			regs: psSts(psAfter(psWaiting("a", "CrashLoopBackOff"), 1)), phase: v1.PodRunning,
			want: psCond(v1.PodInitialized, F, ReasonContainersNotInitialized, "containers with incomplete status: [s]")},
		{source: "RestartAllContainersOnContainerExits: previously Initialized=True stays True",
			pod:  two,
			init: psSts(psReady(psTerminated("i1", 0, "Completed")), psAfter(psWaiting("s", "CrashLoopBackOff"), 1), psReady(psTerminated("i2", 0, "Completed"))),
			regs: psSts(psAfter(psWaiting("a", "CrashLoopBackOff"), 1)), phase: v1.PodRunning, old: wasInit,
			want: psCond(v1.PodInitialized, T, "", "")},
		{source: "previously Initialized=False does not help",
			pod: two, init: psSts(psRunning("i1")), phase: v1.PodPending,
			old:  []v1.PodCondition{psCond(v1.PodInitialized, F, ReasonContainersNotInitialized, "x")},
			want: psCond(v1.PodInitialized, F, ReasonContainersNotInitialized, "containers with unknown status: [s i2], containers with incomplete status: [i1]")},
		{source: "regular init container incomplete until Ready (terminated 0 but not ready)",
			pod:   two,
			init:  psSts(psTerminated("i1", 0, "Completed"), psStarted(psRunning("s"), true), psReady(psTerminated("i2", 0, "Completed"))),
			phase: v1.PodPending,
			want:  psCond(v1.PodInitialized, F, ReasonContainersNotInitialized, "containers with incomplete status: [i1]")},
		{source: "sidecar incomplete until Started (Ready is irrelevant)",
			pod:   two,
			init:  psSts(psReady(psTerminated("i1", 0, "Completed")), psReady(psStarted(psRunning("s"), false)), psReady(psTerminated("i2", 0, "Completed"))),
			phase: v1.PodPending,
			want:  psCond(v1.PodInitialized, F, ReasonContainersNotInitialized, "containers with incomplete status: [s]")},
		{source: "unknown and incomplete listed together, spec order",
			pod:  two,
			init: psSts(psStarted(psRunning("s"), false), psRunning("i2")), phase: v1.PodPending,
			want: psCond(v1.PodInitialized, F, ReasonContainersNotInitialized, "containers with unknown status: [i1], containers with incomplete status: [s i2]")},
		{source: "all init containers done -> True",
			pod:  two,
			init: psSts(psReady(psTerminated("i1", 0, "Completed")), psStarted(psRunning("s"), true), psReady(psTerminated("i2", 0, "Completed"))),
			regs: psSts(psWaiting("a", "PodInitializing")), phase: v1.PodPending,
			want: psCond(v1.PodInitialized, T, "", "")},
		{source: "Failed phase gets no special reason",
			pod: two, init: psSts(psTerminated("i1", 1, "Error")), phase: v1.PodFailed,
			want: psCond(v1.PodInitialized, F, ReasonContainersNotInitialized, "containers with unknown status: [s i2], containers with incomplete status: [i1]")},
	}
	for _, tc := range tests {
		t.Run(tc.source, func(t *testing.T) {
			require.Equal(t, tc.want, InitializedCondition(tc.pod, tc.init, tc.regs, tc.phase, tc.old))
		})
	}
}

func TestContainersReadyCondition(t *testing.T) {
	pod := psMkPod(v1.RestartPolicyAlways, []v1.Container{psCtr("i"), psSidecar("s")}, psCtr("a"), psCtr("b"))
	F := v1.ConditionFalse
	allReady := func() ([]v1.ContainerStatus, []v1.ContainerStatus) {
		return psSts(psTerminated("i", 0, "Completed"), psRunningReady("s")), psSts(psRunningReady("a"), psRunningReady("b"))
	}
	ai, ar := allReady()

	tests := []struct {
		source     string // GenerateContainersReadyCondition rule
		init, regs []v1.ContainerStatus
		phase      v1.PodPhase
		want       v1.PodCondition
	}{
		{source: "nil statuses -> UnknownContainerStatuses",
			phase: v1.PodPending, want: psCond(v1.ContainersReady, F, ReasonUnknownContainerStatuses, "")},
		{source: "nil init list + empty regular list is still nil upstream",
			regs: []v1.ContainerStatus{}, phase: v1.PodPending,
			want: psCond(v1.ContainersReady, F, ReasonUnknownContainerStatuses, "")},
		{source: "Succeeded, all known -> False PodCompleted",
			init: psSts(psTerminated("i", 0, ""), psTerminated("s", 137, "")), regs: psSts(psTerminated("a", 0, ""), psTerminated("b", 0, "")),
			phase: v1.PodSucceeded, want: psCond(v1.ContainersReady, F, ReasonPodCompleted, "")},
		{source: "Succeeded with an unknown container -> ContainersNotReady",
			init: psSts(psTerminated("s", 137, "")), regs: psSts(psTerminated("a", 0, "")),
			phase: v1.PodSucceeded,
			want:  psCond(v1.ContainersReady, F, ReasonContainersNotReady, "containers with unknown status: [b], containers with unready status: [s a]")},
		{source: "Failed -> False PodFailed even if every container is ready",
			init: ai, regs: ar, phase: v1.PodFailed, want: psCond(v1.ContainersReady, F, ReasonPodFailed, "")},
		{source: "unready containers listed, sidecars first; regular init containers ignored",
			init: psSts(psRunning("i"), psRunning("s")), regs: psSts(psRunning("a"), psRunningReady("b")), phase: v1.PodRunning,
			want: psCond(v1.ContainersReady, F, ReasonContainersNotReady, "containers with unready status: [s a]")},
		{source: "unknown containers",
			init: psSts(psRunningReady("s")), phase: v1.PodPending,
			want: psCond(v1.ContainersReady, F, ReasonContainersNotReady, "containers with unknown status: [a b]")},
		{source: "unknown and unready",
			init: psSts(psRunningReady("s")), regs: psSts(psRunning("b")), phase: v1.PodRunning,
			want: psCond(v1.ContainersReady, F, ReasonContainersNotReady, "containers with unknown status: [a], containers with unready status: [b]")},
		{source: "all sidecars and regular containers ready -> True",
			init: ai, regs: ar, phase: v1.PodRunning, want: psCond(v1.ContainersReady, v1.ConditionTrue, "", "")},
		{source: "regular init container not ready does not matter",
			init: psSts(psRunning("i"), psRunningReady("s")), regs: ar, phase: v1.PodPending,
			want: psCond(v1.ContainersReady, v1.ConditionTrue, "", "")},
	}
	for _, tc := range tests {
		t.Run(tc.source, func(t *testing.T) {
			require.Equal(t, tc.want, ContainersReadyCondition(pod, tc.init, tc.regs, tc.phase))
		})
	}
}

func TestReadyCondition(t *testing.T) {
	plain := psMkPod(v1.RestartPolicyAlways, nil, psCtr("a"))
	gated := psMkPod(v1.RestartPolicyAlways, nil, psCtr("a"))
	gated.Spec.ReadinessGates = []v1.PodReadinessGate{{ConditionType: "example.com/lb"}, {ConditionType: "x"}}
	T, F := v1.ConditionTrue, v1.ConditionFalse
	crTrue := psCond(v1.ContainersReady, T, "", "")

	tests := []struct {
		source string // GeneratePodReadyCondition rule
		pod    *v1.Pod
		cr     v1.PodCondition
		conds  []v1.PodCondition
		want   v1.PodCondition
	}{
		{source: "ContainersReady False -> copy status, reason, message",
			pod: gated, cr: psCond(v1.ContainersReady, F, ReasonContainersNotReady, "containers with unready status: [a]"),
			want: psCond(v1.PodReady, F, ReasonContainersNotReady, "containers with unready status: [a]")},
		{source: "ContainersReady PodCompleted copied",
			pod: plain, cr: psCond(v1.ContainersReady, F, ReasonPodCompleted, ""),
			want: psCond(v1.PodReady, F, ReasonPodCompleted, "")},
		{source: "ContainersReady Unknown copied",
			pod: plain, cr: psCond(v1.ContainersReady, v1.ConditionUnknown, "r", "m"),
			want: psCond(v1.PodReady, v1.ConditionUnknown, "r", "m")},
		{source: "no readiness gates -> True",
			pod: plain, cr: crTrue, want: psCond(v1.PodReady, T, "", "")},
		{source: "gate conditions missing",
			pod: gated, cr: crTrue,
			want: psCond(v1.PodReady, F, ReasonReadinessGatesNotReady,
				`corresponding condition of pod readiness gate "example.com/lb" does not exist., `+
					`corresponding condition of pod readiness gate "x" does not exist.`)},
		{source: "gate condition not True",
			pod: gated, cr: crTrue,
			conds: []v1.PodCondition{psCond("x", T, "", ""), psCond("example.com/lb", F, "", "")},
			want: psCond(v1.PodReady, F, ReasonReadinessGatesNotReady,
				`the status of pod readiness gate "example.com/lb" is not "True", but False`)},
		{source: "gate condition Unknown, other missing",
			pod: gated, cr: crTrue,
			conds: []v1.PodCondition{psCond("example.com/lb", v1.ConditionUnknown, "", "")},
			want: psCond(v1.PodReady, F, ReasonReadinessGatesNotReady,
				`the status of pod readiness gate "example.com/lb" is not "True", but Unknown, `+
					`corresponding condition of pod readiness gate "x" does not exist.`)},
		{source: "first matching condition wins (GetPodConditionFromList)",
			pod: gated, cr: crTrue,
			conds: []v1.PodCondition{psCond("x", F, "", ""), psCond("x", T, "", ""), psCond("example.com/lb", T, "", "")},
			want: psCond(v1.PodReady, F, ReasonReadinessGatesNotReady,
				`the status of pod readiness gate "x" is not "True", but False`)},
		{source: "all gates True -> True",
			pod: gated, cr: crTrue,
			conds: []v1.PodCondition{psCond("example.com/lb", T, "", ""), psCond("x", T, "", "")},
			want:  psCond(v1.PodReady, T, "", "")},
	}
	for _, tc := range tests {
		t.Run(tc.source, func(t *testing.T) {
			require.Equal(t, tc.want, ReadyCondition(tc.pod, tc.cr, tc.conds))
		})
	}

	// Quoting follows fmt's %q, as upstream formats with it.
	odd := psMkPod(v1.RestartPolicyAlways, nil, psCtr("a"))
	odd.Spec.ReadinessGates = []v1.PodReadinessGate{{ConditionType: "q\"é\t"}}
	got := ReadyCondition(odd, crTrue, nil)
	require.Equal(t, fmt.Sprintf("corresponding condition of pod readiness gate %q does not exist.", "q\"é\t"), got.Message)
}

// ---- printPod ---------------------------------------------------------------

func TestKubectl(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ago := func(d time.Duration) metav1.Time { return metav1.NewTime(now.Add(-d)) }
	// restarted gives s a restart count and a last termination that finished d ago.
	restarted := func(s v1.ContainerStatus, n int32, d time.Duration) v1.ContainerStatus {
		s.RestartCount = n
		s.LastTerminationState = v1.ContainerState{Terminated: &v1.ContainerStateTerminated{ExitCode: 1, FinishedAt: ago(d)}}
		return s
	}
	initTrue := []v1.PodCondition{psCond(v1.PodInitialized, v1.ConditionTrue, "", "")}
	readyTrue := []v1.PodCondition{psCond(v1.PodReady, v1.ConditionTrue, "", "")}

	twoInits := psMkPod(v1.RestartPolicyAlways, []v1.Container{psCtr("i1"), psCtr("i2")}, psCtr("a"))
	oneInit := psMkPod(v1.RestartPolicyAlways, []v1.Container{psCtr("i")}, psCtr("a"))
	sidecars := psMkPod(v1.RestartPolicyAlways, []v1.Container{psSidecar("s1"), psCtr("i"), psSidecar("s2")}, psCtr("a"))
	one := psMkPod(v1.RestartPolicyAlways, nil, psCtr("a"))
	two := psMkPod(v1.RestartPolicyAlways, nil, psCtr("a"), psCtr("b"))
	deleted := func(p *v1.Pod) *v1.Pod {
		q := p.DeepCopy()
		ts := ago(time.Second)
		q.DeletionTimestamp = &ts
		return q
	}

	tests := []struct {
		source string // printPod rule
		pod    *v1.Pod
		status v1.PodStatus
		want   KubectlRow
	}{
		// init containers
		{source: "Init:i/N: first init waiting PodInitializing",
			pod:    twoInits,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: psSts(psWaiting("i1", "PodInitializing"), psWaiting("i2", "PodInitializing"))},
			want:   KubectlRow{"p", "0/1", "Init:0/2", "0"}},
		{source: "Init:i/N: first done (exit 0 skipped), second running",
			pod:    twoInits,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: psSts(psTerminated("i1", 0, "Completed"), psRunning("i2"))},
			want:   KubectlRow{"p", "0/1", "Init:1/2", "0"}},
		{source: "Init:i/N: waiting with empty reason",
			pod:    oneInit,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: psSts(psWaiting("i", ""))},
			want:   KubectlRow{"p", "0/1", "Init:0/1", "0"}},
		{source: "Init:<terminated reason>",
			pod:    twoInits,
			status: v1.PodStatus{Phase: v1.PodFailed, InitContainerStatuses: psSts(psTerminated("i1", 1, "Error"), psWaiting("i2", "PodInitializing"))},
			want:   KubectlRow{"p", "0/1", "Init:Error", "0"}},
		{source: "Init:<waiting reason>",
			pod:    twoInits,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: psSts(restarted(psWaiting("i1", "CrashLoopBackOff"), 3, 5*time.Second))},
			want:   KubectlRow{"p", "0/1", "Init:CrashLoopBackOff", "3 (5s ago)"}},
		{source: "Init:ExitCode:N when the terminated reason is empty",
			pod:    oneInit,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: psSts(psTerminated("i", 3, ""))},
			want:   KubectlRow{"p", "0/1", "Init:ExitCode:3", "0"}},
		{source: "Init:Signal:N when the terminated reason is empty and a signal is set",
			pod:    oneInit,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: psSts(psSignalled("i", 137, 9))},
			want:   KubectlRow{"p", "0/1", "Init:Signal:9", "0"}},
		{source: "init restarts counted up to the container that stops the walk",
			pod: twoInits,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: psSts(
				restarted(psTerminated("i1", 0, "Completed"), 2, 90*time.Second),
				restarted(psWaiting("i2", "CrashLoopBackOff"), 3, 10*time.Second))},
			want: KubectlRow{"p", "0/1", "Init:CrashLoopBackOff", "5 (10s ago)"}},
		{source: "init restarts after the stopping container are not counted",
			pod: twoInits,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: psSts(
				psRunning("i1"), restarted(psWaiting("i2", ""), 4, time.Second))},
			want: KubectlRow{"p", "0/1", "Init:0/2", "0"}},
		{source: "while initializing the regular containers are ignored",
			pod: oneInit,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: psSts(psRunning("i")),
				ContainerStatuses: psSts(restarted(psRunningReady("a"), 7, time.Second))},
			want: KubectlRow{"p", "0/1", "Init:0/1", "0"}},

		// sidecars
		{source: "started sidecars skipped in Init:i/N and counted in READY when ready",
			pod: sidecars,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: psSts(
				psRunningReady("s1"), psRunning("i"), psWaiting("s2", ""))},
			want: KubectlRow{"p", "1/3", "Init:1/3", "0"}},
		{source: "sidecar running but not started stops the walk",
			pod: sidecars,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: psSts(
				restarted(psStarted(psRunning("s1"), false), 3, 10*time.Second))},
			want: KubectlRow{"p", "0/3", "Init:0/3", "3 (10s ago)"}},
		{source: "after init only sidecar and regular restarts count; last termination from those",
			pod: sidecars,
			status: v1.PodStatus{Phase: v1.PodRunning, InitContainerStatuses: psSts(
				restarted(psRunningReady("s1"), 1, 20*time.Second),
				restarted(psTerminated("i", 0, "Completed"), 5, 2*time.Second),
				psStarted(psRunning("s2"), true)),
				ContainerStatuses: psSts(restarted(psRunningReady("a"), 2, 30*time.Second))},
			want: KubectlRow{"p", "2/3", "Running", "3 (20s ago)"}},
		{source: "initializing but Initialized=True: regular containers still printed",
			pod: sidecars,
			status: v1.PodStatus{Phase: v1.PodRunning, Conditions: initTrue, InitContainerStatuses: psSts(
				restarted(psRunningReady("s1"), 1, 40*time.Second),
				restarted(psTerminated("i", 0, "Completed"), 9, time.Second),
				restarted(psStarted(psRunning("s2"), false), 2, 15*time.Second),
			), ContainerStatuses: psSts(psRunningReady("a"))},
			// The walk's "Init:2/3" survives: a running container never sets STATUS.
			want: KubectlRow{"p", "2/3", "Init:2/3", "3 (15s ago)"}},
		{source: "sidecar terminated with error but Initialized=True: Completed from regular container",
			pod: psMkPod(v1.RestartPolicyNever, []v1.Container{psSidecar("s")}, psCtr("a")),
			status: v1.PodStatus{Phase: v1.PodSucceeded, Conditions: initTrue,
				InitContainerStatuses: psSts(psTerminated("s", 137, "Error")),
				ContainerStatuses:     psSts(psTerminated("a", 0, "Completed"))},
			want: KubectlRow{"p", "0/2", "Completed", "0"}},
		{source: "statuses of unknown init containers are not sidecars",
			pod: sidecars,
			status: v1.PodStatus{Phase: v1.PodRunning, InitContainerStatuses: psSts(
				psStarted(psRunningReady("ghost"), true))},
			want: KubectlRow{"p", "0/3", "Init:0/3", "0"}},

		// regular containers
		{source: "PodInitializing: init done, app waiting PodInitializing",
			pod: oneInit,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: psSts(psTerminated("i", 0, "Completed")),
				ContainerStatuses: psSts(psWaiting("a", "PodInitializing"))},
			want: KubectlRow{"p", "0/1", "PodInitializing", "0"}},
		{source: "ContainerCreating",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodPending, ContainerStatuses: psSts(psWaiting("a", "ContainerCreating"))},
			want:   KubectlRow{"p", "0/1", "ContainerCreating", "0"}},
		{source: "waiting with empty reason keeps the phase",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodPending, ContainerStatuses: psSts(psWaiting("a", ""))},
			want:   KubectlRow{"p", "0/1", "Pending", "0"}},
		{source: "CrashLoopBackOff with restarts (5s ago)",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: psSts(restarted(psWaiting("a", "CrashLoopBackOff"), 5, 5*time.Second))},
			want:   KubectlRow{"p", "0/1", "CrashLoopBackOff", "5 (5s ago)"}},
		{source: "Error",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodFailed, ContainerStatuses: psSts(psTerminated("a", 1, "Error"))},
			want:   KubectlRow{"p", "0/1", "Error", "0"}},
		{source: "Completed",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodSucceeded, ContainerStatuses: psSts(psTerminated("a", 0, "Completed"))},
			want:   KubectlRow{"p", "0/1", "Completed", "0"}},
		{source: "OOMKilled",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodFailed, ContainerStatuses: psSts(psTerminated("a", 137, "OOMKilled"))},
			want:   KubectlRow{"p", "0/1", "OOMKilled", "0"}},
		{source: "ExitCode:N / Signal:N for regular containers",
			pod: two,
			status: v1.PodStatus{Phase: v1.PodFailed, ContainerStatuses: psSts(
				psSignalled("a", 143, 15), psTerminated("b", 2, ""))},
			want: KubectlRow{"p", "0/2", "Signal:15", "0"}},
		{source: "Running from the phase",
			pod:    two,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: psSts(psRunningReady("a"), psRunning("b"))},
			want:   KubectlRow{"p", "1/2", "Running", "0"}},
		{source: "first container's reason wins (walked last to first)",
			pod: two,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: psSts(
				psWaiting("a", "ImagePullBackOff"), psWaiting("b", "ContainerCreating"))},
			want: KubectlRow{"p", "0/2", "ImagePullBackOff", "0"}},
		{source: "Completed + ready running container, no Ready condition -> NotReady",
			pod: two,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: psSts(
				psTerminated("a", 0, "Completed"), psRunningReady("b"))},
			want: KubectlRow{"p", "1/2", "NotReady", "0"}},
		{source: "Completed + ready running container + Ready=True -> Running",
			pod: two,
			status: v1.PodStatus{Phase: v1.PodRunning, Conditions: readyTrue, ContainerStatuses: psSts(
				psTerminated("a", 0, "Completed"), psRunningReady("b"))},
			want: KubectlRow{"p", "1/2", "Running", "0"}},
		{source: "Completed + a failed container -> the failure's reason",
			pod: psMkPod(v1.RestartPolicyAlways, nil, psCtr("a"), psCtr("b"), psCtr("c")),
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: psSts(
				psTerminated("a", 0, "Completed"), psRunningReady("b"), psTerminated("c", 1, "Error"))},
			want: KubectlRow{"p", "1/3", "Error", "0"}},
		{source: "Completed and nothing running stays Completed",
			pod: two,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: psSts(
				psTerminated("a", 0, "Completed"), psRunning("b"))},
			want: KubectlRow{"p", "0/2", "Completed", "0"}},
		{source: "pod reason overrides the phase (Evicted)",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodFailed, Reason: "Evicted"},
			want:   KubectlRow{"p", "0/1", "Evicted", "0"}},
		{source: "SchedulingGated from the PodScheduled condition",
			pod: one,
			status: v1.PodStatus{Phase: v1.PodPending, Conditions: []v1.PodCondition{
				psCond(v1.PodScheduled, v1.ConditionFalse, v1.PodReasonSchedulingGated, "")}},
			want: KubectlRow{"p", "0/1", "SchedulingGated", "0"}},

		// deletion
		{source: "Terminating when deleted and not terminal",
			pod:    deleted(one),
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: psSts(psRunningReady("a"))},
			want:   KubectlRow{"p", "1/1", "Terminating", "0"}},
		{source: "Terminating overrides an init reason",
			pod:    deleted(oneInit),
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: psSts(psWaiting("i", "CrashLoopBackOff"))},
			want:   KubectlRow{"p", "0/1", "Terminating", "0"}},
		{source: "no Terminating once the phase is terminal",
			pod:    deleted(one),
			status: v1.PodStatus{Phase: v1.PodSucceeded, ContainerStatuses: psSts(psTerminated("a", 0, "Completed"))},
			want:   KubectlRow{"p", "0/1", "Completed", "0"}},
		{source: "deleted with reason NodeLost -> Unknown",
			pod:    deleted(one),
			status: v1.PodStatus{Phase: v1.PodRunning, Reason: "NodeLost", ContainerStatuses: psSts(psRunningReady("a"))},
			want:   KubectlRow{"p", "1/1", "Unknown", "0"}},

		// restarts
		{source: "RESTARTS sum over regular containers, latest finishedAt",
			pod: two,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: psSts(
				restarted(psRunningReady("a"), 2, 3*time.Minute), restarted(psRunningReady("b"), 3, 150*time.Second))},
			want: KubectlRow{"p", "2/2", "Running", "5 (2m30s ago)"}},
		{source: "RESTARTS without a finishedAt has no suffix",
			pod: one,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: psSts(func() v1.ContainerStatus {
				s := psAfter(psRunningReady("a"), 1)
				s.RestartCount = 3
				return s
			}())},
			want: KubectlRow{"p", "1/1", "Running", "3"}},
		{source: "zero restarts has no suffix even with a last termination",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: psSts(restarted(psRunningReady("a"), 0, time.Second))},
			want:   KubectlRow{"p", "1/1", "Running", "0"}},
		{source: "HumanDuration for long ages",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: psSts(restarted(psRunningReady("a"), 1, 50*time.Hour))},
			want:   KubectlRow{"p", "1/1", "Running", "1 (2d2h ago)"}},
	}
	for _, tc := range tests {
		t.Run(tc.source, func(t *testing.T) {
			pod := tc.pod.DeepCopy()
			pod.Status = v1.PodStatus{Phase: "Bogus", Reason: "ignored"} // status argument wins
			require.Equal(t, tc.want, Kubectl(pod, &tc.status, now))
		})
	}
}
