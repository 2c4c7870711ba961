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

func ctr(name string) v1.Container { return v1.Container{Name: name} }

func sidecar(name string) v1.Container {
	p := v1.ContainerRestartPolicyAlways
	return v1.Container{Name: name, RestartPolicy: &p}
}

func withPolicy(c v1.Container, p v1.ContainerRestartPolicy, rules ...v1.ContainerRestartRule) v1.Container {
	c.RestartPolicy = &p
	c.RestartPolicyRules = rules
	return c
}

func mkPod(rp v1.RestartPolicy, inits []v1.Container, ctrs ...v1.Container) *v1.Pod {
	return &v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p"},
		Spec:       v1.PodSpec{RestartPolicy: rp, InitContainers: inits, Containers: ctrs},
	}
}

func bptr(b bool) *bool { return &b }

func running(name string) v1.ContainerStatus {
	return v1.ContainerStatus{Name: name, State: v1.ContainerState{Running: &v1.ContainerStateRunning{}}}
}

func runningReady(name string) v1.ContainerStatus {
	s := running(name)
	s.Ready = true
	s.Started = bptr(true)
	return s
}

func started(s v1.ContainerStatus, b bool) v1.ContainerStatus { s.Started = bptr(b); return s }
func ready(s v1.ContainerStatus) v1.ContainerStatus           { s.Ready = true; return s }

func terminated(name string, code int32, reason string) v1.ContainerStatus {
	return v1.ContainerStatus{Name: name, State: v1.ContainerState{
		Terminated: &v1.ContainerStateTerminated{ExitCode: code, Reason: reason}}}
}

func signalled(name string, code, sig int32) v1.ContainerStatus {
	return v1.ContainerStatus{Name: name, State: v1.ContainerState{
		Terminated: &v1.ContainerStateTerminated{ExitCode: code, Signal: sig}}}
}

func waiting(name, reason string) v1.ContainerStatus {
	return v1.ContainerStatus{Name: name, State: v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: reason}}}
}

// after gives s a last termination with the given exit code.
func after(s v1.ContainerStatus, code int32) v1.ContainerStatus {
	s.LastTerminationState = v1.ContainerState{Terminated: &v1.ContainerStateTerminated{ExitCode: code}}
	return s
}

func sts(s ...v1.ContainerStatus) []v1.ContainerStatus { return s }

// ---- getPhase ---------------------------------------------------------------

