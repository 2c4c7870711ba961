package cluster

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/podconform/podconform/model"
)

var t0 = time.Date(2026, 12, 7, 10, 0, 0, 300_000_000, time.UTC) // .3 s into a second

func at(d time.Duration) time.Time { return t0.Add(d) }

// ts is a status timestamp: whole seconds, truncated, as the API keeps it.
func ts(d time.Duration) metav1.Time { return metav1.NewTime(t0.Add(d).Truncate(time.Second)) }

func running(name string, n int32, started time.Duration) v1.ContainerStatus {
	return v1.ContainerStatus{Name: name, RestartCount: n, State: v1.ContainerState{Running: &v1.ContainerStateRunning{StartedAt: ts(started)}}}
}

func waiting(name, reason string) v1.ContainerStatus {
	return v1.ContainerStatus{Name: name, State: v1.ContainerState{Waiting: &v1.ContainerStateWaiting{Reason: reason}}}
}

func terminated(code int32, reason string, started, finished time.Duration) *v1.ContainerStateTerminated {
	return &v1.ContainerStateTerminated{ExitCode: code, Reason: reason, StartedAt: ts(started), FinishedAt: ts(finished)}
}

func pending(cs ...v1.ContainerStatus) *v1.PodStatus {
	return &v1.PodStatus{Phase: v1.PodPending, Conditions: []v1.PodCondition{{Type: v1.PodScheduled, Status: v1.ConditionTrue}}, ContainerStatuses: cs}
}

func runs(acts []model.Action) []model.Action {
	var out []model.Action
	for _, a := range acts {
		if a.Kind != model.ActStatus {
			out = append(out, a)
		}
	}
	return out
}

// TestObserverCrashLoop: starts and exits are read from restartCount,
// state and lastState, each once, at the earliest time the status proves.
func TestObserverCrashLoop(t *testing.T) {
	o := newObserver(t0)
	// The status of a pod just created is not the node's: skipped.
	o.status(&v1.PodStatus{Phase: v1.PodPending}, at(10*time.Millisecond))
	require.Empty(t, o.acts)

	creating := waiting("app", "ContainerCreating")
	o.status(pending(creating), at(100*time.Millisecond))
	require.Len(t, o.acts, 1)
	require.Equal(t, model.ActStatus, o.acts[0].Kind)

	// Running, instance 0, started 0.4 s in (timestamp truncated to the
	// second, which began 0.3 s before t0): seen at 1.5 s; the timestamp
	// proves it started by 0.7 s.
	o.status(pending(running("app", 0, 400*time.Millisecond)), at(1500*time.Millisecond))
	// It crashed at 5.2 s and restarted at once; the watch shows the new
	// instance at 6.1 s, with the old one in lastState.
	cs := running("app", 1, 5300*time.Millisecond)
	cs.LastTerminationState.Terminated = terminated(1, "Error", 400*time.Millisecond, 5200*time.Millisecond)
	o.status(pending(cs), at(6100*time.Millisecond))
	// Crashed again at 7 s; waiting in CrashLoopBackOff, seen at 8 s.
	w := waiting("app", "CrashLoopBackOff")
	w.RestartCount = 1
	w.LastTerminationState.Terminated = terminated(2, "Error", 5300*time.Millisecond, 7*time.Second)
	o.status(pending(w), at(8*time.Second))
	// The same status again adds no run.
	o.status(pending(w), at(8500*time.Millisecond))

	got := runs(o.acts)
	require.Equal(t, []model.Action{
		{At: 700 * time.Millisecond, Kind: model.ActContainerStarted, Container: "app", Attempt: 0},
		{At: 5700 * time.Millisecond, Kind: model.ActContainerExited, Container: "app", Attempt: 0, ExitCode: 1, Reason: "Error"},
		{At: 5700 * time.Millisecond, Kind: model.ActContainerStarted, Container: "app", Attempt: 1},
		{At: 7700 * time.Millisecond, Kind: model.ActContainerExited, Container: "app", Attempt: 1, ExitCode: 2, Reason: "Error"},
	}, got)
	for i := 1; i < len(o.acts); i++ {
		require.GreaterOrEqual(t, o.acts[i].At, o.acts[i-1].At, "the trace never goes back")
	}
	for _, a := range o.acts {
		require.Zero(t, a.At%time.Millisecond, "whole milliseconds")
	}
}

