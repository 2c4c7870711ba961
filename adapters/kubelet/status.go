package kubelet

import (
	"context"
	"reflect"
	"sync"
	"time"
	"unsafe"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/kubelet"
	"k8s.io/kubernetes/pkg/kubelet/cm"
	kubecontainer "k8s.io/kubernetes/pkg/kubelet/container"
	containertest "k8s.io/kubernetes/pkg/kubelet/container/testing"
	proberesults "k8s.io/kubernetes/pkg/kubelet/prober/results"
	"k8s.io/kubernetes/pkg/kubelet/status"

	"github.com/podconform/podconform/model"
)

// The pod's API status is generateAPIPodStatus's (kubelet_pods.go), from
// its parts: the unexported convertStatusToAPIStatus and getPhase are
// called through go:linkname on a Kubelet that has only what they use (a
// reason cache, the runtime, a container manager), and the conditions come
// from the exported generators of pkg/kubelet/status.

//go:linkname convertStatusToAPIStatus k8s.io/kubernetes/pkg/kubelet.(*Kubelet).convertStatusToAPIStatus
func convertStatusToAPIStatus(kl *kubelet.Kubelet, ctx context.Context, pod *v1.Pod, podStatus *kubecontainer.PodStatus, oldPodStatus v1.PodStatus) *v1.PodStatus

//go:linkname getPhase k8s.io/kubernetes/pkg/kubelet.getPhase
func getPhase(logger klog.Logger, pod *v1.Pod, info []v1.ContainerStatus, podIsTerminal, podHasInitialized bool) v1.PodPhase

// setField sets an unexported field of a struct through its address.
func setField(obj any, name string, val any) {
	f := reflect.ValueOf(obj).Elem().FieldByName(name)
	if !f.IsValid() {
		panic("kubelet adapter: Kubelet has no field " + name)
	}
	reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Set(reflect.ValueOf(val))
}

type statusGen struct {
	s       *sim
	kl      *kubelet.Kubelet
	reasons *kubelet.ReasonCache

	mu      sync.Mutex
	last    *v1.PodStatus // the status manager's copy (last published)
	pending *v1.PodStatus // the latest generated, not yet published
	// published is the last status in the trace (on the scenario's clock).
	published *v1.PodStatus
	ps        *kubecontainer.PodStatus
	// sandboxReady: OnPodSandboxReady was called since the last flush.
	sandboxReady bool
	// updates are readiness results not yet in the status.
	updates []proberesults.Update
}

func newStatusGen(s *sim) *statusGen {
	g := &statusGen{s: s, kl: &kubelet.Kubelet{}, reasons: kubelet.NewReasonCache()}
	setField(g.kl, "reasonCache", g.reasons)
	setField(g.kl, "containerRuntime", kubecontainer.Runtime(s.mgr))
	setField(g.kl, "containerManager", cm.ContainerManager(cm.NewFakeContainerManager()))
	return g
}

// generate is generateAPIPodStatus.
func (g *statusGen) generate(ctx context.Context, ps *kubecontainer.PodStatus, podIsTerminal bool) *v1.PodStatus {
	g.mu.Lock()
	old := v1.PodStatus{}
	if g.last != nil {
		old = *g.last.DeepCopy()
	}
	g.ps = ps
	g.mu.Unlock()
	pod := g.s.pod
	st := convertStatusToAPIStatus(g.kl, ctx, pod, ps, old)
	all := append(append([]v1.ContainerStatus{}, st.ContainerStatuses...), st.InitContainerStatuses...)
	st.Phase = getPhase(klog.FromContext(ctx), pod, all, podIsTerminal, kubecontainer.HasAnyActiveRegularContainerStarted(&pod.Spec, ps))
	if st.Phase != v1.PodFailed && st.Phase != v1.PodSucceeded && (old.Phase == v1.PodFailed || old.Phase == v1.PodSucceeded) {
		st.Phase = old.Phase
	}
	if st.Phase == old.Phase {
		st.Reason, st.Message = old.Reason, old.Message
	}
	g.s.prober.UpdatePodStatus(ctx, pod, st)
	st.Conditions = nil
	st.Conditions = append(st.Conditions, status.GeneratePodReadyToStartContainersCondition(pod, &old, ps))
	allc := append(append([]v1.ContainerStatus{}, st.InitContainerStatuses...), st.ContainerStatuses...)
	st.Conditions = append(st.Conditions, status.GeneratePodInitializedCondition(pod, &old, allc, st.Phase))
	st.Conditions = append(st.Conditions, status.GeneratePodReadyCondition(pod, &old, st.Conditions, allc, st.Phase))
	st.Conditions = append(st.Conditions, status.GenerateContainersReadyCondition(pod, &old, allc, st.Phase))
	st.Conditions = append(st.Conditions, v1.PodCondition{Type: v1.PodScheduled, Status: v1.ConditionTrue})
	if old.StartTime != nil {
		st.StartTime = old.StartTime
	} else {
		t := metav1.NewTime(time.Now())
		st.StartTime = &t
	}
	g.mu.Lock()
	g.pending = st
	g.updates = nil
	g.mu.Unlock()
	return st
}

// readinessChanged is the kubelet's sync loop on a readiness update: the
// status manager's SetContainerReadiness flips the container's ready flag
// in its copy of the status (at the next flush, by the driver), and the pod
// syncs (handleProbeSync).
func (g *statusGen) readinessChanged(u proberesults.Update) {
	g.mu.Lock()
	g.updates = append(g.updates, u)
	g.mu.Unlock()
	g.s.kick()
}