func TestPodPhase(t *testing.T) {
	static := mkPod(v1.RestartPolicyAlways, nil, ctr("a"))
	static.Annotations = map[string]string{"kubernetes.io/config.source": "file"}
	fromAPI := mkPod(v1.RestartPolicyAlways, nil, ctr("a"))
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
			pod:  mkPod(v1.RestartPolicyNever, []v1.Container{ctr("i")}, ctr("a")),
			init: sts(terminated("i", 1, "Error")), want: v1.PodFailed},
		{source: "failed init (waiting, last termination non-zero) + Never -> Failed",
			pod:  mkPod(v1.RestartPolicyNever, []v1.Container{ctr("i")}, ctr("a")),
			init: sts(after(waiting("i", "CrashLoopBackOff"), 2)), want: v1.PodFailed},
		{source: "failed init + Never -> Failed even when app containers run",
			pod:  mkPod(v1.RestartPolicyNever, []v1.Container{ctr("i")}, ctr("a")),
			init: sts(terminated("i", 1, "")), regs: sts(running("a")), want: v1.PodFailed},
		{source: "failed init + OnFailure restarts -> Pending (regular containers unknown)",
			pod:  mkPod(v1.RestartPolicyOnFailure, []v1.Container{ctr("i")}, ctr("a")),
			init: sts(terminated("i", 1, "Error")), want: v1.PodPending},
		{source: "failed init + Always restarts -> Pending",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{ctr("i")}, ctr("a")),
			init: sts(after(waiting("i", "CrashLoopBackOff"), 1)), want: v1.PodPending},
		{source: "failed init + Never but reason RestartingAllContainers is restartable",
			pod:  mkPod(v1.RestartPolicyNever, []v1.Container{ctr("i")}, ctr("a")),
			init: sts(terminated("i", 137, ReasonRestartingAllContainers)), want: v1.PodPending},
		{source: "failed init: the failure rule precedes the pending rule",
			pod:  mkPod(v1.RestartPolicyNever, []v1.Container{ctr("i1"), ctr("i2")}, ctr("a")),
			init: sts(terminated("i1", 1, "Error"), waiting("i2", "PodInitializing")), want: v1.PodFailed},

		// 2. regular init containers pending
		{source: "init container without status -> Pending",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{ctr("i")}, ctr("a")),
			regs: sts(running("a")), want: v1.PodPending},
		{source: "init container running -> Pending",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{ctr("i")}, ctr("a")),
			init: sts(running("i")), regs: sts(waiting("a", "PodInitializing")), want: v1.PodPending},
		{source: "init container waiting, never terminated -> Pending",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{ctr("i")}, ctr("a")),
			init: sts(waiting("i", "ErrImagePull")), want: v1.PodPending},
		{source: "init container with empty state -> Pending",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{ctr("i")}, ctr("a")),
			init: sts(v1.ContainerStatus{Name: "i"}), regs: sts(running("a")), want: v1.PodPending},
		{source: "init container pending -> Pending even if podHasInitialized",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{ctr("i")}, ctr("a")),
			init: sts(running("i")), regs: sts(running("a")), initialized: true, want: v1.PodPending},
		{source: "init container waiting after a success counts as done",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{ctr("i")}, ctr("a")),
			init: sts(after(waiting("i", ""), 0)), regs: sts(running("a")), want: v1.PodRunning},

		// 3. regular containers waiting
		{source: "app waiting, never run -> Pending",
			pod:  mkPod(v1.RestartPolicyAlways, nil, ctr("a"), ctr("b")),
			regs: sts(running("a"), waiting("b", "ContainerCreating")), want: v1.PodPending},
		{source: "app waiting with last termination counts stopped (Always -> Running)",
			pod:  mkPod(v1.RestartPolicyAlways, nil, ctr("a")),
			regs: sts(after(waiting("a", "CrashLoopBackOff"), 1)), want: v1.PodRunning},
		{source: "app waiting with last termination counts stopped (Never, exit 1 -> Failed)",
			pod:  mkPod(v1.RestartPolicyNever, nil, ctr("a")),
			regs: sts(after(waiting("a", ""), 1)), want: v1.PodFailed},
		{source: "app waiting after exit 0 is stopped but not succeeded (terminal -> Failed)",
			pod:  mkPod(v1.RestartPolicyAlways, nil, ctr("a")),
			regs: sts(after(waiting("a", "CrashLoopBackOff"), 0)), terminal: true, want: v1.PodFailed},

		// 4. running
		{source: "one running, all known -> Running",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{ctr("i")}, ctr("a"), ctr("b")),
			init: sts(terminated("i", 0, "Completed")), regs: sts(running("a"), terminated("b", 1, "Error")),
			want: v1.PodRunning},
		{source: "running but a container has no status -> Pending (default case)",
			pod:  mkPod(v1.RestartPolicyAlways, nil, ctr("a"), ctr("b")),
			regs: sts(running("a")), want: v1.PodPending},
		{source: "running but a container has empty state -> Pending",
			pod:  mkPod(v1.RestartPolicyAlways, nil, ctr("a"), ctr("b")),
			regs: sts(running("a"), v1.ContainerStatus{Name: "b"}), want: v1.PodPending},
		{source: "running even when podIsTerminal",
			pod:  mkPod(v1.RestartPolicyNever, nil, ctr("a")),
			regs: sts(running("a")), terminal: true, want: v1.PodRunning},

		// 5. all stopped, pod terminal
		{source: "all stopped + terminal, all exit 0 -> Succeeded (even Always)",
			pod:  mkPod(v1.RestartPolicyAlways, nil, ctr("a"), ctr("b")),
			regs: sts(terminated("a", 0, "Completed"), terminated("b", 0, "Completed")), terminal: true,
			want: v1.PodSucceeded},
		{source: "all stopped + terminal, one failure -> Failed (even Always)",
			pod:  mkPod(v1.RestartPolicyAlways, nil, ctr("a"), ctr("b")),
			regs: sts(terminated("a", 0, "Completed"), terminated("b", 137, "Error")), terminal: true,
			want: v1.PodFailed},
		{source: "all stopped + terminal but static pod -> restart policy decides (Always -> Running)",
			pod:  static,
			regs: sts(terminated("a", 0, "Completed")), terminal: true, want: v1.PodRunning},
		{source: "config.source=api is not static -> terminal rule applies",
			pod:  fromAPI,
			regs: sts(terminated("a", 0, "Completed")), terminal: true, want: v1.PodSucceeded},

		// 6. all stopped, restart-policy fallbacks
		{source: "all stopped, Always -> Running",
			pod:  mkPod(v1.RestartPolicyAlways, nil, ctr("a")),
			regs: sts(terminated("a", 0, "Completed")), want: v1.PodRunning},
		{source: "all stopped, empty pod restartPolicy counts as Always -> Running",
			pod:  mkPod("", nil, ctr("a")),
			regs: sts(terminated("a", 0, "Completed")), want: v1.PodRunning},
		{source: "all stopped, OnFailure all exit 0 -> Succeeded",
			pod:  mkPod(v1.RestartPolicyOnFailure, nil, ctr("a"), ctr("b")),
			regs: sts(terminated("a", 0, ""), terminated("b", 0, "")), want: v1.PodSucceeded},
		{source: "all stopped, OnFailure one failure -> Running (restarting)",
			pod:  mkPod(v1.RestartPolicyOnFailure, nil, ctr("a"), ctr("b")),
			regs: sts(terminated("a", 0, ""), terminated("b", 1, "")), want: v1.PodRunning},
		{source: "all stopped, Never all exit 0 -> Succeeded",
			pod:  mkPod(v1.RestartPolicyNever, nil, ctr("a")),
			regs: sts(terminated("a", 0, "Completed")), want: v1.PodSucceeded},
		{source: "all stopped, Never one failure -> Failed",
			pod:  mkPod(v1.RestartPolicyNever, nil, ctr("a"), ctr("b")),
			regs: sts(terminated("a", 0, ""), terminated("b", 2, "Error")), want: v1.PodFailed},
		{source: "ContainerRestartRules: container restartPolicy Never overrides pod Always -> Failed",
			pod:  mkPod(v1.RestartPolicyAlways, nil, withPolicy(ctr("a"), v1.ContainerRestartPolicyNever)),
			regs: sts(terminated("a", 1, "Error")), want: v1.PodFailed},
		{source: "ContainerRestartRules: Restart rule matching the exit code -> Running",
			pod: mkPod(v1.RestartPolicyNever, nil, withPolicy(ctr("a"), v1.ContainerRestartPolicyNever,
				v1.ContainerRestartRule{Action: v1.ContainerRestartRuleActionRestart,
					ExitCodes: &v1.ContainerRestartRuleOnExitCodes{Operator: v1.ContainerRestartRuleOnExitCodesOpIn, Values: []int32{42}}})),
			regs: sts(terminated("a", 42, "Error")), want: v1.PodRunning},
		{source: "ContainerRestartRules: NotIn rule not matching -> container policy (Never) -> Failed",
			pod: mkPod(v1.RestartPolicyAlways, nil, withPolicy(ctr("a"), v1.ContainerRestartPolicyNever,
				v1.ContainerRestartRule{Action: v1.ContainerRestartRuleActionRestart,
					ExitCodes: &v1.ContainerRestartRuleOnExitCodes{Operator: v1.ContainerRestartRuleOnExitCodesOpNotIn, Values: []int32{3}}})),
			regs: sts(terminated("a", 3, "Error")), want: v1.PodFailed},
		{source: "RestartAllContainersOnContainerExits: reason RestartingAllContainers is restartable -> Running",
			pod:  mkPod(v1.RestartPolicyNever, nil, ctr("a")),
			regs: sts(terminated("a", 137, ReasonRestartingAllContainers)), want: v1.PodRunning},

		// 7. sidecars
		{source: "sidecar running, not started, !podHasInitialized -> Pending",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{sidecar("s")}, ctr("a")),
			init: sts(started(running("s"), false)), regs: sts(running("a")), want: v1.PodPending},
		{source: "sidecar running, Started nil, !podHasInitialized -> Pending",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{sidecar("s")}, ctr("a")),
			init: sts(running("s")), regs: sts(running("a")), want: v1.PodPending},
		{source: "sidecar running, not started, podHasInitialized -> Running",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{sidecar("s")}, ctr("a")),
			init: sts(started(running("s"), false)), regs: sts(running("a")), initialized: true, want: v1.PodRunning},
		{source: "sidecar started and running, app waiting -> Pending (waiting rule)",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{sidecar("s")}, ctr("a")),
			init: sts(started(running("s"), true)), regs: sts(waiting("a", "ContainerCreating")), want: v1.PodPending},
		{source: "sidecar running alone (apps stopped) keeps the pod Running",
			pod:  mkPod(v1.RestartPolicyNever, []v1.Container{sidecar("s")}, ctr("a")),
			init: sts(started(running("s"), true)), regs: sts(terminated("a", 0, "Completed")), want: v1.PodRunning},
		{source: "sidecar waiting, never terminated -> Pending even if podHasInitialized",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{sidecar("s")}, ctr("a")),
			init: sts(waiting("s", "ContainerCreating")), regs: sts(running("a")), initialized: true, want: v1.PodPending},
		{source: "sidecar without status is unknown -> Pending",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{sidecar("s")}, ctr("a")),
			regs: sts(running("a")), initialized: true, want: v1.PodPending},
		{source: "terminated sidecar ignored -> apps decide (Never, exit 0 -> Succeeded)",
			pod:  mkPod(v1.RestartPolicyNever, []v1.Container{sidecar("s")}, ctr("a")),
			init: sts(terminated("s", 137, "Error")), regs: sts(terminated("a", 0, "Completed")), want: v1.PodSucceeded},
		{source: "sidecar waiting after a termination ignored -> Running",
			pod:  mkPod(v1.RestartPolicyAlways, []v1.Container{sidecar("s")}, ctr("a")),
			init: sts(after(waiting("s", "CrashLoopBackOff"), 1)), regs: sts(running("a")), want: v1.PodRunning},
		{source: "failed sidecar never fails the pod even with Never",
			pod:  mkPod(v1.RestartPolicyNever, []v1.Container{sidecar("s"), ctr("i")}, ctr("a")),
			init: sts(terminated("s", 1, "Error"), waiting("i", "")), want: v1.PodPending},

		// 8. nothing known
		{source: "no statuses -> Pending (default)",
			pod: mkPod(v1.RestartPolicyAlways, nil, ctr("a")), want: v1.PodPending},
		{source: "lookup crosses lists: a regular container's status in the init list is found",
			pod:  mkPod(v1.RestartPolicyAlways, nil, ctr("a")),
			init: sts(running("a")), want: v1.PodRunning},
	}
	for _, tc := range tests {
		t.Run(tc.source, func(t *testing.T) {
			got := PodPhase(tc.pod, tc.init, tc.regs, tc.terminal, tc.initialized)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestHasAnyRegularContainerStarted(t *testing.T) {
	spec := &mkPod(v1.RestartPolicyAlways, []v1.Container{ctr("i")}, ctr("a")).Spec
	// kubecontainer.HasAnyRegularContainerStarted: running or terminated regular container.
	require.False(t, HasAnyRegularContainerStarted(spec, nil))
	require.False(t, HasAnyRegularContainerStarted(spec, sts(running("i"))), "init containers do not count")
	require.False(t, HasAnyRegularContainerStarted(spec, sts(after(waiting("a", "CrashLoopBackOff"), 1))), "waiting does not count")
	require.True(t, HasAnyRegularContainerStarted(spec, sts(running("a"))))
	require.True(t, HasAnyRegularContainerStarted(spec, sts(terminated("a", 1, ""))))
}

// ---- conditions -------------------------------------------------------------

func cond(t v1.PodConditionType, s v1.ConditionStatus, reason, msg string) v1.PodCondition {
	return v1.PodCondition{Type: t, Status: s, Reason: reason, Message: msg}
}

func TestInitializedCondition(t *testing.T) {
	two := mkPod(v1.RestartPolicyAlways, []v1.Container{ctr("i1"), sidecar("s"), ctr("i2")}, ctr("a"))
	none := mkPod(v1.RestartPolicyAlways, nil, ctr("a"))
	T, F := v1.ConditionTrue, v1.ConditionFalse
	wasInit := []v1.PodCondition{cond(v1.PodInitialized, T, "", "")}

	tests := []struct {
		source     string // GeneratePodInitializedCondition rule
		pod        *v1.Pod
		init, regs []v1.ContainerStatus
		phase      v1.PodPhase
		old        []v1.PodCondition
		want       v1.PodCondition
	}{
		{source: "nil statuses with init containers -> UnknownContainerStatuses",
			pod: two, phase: v1.PodPending, want: cond(v1.PodInitialized, F, ReasonUnknownContainerStatuses, "")},
		{source: "nil statuses with init containers -> UnknownContainerStatuses even if previously initialized",
			pod: two, phase: v1.PodPending, old: wasInit, want: cond(v1.PodInitialized, F, ReasonUnknownContainerStatuses, "")},
		{source: "nil statuses without init containers -> True",
			pod: none, phase: v1.PodPending, want: cond(v1.PodInitialized, T, "", "")},
		{source: "empty non-nil init list is not 'nil': init containers unknown",
			pod: two, init: []v1.ContainerStatus{}, phase: v1.PodPending,
			want: cond(v1.PodInitialized, F, ReasonContainersNotInitialized, "containers with unknown status: [i1 s i2]")},
		{source: "Succeeded and all init containers known -> True PodCompleted",
			pod:  two,
			init: sts(terminated("i1", 0, "Completed"), terminated("s", 137, "Error"), terminated("i2", 0, "Completed")),
			regs: sts(terminated("a", 0, "Completed")), phase: v1.PodSucceeded,
			want: cond(v1.PodInitialized, T, ReasonPodCompleted, "")},
		{source: "Succeeded with an unknown init container -> regular started -> True without reason",
			pod:  two,
			init: sts(ready(terminated("i1", 0, "Completed"))), regs: sts(terminated("a", 0, "Completed")),
			phase: v1.PodSucceeded, want: cond(v1.PodInitialized, T, "", "")},
		{source: "regular container running -> True even while a sidecar restarts",
			pod:  two,
			init: sts(ready(terminated("i1", 0, "Completed")), started(running("s"), false), ready(terminated("i2", 0, "Completed"))),
			regs: sts(running("a")), phase: v1.PodRunning, want: cond(v1.PodInitialized, T, "", "")},
		{source: "regular container waiting after a crash does not count as started",
			pod:  two,
			init: sts(ready(terminated("i1", 0, "Completed")), after(waiting("s", "CrashLoopBackOff"), 1), ready(terminated("i2", 0, "Completed"))),
			regs: sts(after(waiting("a", "CrashLoopBackOff"), 1)), phase: v1.PodRunning,
			want: cond(v1.PodInitialized, F, ReasonContainersNotInitialized, "containers with incomplete status: [s]")},
		{source: "RestartAllContainersOnContainerExits: previously Initialized=True stays True",
			pod:  two,
			init: sts(ready(terminated("i1", 0, "Completed")), after(waiting("s", "CrashLoopBackOff"), 1), ready(terminated("i2", 0, "Completed"))),
			regs: sts(after(waiting("a", "CrashLoopBackOff"), 1)), phase: v1.PodRunning, old: wasInit,
			want: cond(v1.PodInitialized, T, "", "")},
		{source: "previously Initialized=False does not help",
			pod: two, init: sts(running("i1")), phase: v1.PodPending,
			old:  []v1.PodCondition{cond(v1.PodInitialized, F, ReasonContainersNotInitialized, "x")},
			want: cond(v1.PodInitialized, F, ReasonContainersNotInitialized, "containers with unknown status: [s i2], containers with incomplete status: [i1]")},
		{source: "regular init container incomplete until Ready (terminated 0 but not ready)",
			pod:   two,
			init:  sts(terminated("i1", 0, "Completed"), started(running("s"), true), ready(terminated("i2", 0, "Completed"))),
			phase: v1.PodPending,
			want:  cond(v1.PodInitialized, F, ReasonContainersNotInitialized, "containers with incomplete status: [i1]")},
		{source: "sidecar incomplete until Started (Ready is irrelevant)",
			pod:   two,
			init:  sts(ready(terminated("i1", 0, "Completed")), ready(started(running("s"), false)), ready(terminated("i2", 0, "Completed"))),
			phase: v1.PodPending,
			want:  cond(v1.PodInitialized, F, ReasonContainersNotInitialized, "containers with incomplete status: [s]")},
		{source: "unknown and incomplete listed together, spec order",
			pod:  two,
			init: sts(started(running("s"), false), running("i2")), phase: v1.PodPending,
			want: cond(v1.PodInitialized, F, ReasonContainersNotInitialized, "containers with unknown status: [i1], containers with incomplete status: [s i2]")},
		{source: "all init containers done -> True",
			pod:  two,
			init: sts(ready(terminated("i1", 0, "Completed")), started(running("s"), true), ready(terminated("i2", 0, "Completed"))),
			regs: sts(waiting("a", "PodInitializing")), phase: v1.PodPending,
			want: cond(v1.PodInitialized, T, "", "")},
		{source: "Failed phase gets no special reason",
			pod: two, init: sts(terminated("i1", 1, "Error")), phase: v1.PodFailed,
			want: cond(v1.PodInitialized, F, ReasonContainersNotInitialized, "containers with unknown status: [s i2], containers with incomplete status: [i1]")},
	}
	for _, tc := range tests {
		t.Run(tc.source, func(t *testing.T) {
			require.Equal(t, tc.want, InitializedCondition(tc.pod, tc.init, tc.regs, tc.phase, tc.old))
		})
	}
}

func TestContainersReadyCondition(t *testing.T) {
	pod := mkPod(v1.RestartPolicyAlways, []v1.Container{ctr("i"), sidecar("s")}, ctr("a"), ctr("b"))
	F := v1.ConditionFalse
	allReady := func() ([]v1.ContainerStatus, []v1.ContainerStatus) {
		return sts(terminated("i", 0, "Completed"), runningReady("s")), sts(runningReady("a"), runningReady("b"))
	}
	ai, ar := allReady()

	tests := []struct {
		source     string // GenerateContainersReadyCondition rule
		init, regs []v1.ContainerStatus
		phase      v1.PodPhase
		want       v1.PodCondition
	}{
		{source: "nil statuses -> UnknownContainerStatuses",
			phase: v1.PodPending, want: cond(v1.ContainersReady, F, ReasonUnknownContainerStatuses, "")},
		{source: "nil init list + empty regular list is still nil upstream",
			regs: []v1.ContainerStatus{}, phase: v1.PodPending,
			want: cond(v1.ContainersReady, F, ReasonUnknownContainerStatuses, "")},
		{source: "Succeeded, all known -> False PodCompleted",
			init: sts(terminated("i", 0, ""), terminated("s", 137, "")), regs: sts(terminated("a", 0, ""), terminated("b", 0, "")),
			phase: v1.PodSucceeded, want: cond(v1.ContainersReady, F, ReasonPodCompleted, "")},
		{source: "Succeeded with an unknown container -> ContainersNotReady",
			init: sts(terminated("s", 137, "")), regs: sts(terminated("a", 0, "")),
			phase: v1.PodSucceeded,
			want:  cond(v1.ContainersReady, F, ReasonContainersNotReady, "containers with unknown status: [b], containers with unready status: [s a]")},
		{source: "Failed -> False PodFailed even if every container is ready",
			init: ai, regs: ar, phase: v1.PodFailed, want: cond(v1.ContainersReady, F, ReasonPodFailed, "")},
		{source: "unready containers listed, sidecars first; regular init containers ignored",
			init: sts(running("i"), running("s")), regs: sts(running("a"), runningReady("b")), phase: v1.PodRunning,
			want: cond(v1.ContainersReady, F, ReasonContainersNotReady, "containers with unready status: [s a]")},
		{source: "unknown containers",
			init: sts(runningReady("s")), phase: v1.PodPending,
			want: cond(v1.ContainersReady, F, ReasonContainersNotReady, "containers with unknown status: [a b]")},
		{source: "unknown and unready",
			init: sts(runningReady("s")), regs: sts(running("b")), phase: v1.PodRunning,
			want: cond(v1.ContainersReady, F, ReasonContainersNotReady, "containers with unknown status: [a], containers with unready status: [b]")},
		{source: "all sidecars and regular containers ready -> True",
			init: ai, regs: ar, phase: v1.PodRunning, want: cond(v1.ContainersReady, v1.ConditionTrue, "", "")},
		{source: "regular init container not ready does not matter",
			init: sts(running("i"), runningReady("s")), regs: ar, phase: v1.PodPending,
			want: cond(v1.ContainersReady, v1.ConditionTrue, "", "")},
	}
	for _, tc := range tests {
		t.Run(tc.source, func(t *testing.T) {
			require.Equal(t, tc.want, ContainersReadyCondition(pod, tc.init, tc.regs, tc.phase))
		})
	}
}

func TestReadyCondition(t *testing.T) {
	plain := mkPod(v1.RestartPolicyAlways, nil, ctr("a"))
	gated := mkPod(v1.RestartPolicyAlways, nil, ctr("a"))
	gated.Spec.ReadinessGates = []v1.PodReadinessGate{{ConditionType: "example.com/lb"}, {ConditionType: "x"}}
	T, F := v1.ConditionTrue, v1.ConditionFalse
	crTrue := cond(v1.ContainersReady, T, "", "")

	tests := []struct {
		source string // GeneratePodReadyCondition rule
		pod    *v1.Pod
		cr     v1.PodCondition
		conds  []v1.PodCondition
		want   v1.PodCondition
	}{
		{source: "ContainersReady False -> copy status, reason, message",
			pod: gated, cr: cond(v1.ContainersReady, F, ReasonContainersNotReady, "containers with unready status: [a]"),
			want: cond(v1.PodReady, F, ReasonContainersNotReady, "containers with unready status: [a]")},
		{source: "ContainersReady PodCompleted copied",
			pod: plain, cr: cond(v1.ContainersReady, F, ReasonPodCompleted, ""),
			want: cond(v1.PodReady, F, ReasonPodCompleted, "")},
		{source: "ContainersReady Unknown copied",
			pod: plain, cr: cond(v1.ContainersReady, v1.ConditionUnknown, "r", "m"),
			want: cond(v1.PodReady, v1.ConditionUnknown, "r", "m")},
		{source: "no readiness gates -> True",
			pod: plain, cr: crTrue, want: cond(v1.PodReady, T, "", "")},
		{source: "gate conditions missing",
			pod: gated, cr: crTrue,
			want: cond(v1.PodReady, F, ReasonReadinessGatesNotReady,
				`corresponding condition of pod readiness gate "example.com/lb" does not exist., `+
					`corresponding condition of pod readiness gate "x" does not exist.`)},
		{source: "gate condition not True",
			pod: gated, cr: crTrue,
			conds: []v1.PodCondition{cond("x", T, "", ""), cond("example.com/lb", F, "", "")},
			want: cond(v1.PodReady, F, ReasonReadinessGatesNotReady,
				`the status of pod readiness gate "example.com/lb" is not "True", but False`)},
		{source: "gate condition Unknown, other missing",
			pod: gated, cr: crTrue,
			conds: []v1.PodCondition{cond("example.com/lb", v1.ConditionUnknown, "", "")},
			want: cond(v1.PodReady, F, ReasonReadinessGatesNotReady,
				`the status of pod readiness gate "example.com/lb" is not "True", but Unknown, `+
					`corresponding condition of pod readiness gate "x" does not exist.`)},
		{source: "first matching condition wins (GetPodConditionFromList)",
			pod: gated, cr: crTrue,
			conds: []v1.PodCondition{cond("x", F, "", ""), cond("x", T, "", ""), cond("example.com/lb", T, "", "")},
			want: cond(v1.PodReady, F, ReasonReadinessGatesNotReady,
				`the status of pod readiness gate "x" is not "True", but False`)},
		{source: "all gates True -> True",
			pod: gated, cr: crTrue,
			conds: []v1.PodCondition{cond("example.com/lb", T, "", ""), cond("x", T, "", "")},
			want:  cond(v1.PodReady, T, "", "")},
	}
	for _, tc := range tests {
		t.Run(tc.source, func(t *testing.T) {
			require.Equal(t, tc.want, ReadyCondition(tc.pod, tc.cr, tc.conds))
		})
	}

	// Quoting follows fmt's %q, as upstream formats with it.
	odd := mkPod(v1.RestartPolicyAlways, nil, ctr("a"))
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
	initTrue := []v1.PodCondition{cond(v1.PodInitialized, v1.ConditionTrue, "", "")}
	readyTrue := []v1.PodCondition{cond(v1.PodReady, v1.ConditionTrue, "", "")}

	twoInits := mkPod(v1.RestartPolicyAlways, []v1.Container{ctr("i1"), ctr("i2")}, ctr("a"))
	oneInit := mkPod(v1.RestartPolicyAlways, []v1.Container{ctr("i")}, ctr("a"))
	sidecars := mkPod(v1.RestartPolicyAlways, []v1.Container{sidecar("s1"), ctr("i"), sidecar("s2")}, ctr("a"))
	one := mkPod(v1.RestartPolicyAlways, nil, ctr("a"))
	two := mkPod(v1.RestartPolicyAlways, nil, ctr("a"), ctr("b"))
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
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: sts(waiting("i1", "PodInitializing"), waiting("i2", "PodInitializing"))},
			want:   KubectlRow{"p", "0/1", "Init:0/2", "0"}},
		{source: "Init:i/N: first done (exit 0 skipped), second running",
			pod:    twoInits,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: sts(terminated("i1", 0, "Completed"), running("i2"))},
			want:   KubectlRow{"p", "0/1", "Init:1/2", "0"}},
		{source: "Init:i/N: waiting with empty reason",
			pod:    oneInit,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: sts(waiting("i", ""))},
			want:   KubectlRow{"p", "0/1", "Init:0/1", "0"}},
		{source: "Init:<terminated reason>",
			pod:    twoInits,
			status: v1.PodStatus{Phase: v1.PodFailed, InitContainerStatuses: sts(terminated("i1", 1, "Error"), waiting("i2", "PodInitializing"))},
			want:   KubectlRow{"p", "0/1", "Init:Error", "0"}},
		{source: "Init:<waiting reason>",
			pod:    twoInits,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: sts(restarted(waiting("i1", "CrashLoopBackOff"), 3, 5*time.Second))},
			want:   KubectlRow{"p", "0/1", "Init:CrashLoopBackOff", "3 (5s ago)"}},
		{source: "Init:ExitCode:N when the terminated reason is empty",
			pod:    oneInit,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: sts(terminated("i", 3, ""))},
			want:   KubectlRow{"p", "0/1", "Init:ExitCode:3", "0"}},
		{source: "Init:Signal:N when the terminated reason is empty and a signal is set",
			pod:    oneInit,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: sts(signalled("i", 137, 9))},
			want:   KubectlRow{"p", "0/1", "Init:Signal:9", "0"}},
		{source: "init restarts counted up to the container that stops the walk",
			pod: twoInits,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: sts(
				restarted(terminated("i1", 0, "Completed"), 2, 90*time.Second),
				restarted(waiting("i2", "CrashLoopBackOff"), 3, 10*time.Second))},
			want: KubectlRow{"p", "0/1", "Init:CrashLoopBackOff", "5 (10s ago)"}},
		{source: "init restarts after the stopping container are not counted",
			pod: twoInits,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: sts(
				running("i1"), restarted(waiting("i2", ""), 4, time.Second))},
			want: KubectlRow{"p", "0/1", "Init:0/2", "0"}},
		{source: "while initializing the regular containers are ignored",
			pod: oneInit,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: sts(running("i")),
				ContainerStatuses: sts(restarted(runningReady("a"), 7, time.Second))},
			want: KubectlRow{"p", "0/1", "Init:0/1", "0"}},

		// sidecars
		{source: "started sidecars skipped in Init:i/N and counted in READY when ready",
			pod: sidecars,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: sts(
				runningReady("s1"), running("i"), waiting("s2", ""))},
			want: KubectlRow{"p", "1/3", "Init:1/3", "0"}},
		{source: "sidecar running but not started stops the walk",
			pod: sidecars,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: sts(
				restarted(started(running("s1"), false), 3, 10*time.Second))},
			want: KubectlRow{"p", "0/3", "Init:0/3", "3 (10s ago)"}},
		{source: "after init only sidecar and regular restarts count; last termination from those",
			pod: sidecars,
			status: v1.PodStatus{Phase: v1.PodRunning, InitContainerStatuses: sts(
				restarted(runningReady("s1"), 1, 20*time.Second),
				restarted(terminated("i", 0, "Completed"), 5, 2*time.Second),
				started(running("s2"), true)),
				ContainerStatuses: sts(restarted(runningReady("a"), 2, 30*time.Second))},
			want: KubectlRow{"p", "2/3", "Running", "3 (20s ago)"}},
		{source: "initializing but Initialized=True: regular containers still printed",
			pod: sidecars,
			status: v1.PodStatus{Phase: v1.PodRunning, Conditions: initTrue, InitContainerStatuses: sts(
				restarted(runningReady("s1"), 1, 40*time.Second),
				restarted(terminated("i", 0, "Completed"), 9, time.Second),
				restarted(started(running("s2"), false), 2, 15*time.Second),
			), ContainerStatuses: sts(runningReady("a"))},
			// The walk's "Init:2/3" survives: a running container never sets STATUS.
			want: KubectlRow{"p", "2/3", "Init:2/3", "3 (15s ago)"}},
		{source: "sidecar terminated with error but Initialized=True: Completed from regular container",
			pod: mkPod(v1.RestartPolicyNever, []v1.Container{sidecar("s")}, ctr("a")),
			status: v1.PodStatus{Phase: v1.PodSucceeded, Conditions: initTrue,
				InitContainerStatuses: sts(terminated("s", 137, "Error")),
				ContainerStatuses:     sts(terminated("a", 0, "Completed"))},
			want: KubectlRow{"p", "0/2", "Completed", "0"}},
		{source: "statuses of unknown init containers are not sidecars",
			pod: sidecars,
			status: v1.PodStatus{Phase: v1.PodRunning, InitContainerStatuses: sts(
				started(runningReady("ghost"), true))},
			want: KubectlRow{"p", "0/3", "Init:0/3", "0"}},

		// regular containers
		{source: "PodInitializing: init done, app waiting PodInitializing",
			pod: oneInit,
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: sts(terminated("i", 0, "Completed")),
				ContainerStatuses: sts(waiting("a", "PodInitializing"))},
			want: KubectlRow{"p", "0/1", "PodInitializing", "0"}},
		{source: "ContainerCreating",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodPending, ContainerStatuses: sts(waiting("a", "ContainerCreating"))},
			want:   KubectlRow{"p", "0/1", "ContainerCreating", "0"}},
		{source: "waiting with empty reason keeps the phase",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodPending, ContainerStatuses: sts(waiting("a", ""))},
			want:   KubectlRow{"p", "0/1", "Pending", "0"}},
		{source: "CrashLoopBackOff with restarts (5s ago)",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: sts(restarted(waiting("a", "CrashLoopBackOff"), 5, 5*time.Second))},
			want:   KubectlRow{"p", "0/1", "CrashLoopBackOff", "5 (5s ago)"}},
		{source: "Error",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodFailed, ContainerStatuses: sts(terminated("a", 1, "Error"))},
			want:   KubectlRow{"p", "0/1", "Error", "0"}},
		{source: "Completed",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodSucceeded, ContainerStatuses: sts(terminated("a", 0, "Completed"))},
			want:   KubectlRow{"p", "0/1", "Completed", "0"}},
		{source: "OOMKilled",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodFailed, ContainerStatuses: sts(terminated("a", 137, "OOMKilled"))},
			want:   KubectlRow{"p", "0/1", "OOMKilled", "0"}},
		{source: "ExitCode:N / Signal:N for regular containers",
			pod: two,
			status: v1.PodStatus{Phase: v1.PodFailed, ContainerStatuses: sts(
				signalled("a", 143, 15), terminated("b", 2, ""))},
			want: KubectlRow{"p", "0/2", "Signal:15", "0"}},
		{source: "Running from the phase",
			pod:    two,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: sts(runningReady("a"), running("b"))},
			want:   KubectlRow{"p", "1/2", "Running", "0"}},
		{source: "first container's reason wins (walked last to first)",
			pod: two,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: sts(
				waiting("a", "ImagePullBackOff"), waiting("b", "ContainerCreating"))},
			want: KubectlRow{"p", "0/2", "ImagePullBackOff", "0"}},
		{source: "Completed + ready running container, no Ready condition -> NotReady",
			pod: two,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: sts(
				terminated("a", 0, "Completed"), runningReady("b"))},
			want: KubectlRow{"p", "1/2", "NotReady", "0"}},
		{source: "Completed + ready running container + Ready=True -> Running",
			pod: two,
			status: v1.PodStatus{Phase: v1.PodRunning, Conditions: readyTrue, ContainerStatuses: sts(
				terminated("a", 0, "Completed"), runningReady("b"))},
			want: KubectlRow{"p", "1/2", "Running", "0"}},
		{source: "Completed + a failed container -> the failure's reason",
			pod: mkPod(v1.RestartPolicyAlways, nil, ctr("a"), ctr("b"), ctr("c")),
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: sts(
				terminated("a", 0, "Completed"), runningReady("b"), terminated("c", 1, "Error"))},
			want: KubectlRow{"p", "1/3", "Error", "0"}},
		{source: "Completed and nothing running stays Completed",
			pod: two,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: sts(
				terminated("a", 0, "Completed"), running("b"))},
			want: KubectlRow{"p", "0/2", "Completed", "0"}},
		{source: "pod reason overrides the phase (Evicted)",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodFailed, Reason: "Evicted"},
			want:   KubectlRow{"p", "0/1", "Evicted", "0"}},
		{source: "SchedulingGated from the PodScheduled condition",
			pod: one,
			status: v1.PodStatus{Phase: v1.PodPending, Conditions: []v1.PodCondition{
				cond(v1.PodScheduled, v1.ConditionFalse, v1.PodReasonSchedulingGated, "")}},
			want: KubectlRow{"p", "0/1", "SchedulingGated", "0"}},

		// deletion
		{source: "Terminating when deleted and not terminal",
			pod:    deleted(one),
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: sts(runningReady("a"))},
			want:   KubectlRow{"p", "1/1", "Terminating", "0"}},
		{source: "Terminating overrides an init reason",
			pod:    deleted(oneInit),
			status: v1.PodStatus{Phase: v1.PodPending, InitContainerStatuses: sts(waiting("i", "CrashLoopBackOff"))},
			want:   KubectlRow{"p", "0/1", "Terminating", "0"}},
		{source: "no Terminating once the phase is terminal",
			pod:    deleted(one),
			status: v1.PodStatus{Phase: v1.PodSucceeded, ContainerStatuses: sts(terminated("a", 0, "Completed"))},
			want:   KubectlRow{"p", "0/1", "Completed", "0"}},
		{source: "deleted with reason NodeLost -> Unknown",
			pod:    deleted(one),
			status: v1.PodStatus{Phase: v1.PodRunning, Reason: "NodeLost", ContainerStatuses: sts(runningReady("a"))},
			want:   KubectlRow{"p", "1/1", "Unknown", "0"}},

		// restarts
		{source: "RESTARTS sum over regular containers, latest finishedAt",
			pod: two,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: sts(
				restarted(runningReady("a"), 2, 3*time.Minute), restarted(runningReady("b"), 3, 150*time.Second))},
			want: KubectlRow{"p", "2/2", "Running", "5 (2m30s ago)"}},
		{source: "RESTARTS without a finishedAt has no suffix",
			pod: one,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: sts(func() v1.ContainerStatus {
				s := after(runningReady("a"), 1)
				s.RestartCount = 3
				return s
			}())},
			want: KubectlRow{"p", "1/1", "Running", "3"}},
		{source: "zero restarts has no suffix even with a last termination",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: sts(restarted(runningReady("a"), 0, time.Second))},
			want:   KubectlRow{"p", "1/1", "Running", "0"}},
		{source: "HumanDuration for long ages",
			pod:    one,
			status: v1.PodStatus{Phase: v1.PodRunning, ContainerStatuses: sts(restarted(runningReady("a"), 1, 50*time.Hour))},
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