// TestObserverMissedRunning: an instance first seen terminated (it ran and
// ended between two statuses) is started and exited at once, in the
// statuses' order.
func TestObserverMissedRunning(t *testing.T) {
	o := newObserver(t0)
	st := &v1.PodStatus{Phase: v1.PodPending, Conditions: []v1.PodCondition{{Type: v1.PodScheduled, Status: v1.ConditionTrue}},
		InitContainerStatuses: []v1.ContainerStatus{
			{Name: "a", State: v1.ContainerState{Terminated: terminated(0, "Completed", 0, 200*time.Millisecond)}},
			running("b", 0, 100*time.Millisecond),
		}}
	o.status(st, at(3*time.Second))
	got := runs(o.acts)
	require.Len(t, got, 3)
	require.Equal(t, model.ActContainerStarted, got[0].Kind)
	require.Equal(t, "a", got[0].Container)
	// One instant: the statuses' order, each instance's start before
	// its exit.
	require.Equal(t, model.ActContainerExited, got[1].Kind)
	require.Equal(t, "a", got[1].Container)
	require.Equal(t, model.ActContainerStarted, got[2].Kind)
	require.Equal(t, "b", got[2].Container)
	require.Equal(t, 700*time.Millisecond, got[0].At)
}

// TestObserverNeverEarlierThanLast: a status timestamp cannot move a start
// before a status already reported; it can move it before a delete (the
// world's, noted at its time), where it happened.
func TestObserverNeverEarlierThanLast(t *testing.T) {
	o := newObserver(t0)
	o.status(pending(waiting("app", "ContainerCreating")), at(1500*time.Millisecond))
	o.deletedAt(2*time.Second, 30, false)
	o.status(pending(running("app", 0, 0)), at(2500*time.Millisecond))
	require.Equal(t, []model.ActionKind{model.ActStatus, model.ActContainerStarted, model.ActDeleteRequested, model.ActStatus}, kinds(o.acts))
	require.Equal(t, 1500*time.Millisecond, o.acts[1].At, "not before the status at 1.5 s (its timestamp proves 0.7 s)")
	o.removed(at(3 * time.Second))
	require.Equal(t, model.ActPodRemoved, o.acts[len(o.acts)-1].Kind)
}

func kinds(acts []model.Action) []model.ActionKind {
	out := make([]model.ActionKind, len(acts))
	for i := range acts {
		out[i] = acts[i].Kind
	}
	return out
}

// TestObserverNewSandbox: after a new sandbox the kubelet shows a
// container's new instance with the restart count of its last one; the
// start time tells it apart, and it gets the next attempt number.
func TestObserverNewSandbox(t *testing.T) {
	o := newObserver(t0)
	o.status(pending(running("side", 2, 10*time.Second)), at(11*time.Second))
	ended := v1.ContainerStatus{Name: "side", RestartCount: 2, State: v1.ContainerState{Terminated: terminated(1, "Error", 10*time.Second, 12*time.Second)}}
	o.status(pending(ended), at(13*time.Second))
	o.status(pending(running("side", 2, 30*time.Second)), at(31*time.Second))
	o.status(pending(running("side", 2, 30*time.Second)), at(32*time.Second))
	again := v1.ContainerStatus{Name: "side", RestartCount: 2, State: v1.ContainerState{Terminated: terminated(0, "Completed", 30*time.Second, 35*time.Second)}}
	o.status(pending(again), at(36*time.Second))
	var got []string
	for _, a := range runs(o.acts) {
		got = append(got, fmt.Sprintf("%s#%d", a.Kind, a.Attempt))
	}
	require.Equal(t, []string{"ContainerStarted#2", "ContainerExited#2", "ContainerStarted#3", "ContainerExited#3"}, got)
}

