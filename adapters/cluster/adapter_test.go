package cluster

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/podconform/podconform/adapters"
	"github.com/podconform/podconform/model"
)

func scenarioOf(t *testing.T, exitAfter time.Duration, oom bool) *model.Scenario {
	t.Helper()
	s := &model.Scenario{}
	s.Pod.Name = "p"
	s.Pod.Spec.RestartPolicy = v1.RestartPolicyNever
	s.Pod.Spec.Containers = []v1.Container{{Name: "app", Image: "busybox"}}
	s.Behaviour.Containers = map[string]model.ContainerBehaviour{
		"app": {Attempts: []model.Attempt{{ExitAfter: &metav1.Duration{Duration: exitAfter}, ExitCode: 3, OOMKilled: oom}}},
	}
	return s
}

// fakeKubelet plays a node on a fake API server: it runs every pod it sees
// created, then ends it with the script's exit code.
// newFake is a fake API server whose namespace ns has its default service
// account (the controller manager's work).
func newFake(ns string) *fake.Clientset {
	return fake.NewClientset(&v1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: ns}})
}

func fakeKubelet(ctx context.Context, t *testing.T, c *fake.Clientset, ns string) {
	w, err := c.CoreV1().Pods(ns).Watch(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	go func() {
		defer w.Stop()
		for ev := range w.ResultChan() {
			if ev.Type != watch.Added {
				continue
			}
			p := ev.Object.(*v1.Pod).DeepCopy()
			// The kubelet's event, once the adapter watches events (the
			// fake's watch replays nothing that exists already).
			for !watchesEvents(c) {
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(200 * time.Millisecond)
			_, err := c.CoreV1().Events(ns).Create(ctx, &v1.Event{ObjectMeta: metav1.ObjectMeta{Name: p.Name + ".started", Namespace: ns, UID: "e1"},
				InvolvedObject: v1.ObjectReference{Kind: "Pod", Name: p.Name, UID: p.UID, FieldPath: "spec.containers{app}"},
				Reason:         "Started", Message: "Container started", Count: 1, LastTimestamp: metav1.Now()}, metav1.CreateOptions{})
			if err != nil {
				return
			}
			now := metav1.Now()
			p.Status = v1.PodStatus{Phase: v1.PodRunning, Conditions: []v1.PodCondition{{Type: v1.PodReady, Status: v1.ConditionTrue}},
				ContainerStatuses: []v1.ContainerStatus{{Name: "app", State: v1.ContainerState{Running: &v1.ContainerStateRunning{StartedAt: now}}}}}
			if _, err := c.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
			p.Status.Phase = v1.PodFailed
			p.Status.ContainerStatuses[0].State = v1.ContainerState{Terminated: &v1.ContainerStateTerminated{ExitCode: 3, Reason: "Error", StartedAt: now, FinishedAt: metav1.Now()}}
			if _, err := c.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
				return
			}
		}
	}()
}

// watchesEvents reports whether anyone asked c for a watch of events.
func watchesEvents(c *fake.Clientset) bool {
	for _, a := range c.Actions() {
		if a.GetVerb() == "watch" && a.GetResource().Resource == "events" {
			return true
		}
	}
	return false
}

// TestRunOnFakeAPI: a scenario becomes a labelled pod on the node, the
// statuses the API shows become the trace (the status of a pod just
// created is not the node's), and the pod is deleted at the end.
func TestRunOnFakeAPI(t *testing.T) {
	c := newFake("ns")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := NewWithClient(Config{Namespace: "ns", Node: "node-1", Run: "r1", Settle: 100 * time.Millisecond}, c)
	require.Equal(t, adapters.Autonomous, a.Info().Mode)
	fakeKubelet(ctx, t, c, "ns")

	acts, err := a.Run(adapters.WithScenarioName(ctx, "demo"), scenarioOf(t, time.Second, false), time.Minute)
	require.NoError(t, err)
	// The event comes on its own watch: its place among the statuses is
	// not fixed.
	var kinds []model.ActionKind
	var evs, rest []model.Action
	for _, x := range acts {
		if x.Kind == model.ActEvent {
			evs = append(evs, x)
			continue
		}
		rest = append(rest, x)
		kinds = append(kinds, x.Kind)
	}
	require.Equal(t, []model.ActionKind{model.ActContainerStarted, model.ActStatus, model.ActContainerExited, model.ActStatus}, kinds)
	require.Equal(t, int32(3), rest[2].ExitCode)
	require.Len(t, evs, 1)
	require.Equal(t, "app", evs[0].Container)
	require.Equal(t, "Started", evs[0].Reason)

	ns, err := c.CoreV1().Namespaces().Get(ctx, "ns", metav1.GetOptions{})
	require.NoError(t, err, "the namespace is created")
	require.Equal(t, ManagedBy, ns.Labels[LabelManagedBy])
	pods, err := c.CoreV1().Pods("ns").List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	require.Empty(t, pods.Items, "the pod is deleted at the end")

	// What was created carried the labels and the node.
	var created *v1.Pod
	for _, act := range c.Actions() {
		if act.GetVerb() == "create" && act.GetResource().Resource == "pods" {
			created = act.(k8stesting.CreateAction).GetObject().(*v1.Pod)
		}
	}
	require.NotNil(t, created)
	require.Equal(t, "node-1", created.Spec.NodeName)
	require.Equal(t, "r1", created.Labels[LabelRun])
	require.Equal(t, "demo", created.Annotations[AnnotationScenario])
}

// TestUnsupported: behaviour a shell cannot produce is refused as
// unsupported, and nothing is created.
func TestUnsupported(t *testing.T) {
	c := fake.NewClientset()
	a := NewWithClient(Config{Namespace: "ns", Node: "n"}, c)
	_, err := a.Run(context.Background(), scenarioOf(t, time.Second, true), time.Minute)
	var ae *adapters.Error
	require.True(t, errors.As(err, &ae))
	require.Equal(t, adapters.ErrKindUnsupported, ae.Kind)
	require.Contains(t, err.Error(), "oomKilled")
	require.Empty(t, c.Actions())
}

// TestCancelDeletesPod: a cancelled run (Ctrl-C) deletes its pod, and
// Cleanup removes what is left and the namespace podconform created.
func TestCancelDeletesPod(t *testing.T) {
	c := newFake("ns")
	a := NewWithClient(Config{Namespace: "ns", Node: "n", Run: "r2"}, c)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(200 * time.Millisecond); cancel() }()
	_, err := a.Run(ctx, scenarioOf(t, time.Hour, false), time.Hour)
	require.ErrorIs(t, err, context.Canceled)
	pods, err := c.CoreV1().Pods("ns").List(context.Background(), metav1.ListOptions{})
	require.NoError(t, err)
	require.Empty(t, pods.Items)

	// A pod a killed run left behind.
	left := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "left", Namespace: "ns", Labels: map[string]string{LabelManagedBy: ManagedBy, LabelRun: "r2"}}}
	_, err = c.CoreV1().Pods("ns").Create(context.Background(), left, metav1.CreateOptions{})
	require.NoError(t, err)
	n, err := Cleanup(context.Background(), c, "ns", "r2")
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, err = c.CoreV1().Namespaces().Get(context.Background(), "ns", metav1.GetOptions{})
	require.Error(t, err, "the namespace podconform created is gone")
}

// TestToWholeSecond: a pod is created once a new second of the wall clock
// has begun (never before), and a cancelled run does not wait.
func TestToWholeSecond(t *testing.T) {
	before := time.Now().Truncate(time.Second)
	require.NoError(t, toWholeSecond(context.Background()))
	require.True(t, time.Now().Truncate(time.Second).After(before), "a new second began")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, toWholeSecond(ctx), context.Canceled)
}