// setContainerReadiness is the status manager's SetContainerReadiness
// (status_manager.go) on the latest status.
func (g *statusGen) setContainerReadiness(st *v1.PodStatus, u proberesults.Update) *v1.PodStatus {
	ready := u.Result == proberesults.Success
	id := u.ContainerID.String()
	var cs *v1.ContainerStatus
	for _, list := range [][]v1.ContainerStatus{st.ContainerStatuses, st.InitContainerStatuses} {
		for i := range list {
			if list[i].ContainerID == id {
				cs = &list[i]
			}
		}
	}
	if cs == nil || cs.Ready == ready {
		return st
	}
	st = st.DeepCopy()
	for _, list := range [][]v1.ContainerStatus{st.ContainerStatuses, st.InitContainerStatuses} {
		for i := range list {
			if list[i].ContainerID == id {
				list[i].Ready = ready
			}
		}
	}
	pod := g.s.pod
	allc := append(append([]v1.ContainerStatus{}, st.InitContainerStatuses...), st.ContainerStatuses...)
	setCondition(st, status.GenerateContainersReadyCondition(pod, st, allc, st.Phase))
	setCondition(st, status.GeneratePodReadyCondition(pod, st, st.Conditions, allc, st.Phase))
	return st
}

// setCondition replaces the condition of c's type, or adds it.
func setCondition(st *v1.PodStatus, c v1.PodCondition) {
	for i := range st.Conditions {
		if st.Conditions[i].Type == c.Type {
			st.Conditions[i] = c
			return
		}
	}
	st.Conditions = append(st.Conditions, c)
}

// onSandboxReady is the runtime helper's OnPodSandboxReady.
func (g *statusGen) onSandboxReady() {
	g.mu.Lock()
	g.sandboxReady = true
	g.mu.Unlock()
}

// runtimeHelper is the kubelet as the runtime manager calls it back: the
// upstream fake, but for OnPodSandboxReady.
type runtimeHelper struct {
	*containertest.FakeRuntimeHelper
	s *sim
}

func (h runtimeHelper) OnPodSandboxReady(context.Context, *v1.Pod) error {
	h.s.status.onSandboxReady()
	return nil
}

// flush publishes the latest status if it changed. Only the driver calls
// it, at the end of an instant's moves (every goroutine blocked, nothing
// left to do), so each instant shows the last status generated in it, the
// same on every run.
func (g *statusGen) flush() {
	g.mu.Lock()
	st := g.pending
	g.pending = nil
	if g.sandboxReady {
		// OnPodSandboxReady (kubelet.go): the condition is set on the
		// status manager's copy as soon as the sandbox is up, while
		// the sync goes on.
		g.sandboxReady = false
		if st == nil && g.last != nil {
			st = g.last
		}
		if st != nil {
			st = st.DeepCopy()
			setCondition(st, v1.PodCondition{Type: v1.PodReadyToStartContainers, Status: v1.ConditionTrue})
		}
	}
	if len(g.updates) > 0 {
		if st == nil && g.last != nil {
			st = g.last
		}
		if st != nil {
			for _, u := range g.updates {
				st = g.setContainerReadiness(st, u)
			}
		}
		g.updates = nil
	}
	if st == nil {
		g.mu.Unlock()
		return
	}
	g.last = st.DeepCopy()
	// Compared as the trace shows it (whole seconds from the pod's
	// creation), so that a regenerated status that differs only below
	// the second is not a new one.
	out := g.s.toEpoch(st)
	if g.published != nil && model.StatusEqual(g.published, out) {
		g.mu.Unlock()
		return
	}
	g.published = out
	g.mu.Unlock()
	g.s.emitStatus(out)
}

// toEpoch moves a status's timestamps from the bubble's clock to the
// scenario's (virtual time 0 is the pod's creation).
func (s *sim) toEpoch(st *v1.PodStatus) *v1.PodStatus {
	c := st.DeepCopy()
	shift := func(t *metav1.Time) {
		if t != nil && !t.IsZero() {
			t.Time = s.epoch.Add(t.Time.Sub(s.t0)).Truncate(time.Second)
		}
	}
	shift(c.StartTime)
	for i := range c.Conditions {
		shift(&c.Conditions[i].LastTransitionTime)
		shift(&c.Conditions[i].LastProbeTime)
	}
	for _, list := range [][]v1.ContainerStatus{c.InitContainerStatuses, c.ContainerStatuses} {
		for i := range list {
			for _, cs := range []*v1.ContainerState{&list[i].State, &list[i].LastTerminationState} {
				if cs.Running != nil {
					shift(&cs.Running.StartedAt)
				}
				if cs.Terminated != nil {
					shift(&cs.Terminated.StartedAt)
					shift(&cs.Terminated.FinishedAt)
				}
			}
		}
	}
	return c
}

// statusProvider is the status manager as the prober manager sees it: the
// pod's latest status, and the readiness and startup results it reports
// (the next generated status carries them).
type statusProvider struct {
	status.Manager // nil: the prober uses only the methods below
	s              *sim
}

func (p statusProvider) GetPodStatus(types.UID) (v1.PodStatus, bool) {
	g := p.s.status
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.last == nil {
		return v1.PodStatus{}, false
	}
	return *g.last.DeepCopy(), true
}

func (p statusProvider) SetContainerReadiness(klog.Logger, types.UID, kubecontainer.ContainerID, bool) {
}

func (p statusProvider) SetContainerStartup(klog.Logger, types.UID, kubecontainer.ContainerID, bool) {
}