// TestObserverRewrittenStartTime: an implementation that reports the
// instance it ends with another start time than it ran with (KWOK's
// general stages) still ends that instance.
func TestObserverRewrittenStartTime(t *testing.T) {
	o := newObserver(t0)
	o.status(pending(running("app", 0, 400*time.Millisecond)), at(time.Second))
	done := v1.ContainerStatus{Name: "app", State: v1.ContainerState{Terminated: terminated(0, "Completed", 1500*time.Millisecond, 2*time.Second)}}
	o.status(pending(done), at(2500*time.Millisecond))
	// A later status rewrites the start time of the ended instance again:
	// no new instance.
	again := v1.ContainerStatus{Name: "app", State: v1.ContainerState{Terminated: terminated(0, "Completed", 3*time.Second, 3*time.Second)}}
	o.status(pending(again), at(3500*time.Millisecond))
	got := runs(o.acts)
	require.Len(t, got, 2, "%v", got)
	require.Equal(t, model.ActContainerStarted, got[0].Kind)
	require.Equal(t, model.ActContainerExited, got[1].Kind)
	require.Equal(t, 0, got[1].Attempt)
}

func kubeletEvent(uid, objUID, fieldPath, reason, msg string, count int32, last time.Duration) *v1.Event {
	return &v1.Event{ObjectMeta: metav1.ObjectMeta{UID: types.UID(uid)},
		InvolvedObject: v1.ObjectReference{Kind: "Pod", UID: types.UID(objUID), FieldPath: fieldPath},
		Reason:         reason, Message: msg, Count: count, LastTimestamp: ts(last)}
}

// TestObserverEvents: the pod's events about its containers, with a reason
// the checker judges, become Event actions, one per delivery that shows
// the object new or its count grown, at the earliest time the event's
// timestamp proves; nothing else does.
func TestObserverEvents(t *testing.T) {
	o := newObserver(t0)
	o.uid = "pod-1"
	o.status(pending(running("app", 0, 400*time.Millisecond)), at(1500*time.Millisecond))
	o.event(kubeletEvent("e1", "pod-1", "spec.containers{app}", "BackOff", "Back-off restarting failed container app", 1, 5*time.Second), at(6500*time.Millisecond))
	o.event(kubeletEvent("e1", "pod-1", "spec.containers{app}", "BackOff", "Back-off restarting failed container app", 1, 5*time.Second), at(6600*time.Millisecond))  // the same count again
	o.event(kubeletEvent("e1", "pod-1", "spec.containers{app}", "BackOff", "Back-off restarting failed container app", 3, 9*time.Second), at(9200*time.Millisecond))  // grown by 2: one more
	o.event(kubeletEvent("e2", "pod-0", "spec.containers{app}", "Killing", "Stopping container app", 1, 9*time.Second), at(9300*time.Millisecond))                    // another pod's (same name, earlier run)
	o.event(kubeletEvent("e3", "pod-1", "", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.", 1, 9*time.Second), at(9300*time.Millisecond)) // the pod's own
	o.event(kubeletEvent("e4", "pod-1", "spec.containers{app}", "Pulled", "Container image already present", 1, 9*time.Second), at(9300*time.Millisecond))            // not judged
	o.event(kubeletEvent("e5", "pod-1", "spec.initContainers{init}", "Killing", "Stopping container init", 0, 9*time.Second), at(12*time.Second))                     // count 0: one
	var evs []string
	for _, a := range o.acts {
		if a.Kind == model.ActEvent {
			evs = append(evs, fmt.Sprintf("%v %s#%d %s %q", a.At, a.Container, a.Attempt, a.Reason, a.Result))
		}
	}
	require.Equal(t, []string{
		`5.7s app#0 BackOff "Back-off restarting failed container app"`, // by the end of the second 5 s after t0's second
		`9.2s app#0 BackOff "Back-off restarting failed container app"`, // delivered before the second ended
		`9.7s init#0 Killing "Stopping container init"`,                 // its timestamp proves it by 9.7 s
	}, evs)
	for fp, want := range map[string]string{"spec.containers{a}": "a", "spec.initContainers{b}": "b", "spec.ephemeralContainers{c}": "", "spec.containers{}": "", "": ""} {
		name, ok := eventContainer(fp)
		require.Equal(t, want, name, fp)
		require.Equal(t, want != "", ok, fp)
	}
}

// TestBoundedMessage: an event's message is kept as valid UTF-8 of at most
// 1 KiB (plus the mark), never empty.
func TestBoundedMessage(t *testing.T) {
	require.Equal(t, "(no message)", boundedMessage(""))
	require.Equal(t, "ok \uFFFD", boundedMessage("ok \xff"))
	long := strings.Repeat("é", 600) // 1200 bytes
	got := boundedMessage(long)
	require.True(t, utf8.ValidString(got))
	require.LessOrEqual(t, len(got), maxMessage+3)
	require.True(t, strings.HasSuffix(got, "..."))
}

// TestObserverEventsDoNotHoldBackRuns: the events of a container whose
// postStart hook holds the pod worker arrive before any status shows it
// running (the local node's 1329ef6b75: Started at 2.6 s, the failed
// hook and its Killing at 5.7 s, the first status showing the instance
// at 6.5 s). The start goes where the Started event proves it (it came
// while no instance ran, and not before the start's second), before the
// events that followed it, and the trace stays in time order.
func TestObserverEventsDoNotHoldBackRuns(t *testing.T) {
	o := newObserver(t0)
	o.uid = "pod-1"
	o.status(pending(waiting("app", "ContainerCreating")), at(1*time.Second))
	o.event(kubeletEvent("e1", "pod-1", "spec.containers{app}", "Started", "Container started", 1, 2*time.Second), at(2600*time.Millisecond))
	o.event(kubeletEvent("e2", "pod-1", "spec.containers{app}", "FailedPostStartHook", "PostStartHook failed", 1, 5*time.Second), at(5685*time.Millisecond))
	o.event(kubeletEvent("e3", "pod-1", "spec.containers{app}", "Killing", "FailedPostStartHook", 1, 5*time.Second), at(5691*time.Millisecond))
	o.status(pending(running("app", 0, 2200*time.Millisecond)), at(6522*time.Millisecond))
	var got []string
	for i, a := range o.acts {
		if i > 0 {
			require.GreaterOrEqual(t, a.At, o.acts[i-1].At, "the trace never goes back")
		}
		got = append(got, fmt.Sprintf("%v %s %s", a.At, a.Kind, a.Reason))
	}
	require.Equal(t, []string{
		"1s Status ",
		"2.6s Event Started",
		"2.6s ContainerStarted ", // the event; startedAt alone (2.5 s, truncated) proves 2.7 s
		"5.685s Event FailedPostStartHook",
		"5.691s Event Killing",
		"6.522s Status ",
	}, got)
	// A status still never goes before the last status, nor an event
	// before the last event.
	o.status(pending(running("app", 0, 2200*time.Millisecond)), at(6*time.Second))
	require.Equal(t, 6522*time.Millisecond, o.acts[len(o.acts)-1].At)
}

// TestObserverUnknownNeverRan: TerminatePod marks a container that never
// ran ContainerStatusUnknown with no start time; that is no instance. On
// an instance that runs, it is that instance's end.
func TestObserverUnknownNeverRan(t *testing.T) {
	unknown := v1.ContainerState{Terminated: &v1.ContainerStateTerminated{ExitCode: 137, Reason: model.ReasonStatusUnknown}}
	o := newObserver(t0)
	o.status(pending(waiting("app", "ContainerCreating")), at(50*time.Millisecond))
	o.status(pending(v1.ContainerStatus{Name: "app", State: unknown}), at(time.Second))
	require.Empty(t, runs(o.acts))

	o = newObserver(t0)
	o.status(pending(running("app", 0, 400*time.Millisecond)), at(1500*time.Millisecond))
	o.status(pending(v1.ContainerStatus{Name: "app", State: unknown}), at(3*time.Second))
	got := runs(o.acts)
	require.Len(t, got, 2)
	require.Equal(t, model.ActContainerExited, got[1].Kind)
	require.Equal(t, model.ReasonStatusUnknown, got[1].Reason)
}

// TestObserverStartedWitness: a Started event tightens the next start only
// when it came while no instance was known to run, and not before the
// second the start's timestamp names.
func TestObserverStartedWitness(t *testing.T) {
	started := func(uid string, w time.Duration) *v1.Event {
		return kubeletEvent(uid, "pod-1", "spec.containers{app}", "Started", "Container started", 1, w)
	}
	starts := func(o *observer) []time.Duration {
		var out []time.Duration
		for _, a := range runs(o.acts) {
			if a.Kind == model.ActContainerStarted {
				out = append(out, a.At)
			}
		}
		return out
	}
	// While instance 0 runs, a Started event (its own, late) proves
	// nothing about instance 1.
	o := newObserver(t0)
	o.uid = "pod-1"
	o.status(pending(running("app", 0, 400*time.Millisecond)), at(1500*time.Millisecond))
	o.event(started("e1", 4*time.Second), at(4*time.Second))
	cs := running("app", 1, 5300*time.Millisecond)
	cs.LastTerminationState.Terminated = terminated(1, "Error", 400*time.Millisecond, 5200*time.Millisecond)
	o.status(pending(cs), at(6100*time.Millisecond))
	require.Equal(t, []time.Duration{700 * time.Millisecond, 5700 * time.Millisecond}, starts(o))

	// After the exit was reported, the next Started event proves the
	// next start; one before the start's second does not.
	o = newObserver(t0)
	o.uid = "pod-1"
	w := waiting("app", "CrashLoopBackOff")
	w.LastTerminationState.Terminated = terminated(1, "Error", 400*time.Millisecond, 1200*time.Millisecond)
	o.status(pending(w), at(2*time.Second))
	o.event(started("e2", 3*time.Second), at(3*time.Second)) // before the second of 4.2 s
	cs = running("app", 1, 4200*time.Millisecond)
	cs.LastTerminationState.Terminated = w.LastTerminationState.Terminated
	o.status(pending(cs), at(6*time.Second))
	require.Equal(t, []time.Duration{700 * time.Millisecond, 4700 * time.Millisecond}, starts(o))

	o = newObserver(t0)
	o.uid = "pod-1"
	o.status(pending(w), at(2*time.Second))
	o.event(started("e3", 4400*time.Millisecond), at(4400*time.Millisecond))
	o.status(pending(cs), at(6*time.Second))
	require.Equal(t, []time.Duration{700 * time.Millisecond, 4400 * time.Millisecond}, starts(o))
}

// A watch delivers every update of the pod object: a delete sets its
// deletion timestamp and leaves the status as it was. That is no status
// report, and it must not hold back a start that a later status and a
// Started event prove happened before it (recorded: a postStart hook
// holding the pod worker across a delete; 92731b7c72, 1da25474c1).
func TestObserverSkipsUnchangedStatus(t *testing.T) {
	o := newObserver(t0)
	o.uid = "pod-1"
	o.status(pending(waiting("app", "ContainerCreating")), at(500*time.Millisecond))
	o.event(kubeletEvent("e1", "pod-1", "spec.containers{app}", "Started", "Container started", 1, 600*time.Millisecond), at(600*time.Millisecond))
	o.status(pending(waiting("app", "ContainerCreating")), at(2*time.Second)) // the delete's update
	o.status(pending(running("app", 0, 600*time.Millisecond)), at(3600*time.Millisecond))
	var statuses []time.Duration
	var start time.Duration = -1
	for _, a := range o.acts {
		switch a.Kind {
		case model.ActStatus:
			statuses = append(statuses, a.At)
		case model.ActContainerStarted:
			start = a.At
		}
	}
	require.Equal(t, []time.Duration{500 * time.Millisecond, 3600 * time.Millisecond}, statuses, "the unchanged status is not reported")
	require.Equal(t, 600*time.Millisecond, start, "the start goes where the Started event proves it")

	// A status that did change is reported, and holds later starts back.
	o = newObserver(t0)
	o.uid = "pod-1"
	o.status(pending(waiting("app", "ContainerCreating")), at(500*time.Millisecond))
	o.event(kubeletEvent("e1", "pod-1", "spec.containers{app}", "Started", "Container started", 1, 600*time.Millisecond), at(600*time.Millisecond))
	changed := pending(waiting("app", "ContainerCreating"))
	changed.Conditions = append(changed.Conditions, v1.PodCondition{Type: v1.PodReadyToStartContainers, Status: v1.ConditionTrue})
	o.status(changed, at(2*time.Second))
	o.status(pending(running("app", 0, 600*time.Millisecond)), at(3600*time.Millisecond))
	var n int
	start = -1
	for _, a := range o.acts {
		switch a.Kind {
		case model.ActStatus:
			n++
		case model.ActContainerStarted:
			start = a.At
		}
	}
	require.Equal(t, 3, n)
	require.Equal(t, 2*time.Second, start, "never before a status already reported")
}
